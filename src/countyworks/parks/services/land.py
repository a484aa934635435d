"""Land clean-up (三类用地): disposal actions and the three disposal rates.

Rules: docs/rules/land-disposal.md (the rates, a local default formula) and
docs/rules/idle-land-2012.md (闲置土地处置办法, 国土资源部令第53号).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor
from countyworks.core.periods import Period
from countyworks.core.services import audited_save
from countyworks.parks.models import DisposalAction, DisposalKind, LandCategory, Parcel
from countyworks.parks.services._common import Rate, require_write

#: What counts as disposal for each category (docs/rules/land-disposal.md §2).
DISPOSAL_KINDS: dict[str, frozenset[str]] = {
    LandCategory.UNSUPPLIED: frozenset({DisposalKind.SUPPLIED, DisposalKind.WITHDRAWN, DisposalKind.OTHER}),
    LandCategory.IDLE: frozenset(
        {DisposalKind.FEE_RESTARTED, DisposalKind.RECOVERED, DisposalKind.REVITALISED, DisposalKind.OTHER}
    ),
    LandCategory.INEFFICIENT: frozenset(
        {DisposalKind.REDEVELOPED, DisposalKind.RECOVERED, DisposalKind.TRANSFERRED, DisposalKind.REVITALISED}
    ),
}
#: 1 亩 = 666.67 ㎡ (2000/3 exactly); 1 公顷 = 15 亩.
M2_PER_MU = Decimal(2000) / Decimal(3)


@dataclass(frozen=True)
class CategoryRate:
    """One category's disposal rate: disposed in the window ÷ stock at the window's start [亩]."""

    category: str
    label: str
    rate: Rate


def disposal_rate(stock_mu: Iterable[Decimal], disposed_mu: Iterable[Decimal]) -> Rate:
    """处置率 = Σ area disposed in the task's window ÷ Σ stock identified at the task's start [亩].

    Parameters
    ----------
    stock_mu : iterable of Decimal
        Each parcel's area still undisposed at the window's start [亩].
    disposed_mu : iterable of Decimal
        The areas of the disposal actions dated in the window on those parcels [亩].

    References
    ----------
    .. [1] 自然资源部 批而未供和闲置土地处置 (批而未供处置率, 闲置土地处置率) and 低效用地再开发: the
       denominator and window are a local default (docs/rules/land-disposal.md §1); 闲置土地 as defined by
       国土资源部令第53号《闲置土地处置办法》第二条 (docs/rules/idle-land-2012.md).
    """
    return Rate(sum(disposed_mu, Decimal(0)), sum(stock_mu, Decimal(0)))


def category_rates(*, region_prefix: str, period: Period) -> list[CategoryRate]:
    """The three rates of a region for a window (the period), counted from parcels and actions.

    The stock is every parcel identified before the window's start, less what was disposed of it
    before then; the numerator is what was disposed of those parcels within the window.

    References
    ----------
    .. [1] docs/rules/land-disposal.md §1 (formula), §2 (what counts as disposal per category).
    """
    start, end = period.start, period.end
    parcels = Parcel.objects.filter(region__code__startswith=region_prefix, identified_on__lt=start)
    rows = parcels.values("category").annotate(
        before=Sum("actions__area_mu", filter=Q(actions__disposed_on__lt=start)),
        within=Sum(
            "actions__area_mu", filter=Q(actions__disposed_on__gte=start, actions__disposed_on__lt=end)
        ),
    )
    # A sum over the join would repeat a parcel's area once per action: the areas are summed alone.
    areas = dict(parcels.values_list("category").annotate(a=Sum("area_mu")))
    by_category = {row["category"]: row for row in rows}
    result = []
    for category in LandCategory:
        row: Mapping[str, Any] = by_category.get(category.value, {})
        stock = _mu(areas.get(category.value)) - _mu(row.get("before"))
        rate = disposal_rate([stock], [_mu(row.get("within"))])
        result.append(CategoryRate(category.value, str(category.label), rate))
    return result


def _mu(value: Decimal | None) -> Decimal:
    """An area sum as exact hundredths of a 亩 (SQLite sums decimals in floating point)."""
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def disposed_area(*, region_prefix: str, period: Period) -> Decimal:
    """三类用地 disposed in the period [亩]: every action dated in it."""
    total = DisposalAction.objects.filter(
        parcel__region__code__startswith=region_prefix,
        disposed_on__gte=period.start,
        disposed_on__lt=period.end,
    ).aggregate(s=Sum("area_mu"))["s"]
    return _mu(total)


def check_disposal(action: DisposalAction, *, already_mu: Decimal) -> None:
    """A disposal must fit what remains of the parcel, be of a kind its category allows, and not
    predate the parcel's identification.

    Raises
    ------
    ValidationError
        In the active language, naming the parcel, the area asked and the area remaining.

    References
    ----------
    .. [1] docs/rules/land-disposal.md §2–§3.
    """
    parcel = action.parcel
    errors: dict[str, ValidationError] = {}
    remaining = parcel.area_mu - already_mu
    if action.area_mu is not None and action.area_mu > remaining:
        errors["area_mu"] = ValidationError(
            _(
                "处置面积 %(area)s 亩超过地块 %(code)s 的剩余面积 %(remaining)s 亩（地块 %(total)s 亩，已处置 %(done)s 亩）"
            ),
            params={
                "area": action.area_mu,
                "code": parcel.code,
                "remaining": remaining,
                "total": parcel.area_mu,
                "done": already_mu,
            },
            code="beyond_parcel",
        )
    if action.kind and action.kind not in DISPOSAL_KINDS[parcel.category]:
        errors["kind"] = ValidationError(
            _("“%(kind)s”不是%(category)s的处置方式"),
            params={"kind": action.get_kind_display(), "category": parcel.get_category_display()},
            code="kind",
        )
    if action.disposed_on is not None and action.disposed_on < parcel.identified_on:
        errors["disposed_on"] = ValidationError(
            _("处置日期 %(day)s 早于地块认定日期 %(identified)s"),
            params={"day": action.disposed_on, "identified": parcel.identified_on},
            code="before_identified",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disposal_record(
    *, parcel: Parcel, kind: str, area_mu: Decimal, disposed_on: date, note: str = "", acting_user: Actor
) -> DisposalAction:
    """Record a disposal of (part of) a parcel; the parcel row is locked so two officers cannot
    together dispose more than it holds."""
    require_write(acting_user, parcel.region_id)
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    action = DisposalAction(parcel=locked, kind=kind, area_mu=area_mu, disposed_on=disposed_on, note=note)
    action.full_clean()
    already = locked.actions.aggregate(s=Sum("area_mu"))["s"] or Decimal(0)
    check_disposal(action, already_mu=already)
    return audited_save(action, acting_user=acting_user)


@transaction.atomic
def parcel_save(*, parcel: Parcel, acting_user: Actor) -> Parcel:
    """Create or change a parcel (area > 0, validated), audited."""
    require_write(acting_user, parcel.region_id)
    return audited_save(parcel, acting_user=acting_user)
