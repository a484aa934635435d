"""Workflow pages and API: they render, they write through the services, and they are scoped —
a user of 常宁 gets 404 (never data) for 娄星's tickets, on the pages and through /api/v1/."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from countyworks.core.actors import SYSTEM
from countyworks.core.services import api_token_create
from countyworks.workflow import services
from countyworks.workflow.models import (
    Attachment,
    Category,
    Comment,
    Meeting,
    MeetingSeries,
    Notification,
    Status,
    Ticket,
)

from .helpers import at

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def lx_ticket(world):
    return services.ticket_open(
        subject=world.lx.subject,
        title="爱派尔项目场平施工临时用电增容",
        category=Category.UTILITIES,
        region="431302",
        policy_code="overnight",
        opened_at=at(2023, 9, 28, 15, 0),
        acting_user=SYSTEM,
    )


@pytest.fixture
def lx_meeting(world):
    series = MeetingSeries.objects.create(
        title="娄星重点项目周调度会",
        region_id="431302",
        chain=world.lx.chain,
        weekday=0,
        start_time=time(9, 0),
    )
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    services.meeting_generate_agenda(meeting=meeting, acting_user=SYSTEM, now=at(2023, 9, 22, 12, 0))
    return meeting


def _pages(ticket: Ticket, meeting: Meeting) -> list[str]:
    return [
        reverse("workflow:mine"),
        reverse("workflow:mine") + "?view=team",
        reverse("workflow:mine") + "?view=all",
        reverse("workflow:ticket-new"),
        reverse("workflow:ticket", args=[ticket.pk]),
        reverse("workflow:overdue"),
        reverse("workflow:overdue") + f"?owner=post:{ticket.owner_post_id}",
        reverse("workflow:meetings"),
        reverse("workflow:meeting", args=[meeting.pk]),
        reverse("workflow:meeting-agenda", args=[meeting.pk]),
        reverse("workflow:meeting-minutes", args=[meeting.pk]),
        reverse("workflow:stats"),
        reverse("workflow:stats") + "?period=2023Q3",
        reverse("workflow:notifications"),
    ]


def test_every_page_renders_for_the_county(login, louxing, lx_ticket, lx_meeting):
    client = login(louxing)
    for url in _pages(lx_ticket, lx_meeting):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "http://" not in response.content.decode().replace("http://testserver", "")


def test_ticket_page_shows_time_overdue_and_the_timeline(login, louxing, lx_ticket):
    body = login(louxing).get(reverse("workflow:ticket", args=[lx_ticket.pk])).content.decode()
    assert "逾期" in body and "提出工单" in body and "工作专班 → 分管领导 → 县领导" in body
    assert "2023-09-28 17:30" in body


@pytest.mark.parametrize(
    "name",
    ["ticket", "ticket-transition", "ticket-comment", "ticket-attach", "ticket-assign", "ticket-watch"],
)
def test_other_county_gets_404_on_ticket_routes(login, changning, lx_ticket, name):
    client = login(changning)
    url = reverse(f"workflow:{name}", args=[lx_ticket.pk])
    assert client.get(url).status_code in (404, 405)
    response = client.post(url, {"to_status": Status.IN_PROGRESS, "body": "x", "watch": "1"})
    assert response.status_code == 404
    lx_ticket.refresh_from_db()
    assert lx_ticket.status == Status.NEW and not Comment.objects.exists() and not lx_ticket.watchers.exists()


def test_other_county_gets_404_on_the_attachment_and_the_meeting(
    login, louxing, changning, lx_ticket, lx_meeting, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    attachment = services.ticket_attachment_add(
        ticket=lx_ticket, upload=SimpleUploadedFile("a.pdf", PDF), acting_user=louxing
    )
    client = login(changning)
    assert client.get(reverse("workflow:attachment", args=[lx_ticket.pk, attachment.pk])).status_code == 404
    for name in ("meeting", "meeting-agenda", "meeting-minutes"):
        assert client.get(reverse(f"workflow:{name}", args=[lx_meeting.pk])).status_code == 404
    assert client.post(reverse("workflow:meeting-generate", args=[lx_meeting.pk])).status_code == 404
    assert client.post(reverse("workflow:series-schedule", args=[lx_meeting.series_id])).status_code == 404


def test_other_county_lists_never_show_the_ticket(login, changning, outsider, lx_ticket, lx_meeting):
    for user in (changning, outsider):
        client = login(user)
        for url in (
            reverse("workflow:mine") + "?view=all",
            reverse("workflow:overdue"),
            reverse("workflow:meetings"),
            reverse("workflow:stats") + "?period=2023",
        ):
            body = client.get(url).content.decode()
            assert (
                lx_ticket.title not in body
                and "娄星重点项目周调度会" not in body
                and "431302 牵头单位" not in body
            ), url


def test_other_county_gets_404_through_the_api(client, changning, lx_ticket, lx_meeting):
    _token, raw = api_token_create(user=changning)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/workflow/tickets/{lx_ticket.pk}", **auth).status_code == 404
    assert (
        client.post(
            f"/api/v1/workflow/tickets/{lx_ticket.pk}/transition",
            {"to_status": "in_progress"},
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/workflow/tickets/{lx_ticket.pk}/comments",
            {"body": "x"},
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/workflow/meetings/{lx_meeting.pk}", **auth).status_code == 404
    for path in (
        "/api/v1/workflow/tickets?view=all",
        "/api/v1/workflow/tickets/overdue",
        "/api/v1/workflow/meetings",
        "/api/v1/workflow/tickets/overdue/summary?by=unit",
    ):
        body = client.get(path, **auth).content.decode()
        assert lx_ticket.title not in body and "431302" not in body, path


def test_village_clerk_sees_only_their_village(login, village_clerk, world):
    inside = services.ticket_open(
        subject=world.cn.subject,
        title="新河村鱼塘水质检测",
        category=Category.TECHNICAL,
        region="430482100201",
        policy_code="service-3d",
        acting_user=SYSTEM,
    )
    outside = services.ticket_open(
        subject=world.cn.subject,
        title="市区另一项请求",
        category=Category.TECHNICAL,
        region="430482",
        policy_code="service-3d",
        acting_user=SYSTEM,
    )
    client = login(village_clerk)
    body = client.get(reverse("workflow:mine") + "?view=all").content.decode()
    assert inside.title in body and outside.title not in body
    assert client.get(reverse("workflow:ticket", args=[outside.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["hunan", "auditor"])
def test_a_read_only_account_sees_no_write_action_and_a_forced_post_is_refused(
    persona, request, login, lx_ticket, lx_meeting
):
    client = login(request.getfixturevalue(persona))
    listing = client.get(reverse("workflow:mine") + "?view=all").content.decode()
    assert lx_ticket.title in listing and "提出工单" not in listing
    page = client.get(reverse("workflow:ticket", args=[lx_ticket.pk])).content.decode()
    assert lx_ticket.title in page
    assert (
        "转为「处理中」" not in page and reverse("workflow:ticket-comment", args=[lx_ticket.pk]) not in page
    )
    meetings = client.get(reverse("workflow:meetings")).content.decode()
    assert "娄星重点项目周调度会" in meetings and "下一次会议" not in meetings
    for url, data in (
        (reverse("workflow:ticket-transition", args=[lx_ticket.pk]), {"to_status": Status.IN_PROGRESS}),
        (reverse("workflow:ticket-comment", args=[lx_ticket.pk]), {"body": "x"}),
        (reverse("workflow:ticket-new"), {"title": "x"}),
        (reverse("workflow:meeting", args=[lx_meeting.pk]), {"summary": "x"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "只读账号" in response.content.decode(), url
    assert client.get(reverse("workflow:ticket-new")).status_code == 403
    assert Ticket.objects.get(pk=lx_ticket.pk).status == Status.NEW
    assert not Comment.objects.exists()


def test_raise_handle_and_close_a_ticket_through_the_pages(login, louxing, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(louxing)
    response = client.post(
        reverse("workflow:ticket-new"),
        {
            "title": "地质详勘进场道路临时占道",
            "description": "需占用辅道 120 米",
            "category": Category.APPROVAL,
            "priority": "high",
            "policy": "overnight",
            "region": "431302",
            "organisation": world.lx.subject.pk,
        },
    )
    ticket = Ticket.objects.get(title="地质详勘进场道路临时占道")
    assert response.status_code == 302 and response["Location"] == reverse(
        "workflow:ticket", args=[ticket.pk]
    )
    assert ticket.subject == world.lx.subject and ticket.organisation == world.lx.subject
    assert ticket.owner_post == world.lx.posts[0]
    url = reverse("workflow:ticket-transition", args=[ticket.pk])
    client.post(url, {"to_status": Status.IN_PROGRESS})
    client.post(reverse("workflow:ticket-comment", args=[ticket.pk]), {"body": "已对接交警大队"})
    client.post(
        reverse("workflow:ticket-attach", args=[ticket.pk]), {"file": SimpleUploadedFile("许可.pdf", PDF)}
    )
    bad = client.post(
        reverse("workflow:ticket-attach", args=[ticket.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x90")},
        follow=True,
    )
    assert "内容与扩展名" in bad.content.decode()
    client.post(url, {"to_status": Status.PENDING, "comment": "已办理临时占道许可"})
    client.post(url, {"to_status": Status.RESOLVED})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and Comment.objects.filter(ticket=ticket).count() == 1
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    attachment = Attachment.objects.get(ticket=ticket)
    download = client.get(reverse("workflow:attachment", args=[ticket.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    timeline = client.get(reverse("workflow:ticket", args=[ticket.pk])).content.decode()
    for text in ("处理中 → 待确认", "已对接交警大队", "许可.pdf", "按时办结"):
        assert text in timeline


def test_invalid_transition_shows_the_reason(login, louxing, lx_ticket):
    response = login(louxing).post(
        reverse("workflow:ticket-transition", args=[lx_ticket.pk]),
        {"to_status": Status.RETURNED},
        follow=True,
    )
    assert "须填写理由" in response.content.decode()


def test_minutes_form_creates_action_tickets(login, louxing, world, lx_meeting):
    client = login(louxing)
    response = client.post(
        reverse("workflow:meeting", args=[lx_meeting.pk]),
        {
            "summary": "调度爱派尔项目",
            "decisions": "场平与详勘同步推进\n正威用地一周内出意见",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-title": "协调供电增容",
            "actions-0-owner_post": world.lx.posts[1].pk,
            "actions-0-due_date": "2023-09-27",
            "actions-1-title": "",
            "actions-1-owner_post": "",
            "actions-1-due_date": "",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="协调供电增容")
    assert ticket.owner_post == world.lx.posts[1] and ticket.resolution_due == at(2023, 9, 27, 17, 30)
    minutes = client.get(reverse("workflow:meeting-minutes", args=[lx_meeting.pk])).content.decode()
    assert "正威用地一周内出意见" in minutes and "协调供电增容" in minutes and "data-print" in minutes
    assert "主持人" in minutes and "参会人员" in minutes and "记录人" in minutes
    assert "纪要记录于" in minutes and "议程生成于" not in minutes
    # The form comes back with the recorded decisions, to correct one in place.
    detail = client.get(reverse("workflow:meeting", args=[lx_meeting.pk])).content.decode()
    assert "场平与详勘同步推进\n正威用地一周内出意见</textarea>" in detail


def test_a_future_meeting_offers_no_minutes_form(login, louxing, world):
    from datetime import timedelta

    from django.utils import timezone

    from countyworks.workflow.models import Meeting

    meeting = Meeting.objects.create(
        title="下周调度会", region_id="431302", scheduled_at=timezone.now() + timedelta(days=3)
    )
    body = login(louxing).get(reverse("workflow:meeting", args=[meeting.pk])).content.decode()
    assert "<h2>记录纪要</h2>" not in body and 'name="summary"' not in body
    assert "会议召开后可在此记录纪要" in body


def test_bell_shows_the_unread_count(login, louxing, lx_ticket):
    client = login(louxing)
    assert Notification.objects.filter(user=louxing, read_at__isnull=True).count() == 1
    page = client.get(reverse("workflow:mine")).content.decode()
    assert 'class="bell"' in page and '<span class="badge">1</span>' in page
    fragment = client.get(reverse("workflow:notifications") + "?fragment=1").content.decode()
    assert fragment.startswith('<a class="bell"') and ">1<" in fragment
    client.post(reverse("workflow:notifications"))
    assert '<span class="badge">0</span>' in client.get(reverse("workflow:mine")).content.decode()


def test_list_queries_do_not_grow_with_rows(login, louxing, world, django_assert_max_num_queries):
    for i in range(30):
        services.ticket_open(
            subject=world.lx.subject,
            title=f"问题{i}",
            category=Category.OTHER,
            region="431302",
            policy_code="overnight",
            acting_user=louxing,
        )
    client = login(louxing)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workflow:mine") + "?view=all").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workflow:overdue")).status_code == 200


# --- API ------------------------------------------------------------------------------------------------


@pytest.fixture
def api(client, louxing):
    _token, raw = api_token_create(user=louxing)
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_raise_list_transition_comment(api, world):
    client, auth = api
    created = client.post(
        "/api/v1/workflow/tickets",
        {
            "subject_type": "core.organisation",
            "subject_id": str(world.lx.subject.pk),
            "title": "正威项目用地红线核对",
            "category": "land",
            "region": "431302",
            "policy_code": "overnight",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (
        data["owner"] == "工作专班"
        and data["status"] == "new"
        and data["subject_type"] == "core.organisation"
    )
    ticket_id = data["id"]
    mine = client.get("/api/v1/workflow/tickets", **auth).json()
    assert [t["id"] for t in mine["items"]] == [ticket_id]
    moved = client.post(
        f"/api/v1/workflow/tickets/{ticket_id}/transition",
        {"to_status": "in_progress"},
        content_type="application/json",
        **auth,
    )
    assert moved.status_code == 200 and moved.json()["status_label"] == "处理中"
    wrong = client.post(
        f"/api/v1/workflow/tickets/{ticket_id}/transition",
        {"to_status": "resolved"},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 400 and "不能从" in wrong.json()["detail"]
    comment = client.post(
        f"/api/v1/workflow/tickets/{ticket_id}/comments",
        {"body": "已对接自然资源局"},
        content_type="application/json",
        **auth,
    )
    assert comment.status_code == 201
    detail = client.get(f"/api/v1/workflow/tickets/{ticket_id}", **auth).json()
    assert [e["kind"] for e in detail["timeline"]] == ["status", "status", "comment"]


def test_api_refuses_what_the_pages_refuse(client, hunan, world):
    _token, raw = api_token_create(user=hunan)
    response = client.post(
        "/api/v1/workflow/tickets",
        {
            "subject_type": "core.organisation",
            "subject_id": str(world.lx.subject.pk),
            "title": "x",
            "region": "431302",
            "policy_code": "overnight",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    unknown = client.post(
        "/api/v1/workflow/tickets",
        {
            "subject_type": "nope.nothing",
            "subject_id": "1",
            "title": "x",
            "region": "431302",
            "policy_code": "overnight",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert unknown.status_code == 400


def test_api_overdue_summary_and_notifications(api, lx_ticket, louxing):
    client, auth = api
    overdue = client.get("/api/v1/workflow/tickets/overdue", **auth).json()
    assert [t["id"] for t in overdue["items"]] == [lx_ticket.pk] and overdue["items"][0]["overdue"]
    summary = client.get("/api/v1/workflow/tickets/overdue/summary?by=owner", **auth).json()
    assert summary[0]["label"] == "工作专班" and summary[0]["count"] == 1
    notes = client.get("/api/v1/workflow/notifications?unread=true", **auth).json()
    assert notes["count"] == 1
    assert client.post(
        "/api/v1/workflow/notifications/read", {}, content_type="application/json", **auth
    ).json() == {"marked": 1}


def test_audit_trail_of_a_ticket_and_of_reference_data(login, auditor, louxing, lx_ticket):
    from countyworks.workflow.models import SlaPolicy

    services.ticket_transition(ticket=lx_ticket, to_status=Status.IN_PROGRESS, acting_user=louxing)
    client = login(auditor)
    page = client.get(reverse("audit-object", args=["workflow.ticket", lx_ticket.pk])).content.decode()
    assert "处理中" in page or "in_progress" in page
    policy = SlaPolicy.objects.get(code="overnight")
    policy.name = "问题不过夜"
    policy.save()
    assert client.get(reverse("audit-object", args=["workflow.slapolicy", policy.pk])).status_code == 200
