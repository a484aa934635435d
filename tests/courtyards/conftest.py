"""Fixtures of program 5: the 邵阳县 demo (loaded once per test that asks for it) and personas."""

from __future__ import annotations

from datetime import date

import pytest

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region, Role
from countyworks.courtyards import services
from tests.conftest import loaded_once, make_user


def _load_demo() -> None:
    from countyworks.courtyards.demo import load_demo

    load_demo()


_demo_once = loaded_once(_load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The 邵阳县 demo, loaded once per module; each test's writes are rolled back."""


@pytest.fixture
def shaoyang(db):
    return make_user("shaoyang", Role.OFFICER, "430523")


@pytest.fixture
def shaoyang_leader(db):
    return make_user("shaoyang_leader", Role.LEADER, "430523")


@pytest.fixture
def courtyard(db):
    Region.objects.bulk_create(
        [
            Region(code="430523104", name="金称市镇", level="town", parent_id="430523"),
            Region(code="430523104201", name="三星村", level="village", parent_id="430523104"),
        ],
        ignore_conflicts=True,
    )
    services.default_sheet_create(
        region=Region.objects.get(code="430523"), effective_from=date(2022, 6, 1), acting_user=SYSTEM
    )
    return services.courtyard_create(
        village=Region.objects.get(code="430523104201"),
        code="43052310420101",
        name="下南冲院落",
        acting_user=SYSTEM,
    )


@pytest.fixture
def household(courtyard):
    return services.household_register(
        courtyard=courtyard, head_name="罗玉珍", members=4, duties={"hygiene": "门前道路"}, acting_user=SYSTEM
    )
