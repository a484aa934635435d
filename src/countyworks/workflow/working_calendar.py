"""The China working calendar: deadlines in working hours, working days or "same working day".

Which days are working days comes from the ``chinese-calendar`` package
(``chinese_calendar.is_workday``), which ships the State Council's yearly holiday notices
(国务院办公厅关于安排节假日的通知), public holidays *and* the 调休 make-up working days on
weekends. The package only knows the years it ships; outside them it raises
``NotImplementedError``: we then fall back to Monday–Friday and mark the deadline
``provisional`` until the package is updated (docs/rules/working-calendar-sla.md §2).

Office hours are data (:class:`countyworks.workflow.models.OfficeHours`); the default shipped
for Hunan county offices is 08:30–12:00 and 14:30–17:30 (6.5 working hours a day).

How periods are counted follows the Civil Code (《中华人民共和国民法典》, 2020):

- Art. 201: a period counted in days starts on the day *after* the event ("开始的当日不计入，
  自下一日开始计算") — so "N working days" are the N working days after the day a ticket is raised;
- Art. 203: when the last day is a statutory holiday, the period ends on the day after it; and
  where there are business hours, the period ends when business stops ("有业务时间的，停止业务
  活动的时间为截止时间") — so a day-counted deadline falls at the close of the afternoon session.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

#: The default office hours of Hunan county offices (morning and afternoon sessions).
DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))

#: A calendar walk never looks further than this (a safety bound, about ten years).
_MAX_DAYS = 3700


@dataclass(frozen=True)
class Deadline:
    """A computed due time; ``provisional`` when a day beyond chinese-calendar's data was assumed."""

    at: datetime
    provisional: bool = False


@functools.lru_cache(maxsize=8192)
def working_day(day: date) -> tuple[bool, bool]:
    """``(is_working_day, provisional)`` for ``day`` on the China calendar.

    >>> working_day(date(2023, 10, 2))   # 国庆节
    (False, False)
    >>> working_day(date(2023, 10, 7))   # Saturday, 调休 working day
    (True, False)
    >>> working_day(date(2100, 1, 4))    # a Monday beyond the package's data
    (True, True)
    """
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def default_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class WorkingCalendar:
    """Deadline arithmetic over working days and office-hour sessions in one time zone."""

    def __init__(
        self, sessions: Sequence[tuple[time, time]] = DEFAULT_SESSIONS, tz: ZoneInfo | None = None
    ) -> None:
        if not sessions:
            raise ValueError("a working calendar needs at least one office-hour session")
        ordered = sorted(sessions)
        for (start, end), following in zip(ordered, [*ordered[1:], None], strict=True):
            if not start < end:
                raise ValueError(f"office-hour session {start}–{end} ends before it starts")
            if following is not None and following[0] < end:
                raise ValueError("office-hour sessions overlap")
        self.sessions: tuple[tuple[time, time], ...] = tuple(ordered)
        self.tz = tz or default_timezone()

    @property
    def close(self) -> time:
        """When the office day ends (end of the last session)."""
        return self.sessions[-1][1]

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def next_working_day(self, day: date) -> tuple[date, bool]:
        """The first working day strictly after ``day``, and whether a provisional day was crossed."""
        provisional = False
        for offset in range(1, _MAX_DAYS):
            candidate = day + timedelta(days=offset)
            working, assumed = working_day(candidate)
            provisional |= assumed
            if working:
                return candidate, provisional
        raise ValueError(f"no working day within {_MAX_DAYS} days after {day}")

    def add_working_hours(self, start: datetime, hours: Decimal | float | int) -> Deadline:
        """``start`` plus ``hours`` of office time: only sessions of working days count.

        Raised outside office hours, the clock starts at the next session. A deadline that
        lands exactly on the end of a session is that end (12:00, not 14:30).
        """
        remaining = timedelta(hours=float(hours))
        if remaining <= timedelta(0):
            raise ValueError("working hours must be positive")
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        provisional = False
        for _ in range(_MAX_DAYS):
            working, assumed = working_day(day)
            provisional |= assumed
            if working:
                for session_start, session_end in self.sessions:
                    begin = max(cursor, self._at(day, session_start))
                    end = self._at(day, session_end)
                    if begin >= end:
                        continue
                    available = end - begin
                    if remaining <= available:
                        return Deadline(begin + remaining, provisional)
                    remaining -= available
            day += timedelta(days=1)
            cursor = self._at(day, time(0, 0))
        raise ValueError(f"{hours} working hours do not fit in {_MAX_DAYS} days")

    def add_working_days(self, start: datetime, days: int) -> Deadline:
        """Close of office on the ``days``-th working day after the day of ``start`` (民法典 Art. 201, 203)."""
        if days <= 0:
            raise ValueError("working days must be positive")
        day = start.astimezone(self.tz).date()
        provisional = False
        for _ in range(days):
            day, assumed = self.next_working_day(day)
            provisional |= assumed
        return Deadline(self._at(day, self.close), provisional)

    def same_working_day(self, start: datetime, cutoff: time) -> Deadline:
        """问题不过夜: raised on a working day before ``cutoff``, due at that day's close; else the next one's."""
        local = start.astimezone(self.tz)
        working, provisional = working_day(local.date())
        if working and local.time() < cutoff:
            return Deadline(self._at(local.date(), self.close), provisional)
        day, assumed = self.next_working_day(local.date())
        return Deadline(self._at(day, self.close), provisional or assumed)
