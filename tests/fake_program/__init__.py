"""A tiny program app for tests/test_programs.py: one directory, plugged in only by INSTALLED_APPS."""
