"""Statistics by unit and period against hand-computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countyworks.core.actors import SYSTEM
from countyworks.core.periods import Period
from countyworks.workflow import selectors, services
from countyworks.workflow.models import Category, Status

from .helpers import at


def _ticket(world, opened, *steps, owner_post=None):
    ticket = services.ticket_open(
        subject=world.lx.subject,
        title="问题",
        category=Category.OTHER,
        region="431302",
        policy_code="service-3d",
        opened_at=opened,
        acting_user=SYSTEM,
        owner_post=owner_post,
    )
    for status, when, *comment in steps:
        services.ticket_transition(
            ticket=ticket,
            to_status=status,
            at=when,
            comment=comment[0] if comment else "",
            acting_user=SYSTEM,
        )
    return ticket


@pytest.fixture
def history(world):
    """Q2 2023 in 娄星: five tickets of the task force's unit, one of the government's (see the test)."""
    monday = at(2023, 5, 8, 9, 0)  # 3 working days → due Thursday 05-11 17:30
    _ticket(
        world,
        monday,
        (Status.IN_PROGRESS, at(2023, 5, 8, 10, 0)),
        (Status.PENDING, at(2023, 5, 8, 11, 0)),
        (Status.RESOLVED, at(2023, 5, 9, 9, 0)),
    )  # 2 h, in time
    _ticket(
        world,
        monday,
        (Status.IN_PROGRESS, at(2023, 5, 8, 10, 0)),
        (Status.PENDING, at(2023, 5, 8, 13, 0)),
        (Status.RESOLVED, at(2023, 5, 9, 9, 0)),
    )  # 4 h, in time
    _ticket(
        world,
        monday,
        (Status.IN_PROGRESS, at(2023, 5, 8, 10, 0)),
        (Status.PENDING, at(2023, 5, 12, 9, 0)),
        (Status.RESOLVED, at(2023, 5, 12, 10, 0)),
    )  # 96 h, late
    _ticket(world, at(2023, 5, 9, 9, 0), (Status.IN_PROGRESS, at(2023, 5, 9, 10, 0)))  # still open: overdue
    _ticket(
        world, at(2023, 5, 10, 9, 0), (Status.CLOSED, at(2023, 5, 10, 10, 0), "重复提交")
    )  # withdrawn in time
    _ticket(
        world,
        at(2023, 6, 1, 9, 0),
        (Status.IN_PROGRESS, at(2023, 6, 1, 10, 0)),
        (Status.PENDING, at(2023, 6, 1, 19, 0)),
        (Status.RESOLVED, at(2023, 6, 2, 9, 0)),
        owner_post=world.lx.posts[1],
    )  # 10 h, in time, the government's unit


def test_quarter_by_unit(louxing, world, history):
    report = selectors.ticket_stats(user=louxing, period=Period.parse("2023Q2"))
    rows = {r.label: r for r in report.rows}
    unit = rows["431302 牵头单位"]
    assert (unit.opened, unit.closed, unit.overdue, unit.resolved) == (5, 4, 2, 3)
    assert unit.median_hours == Decimal("4.0")
    assert unit.within_sla_percent == Decimal("66.7")
    government = rows["431302 人民政府"]
    assert (government.opened, government.closed, government.overdue, government.resolved) == (1, 1, 0, 1)
    assert government.median_hours == Decimal("10.0") and government.within_sla_percent == Decimal("100.0")
    total = report.total
    assert (total.opened, total.closed, total.overdue, total.resolved) == (6, 5, 2, 4)
    assert total.median_hours == Decimal("7.0")  # median of 2, 4, 10, 96
    assert total.within_sla_percent == Decimal("75.0")


def test_month_and_chart(louxing, history):
    june = selectors.ticket_stats(user=louxing, period=Period.parse("2023-06"))
    assert (june.total.opened, june.total.closed, june.total.overdue) == (1, 1, 0)
    may = selectors.ticket_stats(user=louxing, period=Period.parse("2023-05"))
    assert may.unit_chart["series"][0]["data"] == [5]
    assert may.trend_chart["series"][0]["data"][4:6] == [5, 1]  # opened in May and June


def test_other_counties_see_none_of_it(changning, history):
    report = selectors.ticket_stats(user=changning, period=Period.parse("2023"))
    assert report.rows == [] and report.total.opened == 0


def test_stats_page_and_api(login, louxing, history):
    client = login(louxing)
    page = client.get("/workflow/stats/?period=2023Q2").content.decode()
    assert 'data-chart="wf-unit-chart"' in page and 'id="wf-unit-chart"' in page and "66.7" in page
    data = client.get("/api/v1/workflow/stats?period=2023Q2").json()
    assert data["total"]["within_sla_percent"] == 75.0 and data["total"]["median_hours"] == 7.0
    assert client.get("/api/v1/workflow/stats?period=2023-13").status_code == 400
