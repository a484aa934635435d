"""Program 5's import kinds, through the platform's one intake (docs/importing.md).

* ``courtyard-households`` (key: the household) **updates** a household's special circumstances
  and assistance flag. The households themselves (head, size, house label) are the core kind
  ``households`` with the courtyard's 14-digit code as their region.
* ``courtyard-inspections`` (key: household + month) **rejects** a row for a month already scored
  differently: a correction is made on the inspection page, which keeps the history. Each row is
  checked against the sheet that applies to its household and month (an item above its maximum,
  a future month), and the rows are written through the same service as the phone form, so
  totals, stars and points are the form's.

Households are given by their platform number (the ``household`` column of every export).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.importing import (
    CellError,
    Check,
    Checked,
    Column,
    Importer,
    ImportResult,
    Kind,
    Lookup,
    OnExisting,
    RowError,
    Table,
    register,
)
from countyworks.core.models import Household, Region
from countyworks.core.scoping import scope
from countyworks.courtyards import services
from countyworks.courtyards.models import PROGRAM, HouseholdProfile, Inspection, first_of_month
from countyworks.courtyards.services.sheets import DEFAULT_ITEMS


class HouseholdLookup(Lookup):
    """A courtyard household by its platform number; only households the importer may write resolve."""

    def normalise(self, raw: str) -> str:
        text = raw.strip()
        if not text.isdigit():
            raise CellError(
                f"household {text!r} is not a household number", _("农户编号 %(v)s 不是数字") % {"v": text}
            )
        return text

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        households = scope(
            Household.objects.filter(region__level=Region.Level.COURTYARD), user, PROGRAM, "write"
        ).filter(pk__in=[int(code) for code in codes])
        return {str(pk): pk for pk in households.values_list("pk", flat=True)}

    def unknown(self, code: str) -> CellError:
        return CellError(
            f"no courtyard household {code} in your write reach",
            _("农户编号 %(code)s 不存在或不在您的管辖范围内") % {"code": code},
            "unknown_household",
        )


@register
class CourtyardHouseholdImporter(Importer):
    """Special circumstances and the assistance flag of courtyard households."""

    kind = "courtyard-households"
    label = gettext_lazy("院落农户情况（帮扶户）")
    model = HouseholdProfile
    program = PROGRAM
    region_column = None  # the household lookup resolves only households in the importer's write reach
    columns = (
        Column("household", "农户编号", Kind.REF, required=True, lookup=HouseholdLookup()),
        Column("circumstances", "特殊情况"),
        Column("needs_assistance", "帮扶户", Kind.BOOL),
    )
    keys = (("household",),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(HouseholdProfile.objects.all(), user, PROGRAM, within=within)


def validate_first_of_month(value: date) -> None:
    if value.day != 1:
        raise ValidationError(_("评比月份请填写该月1日（如 2023-05-01）"))


FIRST_OF_MONTH = Check(validate_first_of_month, "the month is given by its first day (e.g. 2023-05-01)")

#: The default sheet's items as import columns (points, one decimal).
ITEM_COLUMNS = tuple(Column(code, label, Kind.DECIMAL, required=True) for code, label, _rule in DEFAULT_ITEMS)


@register
class InspectionImporter(Importer):
    """Monthly inspections scored on paper, entered in bulk (default sheet's items)."""

    kind = "courtyard-inspections"
    label = gettext_lazy("月度卫生评比")
    model = Inspection
    program = PROGRAM
    region_column = None  # as above: the household lookup stops households outside the write reach
    columns = (
        Column("household", "农户编号", Kind.REF, required=True, lookup=HouseholdLookup()),
        Column("month", "评比月份", Kind.DATE, required=True, validators=(FIRST_OF_MONTH,)),
        *ITEM_COLUMNS,
        Column("violations", "门前三包违规", Kind.INT, bounds=(0, 50)),
        Column("notes", "备注"),
    )
    keys = (("household", "month"),)
    on_existing = OnExisting.REJECT

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(Inspection.objects.all(), user, PROGRAM, within=within)

    def model_field(self, column: Column) -> models.Field[Any, Any]:
        """Item columns are no field of the inspection (they become its item scores)."""
        if column.name in {c.name for c in ITEM_COLUMNS}:
            field: models.Field[Any, Any] = models.DecimalField(max_digits=5, decimal_places=1)
            field.set_attributes_from_name(column.name)
            return field
        return super().model_field(column)

    def _compare_columns(self, table: Table) -> list[Column]:
        """Item scores are compared in :meth:`cross_check` (they are rows of their own, not fields)."""
        items = {c.name for c in ITEM_COLUMNS}
        return [c for c in super()._compare_columns(table) if c.name not in items]

    def complete(self, instance: models.Model, row: Any) -> None:
        """Total, stars and the inspection day are the service's to set when the row is written."""
        assert isinstance(instance, Inspection)
        instance.total = Decimal(0)
        instance.inspected_on = instance.month

    def cross_check(self, checked: Checked, user: Any) -> None:
        """A future month, and a score above its item's maximum on the household's sheet."""
        regions = dict(
            Household.objects.filter(
                pk__in=[
                    r.values["household"] for r in checked.rows if isinstance(r.values.get("household"), int)
                ]
            ).values_list("pk", "region_id")
        )
        this_month = first_of_month(timezone.localdate())
        for row in checked.rows:
            if isinstance(row.existing, Inspection):
                self._check_same_scores(checked, row)
                continue
            month, household = row.values.get("month"), row.values.get("household")
            if not isinstance(month, date) or household not in regions:
                continue
            if first_of_month(month) > this_month:
                checked.errors.append(
                    RowError(
                        row.number,
                        "month",
                        f"{month:%Y-%m}",
                        "a future month",
                        _("不能登记未来月份的评比"),
                        "future",
                    )
                )
                continue
            sheet = services.sheet_for(regions[household], first_of_month(month))
            if sheet is None:
                checked.errors.append(
                    RowError(
                        row.number,
                        "household",
                        str(household),
                        "no score sheet applies",
                        _("本区域尚未设置评分表"),
                    )
                )
                continue
            for item in sheet.items.all():
                value = row.values.get(item.code)
                if isinstance(value, Decimal) and not 0 <= value <= item.max_points:
                    checked.errors.append(
                        RowError(
                            row.number,
                            item.code,
                            f"{value}",
                            f"score outside 0..{item.max_points} (the item's maximum)",
                            _("「%(item)s」得分超过该项满分 %(max)s 分")
                            % {"item": item.label, "max": item.max_points},
                            "over_maximum",
                        )
                    )

    def _check_same_scores(self, checked: Checked, row: Any) -> None:
        stored = {s.item.code: s.points for s in row.existing.scores.select_related("item")}
        for column in ITEM_COLUMNS:
            value = row.values.get(column.name)
            if isinstance(value, Decimal) and stored.get(column.name) != value:
                checked.errors.append(
                    RowError(
                        row.number,
                        column.name,
                        f"{value}",
                        f"this household and month are already scored ({stored.get(column.name)}); correct it on the inspection page",
                        _("该户该月已评比（%(stored)s 分），如需更正请在入户评比页面操作")
                        % {"stored": stored.get(column.name)},
                        "already_scored",
                    )
                )

    def import_rows(
        self,
        table: Table,
        *,
        acting_user: Any,
        valid_only: bool = False,
        reason: str = "",
        progress: Any = None,
    ) -> ImportResult:
        """Check every row, then write the good ones through :func:`services.inspection_submit` in one
        transaction (everything or nothing unless ``valid_only``)."""
        result = ImportResult(kind=self.kind, total=len(table))
        with transaction.atomic():
            checked = self.check(table, acting_user)
            result.errors = checked.errors
            bad = checked.bad_rows
            result.rejected_rows = [n for n in table.row_numbers if n in bad or table.header_errors]
            if checked.errors and not valid_only:
                return result
            good = [r for r in checked.rows if r.number not in bad and r.instance is not None]
            result.unchanged = sum(1 for r in good if r.existing is not None)
            households = Household.objects.in_bulk([r.values["household"] for r in good])
            for done, row in enumerate(r for r in good if r.existing is None):
                services.inspection_submit(
                    household=households[row.values["household"]],
                    month=first_of_month(row.values["month"]),
                    points={c.name: row.values[c.name] for c in ITEM_COLUMNS},
                    violations=row.values.get("violations") or 0,
                    notes=row.values.get("notes") or "",
                    acting_user=acting_user,
                )
                result.created += 1
                if progress is not None:
                    progress(done + 1, len(good))
            result.written = bool(result.created)
        return result

    def export_row(self, obj: models.Model) -> list[Any]:
        """The inspection with its item scores, so an export imports back unchanged."""
        assert isinstance(obj, Inspection)
        scores = {s.item.code: s.points for s in obj.scores.select_related("item")}
        return [
            str(obj.household_id),
            obj.month,
            *(scores.get(c.name) for c in ITEM_COLUMNS),
            obj.violations,
            obj.notes,
        ]
