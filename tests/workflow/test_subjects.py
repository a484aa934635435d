"""Ticket subjects: only registered, area-scoped types; the ticket page hides a subject the reader cannot read."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Organisation
from countyworks.workflow import selectors, services
from countyworks.workflow.models import AgendaItem, Notification, OfficeHours, Ticket
from countyworks.workflow.subjects import register_ticket_subject, ticket_subject_types

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Notification, AgendaItem, OfficeHours])
def test_a_type_without_an_area_cannot_be_registered(model):
    with pytest.raises(ImproperlyConfigured):
        register_ticket_subject(model)
    assert model._meta.label_lower not in ticket_subject_types()


def test_the_platform_cannot_raise_a_ticket_against_an_unregistered_type(world, louxing):
    note = Notification.objects.create(user=louxing, kind="assigned", text="娄星通知")
    with pytest.raises(ValidationError):
        services.ticket_open(
            subject=note,
            title="x",
            category="other",
            region="431302",
            policy_code="overnight",
            acting_user=SYSTEM,
            owner_post=world.lx.posts[0],
        )
    assert not Ticket.objects.exists()


def test_ticket_page_hides_a_subject_the_reader_cannot_read(world, louxing, changning, login):
    """A 娄星 ticket about a 常宁 enterprise (raised by the platform): the 娄星 reader sees no name."""
    foreign = Organisation.objects.create(name="常宁专属精密铸造厂", region_id="430482")
    ticket = services.ticket_open(
        subject=foreign,
        title="跨区协调",
        category="other",
        region="431302",
        policy_code="overnight",
        acting_user=SYSTEM,
        owner_post=world.lx.posts[0],
    )
    assert selectors.ticket_subject_shown(user=louxing, ticket=ticket) is None
    assert selectors.ticket_subject_shown(user=changning, ticket=ticket) == foreign
    body = login(louxing).get(f"/workflow/tickets/{ticket.pk}/").content.decode()
    assert "跨区协调" in body and "常宁专属精密铸造厂" not in body
