"""workflow app."""
