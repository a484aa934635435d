"""Fixtures of program 1: the 常宁 demo loaded once per test that needs it."""

from __future__ import annotations

import pytest

from countyworks.alliances.demo import load_demo
from countyworks.core.demo import load_demo_accounts
from tests.conftest import loaded_once

_demo_once = loaded_once(load_demo_accounts, load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The core accounts and the alliances demo (which builds the 新河 chain itself without the
    workflow's), loaded once per module; each test's writes are rolled back."""
