"""Fixtures of program 5: the 邵阳县 demo (loaded once per test that asks for it) and personas."""

from __future__ import annotations

import pytest

from countyworks.core.models import Role
from tests.conftest import make_user


@pytest.fixture
def demo(db):
    from countyworks.courtyards.demo import load_demo

    load_demo()


@pytest.fixture
def shaoyang(db):
    return make_user("shaoyang", Role.OFFICER, "430523")


@pytest.fixture
def shaoyang_leader(db):
    return make_user("shaoyang_leader", Role.LEADER, "430523")
