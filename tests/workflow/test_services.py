"""Ticket services: opening (deadlines, owner, permissions), transitions, assignment, comments,
attachments and notifications (in-app and outbound)."""

from __future__ import annotations

import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region
from countyworks.workflow import notify, services
from countyworks.workflow.models import (
    Attachment,
    Category,
    InvalidStatus,
    Notification,
    Status,
    StatusChange,
    Ticket,
)

from .helpers import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def open_lx(world, acting_user, **extra) -> Ticket:
    params = {
        "subject": world.lx.subject,
        "title": "场平施工临时用电增容",
        "category": Category.UTILITIES,
        "region": "431302",
        "policy_code": "overnight",
        "opened_at": at(2023, 9, 28, 15, 0),
        "acting_user": acting_user,
    }
    return services.ticket_open(**{**params, **extra})


def test_open_computes_deadlines_and_takes_the_chain_owner(world, louxing):
    ticket = open_lx(world, louxing)
    assert ticket.subject == world.lx.subject
    assert ticket.subject_type == ContentType.objects.get_for_model(world.lx.subject)
    assert ticket.chain == world.lx.chain  # the nearest chain of the region
    assert ticket.owner_post == world.lx.posts[0] and ticket.unit == world.lx.unit
    assert ticket.response_due == at(2023, 9, 28, 17, 0)
    assert ticket.resolution_due == at(2023, 9, 28, 17, 30)
    assert ticket.escalate_at == ticket.resolution_due
    assert ticket.reporter == louxing and ticket.status == Status.NEW
    assert ticket.history.count() == 1
    assert StatusChange.objects.filter(ticket=ticket, to_status=Status.NEW).count() == 1


def test_open_notifies_the_owner_but_not_the_actor(world, louxing):
    ticket = open_lx(world, SYSTEM)  # raised by the platform (e.g. from the task force's WeChat group)
    assert list(Notification.objects.filter(ticket=ticket).values_list("user", flat=True)) == [louxing.pk]
    assert ticket.reporter is None
    own = open_lx(world, louxing)
    assert not Notification.objects.filter(ticket=own).exists()


def test_open_against_any_object_with_a_region_code_key(world, louxing):
    region = Region.objects.get(code="431302")
    ticket = open_lx(world, louxing, subject=region)
    assert ticket.subject_id == "431302" and ticket.subject == region


def test_open_outside_the_grant_is_refused(world, changning, hunan):
    with pytest.raises(PermissionDenied):
        open_lx(world, changning)
    with pytest.raises(PermissionDenied):  # a provincial leader reads but never writes
        open_lx(world, hunan)
    assert not Ticket.objects.exists()


def test_open_against_a_subject_the_user_cannot_see_is_refused(world, changning):
    with pytest.raises(PermissionDenied, match="无权对该对象"):
        services.ticket_open(
            subject=world.lx.subject,
            title="x",
            category=Category.OTHER,
            region="430482",
            policy_code="service-3d",
            acting_user=changning,
        )


def test_open_with_an_unknown_policy_or_no_owner(world, louxing):
    with pytest.raises(ValidationError, match="时限规则"):
        open_lx(world, louxing, policy_code="nope")
    world.lx.chain.active = False
    world.lx.chain.save()
    with pytest.raises(ValidationError, match="责任人或责任岗位"):
        open_lx(world, louxing)


def test_open_with_an_explicit_owner_and_due_time(world, louxing):
    ticket = open_lx(world, louxing, owner_post=world.lx.posts[1], due_at=at(2023, 10, 9, 12, 0))
    assert ticket.owner_post == world.lx.posts[1] and ticket.unit == world.lx.government
    assert ticket.resolution_due == at(2023, 10, 9, 12, 0)


def test_provisional_deadline_beyond_the_calendar(world, louxing):
    ticket = open_lx(world, louxing, opened_at=at(2100, 1, 1, 16, 30))
    assert ticket.due_provisional
    assert ticket.resolution_due == at(2100, 1, 4, 17, 30)


def test_transition_records_a_status_change_and_notifies(world, louxing):
    ticket = open_lx(world, SYSTEM, watchers=[world.lx.users["leader"]])
    services.ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, acting_user=louxing, at=at(2023, 9, 28, 15, 30)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.responded_at == at(2023, 9, 28, 15, 30)
    change = StatusChange.objects.get(ticket=ticket, to_status=Status.IN_PROGRESS)
    assert (change.from_status, change.actor) == (Status.NEW, louxing)
    assert Notification.objects.filter(
        ticket=ticket, kind=Notification.Kind.STATUS, user=world.lx.users["leader"]
    ).exists()
    assert ticket.history.count() == 2


def test_transition_refuses_what_the_pipeline_does_not_allow(world, louxing):
    ticket = open_lx(world, louxing)
    with pytest.raises(InvalidStatus):
        services.ticket_transition(ticket=ticket, to_status=Status.RESOLVED, acting_user=louxing)
    with pytest.raises(ValidationError, match="须填写理由"):
        services.ticket_transition(ticket=ticket, to_status=Status.RETURNED, acting_user=louxing)
    services.ticket_transition(
        ticket=ticket, to_status=Status.RETURNED, comment="请补充用电负荷清单", acting_user=louxing
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RETURNED


def test_transition_needs_write_reach(world, louxing, hunan, changning):
    ticket = open_lx(world, louxing)
    for user in (hunan, changning):
        with pytest.raises(PermissionDenied):
            services.ticket_transition(ticket=ticket, to_status=Status.IN_PROGRESS, acting_user=user)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_assign_changes_owner_and_unit_but_not_deadlines(world, louxing):
    ticket = open_lx(world, louxing)
    due = ticket.resolution_due
    services.ticket_assign(
        ticket=ticket, owner_post=world.lx.posts[1], acting_user=louxing, comment="转分管领导"
    )
    ticket.refresh_from_db()
    assert ticket.owner_post == world.lx.posts[1] and ticket.unit == world.lx.government
    assert ticket.resolution_due == due and ticket.escalation_level == 0
    assert Notification.objects.filter(ticket=ticket, user=world.lx.users["deputy"]).exists()
    with pytest.raises(ValidationError, match="不在工单所在县"):
        services.ticket_assign(ticket=ticket, owner_post=world.cn.posts[0], acting_user=louxing)


def test_comment_notifies_everyone_but_the_author(world, louxing):
    ticket = open_lx(world, louxing, owner_post=world.lx.posts[1])
    services.ticket_comment_add(ticket=ticket, body="已联系供电公司", acting_user=world.lx.users["deputy"])
    recipients = set(
        Notification.objects.filter(ticket=ticket, kind=Notification.Kind.COMMENT).values_list(
            "user", flat=True
        )
    )
    assert recipients == {louxing.pk}  # the reporter; the deputy wrote it
    with pytest.raises(ValidationError):
        services.ticket_comment_add(ticket=ticket, body="   ", acting_user=louxing)


def test_outbound_senders_run_after_commit(world, louxing, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO, logger="countyworks.workflow.notify"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            open_lx(world, SYSTEM)
        assert "notify louxing" not in caplog.text  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    assert "notify louxing" in caplog.text and "场平施工临时用电增容" in caplog.text


def test_a_failing_sender_never_blocks(monkeypatch, caplog):
    class Broken:
        name = "broken"

        def send(self, message):
            raise RuntimeError("gateway down")

    monkeypatch.setattr(notify, "configured_senders", lambda: (Broken(), notify.LogSender()))
    message = notify.OutboundMessage(user_id=1, username="u", phone="", title="t", body="b")
    with caplog.at_level(logging.INFO):
        assert notify.deliver([message]) == 1
    assert "sender broken failed" in caplog.text


def test_senders_come_from_settings(settings):
    notify.configured_senders.cache_clear()
    settings.WORKFLOW_SENDERS = ["countyworks.workflow.notify.LogSender"]
    try:
        assert [s.name for s in notify.configured_senders()] == ["log"]
        settings.WORKFLOW_SENDERS = ["countyworks.workflow.models.Ticket"]
        notify.configured_senders.cache_clear()
        with pytest.raises(TypeError, match="Sender"):
            notify.configured_senders()
    finally:
        notify.configured_senders.cache_clear()


def test_notifications_mark_read(world, louxing):
    open_lx(world, SYSTEM)
    open_lx(world, SYSTEM)
    assert services.notifications_mark_read(user=louxing, ids=[Notification.objects.first().pk]) == 1
    assert services.notifications_mark_read(user=louxing) == 1
    assert not Notification.objects.filter(user=louxing, read_at__isnull=True).exists()


# --- Attachments --------------------------------------------------------------------------------------


def test_attachment_accepted_by_content(world, louxing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_lx(world, louxing)
    attachment = services.ticket_attachment_add(
        ticket=ticket, upload=SimpleUploadedFile("用电负荷清单.pdf", PDF), acting_user=louxing
    )
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert len(attachment.sha256) == 64
    image = services.ticket_attachment_add(
        ticket=ticket, upload=SimpleUploadedFile("现场.PNG", PNG), acting_user=louxing
    )
    assert image.content_type == "image/png"


def _xlsx_bytes() -> bytes:
    from countyworks.core.tabular import xlsx_bytes

    return xlsx_bytes("t", ["a"], [["b"]])


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "不支持的附件类型"),
        ("noextension", PDF, "不支持的附件类型"),
        ("disguised.pdf", b"<html><script>", "内容与扩展名"),
        ("fake.docx", PDF, "内容与扩展名"),
        ("workbook-as.docx", _xlsx_bytes(), "内容与扩展名"),  # both are zips: told apart by their parts
        ("plain-zip.xlsx", _zip_bytes(), "内容与扩展名"),
    ],
)
def test_attachment_type_is_checked(world, louxing, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_lx(world, louxing)
    with pytest.raises(ValidationError, match=message):
        services.ticket_attachment_add(
            ticket=ticket, upload=SimpleUploadedFile(name, content), acting_user=louxing
        )
    assert not Attachment.objects.exists()


def test_attachment_size_is_capped(world, louxing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WORKFLOW_ATTACHMENT_MAX_BYTES = 1024
    ticket = open_lx(world, louxing)
    with pytest.raises(ValidationError, match="不能超过"):
        services.ticket_attachment_add(
            ticket=ticket, upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000), acting_user=louxing
        )


def test_attachment_needs_write_reach(world, louxing, hunan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_lx(world, louxing)
    with pytest.raises(PermissionDenied):
        services.ticket_attachment_add(
            ticket=ticket, upload=SimpleUploadedFile("a.pdf", PDF), acting_user=hunan
        )
