"""Score sheets: the default sheet, a village's new version, and which sheet applies to a household.

References: docs/rules/courtyard-hygiene.md §1 (versions), §2 (items), §3 (stars).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Region
from countyworks.core.services import audited_save
from countyworks.courtyards import scoring
from countyworks.courtyards.models import ScoreItem, ScoreSheet, StarRule
from countyworks.courtyards.services._common import require_write

#: The default items in Chinese, with how points are deducted (docs/rules/courtyard-hygiene.md §2).
DEFAULT_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("poultry_penned", "鸡鸭圈养", "散养或圈舍脏乱酌情扣分，每处扣5分"),
    ("debris_stacked", "杂物堆放整齐", "杂物乱堆乱放每处扣5分"),
    ("front_back_clean", "屋前屋后干净", "垃圾、粪污、积水每处扣5分"),
    ("garden_fenced", "菜园围栏", "菜园无围栏或围栏破损扣5～20分"),
    ("firewood_stacked", "柴火堆放整齐", "柴草乱堆乱放每处扣5分"),
)


def sheet_spec(sheet: ScoreSheet) -> scoring.Sheet:
    """The sheet as :mod:`countyworks.courtyards.scoring` computes with it (points in tenths)."""
    return scoring.Sheet(
        items=tuple((item.code, scoring.tenths(item.max_points)) for item in sheet.items.all()),
        violation_deduction=scoring.tenths(sheet.violation_deduction),
        star_cuts=tuple(
            (scoring.tenths(rule.min_score), rule.stars) for rule in sheet.stars.order_by("-min_score")
        ),
    )


def sheet_for(region_code: str, month: date) -> ScoreSheet | None:
    """The sheet a household at ``region_code`` is scored on in ``month``: of the areas containing it,
    the most specific one that has a sheet effective by then, and of its versions the latest."""
    prefixes = [region_code[:n] for n in (14, 12, 9, 6, 4, 2) if len(region_code) >= n]
    candidates = ScoreSheet.objects.filter(
        region_id__in=prefixes, effective_from__lte=month
    ).prefetch_related("items", "stars")
    best: ScoreSheet | None = None
    for sheet in candidates:
        if best is None or (len(sheet.region_id), sheet.version) > (len(best.region_id), best.version):
            best = sheet
    return best


@transaction.atomic
def sheet_create(
    *,
    region: Region,
    title: str,
    effective_from: date,
    items: list[tuple[str, str, Decimal, str]],
    star_cuts: list[tuple[int, Decimal]],
    violation_deduction: Decimal = Decimal(5),
    is_local_default: bool = True,
    acting_user: Actor,
) -> ScoreSheet:
    """A new version of ``region``'s sheet: items (code, label, maximum, deduction rule) and star cuts
    (stars, minimum). Earlier versions stay, so past inspections keep the sheet they were scored on."""
    require_write(acting_user, region.code)
    if not items:
        raise ValidationError(_("评分表至少要有一个评分项"))
    codes = [code for code, *_rest in items]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("评分项代码不能重复"))
    version = (ScoreSheet.objects.filter(region=region).aggregate(v=Max("version"))["v"] or 0) + 1
    sheet = audited_save(
        ScoreSheet(
            region=region,
            version=version,
            effective_from=effective_from.replace(day=1),
            title=title,
            violation_deduction=violation_deduction,
            is_local_default=is_local_default,
        ),
        acting_user=acting_user,
    )
    for position, (code, label, maximum, rule) in enumerate(items):
        audited_save(
            ScoreItem(
                sheet=sheet,
                code=code,
                label=label,
                max_points=maximum,
                deduction_rule=rule,
                position=position,
            ),
            acting_user=acting_user,
        )
    for stars, minimum in star_cuts:
        audited_save(StarRule(sheet=sheet, stars=stars, min_score=minimum), acting_user=acting_user)
    return sheet


def default_sheet_create(*, region: Region, effective_from: date, acting_user: Actor) -> ScoreSheet:
    """The default sheet (five items of 20 points, 5 off per 门前三包 violation, ★1–★5 from 50 to 90)."""
    maxima = dict(scoring.DEFAULT_SHEET.items)
    return sheet_create(
        region=region,
        title=_("美丽庭院月度卫生评比表"),
        effective_from=effective_from,
        items=[(code, label, Decimal(maxima[code]) / 10, rule) for code, label, rule in DEFAULT_ITEMS],
        star_cuts=[(stars, Decimal(minimum) / 10) for minimum, stars in scoring.DEFAULT_SHEET.star_cuts],
        violation_deduction=Decimal(scoring.DEFAULT_SHEET.violation_deduction) / 10,
        acting_user=acting_user,
    )


def sheet_extend(
    *,
    base: ScoreSheet,
    region: Region,
    effective_from: date,
    extra_items: list[tuple[str, str, Decimal, str]],
    star_cuts: list[tuple[int, Decimal]] | None = None,
    acting_user: Actor,
) -> ScoreSheet:
    """A village's own version: ``base``'s items plus its own (厕所, 家风 …), with ``base``'s star cuts
    unless the village sets its own (more items raise the maximum, so it usually does)."""
    items = [(i.code, i.label, i.max_points, i.deduction_rule) for i in base.items.all()] + extra_items
    cuts = star_cuts or [(rule.stars, rule.min_score) for rule in base.stars.all()]
    return sheet_create(
        region=region,
        title=base.title,
        effective_from=effective_from,
        items=items,
        star_cuts=cuts,
        violation_deduction=base.violation_deduction,
        acting_user=acting_user,
    )
