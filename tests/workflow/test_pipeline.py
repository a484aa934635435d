"""The status pipeline as data (django-oscar's OrderStatusPipelineTests): the table, then the transitions."""

from __future__ import annotations

import pytest

from countyworks.workflow.models import PIPELINE, InvalidStatus, Status, Ticket

from .helpers import at


def test_the_pipeline_table():
    assert PIPELINE == {
        Status.NEW: (Status.IN_PROGRESS, Status.RETURNED, Status.CLOSED),
        Status.IN_PROGRESS: (Status.PENDING, Status.RETURNED, Status.CLOSED),
        Status.PENDING: (Status.RESOLVED, Status.IN_PROGRESS),
        Status.RETURNED: (Status.NEW, Status.CLOSED),
        Status.RESOLVED: (),
        Status.CLOSED: (),
    }
    assert set(PIPELINE) == set(Status.values)


@pytest.mark.parametrize("old", Status.values)
@pytest.mark.parametrize("new", Status.values)
def test_set_status_follows_the_table(old, new):
    ticket = Ticket(status=old, resolution_due=at(2023, 9, 20, 17, 30))
    if new in PIPELINE[old]:
        assert ticket.set_status(new, at(2023, 9, 20, 10, 0)) == old
        assert ticket.status == new
    else:
        with pytest.raises(InvalidStatus, match="工单状态不能从"):
            ticket.set_status(new, at(2023, 9, 20, 10, 0))
        assert ticket.status == old


def test_set_status_stamps_the_sla_times():
    ticket = Ticket(status=Status.NEW, resolution_due=at(2023, 9, 20, 17, 30))
    ticket.set_status(Status.IN_PROGRESS, at(2023, 9, 20, 9, 0))
    assert ticket.responded_at == at(2023, 9, 20, 9, 0)
    ticket.set_status(Status.PENDING, at(2023, 9, 20, 15, 0))
    assert ticket.resolved_at == at(2023, 9, 20, 15, 0)
    ticket.set_status(Status.IN_PROGRESS, at(2023, 9, 20, 16, 0))  # the reporter rejects the fix
    assert ticket.resolved_at is None and ticket.responded_at == at(2023, 9, 20, 9, 0)
    ticket.set_status(Status.PENDING, at(2023, 9, 20, 17, 0))
    ticket.set_status(Status.RESOLVED, at(2023, 9, 21, 9, 0))
    assert ticket.resolved_at == at(2023, 9, 20, 17, 0) and ticket.closed_at == at(2023, 9, 21, 9, 0)


def test_policy_description_never_uses_exponent_notation():
    from decimal import Decimal

    from countyworks.workflow.models import _plain

    assert _plain(Decimal("10.00")) == "10"
    assert _plain(Decimal("1.50")) == "1.5"
