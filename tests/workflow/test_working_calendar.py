"""Deadlines on the China working calendar, pinned against chinese-calendar's own data.

The 2023 National Day holiday (国务院办公厅〔2022〕37号): 9月29日至10月6日放假调休，共8天；
10月7日（星期六）、10月8日（星期日）上班. The 2024 Mid-Autumn Festival (国办发明电〔2023〕7号):
9月15日至17日放假调休，9月14日（星期六）上班. Each test first asserts those facts from
``chinese_calendar`` itself, so a wrong assumption fails loudly rather than silently.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import chinese_calendar as cc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.workflow.models import OfficeHours, SlaKind, SlaPolicy
from countyworks.workflow.working_calendar import DEFAULT_SESSIONS, DayTable, WorkingCalendar

from .helpers import SH, at

#: chinese-calendar's data and the computed fallback, without notice data (no database needed).
working_day = DayTable().working_day

CAL = WorkingCalendar(tz=SH, days=DayTable())


def test_the_calendar_facts_the_tests_rely_on():
    # An ordinary weekend.
    assert not cc.is_workday(date(2023, 9, 23)) and not cc.is_workday(date(2023, 9, 24))
    # 国庆 2023: 9-29 (中秋) to 10-06 off; Saturday 10-07 and Sunday 10-08 are 调休 working days.
    for day in range(29, 31):
        assert cc.is_holiday(date(2023, 9, day))
    for day in range(1, 7):
        assert cc.is_holiday(date(2023, 10, day))
    assert date(2023, 10, 7).weekday() == 5 and cc.is_workday(date(2023, 10, 7))
    assert date(2023, 10, 8).weekday() == 6 and cc.is_workday(date(2023, 10, 8))
    # 中秋 2024: Saturday 09-14 is a 调休 working day, 09-15..17 off.
    assert date(2024, 9, 14).weekday() == 5 and cc.is_workday(date(2024, 9, 14))
    assert all(cc.is_holiday(date(2024, 9, d)) for d in (15, 16, 17))


def test_default_office_hours_are_the_hunan_county_sessions(db):
    assert DEFAULT_SESSIONS == ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
    hours = OfficeHours.objects.get(code="hunan-county")  # seeded by the data migration
    assert hours.sessions() == DEFAULT_SESSIONS


# --- Working hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(at(2023, 9, 20, 9, 0), 2, at(2023, 9, 20, 11, 0), id="within-morning"),
        pytest.param(at(2023, 9, 20, 11, 0), 2, at(2023, 9, 20, 15, 30), id="across-lunch"),
        pytest.param(at(2023, 9, 20, 7, 0), 1, at(2023, 9, 20, 9, 30), id="before-office-opens"),
        pytest.param(at(2023, 9, 20, 12, 30), 1, at(2023, 9, 20, 15, 30), id="raised-at-lunch"),
        pytest.param(at(2023, 9, 20, 10, 0), 2, at(2023, 9, 20, 12, 0), id="ends-on-session-end"),
        pytest.param(at(2023, 9, 22, 16, 30), 4, at(2023, 9, 25, 11, 30), id="weekend"),
        pytest.param(
            at(2023, 9, 28, 16, 0), 4, at(2023, 10, 7, 11, 0), id="national-day-then-tiaoxiu-saturday"
        ),
        pytest.param(at(2024, 9, 13, 17, 0), 2, at(2024, 9, 14, 10, 0), id="tiaoxiu-saturday"),
        pytest.param(at(2023, 10, 7, 16, 0), 3, at(2023, 10, 8, 10, 0), id="tiaoxiu-saturday-to-sunday"),
        pytest.param(at(2023, 9, 20, 9, 0), Decimal("0.5"), at(2023, 9, 20, 9, 30), id="half-hour"),
    ],
)
def test_working_hours(start, hours, due):
    deadline = CAL.add_working_hours(start, hours)
    assert deadline.at == due
    assert not deadline.provisional


# --- Working days (民法典 Art. 201: the raise day does not count; Art. 203: due at close of office) ------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        pytest.param(at(2023, 9, 20, 10, 0), 1, at(2023, 9, 21, 17, 30), id="next-day"),
        pytest.param(at(2023, 9, 22, 10, 0), 1, at(2023, 9, 25, 17, 30), id="weekend"),
        pytest.param(at(2023, 9, 22, 10, 0), 3, at(2023, 9, 27, 17, 30), id="weekend-3"),
        pytest.param(
            at(2023, 9, 27, 10, 0), 3, at(2023, 10, 8, 17, 30), id="national-day-and-both-tiaoxiu-days"
        ),
        pytest.param(at(2023, 9, 30, 10, 0), 1, at(2023, 10, 7, 17, 30), id="raised-during-holiday"),
        pytest.param(at(2024, 9, 13, 10, 0), 1, at(2024, 9, 14, 17, 30), id="tiaoxiu-saturday"),
        pytest.param(at(2024, 9, 13, 10, 0), 2, at(2024, 9, 18, 17, 30), id="tiaoxiu-then-mid-autumn"),
        pytest.param(at(2023, 9, 20, 23, 30), 1, at(2023, 9, 21, 17, 30), id="late-evening"),
    ],
)
def test_working_days(start, days, due):
    deadline = CAL.add_working_days(start, days)
    assert deadline.at == due
    assert not deadline.provisional


# --- Same working day with a cut-off (问题不过夜) ------------------------------------------------------

CUTOFF = time(16, 0)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        pytest.param(at(2023, 9, 22, 15, 59), at(2023, 9, 22, 17, 30), id="before-cutoff"),
        pytest.param(at(2023, 9, 22, 7, 45), at(2023, 9, 22, 17, 30), id="before-office-opens"),
        pytest.param(at(2023, 9, 22, 16, 0), at(2023, 9, 25, 17, 30), id="at-cutoff-friday-weekend"),
        pytest.param(at(2023, 9, 23, 10, 0), at(2023, 9, 25, 17, 30), id="raised-on-saturday"),
        pytest.param(at(2023, 9, 28, 16, 30), at(2023, 10, 7, 17, 30), id="after-cutoff-before-national-day"),
        pytest.param(at(2023, 10, 3, 10, 0), at(2023, 10, 7, 17, 30), id="raised-on-national-day"),
        pytest.param(at(2023, 10, 7, 10, 0), at(2023, 10, 7, 17, 30), id="tiaoxiu-saturday-same-day"),
        pytest.param(at(2023, 10, 7, 16, 10), at(2023, 10, 8, 17, 30), id="tiaoxiu-saturday-after-cutoff"),
        pytest.param(at(2024, 9, 14, 9, 0), at(2024, 9, 14, 17, 30), id="tiaoxiu-saturday-2024"),
    ],
)
def test_same_working_day(start, due):
    deadline = CAL.same_working_day(start, CUTOFF)
    assert deadline.at == due
    assert not deadline.provisional


# --- SLA policies as data, each kind --------------------------------------------------------------------


@pytest.fixture
def hours(db):
    return OfficeHours.objects.get(code="hunan-county")


@pytest.mark.parametrize(
    ("kind", "amount", "start", "due"),
    [
        (SlaKind.WORKING_HOURS, Decimal("4"), at(2023, 9, 28, 16, 0), at(2023, 10, 7, 11, 0)),
        (SlaKind.WORKING_DAYS, Decimal("3"), at(2023, 9, 27, 10, 0), at(2023, 10, 8, 17, 30)),
        (SlaKind.SAME_WORKING_DAY, None, at(2023, 9, 28, 16, 30), at(2023, 10, 7, 17, 30)),
        (SlaKind.WORKING_HOURS, Decimal("2"), at(2024, 9, 13, 17, 0), at(2024, 9, 14, 10, 0)),
        (SlaKind.WORKING_DAYS, Decimal("1"), at(2024, 9, 13, 10, 0), at(2024, 9, 14, 17, 30)),
        (SlaKind.SAME_WORKING_DAY, None, at(2024, 9, 13, 16, 5), at(2024, 9, 14, 17, 30)),
    ],
)
def test_policy_resolution_deadline_for_each_kind(hours, kind, amount, start, due):
    policy = SlaPolicy(
        code="t", name="t", resolution_kind=kind, resolution_amount=amount, cutoff=CUTOFF, office_hours=hours
    )
    policy.full_clean()
    response, resolution = policy.deadlines(start, CAL)
    assert response is None
    assert resolution.at == due


def test_seeded_overnight_policy(hours):
    policy = SlaPolicy.objects.get(code="overnight")
    response, resolution = policy.deadlines(at(2023, 9, 28, 15, 0))
    assert response.at == at(2023, 9, 28, 17, 0)  # 2 working hours
    assert resolution.at == at(2023, 9, 28, 17, 30)  # before the 16:00 cut-off: the same day
    _response, late = policy.deadlines(at(2023, 9, 28, 16, 5))
    assert late.at == at(2023, 10, 7, 17, 30)  # after the cut-off: the next working day, past 国庆


def test_policy_validation(hours):
    with pytest.raises(Exception, match="截止受理时间"):
        SlaPolicy(
            code="x", name="x", resolution_kind=SlaKind.SAME_WORKING_DAY, office_hours=hours
        ).full_clean()
    with pytest.raises(Exception, match="大于 0"):
        SlaPolicy(code="y", name="y", resolution_kind=SlaKind.WORKING_HOURS, office_hours=hours).full_clean()
    with pytest.raises(Exception, match="整数"):
        SlaPolicy(
            code="z",
            name="z",
            resolution_kind=SlaKind.WORKING_DAYS,
            resolution_amount=Decimal("1.5"),
            office_hours=hours,
        ).full_clean()


def test_office_hours_validation(db):
    bad = OfficeHours(code="bad", name="bad", morning_start=time(9), morning_end=time(8))
    with pytest.raises(Exception, match="作息时间无效"):
        bad.full_clean()
    single = OfficeHours(
        code="single",
        name="单班",
        morning_start=time(9),
        morning_end=time(17),
        afternoon_start=None,
        afternoon_end=None,
    )
    single.full_clean()
    assert WorkingCalendar(single.sessions(), days=DayTable()).add_working_hours(
        at(2023, 9, 22, 16, 0), 2
    ).at == at(2023, 9, 25, 10, 0)


# --- Beyond the package's years: Monday–Friday, provisional ---------------------------------------------


def test_years_beyond_the_package_fall_back_to_weekdays_and_are_provisional():
    with pytest.raises(NotImplementedError):
        cc.is_workday(date(2100, 1, 4))
    assert working_day(date(2100, 1, 4)) == (True, True)  # Monday
    assert working_day(date(2100, 1, 2)) == (False, True)  # Saturday
    friday = at(2100, 1, 1, 10, 0)
    assert friday.weekday() == 4
    days = CAL.add_working_days(friday, 1)
    assert days.at == at(2100, 1, 4, 17, 30) and days.provisional
    hours = CAL.add_working_hours(at(2100, 1, 1, 17, 0), 1)
    assert hours.at == at(2100, 1, 4, 9, 30) and hours.provisional  # Friday 1-1 is 元旦, a statutory holiday
    same = CAL.same_working_day(at(2100, 1, 1, 16, 30), CUTOFF)
    assert same.at == at(2100, 1, 4, 17, 30) and same.provisional


# --- Cross-check against an independent oracle over chinese-calendar ------------------------------------


def _oracle_working_seconds(start: datetime, end: datetime) -> float:
    """Office seconds in [start, end), summed day by day straight from ``chinese_calendar.is_workday``."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        if cc.is_workday(day):
            for s, e in DEFAULT_SESSIONS:
                lo = max(start, datetime.combine(day, s, tzinfo=SH))
                hi = min(end, datetime.combine(day, e, tzinfo=SH))
                total += max(0.0, (hi - lo).total_seconds())
        day += timedelta(days=1)
    return total


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2025, 12, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SH)
)


@settings(max_examples=150, deadline=None)
@given(start=moments, hours=st.integers(min_value=1, max_value=40))
def test_working_hours_match_the_oracle(start, hours):
    due = CAL.add_working_hours(start, hours).at
    assert _oracle_working_seconds(start, due) == pytest.approx(hours * 3600)
    assert cc.is_workday(due.date())


@settings(max_examples=150, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=15))
def test_working_days_match_the_oracle(start, days):
    due = CAL.add_working_days(start, days).at
    assert due.time() == time(17, 30) and cc.is_workday(due.date())
    between = [start.date() + timedelta(days=n) for n in range(1, (due.date() - start.date()).days + 1)]
    assert sum(cc.is_workday(d) for d in between) == days
