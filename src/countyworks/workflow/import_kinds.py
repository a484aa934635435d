"""The workflow's import kind: the State Council's yearly holiday notice, one row per day.

``holiday-notices`` (key: the date) **updates** a stored day: a re-imported notice is the
authoritative list. National reference data: only a superuser (or the platform) imports it, and
after the rows are written the deadlines of open tickets are recomputed from the new calendar
(:func:`countyworks.workflow.services.tickets_recompute_due`), in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.importing import (
    Checked,
    Column,
    Importer,
    ImportResult,
    Kind,
    OnExisting,
    RowError,
    Table,
    register,
)
from countyworks.workflow.models import HolidayNotice, holiday_notice_days
from countyworks.workflow.working_calendar import DayTable


@register
class HolidayNoticeImporter(Importer):
    """国务院办公厅关于安排节假日的通知: each holiday (放假) and each 调休 working day (调休上班)."""

    kind = "holiday-notices"
    label = gettext_lazy("节假日安排（国务院放假通知）")
    model = HolidayNotice
    columns = (
        Column("day", "日期", Kind.DATE, required=True),
        Column("kind", "安排", Kind.CHOICE, required=True, choices=HolidayNotice.Kind),
        Column("name", "节日", required=True),
        Column("document", "通知文号"),
    )
    keys = (("day",),)
    on_existing = OnExisting.UPDATE
    region_column = None  # national reference data: no region, superusers only (cross_check)

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return HolidayNotice.objects.all()

    def cross_check(self, checked: Checked, user: Any) -> None:
        if user is None or user.is_superuser:
            return
        for row in checked.rows:
            checked.errors.append(
                RowError(
                    row.number,
                    "day",
                    str(row.values.get("day") or ""),
                    "only a superuser may import holiday notices",
                    _("只有系统管理员可以导入节假日安排"),
                )
            )

    def import_rows(self, table: Table, *, acting_user: Any, **options: Any) -> ImportResult:
        with transaction.atomic():
            before = DayTable(holiday_notice_days())
            result = super().import_rows(table, acting_user=acting_user, **options)
            if result.written:
                from countyworks.workflow.services import calendar_changed

                calendar_changed(before=before, acting_user=acting_user)
        return result
