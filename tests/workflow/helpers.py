"""Small helpers shared by the workflow tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    """An Asia/Shanghai datetime: ``at(2023, 9, 28, 16, 0)``."""
    return datetime(*args, tzinfo=SH)
