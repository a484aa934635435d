"""The working calendar beyond chinese-calendar, the holiday notices as data, and deadline sanity.

Facts used: 《全国年节及纪念日放假办法》(国务院令第795号, 2024 revision) 第二条; chinese-calendar's own
data for 2020–2026. The 2027 notice rows entered below are invented test data (the real notice is
published by the State Council late in the preceding year).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import chinese_calendar as cc
import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st
from lunar_python import Solar

from countyworks.core.importing import IMPORTERS
from countyworks.workflow import holidays, services
from countyworks.workflow.models import HolidayNotice, OfficeHours, SlaKind, SlaPolicy, Status, Ticket
from countyworks.workflow.working_calendar import DayTable, WorkingCalendar, working_day

from .helpers import SH, at

BARE = WorkingCalendar(tz=SH, days=DayTable())


# --- 问题不过夜: the response deadline never falls after the resolution deadline -------------------


@pytest.mark.parametrize(
    "opened",
    [
        pytest.param(at(2023, 9, 28, 15, 45), id="before-national-day"),
        pytest.param(at(2024, 2, 8, 15, 45), id="2024"),
    ],
)
def test_overnight_response_is_not_after_resolution(db, opened):
    response, resolution = SlaPolicy.objects.get(code="overnight").deadlines(opened)
    assert resolution.at == opened.replace(hour=17, minute=30)
    assert response.at == resolution.at  # 2 working hours would run to the next working day 08:45


def test_ticket_response_is_capped_by_a_given_due_date(world, louxing):
    ticket = services.ticket_open(
        subject=world.lx.subject,
        title="t",
        category="other",
        region="431302",
        policy_code="service-3d",  # 4 working hours to respond
        acting_user=louxing,
        opened_at=at(2023, 9, 20, 15, 0),
        due_at=at(2023, 9, 20, 16, 0),
    )
    assert ticket.response_due == at(2023, 9, 20, 16, 0)


_HOURS = OfficeHours(code="h", name="h")
_kinds = st.sampled_from(list(SlaKind))
_amounts = st.integers(min_value=1, max_value=30).map(Decimal)
_moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2028, 12, 1),
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=SH))


@settings(max_examples=300, deadline=None)
@given(
    response_kind=_kinds,
    response_amount=_amounts,
    resolution_kind=_kinds,
    resolution_amount=_amounts,
    cutoff=st.times(min_value=time(8, 0), max_value=time(18, 0)).map(
        lambda t: t.replace(second=0, microsecond=0)
    ),
    opened=_moments,
)
def test_response_is_never_after_resolution(
    response_kind, response_amount, resolution_kind, resolution_amount, cutoff, opened
):
    policy = SlaPolicy(
        response_kind=response_kind,
        response_amount=response_amount,
        resolution_kind=resolution_kind,
        resolution_amount=resolution_amount,
        cutoff=cutoff,
        office_hours=_HOURS,
    )
    response, resolution = policy.deadlines(opened, BARE)
    assert response is not None and response.at <= resolution.at
    assert resolution.at >= opened


def test_a_cutoff_after_closing_time_never_gives_a_deadline_before_the_ticket():
    """Found by the property above: cutoff 18:00, office closing 17:30, a ticket at 17:31."""
    policy = SlaPolicy(
        response_kind=SlaKind.SAME_WORKING_DAY,
        resolution_kind=SlaKind.SAME_WORKING_DAY,
        cutoff=time(18, 0),
        office_hours=_HOURS,
    )
    opened = at(2023, 9, 27, 17, 31)
    response, resolution = policy.deadlines(opened, BARE)
    assert resolution.at == at(2023, 9, 28, 17, 30) and response.at <= resolution.at


# --- Round-the-clock duties: natural hours -------------------------------------------------------------


def test_natural_hours_run_through_nights_and_holidays():
    policy = SlaPolicy(
        response_kind=SlaKind.NATURAL_HOURS,
        response_amount=Decimal("1"),
        resolution_kind=SlaKind.NATURAL_HOURS,
        resolution_amount=Decimal("4"),
        office_hours=_HOURS,
    )
    response, resolution = policy.deadlines(at(2023, 10, 1, 22, 30), BARE)  # 国庆节, at night
    assert response.at == at(2023, 10, 1, 23, 30) and resolution.at == at(2023, 10, 2, 2, 30)
    assert not resolution.provisional


def test_natural_hours_need_an_amount(db):
    with pytest.raises(Exception, match="大于 0"):
        SlaPolicy(
            code="n",
            name="n",
            resolution_kind=SlaKind.NATURAL_HOURS,
            office_hours=OfficeHours.objects.first(),
        ).full_clean()


def test_the_alarm_policy_is_round_the_clock(db):
    from countyworks.energy.services import ALARM_TICKET_POLICY

    policy = SlaPolicy.objects.get(code=ALARM_TICKET_POLICY)
    assert policy.response_kind == policy.resolution_kind == SlaKind.NATURAL_HOURS
    response, resolution = policy.deadlines(at(2024, 2, 10, 3, 0))  # 春节, 03:00
    assert response.at == at(2024, 2, 10, 4, 0) and resolution.at == at(2024, 2, 10, 7, 0)


# --- The statutory holidays, computed (the fallback past chinese-calendar's years) ----------------------


@pytest.mark.parametrize("year", range(2020, 2027))
def test_lunar_library_finds_chuxi_and_qingming_as_chinese_calendar_does(year):
    days = holidays.statutory_holidays(year)
    spring = sorted(d for d, name in days.items() if name == holidays.SPRING_FESTIVAL)
    chuxi, first_moon = spring[0], spring[1]
    assert cc.get_holiday_detail(first_moon) == (True, holidays.SPRING_FESTIVAL)
    lunar = Solar.fromYmd(chuxi.year, chuxi.month, chuxi.day).getLunar()
    assert lunar.getMonth() == 12 and lunar.getDay() in (29, 30)  # the last day of 腊月
    assert Solar.fromYmd(first_moon.year, first_moon.month, first_moon.day).getLunar().getDay() == 1
    (qingming,) = [d for d, name in days.items() if name == holidays.TOMB_SWEEPING_DAY]
    assert cc.get_holiday_detail(qingming) == (True, holidays.TOMB_SWEEPING_DAY)


def test_chuxi_on_the_29th():
    assert date(2026, 2, 16) in holidays.statutory_holidays(2026)  # 乙巳年腊月只有 29 天
    assert Solar.fromYmd(2026, 2, 16).getLunar().getDay() == 29


@pytest.mark.parametrize("year", [2025, 2026])
def test_fallback_reproduces_chinese_calendars_statutory_holidays(year):
    """Under the 2024 revision every computed day is a holiday of the same name in chinese-calendar;
    chinese-calendar's other holidays of those years are 调休 (moved weekdays) or weekends."""
    days = holidays.statutory_holidays(year)
    assert len(days) == 13
    for day, name in days.items():
        assert cc.get_holiday_detail(day) == (True, name), day
    shifted = [
        d
        for d in (date(year, 1, 1) + timedelta(n) for n in range(366))
        if d.year == year and cc.is_holiday(d) and d.weekday() < 5 and d not in days
    ]
    assert all(cc.get_holiday_detail(d)[1] in holidays.HOLIDAY_NAMES_ZH for d in shifted)


def test_beyond_the_package_new_years_day_is_a_holiday():
    with pytest.raises(NotImplementedError):
        cc.is_workday(date(2027, 1, 1))
    assert DayTable().working_day(date(2027, 1, 1)) == (False, True)  # 元旦, a Friday
    assert DayTable().working_day(date(2027, 2, 5)) == (False, True)  # 除夕 2027
    assert DayTable().working_day(date(2027, 1, 4)) == (True, True)
    same = BARE.same_working_day(at(2026, 12, 31, 16, 30), time(16, 0))
    assert same.at == at(2027, 1, 4, 17, 30) and same.provisional


def test_notice_data_takes_precedence():
    table = DayTable({date(2023, 10, 7): False, date(2027, 1, 2): True})
    assert table.working_day(date(2023, 10, 7)) == (False, False)  # over chinese-calendar
    assert table.working_day(date(2023, 10, 2)) == (False, False)  # unlisted: chinese-calendar
    assert table.working_day(date(2027, 1, 2)) == (True, False)  # a 调休 Saturday, not provisional
    assert table.working_day(date(2027, 1, 1)) == (False, False)  # unlisted: the statutory 元旦, now certain
    assert table.working_day(date(2027, 1, 4)) == (True, False)
    assert table.working_day(date(2028, 1, 3)) == (True, True)  # no notice, no package: provisional


# --- Notices as data: entering one recomputes open tickets ---------------------------------------------


def _overnight_ticket(world, user, opened, **extra):
    return services.ticket_open(
        subject=world.lx.subject,
        title="问题",
        category="other",
        region="431302",
        policy_code="overnight",
        acting_user=user,
        opened_at=opened,
        **extra,
    )


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="x")


def test_entering_a_notice_recomputes_open_tickets(
    world, louxing, admin_user, django_capture_on_commit_callbacks
):
    raised = _overnight_ticket(world, louxing, at(2026, 12, 31, 16, 30))
    assert raised.resolution_due == at(2027, 1, 4, 17, 30) and raised.due_provisional
    fixed = _overnight_ticket(world, louxing, at(2026, 12, 31, 16, 30), due_at=at(2027, 1, 4, 12, 0))
    done = _overnight_ticket(world, louxing, at(2026, 12, 31, 16, 30))
    Ticket.objects.filter(pk=done.pk).update(status=Status.CLOSED)
    earlier = _overnight_ticket(world, louxing, at(2026, 12, 1, 10, 0))

    with django_capture_on_commit_callbacks(execute=True):
        count = services.holiday_notice_save(
            notice=HolidayNotice(day=date(2027, 1, 4), kind="holiday", name="元旦", document="（测试数据）"),
            acting_user=admin_user,
        )
    assert count == 2  # ``raised``; and ``fixed``, whose response deadline moves (its due date stays)
    raised.refresh_from_db()
    assert raised.resolution_due == at(2027, 1, 5, 17, 30)  # 1-1 元旦, 1-4 (test notice) off
    assert not raised.due_provisional
    assert raised.escalate_at == raised.resolution_due
    assert raised.history.first().history_change_reason == "节假日安排变更，重新计算时限"
    assert raised.history.first().history_user == admin_user
    for untouched, due in ((fixed, at(2027, 1, 4, 12, 0)), (earlier, at(2026, 12, 1, 17, 30))):
        untouched.refresh_from_db()
        assert untouched.resolution_due == due
    done.refresh_from_db()
    assert done.resolution_due == at(2027, 1, 4, 17, 30)
    assert working_day(date(2027, 1, 4)) == (False, False)  # the process reads the notice after commit

    notice = HolidayNotice.objects.get(day=date(2027, 1, 4))
    assert services.holiday_notice_delete(notice=notice, acting_user=admin_user) == 2
    raised.refresh_from_db()
    assert raised.resolution_due == at(2027, 1, 4, 17, 30) and raised.due_provisional


def test_only_superusers_enter_notices(world, louxing):
    with pytest.raises(PermissionDenied):
        services.holiday_notice_save(
            notice=HolidayNotice(day=date(2027, 1, 4), kind="holiday", name="元旦"), acting_user=louxing
        )


CSV = "日期,安排,节日,通知文号\n2027-01-01,放假,元旦,（测试数据）\n2027-01-04,放假,元旦,（测试数据）\n2027-01-09,调休上班,元旦,（测试数据）\n"


def test_import_kind_enters_a_notice_and_recomputes(world, louxing, admin_user):
    ticket = _overnight_ticket(world, louxing, at(2026, 12, 31, 16, 30))
    importer = IMPORTERS["holiday-notices"]
    refused = importer.import_rows(importer.read(CSV.encode()), acting_user=louxing)
    assert not refused.written and refused.errors
    result = importer.import_rows(importer.read(CSV.encode()), acting_user=admin_user)
    assert result.written and result.created == 3 and not result.errors
    assert HolidayNotice.objects.get(day=date(2027, 1, 9)).kind == HolidayNotice.Kind.WORKDAY
    ticket.refresh_from_db()
    assert ticket.resolution_due == at(2027, 1, 5, 17, 30) and not ticket.due_provisional
    again = importer.import_rows(importer.read(CSV.encode()), acting_user=admin_user)
    assert not again.written and again.unchanged == 3


def test_admin_enters_a_notice_day_and_open_tickets_follow(world, louxing, admin_user, client):
    ticket = _overnight_ticket(world, louxing, at(2026, 12, 31, 16, 30))
    client.force_login(admin_user)
    response = client.post(
        "/admin/workflow/holidaynotice/add/",
        {"day": "2027-01-04", "kind": "holiday", "name": "元旦", "document": "（测试数据）"},
        follow=True,
    )
    assert response.status_code == 200
    assert "重新计算 1 张在办工单的时限" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.resolution_due == at(2027, 1, 5, 17, 30) and not ticket.due_provisional
    notice = HolidayNotice.objects.get(day=date(2027, 1, 4))
    assert notice.history.first().history_user == admin_user
