"""innovation app."""
