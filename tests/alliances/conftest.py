"""Fixtures of program 1: the 常宁 demo loaded once per test that needs it."""

from __future__ import annotations

import pytest

from countyworks.alliances.demo import load_demo
from countyworks.core.demo import load_demo_accounts
from countyworks.workflow.demo import load_workflow_demo


@pytest.fixture
def demo(db):
    """The core accounts, the workflow demo (the 新河 chain and posts) and the alliances demo."""
    load_demo_accounts()
    load_workflow_demo()
    load_demo()
