"""Core: regions, organisations, people, role grants and area scoping, audit, import/export, jobs."""
