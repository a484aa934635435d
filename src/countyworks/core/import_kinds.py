"""The core import kinds: regions, organisations, persons, households.

What a row whose key is already stored does (:class:`~countyworks.core.importing.OnExisting`):

* ``regions`` (key: the division code) and ``organisations`` (key: the 统一社会信用代码, or the
  region and name for organisations without one) **update** the stored record: both keys are
  official identities, so a re-imported list is the authoritative refresh (a renamed town, a
  changed industry code).
* ``persons`` (key: region + name + phone) and ``households`` (key: village + house label + head)
  **reject** a row that differs from the stored record: their keys are names, and a namesake must
  not silently overwrite someone else's record. Rows equal to the stored record are skipped, so
  re-importing an export changes nothing for every kind.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core import selectors
from countyworks.core.importing import (
    CellError,
    Check,
    Checked,
    Column,
    Importer,
    Kind,
    Lookup,
    OnExisting,
    ParsedRow,
    RegionLookup,
    RowError,
    chunks,
    register,
)
from countyworks.core.models import Household, Organisation, Person, Region, validate_credit_code
from countyworks.core.regions import level_of, official_code
from countyworks.core.scoping import SHARED, scope

#: The 统一社会信用代码 check of the model (GB 32100-2015 §4, check digit by python-stdnum).
CREDIT_CODE = Check(validate_credit_code, "invalid 统一社会信用代码 (GB 32100 check digit)")

#: GB/T 4754-2017 国民经济行业分类: a section letter A–T and/or a 2-digit division, 3-digit group
#: or 4-digit class code (e.g. ``C``, ``C39``, ``3911``, ``C3911``).
_INDUSTRY = re.compile(r"^(?:[A-T]|[A-T]?\d{2,4})$")


def validate_industry_code(value: str) -> None:
    if value and not _INDUSTRY.match(value):
        raise ValidationError(
            _("行业代码 %(value)s 不符合 GB/T 4754-2017 格式（如 C3911）"), params={"value": value}
        )


INDUSTRY_CODE = Check(validate_industry_code, "not a GB/T 4754-2017 industry code (e.g. C3911)")

#: A mobile number (11 digits from 1) or a landline with its area code (0734-7654321, extension allowed).
_PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\d{7,8})$")


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value):
        raise ValidationError(
            _("联系电话 %(value)s 格式不正确（手机 11 位，或区号-号码）"), params={"value": value}
        )


PHONE = Check(validate_phone, "not a phone number (11-digit mobile, or area code-number)")


def validate_village_code(value: str) -> None:
    """A household belongs to a village (12 digits) or a courtyard/group within one (14)."""
    if value and len(value) < 12:
        raise ValidationError(_("农户须登记到村或院落（12 或 14 位区划代码）"))


VILLAGE_CODE = Check(
    validate_village_code, "a household belongs to a village or courtyard (12- or 14-digit code)"
)

_CREDIT_LIKE = re.compile(r"^[0-9A-Za-z]{18}$")


class OrganisationLookup(Lookup):
    """An organisation by its 统一社会信用代码, or by its exact name when it has none.

    Only organisations the importing user can read are found; others are "unknown" (never revealed).
    """

    hint = "单位的统一社会信用代码（18 位）；没有代码的单位填全称"

    def normalise(self, raw: str) -> str:
        text = raw.strip()
        return text.upper() if _CREDIT_LIKE.match(text) else text

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        visible = scope(Organisation.objects.all(), user, SHARED)
        credit = sorted(c for c in codes if _CREDIT_LIKE.match(c))
        names = sorted(c for c in codes if not _CREDIT_LIKE.match(c))
        found: dict[str, Any] = {}
        for chunk in chunks(credit):
            found.update(dict(visible.filter(credit_code__in=chunk).values_list("credit_code", "pk")))
        for chunk in chunks(names):
            by_name: dict[str, list[int]] = {}
            for name, pk in visible.filter(name__in=chunk).values_list("name", "pk"):
                by_name.setdefault(name, []).append(pk)
            for name, pks in by_name.items():
                found[name] = (
                    pks[0]
                    if len(pks) == 1
                    else CellError(
                        f"{len(pks)} organisations are named {name}; give the 统一社会信用代码",
                        _("有 %(n)d 个单位名为“%(name)s”，请填写统一社会信用代码")
                        % {"n": len(pks), "name": name},
                    )
                )
        return found

    def unknown(self, code: str) -> CellError:
        return CellError(
            f"unknown organisation {code} (not registered, or outside your area)",
            _("未知单位 %(code)s（未登记或不在您的可见范围内）") % {"code": code},
        )

    def display(self, value: Any) -> str:
        org = Organisation.objects.filter(pk=value).values_list("credit_code", "name").first()
        return (org[0] or org[1]) if org else str(value)

    def export(self, obj: models.Model, attname: str) -> str:
        org = getattr(obj, attname.removesuffix("_id"))
        return "" if org is None else (org.credit_code or org.name)


#: Where a region's parent may be, by the length of its significant prefix: a village's parent is
#: its town, a town's its county; a county hangs under its city, or under the province for the
#: county-level units a province administers directly (e.g. 仙桃市 429004).
_PARENT_LENGTHS: dict[int, tuple[int, ...]] = {14: (12,), 12: (9,), 9: (6,), 6: (4, 2), 4: (2,), 2: ()}


@register
class RegionImporter(Importer):
    """Towns and villages of a county (统计用区划代码): code and name; level and parent follow from the code."""

    kind = "regions"
    label = gettext_lazy("行政区划（乡镇、村、院落）")
    model = Region
    columns = (
        Column("code", "区划代码", Kind.REGION, required=True),
        Column("name", "名称", required=True),
    )
    keys = (("code",),)
    on_existing = OnExisting.UPDATE
    region_column = "code"
    derived_fields = ("level", "parent_id")

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return selectors.region_list(user=user, within=within)

    def cross_check(self, checked: Checked, user: Any) -> None:
        """Infer each row's parent: in the database or in the same file; else the row is an error."""
        in_file = {row.values["code"]: row for row in checked.rows if row.values.get("code")}
        wanted = sorted({code[:n] for code in in_file for n in _PARENT_LENGTHS[len(code)]} - in_file.keys())
        stored: set[str] = set()
        for chunk in chunks(wanted):
            stored.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
        for code, row in in_file.items():
            lengths = _PARENT_LENGTHS[len(code)]
            parent = next((code[:n] for n in lengths if code[:n] in in_file or code[:n] in stored), None)
            if parent is None and lengths:
                expected = official_code(code[: lengths[0]])
                checked.errors.append(
                    RowError(
                        row.number,
                        "code",
                        official_code(code),
                        f"parent region {expected} not found: import it first or include it in this file",
                        _("上级区划 %(code)s 不存在：请先导入上级区划，或放在同一文件中")
                        % {"code": expected},
                    )
                )
            row.derived["parent"] = parent

    def complete(self, instance: models.Model, row: ParsedRow) -> None:
        assert isinstance(instance, Region)
        instance.level = level_of(instance.code)
        instance.parent_id = row.derived.get("parent")

    def check(self, table: Any, user: Any) -> Checked:
        """As the base, then reject the rows whose parent row in the same file is itself rejected."""
        checked = super().check(table, user)
        by_code = {row.values["code"]: row for row in checked.rows if row.values.get("code")}
        while True:
            bad = checked.bad_rows
            added = False
            for code, row in by_code.items():
                parent = by_code.get(row.derived.get("parent") or "")
                if row.number not in bad and parent is not None and parent.number in bad:
                    shown = official_code(parent.values["code"])
                    checked.errors.append(
                        RowError(
                            row.number,
                            "code",
                            official_code(code),
                            f"its parent region {shown} (row {parent.number}) is rejected",
                            _("上级区划 %(code)s（第 %(row)d 行）有错误")
                            % {"code": shown, "row": parent.number},
                        )
                    )
                    added = True
            if not added:
                break
        self.sort_errors(checked)
        return checked

    def insert_order(self, instances: list[models.Model]) -> list[models.Model]:
        return sorted(instances, key=lambda r: (len(r.pk), r.pk))


@register
class OrganisationImporter(Importer):
    """Enterprises, cooperatives, institutes, party branches, government units."""

    kind = "organisations"
    label = gettext_lazy("组织（企业、合作社、机构）")
    model = Organisation
    columns = (
        Column("name", "名称", required=True),
        Column("credit_code", "统一社会信用代码", Kind.CODE, validators=(CREDIT_CODE,)),
        Column("kind", "类型", Kind.CHOICE, choices=Organisation.Kind),
        Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        Column("industry_code", "行业代码", Kind.CODE, validators=(INDUSTRY_CODE,)),
    )
    keys = (("credit_code",), ("region", "name"))
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return selectors.organisation_list(user=user, within=within)


@register
class PersonImporter(Importer):
    """Named people a program needs (guides, secretaries, task-force members): no ID numbers (PIPL)."""

    kind = "persons"
    label = gettext_lazy("人员")
    model = Person
    columns = (
        Column("name", "姓名", required=True),
        Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        Column("organisation", "单位", Kind.REF, lookup=OrganisationLookup()),
        Column("title", "职务"),
        Column("phone", "联系电话", Kind.CODE, validators=(PHONE,)),
    )
    keys = (("region", "name", "phone"), ("region", "name"))
    on_existing = OnExisting.REJECT

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return selectors.person_list(user=user, within=within)


@register
class HouseholdImporter(Importer):
    """Rural households of a village or courtyard: head, size and house label only."""

    kind = "households"
    label = gettext_lazy("农户")
    model = Household
    columns = (
        Column(
            "region",
            "所在村/院落",
            Kind.REF,
            required=True,
            lookup=RegionLookup(),
            validators=(VILLAGE_CODE,),
        ),
        Column("head_name", "户主", required=True),
        Column("members", "家庭人口", Kind.INT, bounds=(1, 30)),
        Column("house_label", "门牌"),
    )
    keys = (("region", "house_label", "head_name"), ("region", "head_name"))
    on_existing = OnExisting.REJECT

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return selectors.household_list(user=user, within=within)
