"""courtyards app: program 5, beautiful courtyards (美丽庭院)."""
