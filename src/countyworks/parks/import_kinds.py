"""Program 4's import kinds: leads, parcels, disposal actions, 五好园区 results.

Every file goes through the platform's one intake (docs/importing.md): headers in English or
Chinese, every row checked, all-or-nothing. Keys: a lead by (region, name), a parcel by (region,
code), a 五好园区 result by (park, year) — re-importing an export changes nothing; a disposal action
is always new, and the rows of one file are checked together so that the file cannot dispose
more of a parcel than it holds.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.import_kinds import OrganisationLookup
from countyworks.core.importing import (
    FILE_LANGUAGE,
    CellError,
    Checked,
    Column,
    Importer,
    Kind,
    Lookup,
    OnExisting,
    RegionLookup,
    RowError,
    chunks,
    register,
)
from countyworks.core.scoping import scope
from countyworks.parks.models import (
    PROGRAM,
    ChainLink,
    DisposalAction,
    DisposalKind,
    InvestmentLead,
    LandCategory,
    Parcel,
    ParkAssessment,
)
from countyworks.parks.services import DISPOSAL_KINDS, check_lead


class ChainLinkLookup(Lookup):
    """A chain link written ``钢铁新材/硅钢与薄板深加工`` (chain/link), among the importer's readable chains."""

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        visible = scope(ChainLink.objects.select_related("chain"), user, PROGRAM)
        found: dict[str, Any] = {}
        for link in visible.filter(name__in={c.partition("/")[2] for c in codes}):
            key = f"{link.chain.name}/{link.name}"
            if key in codes:
                found[key] = link.pk
        return found

    def unknown(self, code: str) -> CellError:
        return CellError(
            f"unknown chain link {code} (write chain/link, e.g. 钢铁新材/硅钢与薄板深加工)",
            _("未知的产业链环节 %(code)s（格式：产业链/环节）") % {"code": code},
        )

    def export(self, obj: Any, attname: str) -> str:
        link = getattr(obj, attname.removesuffix("_id"))
        return "" if link is None else f"{link.chain.name}/{link.name}"


class ParcelLookup(Lookup):
    """A parcel by its code, among the importer's readable parcels."""

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        visible = scope(Parcel.objects.all(), user, PROGRAM)
        found: dict[str, Any] = {}
        for chunk in chunks(sorted(codes)):
            found.update(dict(visible.filter(code__in=chunk).values_list("code", "pk")))
        return found

    def unknown(self, code: str) -> CellError:
        return CellError(f"unknown parcel {code}", _("未知地块 %(code)s") % {"code": code})

    def export(self, obj: Any, attname: str) -> str:
        return getattr(obj, attname.removesuffix("_id")).code


@register
class LeadImporter(Importer):
    """招商项目: stages with dates in order, contracted and arrived funds (亿元), the chain link filled."""

    kind = "parks-leads"
    label = gettext_lazy("招商项目")
    model = InvestmentLead
    program = PROGRAM
    columns = (
        Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        Column("name", "项目名称", required=True),
        Column("company", "投资方", Kind.REF, required=True, lookup=OrganisationLookup()),
        Column("chain_link", "补链环节", Kind.REF, lookup=ChainLinkLookup()),
        Column("contracted_yi", "合同引资（亿元）", Kind.DECIMAL, required=True),
        Column("funds_fixed_yi", "到位资金·固定资产（亿元）", Kind.DECIMAL),
        Column("funds_working_yi", "到位资金·流动资金（亿元）", Kind.DECIMAL),
        Column("negotiating_on", "洽谈日期", Kind.DATE),
        Column("signed_on", "签约日期", Kind.DATE),
        Column("performing_on", "履约日期", Kind.DATE),
        Column("landed_on", "落地日期", Kind.DATE),
        Column("started_on", "开工日期", Kind.DATE),
        Column("producing_on", "投产日期", Kind.DATE),
        Column("full_production_on", "达产日期", Kind.DATE),
        Column("note", "备注"),
    )
    keys = (("region", "name"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(InvestmentLead.objects.all(), user, PROGRAM, within=within)

    def cross_check(self, checked: Checked, user: Any) -> None:
        """The stage order and the chain link's county (:func:`check_lead`), row by row, each
        refusal in English (CLI) and Chinese (pages)."""
        names = {f.attname for f in InvestmentLead._meta.fields}
        for row in checked.rows:
            if row.number in checked.bad_rows:
                continue
            values = {(f"{k}_id" if self.column(k).kind == Kind.REF else k): v for k, v in row.values.items()}
            lead = InvestmentLead(**{k: v for k, v in values.items() if k in names and v is not None})
            try:
                check_lead(lead)
            except ValidationError as exc:
                with translation.override("en"):
                    english = exc.message_dict
                with translation.override(FILE_LANGUAGE):
                    chinese = exc.message_dict
                for field, messages in chinese.items():
                    for en, zh in zip(english[field], messages, strict=True):
                        checked.errors.append(RowError(row.number, field, "", en, zh))


@register
class ParcelImporter(Importer):
    """三类用地地块: code, category, area (亩, > 0), location, planned use, the day identified."""

    kind = "parks-parcels"
    label = gettext_lazy("三类用地地块")
    model = Parcel
    program = PROGRAM
    columns = (
        Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        Column("code", "地块编号", Kind.CODE, required=True),
        Column("category", "类别", Kind.CHOICE, required=True, choices=LandCategory),
        Column("area_mu", "面积（亩）", Kind.DECIMAL, required=True),
        Column("location", "坐落"),
        Column("planned_use", "规划用途"),
        Column("identified_on", "认定日期", Kind.DATE, required=True),
        Column("delay_cause", "闲置原因", Kind.CHOICE, choices=Parcel.DelayCause),
    )
    keys = (("region", "code"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(Parcel.objects.all(), user, PROGRAM, within=within)


@register
class DisposalImporter(Importer):
    """处置记录: parcel code, kind, area (亩), day. The file's and the stored areas of a parcel
    together may not exceed it."""

    kind = "parks-disposals"
    label = gettext_lazy("三类用地处置记录")
    model = DisposalAction
    program = PROGRAM
    region_column = None
    columns = (
        Column("parcel", "地块编号", Kind.REF, required=True, lookup=ParcelLookup()),
        Column("kind", "处置方式", Kind.CHOICE, required=True, choices=DisposalKind),
        Column("area_mu", "处置面积（亩）", Kind.DECIMAL, required=True),
        Column("disposed_on", "处置日期", Kind.DATE, required=True),
        Column("note", "说明"),
    )
    on_existing = OnExisting.REJECT

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(DisposalAction.objects.all(), user, PROGRAM, "write", within=within)

    def cross_check(self, checked: Checked, user: Any) -> None:
        """Write reach on the parcel's county, the kind for its category, the day after identification,
        and the running total of each parcel within its area."""
        ids: set[int] = {row.values["parcel"] for row in checked.rows if row.values.get("parcel")}
        parcels = {p.pk: p for p in scope(Parcel.objects.filter(pk__in=ids), user, PROGRAM, "write")}
        used = dict(
            DisposalAction.objects.filter(parcel_id__in=parcels)
            .values_list("parcel")
            .annotate(s=Sum("area_mu"))
        )
        running: dict[int, Decimal] = defaultdict(Decimal)
        for row in checked.rows:
            pk = row.values.get("parcel")
            if pk is None:
                continue
            parcel = parcels.get(pk)
            if parcel is None:
                checked.errors.append(
                    RowError(
                        row.number, "parcel", str(pk), "parcel outside your write reach", _("无权处置该地块")
                    )
                )
                continue
            kind, area, day = row.values.get("kind"), row.values.get("area_mu"), row.values.get("disposed_on")
            if kind and kind not in DISPOSAL_KINDS[parcel.category]:
                checked.errors.append(
                    RowError(
                        row.number,
                        "kind",
                        str(kind),
                        f"{kind} is not a disposal of {parcel.category} land",
                        _("该处置方式不适用于%(c)s") % {"c": parcel.get_category_display()},
                    )
                )
            if day and day < parcel.identified_on:
                checked.errors.append(
                    RowError(
                        row.number,
                        "disposed_on",
                        str(day),
                        "before the parcel was identified",
                        _("处置日期早于地块认定日期"),
                    )
                )
            if area is not None and area <= 0:
                checked.errors.append(
                    RowError(
                        row.number, "area_mu", str(area), "area must be positive", _("处置面积必须大于0")
                    )
                )
                continue
            if area is not None:
                running[pk] += area
                remaining = parcel.area_mu - (used.get(pk) or Decimal(0)) - running[pk] + area
                if area > remaining:
                    checked.errors.append(
                        RowError(
                            row.number,
                            "area_mu",
                            str(area),
                            f"disposes {area} mu of parcel {parcel.code}, which has {remaining} mu left",
                            _("处置面积 %(a)s 亩超过地块 %(c)s 的剩余面积 %(r)s 亩")
                            % {"a": area, "c": parcel.code, "r": remaining},
                        )
                    )


@register
class AssessmentImporter(Importer):
    """五好园区考核结果 as the province publishes them: park, year, class, score, rank, parks in class, title."""

    kind = "parks-wuhao"
    label = gettext_lazy("五好园区考核结果")
    model = ParkAssessment
    program = PROGRAM
    columns = (
        Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        Column("park", "园区", required=True),
        Column("year", "考核年度", Kind.INT, required=True),
        Column("park_class", "园区类别", Kind.CHOICE, required=True, choices=ParkAssessment.ParkClass),
        Column("score", "综合得分", Kind.DECIMAL),
        Column("rank", "排名", Kind.INT, required=True),
        Column("parks_in_class", "同类园区数", Kind.INT, required=True),
        Column("title", "称号"),
    )
    keys = (("park", "year"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(ParkAssessment.objects.all(), user, PROGRAM, within=within)
