"""Workflow pages. Thin: parse, call a selector or a service, render; every read is scoped.

The access gate (:mod:`countyworks.core.permissions`) guards every page: no grant → 404; a POST
from a read-only account → 403 只读账号; a service's refusal on one ticket or meeting → 403.
Notifications are the user's own, so they only need a sign-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import overload

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyworks.core.feedback import flash_errors, flash_outcome
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import active_region
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.permissions import access_write_region, program_required, require_write
from countyworks.core.scoping import SHARED, can_reach_region
from countyworks.workflow import selectors, services
from countyworks.workflow.forms import (
    ActionFormSet,
    AssignForm,
    AttachmentForm,
    CommentForm,
    MinutesForm,
    TicketForm,
    TransitionForm,
)
from countyworks.workflow.models import Attachment, Status, Ticket


class _Counted:
    """A queryset whose total is already known, so the paginator does not count it again."""

    def __init__(self, queryset: QuerySet[Ticket], total: int) -> None:
        self.queryset, self.total = queryset, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Ticket]:
        return iter(self.queryset)

    @overload
    def __getitem__(self, item: int) -> Ticket: ...
    @overload
    def __getitem__(self, item: slice) -> QuerySet[Ticket]: ...
    def __getitem__(self, item: int | slice) -> Ticket | QuerySet[Ticket]:
        return self.queryset[item]


def _page(request: AuthenticatedHttpRequest, queryset: QuerySet[Ticket], now=None, total: int | None = None):
    rows: QuerySet[Ticket] | _Counted = queryset if total is None else _Counted(queryset, total)
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_sla(page.object_list, now)
    return page


@program_required(SHARED)
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    view = request.GET.get("view", "mine")
    if view not in selectors.VIEWS:
        view = "mine"
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    search = request.GET.get("q", "").strip()[:64]
    tickets = selectors.ticket_list(
        user=request.user,
        view=view,
        within=active_region(request),
        status=status,
        open_only=not status and view != "all",
        search=search,
    )
    context = {
        "page": _page(request, tickets),
        "view": view,
        "status": status,
        "q": search,
        "statuses": Status.choices,
        "views": _view_tabs(),
    }
    return render(request, "workflow/ticket_list.html", context)


def _view_tabs() -> list[tuple[str, str]]:
    return [
        ("mine", _("我的工单")),
        ("team", _("团队工单")),
        ("reported", _("我提出的")),
        ("watching", _("我关注的")),
        ("all", _("全部")),
    ]


@require_write(SHARED, all_methods=True)
def ticket_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, user=request.user, within=active_region(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_open(
                subject=data["organisation"] or data["region"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                region=data["organisation"].region if data["organisation"] else data["region"],
                organisation=data["organisation"],
                policy_code=data["policy"].code,
                acting_user=request.user,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("工单已提出，办结时限 %(due)s")
                % {"due": f"{timezone.localtime(ticket.resolution_due):%Y-%m-%d %H:%M}"},
            )
            return redirect("workflow:ticket", pk=ticket.pk)
    return render(request, "workflow/ticket_form.html", {"form": form})


@program_required(SHARED)
def ticket_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    can_write = selectors.ticket_can_write(user=request.user, ticket=ticket)
    context = {
        "ticket": ticket,
        "sla": selectors.sla_state(ticket),
        "timeline": selectors.ticket_timeline(ticket),
        "attachments": selectors.ticket_attachments(ticket),
        "can_write": can_write,
        "next_statuses": [(s, Status(s).label) for s in ticket.available_statuses()] if can_write else [],
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "assign_form": AssignForm(user=request.user, region_code=ticket.region_id)
        if can_write and ticket.is_open
        else None,
        "watching": selectors.ticket_watching(user=request.user, ticket=ticket),
        "subject": selectors.ticket_subject_shown(user=request.user, ticket=ticket),
        "reporter_label": selectors.user_label(ticket.reporter),
        "steps": selectors.ticket_chain_steps(ticket),
        "max_mb": f"{services.attachment_max_bytes() / 1024 / 1024:g}",
    }
    return render(request, "workflow/ticket_detail.html", context)


@require_write(SHARED)
@require_POST
def ticket_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        flash_outcome(
            request,
            lambda: services.ticket_transition(
                ticket=ticket,
                to_status=form.cleaned_data["to_status"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            ),
            _("状态已更新"),
        )
    return redirect("workflow:ticket", pk=pk)


@require_write(SHARED)
@require_POST
def ticket_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        flash_outcome(
            request,
            lambda: services.ticket_comment_add(
                ticket=ticket, body=form.cleaned_data["body"], acting_user=request.user
            ),
        )
    return redirect("workflow:ticket", pk=pk)


@require_write(SHARED)
@require_POST
def ticket_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
    else:
        flash_outcome(
            request,
            lambda: services.ticket_attachment_add(
                ticket=ticket, upload=form.cleaned_data["file"], acting_user=request.user
            ),
            _("附件已上传"),
        )
    return redirect("workflow:ticket", pk=pk)


@require_write(SHARED)
@require_POST
def ticket_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, user=request.user, region_code=ticket.region_id)
    if form.is_valid():
        flash_outcome(
            request,
            lambda: services.ticket_assign(
                ticket=ticket,
                owner_post=form.cleaned_data["owner_post"],
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            ),
            _("已转办"),
        )
    return redirect("workflow:ticket", pk=pk)


@program_required(SHARED)
@require_POST
def ticket_watch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    services.ticket_watch_set(
        ticket=ticket, acting_user=request.user, watching=request.POST.get("watch") == "1"
    )
    return redirect("workflow:ticket", pk=pk)


@program_required(SHARED)
def attachment_download(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        attachment = ticket.attachments.get(pk=attachment_pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@program_required(SHARED)
def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    within = active_region(request)
    owner = request.GET.get("owner", "")
    unit = request.GET.get("unit", "")
    tickets = selectors.ticket_overdue(user=request.user, within=within, now=now, owner=owner, unit=unit)
    overview = selectors.overdue_overview(user=request.user, within=within, now=now)
    context = {
        "page": _page(request, tickets, now, overview.count_for(owner=owner, unit=unit)),
        "by_owner": overview.by_owner,
        "by_unit": overview.by_unit,
        "owner": owner,
        "unit": unit,
    }
    return render(request, "workflow/overdue.html", context)


@program_required(SHARED)
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "meetings": selectors.meeting_list(user=request.user, within=active_region(request))[:100],
        "series": selectors.series_list(user=request.user, within=active_region(request)),
    }
    return render(request, "workflow/meeting_list.html", context)


@require_write(SHARED)
@require_POST
def series_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    series = selectors.series_get(user=request.user, pk=pk)
    access_write_region(request.user, SHARED, series.region_id, message=_("无权安排该例会"))
    meeting = services.meeting_schedule_next(series=series)
    return redirect("workflow:meeting", pk=meeting.pk)


@require_write(SHARED)
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    can_write = can_reach_region(request.user, SHARED, meeting.region_id, "write")
    decisions = list(selectors.meeting_decisions(meeting))
    minutes_form = MinutesForm(
        request.POST or None,
        initial={
            "summary": meeting.summary,
            "chair": meeting.chair
            or (str(meeting.series.chair) if meeting.series and meeting.series.chair else ""),
            "attendees": meeting.attendees,
            "decisions": "\n".join(d.text for d in decisions),
        },
    )
    actions = ActionFormSet(
        request.POST or None,
        prefix="actions",
        form_kwargs={"user": request.user, "region_code": meeting.region_id},
    )
    if request.method == "POST":
        access_write_region(request.user, SHARED, meeting.region_id, message=_("无权记录该会议纪要"))
        if minutes_form.is_valid() and actions.is_valid():
            specs = [
                services.ActionSpec(
                    title=f.cleaned_data["title"],
                    owner_post=f.cleaned_data["owner_post"],
                    due_at=services.end_of_office_day(f.cleaned_data["due_date"]),
                )
                for f in actions
                if f.cleaned_data.get("title")
            ]
            try:
                created = services.meeting_minutes_record(
                    meeting=meeting,
                    summary=minutes_form.cleaned_data["summary"],
                    decisions=minutes_form.decision_lines(),
                    actions=specs,
                    acting_user=request.user,
                    chair=minutes_form.cleaned_data["chair"],
                    attendees=minutes_form.cleaned_data["attendees"],
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("纪要已记录，生成交办工单 %(n)d 件") % {"n": len(created)})
                return redirect("workflow:meeting", pk=pk)
    context = {
        "meeting": meeting,
        "sections": selectors.meeting_agenda_sections(meeting),
        "decisions": decisions,
        "action_items": selectors.meeting_action_items(meeting),
        "can_write": can_write,
        # Minutes are written once the meeting has begun (the service refuses earlier ones too).
        "can_record": can_write and meeting.scheduled_at <= timezone.now(),
        "minutes_form": minutes_form,
        "actions": actions,
    }
    return render(request, "workflow/meeting_detail.html", context)


@require_write(SHARED)
@require_POST
def meeting_generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    items = services.meeting_generate_agenda(meeting=meeting, acting_user=request.user)
    messages.success(request, _("议程已生成，共 %(n)d 项") % {"n": len(items)})
    return redirect("workflow:meeting", pk=pk)


@program_required(SHARED)
def meeting_print(request: AuthenticatedHttpRequest, pk: int, part: str) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    context = {
        "meeting": meeting,
        "part": part,
        "sections": selectors.meeting_agenda_sections(meeting),
        "decisions": selectors.meeting_decisions(meeting),
        "action_items": selectors.meeting_action_items(meeting),
    }
    return render(request, "workflow/meeting_print.html", context)


@program_required(SHARED)
def stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.GET.get("period", "") or str(timezone.localdate().year)
    try:
        period = Period.parse(text)
    except InvalidPeriod:
        messages.error(request, _("统计期格式应为 2023、2023Q2 或 2023-06"))
        period = Period(timezone.localdate().year, "year")
    report = selectors.ticket_stats(user=request.user, period=period, within=active_region(request))
    return render(request, "workflow/stats.html", {"report": report, "period_text": str(period)})


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        services.notifications_mark_read(user=request.user, ids=ids or None)
        return redirect("workflow:notifications")
    if request.GET.get("fragment"):
        return render(
            request,
            "core/_bell.html",
            {
                "bell_url": reverse("workflow:notifications"),
                "bell_unread": selectors.notification_unread_count(request.user),
            },
        )
    items = Paginator(selectors.notification_list(request.user), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "workflow/notifications.html", {"page": items})
