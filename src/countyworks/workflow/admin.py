"""Back office for the workflow's data: office hours, SLA policies, posts, chains, meeting series.

Policies, office hours and the holiday notices apply everywhere (superuser-edited); the rest is
scoped like the pages. A holiday notice day is saved and deleted through its services, which
recompute the deadlines of open tickets.
Tickets are changed only through the services (pages and API), so the admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from countyworks.core.admin import ScopedAdmin
from countyworks.workflow import services
from countyworks.workflow.models import (
    EscalationChain,
    EscalationStep,
    HolidayNotice,
    MeetingSeries,
    OfficeHours,
    Post,
    SlaPolicy,
    Ticket,
)


@admin.register(OfficeHours)
class OfficeHoursAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "morning_start", "morning_end", "afternoon_start", "afternoon_end")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "response_kind",
        "response_amount",
        "resolution_kind",
        "resolution_amount",
        "cutoff",
        "active",
    )
    list_filter = ("active", "resolution_kind")


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(SimpleHistoryAdmin):
    """国务院节假日安排, day by day; every save or deletion recomputes open tickets' deadlines."""

    list_display = ("day", "kind", "name", "document")
    list_filter = ("kind", "name")
    search_fields = ("name", "document")
    date_hierarchy = "day"

    def _recomputed(self, request, count: int) -> None:
        self.message_user(
            request, _("已按新的节假日安排重新计算 %(n)d 张在办工单的时限") % {"n": count}, messages.INFO
        )

    def save_model(self, request, obj, form, change) -> None:
        self._recomputed(request, services.holiday_notice_save(notice=obj, acting_user=request.user))

    def delete_model(self, request, obj) -> None:
        self._recomputed(request, services.holiday_notice_delete(notice=obj, acting_user=request.user))

    def delete_queryset(self, request, queryset) -> None:
        count = sum(
            services.holiday_notice_delete(notice=notice, acting_user=request.user) for notice in queryset
        )
        self._recomputed(request, count)


@admin.register(Post)
class PostAdmin(ScopedAdmin):
    list_display = ("name", "region", "organisation")
    search_fields = ("name",)
    raw_id_fields = ("region", "organisation")
    filter_horizontal = ("holders",)


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 1
    raw_id_fields = ("post", "person")


@admin.register(EscalationChain)
class EscalationChainAdmin(ScopedAdmin):
    list_display = ("code", "name", "region", "program", "active")
    raw_id_fields = ("region",)
    inlines = [EscalationStepInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ScopedAdmin):
    list_display = ("title", "region", "weekday", "start_time", "active")
    raw_id_fields = ("region", "chain", "chair")


@admin.register(Ticket)
class TicketAdmin(ScopedAdmin):
    list_display = ("pk", "title", "region", "status", "resolution_due", "escalation_level")
    list_filter = ("status", "category")
    search_fields = ("title",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
