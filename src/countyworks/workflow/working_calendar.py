"""The China working calendar: deadlines in working hours, working days or "same working day".

Which days are working days, in order of precedence:

1. the State Council's yearly notice as entered by an administrator
   (:class:`countyworks.workflow.models.HolidayNotice`): the listed holidays are off, the listed
   调休 days are worked, and a year with notice data is no longer provisional;
2. the ``chinese-calendar`` package (``chinese_calendar.is_workday``), which ships the notices of
   the years it knows (public holidays *and* the 调休 make-up working days on weekends);
3. beyond both, Monday–Friday minus the statutory holidays of 《全国年节及纪念日放假办法》
   (:func:`countyworks.workflow.holidays.statutory_holidays`) — *provisional*, since the 调休 of
   a year are only known from its notice; deadlines computed from such a day are marked so
   (docs/rules/working-calendar-sla.md §2).

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
import threading
import time as clock
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from countyworks.workflow.holidays import statutory_holidays

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
def package_working_day(day: date) -> tuple[bool, bool]:
    """``(is_working_day, provisional)`` from chinese-calendar, else the computed fallback.

    >>> package_working_day(date(2023, 10, 7))   # Saturday, 调休 working day
    (True, False)
    >>> package_working_day(date(2100, 1, 4))    # a Monday beyond the package's data
    (True, True)
    >>> package_working_day(date(2027, 1, 1))    # 元旦 beyond the package's data
    (False, True)
    """
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_holidays(day.year), True


class DayTable:
    """Working days: notice data (``date → is_working_day``) over chinese-calendar over the fallback.

    ``notice`` holds the days the State Council's notices list (holidays ``False``, 调休 working
    days ``True``); any other day is decided by chinese-calendar, else by the computed statutory
    holidays. A year with notice data is not provisional: its notice has been entered.
    """

    def __init__(self, notice: Mapping[date, bool] | None = None) -> None:
        self.notice: dict[date, bool] = dict(notice or {})
        self.years = frozenset(day.year for day in self.notice)

    def working_day(self, day: date) -> tuple[bool, bool]:
        listed = self.notice.get(day)
        if listed is not None:
            return listed, False
        working, provisional = package_working_day(day)
        return working, provisional and day.year not in self.years


#: How long a process keeps the notice data it read before reading it again: another process (a
#: web worker, the task consumer) sees an administrator's change within this many seconds; the
#: process that made the change sees it at once (:func:`notices_changed`).
NOTICE_TTL_SECONDS = 60.0

_lock = threading.Lock()
_table: DayTable | None = None
_loaded_at = 0.0
_loader: Callable[[], Mapping[date, bool]] | None = None


def set_notice_loader(loader: Callable[[], Mapping[date, bool]]) -> None:
    """Install the function reading the notice data (the workflow app's ready() does)."""
    global _loader
    _loader = loader
    notices_changed()


def notices_changed() -> None:
    """Forget the notice data read so far: the next lookup reads it again."""
    global _table
    with _lock:
        _table = None


def current_days() -> DayTable:
    """The day table in force: the notice data as last read (at most :data:`NOTICE_TTL_SECONDS` old)."""
    global _table, _loaded_at
    now = clock.monotonic()
    table = _table
    if table is None or now - _loaded_at > NOTICE_TTL_SECONDS:
        table = DayTable(_loader() if _loader is not None else None)
        with _lock:
            _table, _loaded_at = table, now
    return table


def working_day(day: date) -> tuple[bool, bool]:
    """``(is_working_day, provisional)`` for ``day`` on the China calendar in force.

    >>> working_day(date(2023, 10, 2))   # 国庆节
    (False, False)
    """
    return current_days().working_day(day)


def default_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class WorkingCalendar:
    """Deadline arithmetic over working days and office-hour sessions in one time zone."""

    def __init__(
        self,
        sessions: Sequence[tuple[time, time]] = DEFAULT_SESSIONS,
        tz: ZoneInfo | None = None,
        days: DayTable | None = None,
    ) -> None:
        """``days``: a fixed day table (default: the one in force, :func:`current_days`, at each lookup)."""
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
        self.days = days

    def working_day(self, day: date) -> tuple[bool, bool]:
        return (self.days or current_days()).working_day(day)

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
            working, assumed = self.working_day(candidate)
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
            working, assumed = self.working_day(day)
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
        """问题不过夜: raised on a working day before ``cutoff``, due at that day's close; else the next one's.

        A cutoff set later than the close counts as the close: a ticket raised after the office has
        closed is never due earlier the same evening.
        """
        local = start.astimezone(self.tz)
        working, provisional = self.working_day(local.date())
        if working and local.time() < min(cutoff, self.close):
            return Deadline(self._at(local.date(), self.close), provisional)
        day, assumed = self.next_working_day(local.date())
        return Deadline(self._at(day, self.close), provisional or assumed)
