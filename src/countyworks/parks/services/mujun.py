"""亩均效益: evaluating a year's enterprise figures with a rule set, and the D-class surcharge.

The scoring is the rule set's (``countyworks evaluate mujun-<set>`` runs the same code):
docs/rules/mujun-huaian-2023.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation
from countyworks.parks.models import MujunResult
from countyworks.parks.services._common import require_write

#: 差别化电价 on class D by consecutive year (1st, 2nd, 3rd and later) [元/kWh].
D_SURCHARGES: tuple[Decimal, ...] = (Decimal("0.05"), Decimal("0.10"), Decimal("0.15"))


def consecutive_d_years(classes: Mapping[int, str], year: int) -> int:
    """How many years running, ending with ``year``, the enterprise was class D (a gap resets)."""
    count = 0
    while classes.get(year - count) == "D":
        count += 1
    return count


def d_surcharge(classes: Mapping[int, str], year: int) -> Decimal:
    """The electricity surcharge of ``year`` [元/kWh]: +0.05, +0.10, +0.15 in the 1st, 2nd, 3rd and
    later consecutive year in class D; 0 otherwise.

    Parameters
    ----------
    classes : mapping of year → class
        The enterprise's 亩均 classes by evaluation year.

    References
    ----------
    .. [1] 山东省 亩均效益评价 差别化电价 (D类 第1年0.05元/千瓦时、第2年0.10元、第3年及以上0.15元), the
       confirmed example (docs/rules/mujun-huaian-2023.md §4); surcharges of several kinds do not stack (the highest applies);
       docs/rules/mujun-huaian-2023.md §4.
    """
    years = consecutive_d_years(classes, year)
    if years == 0:
        return Decimal(0)
    return D_SURCHARGES[min(years, len(D_SURCHARGES)) - 1]


def highest_surcharge(surcharges: Sequence[Decimal]) -> Decimal:
    """Surcharges of several kinds do not stack: the highest applies (docs/rules/mujun-huaian-2023.md §4)."""
    return max(surcharges, default=Decimal(0))


@transaction.atomic
def mujun_evaluate(
    *,
    region_code: str,
    year: int,
    ruleset_code: str,
    rows: Sequence[Mapping[str, Any]],
    organisations: Mapping[str, Organisation],
    acting_user: Actor,
) -> list[MujunResult]:
    """Evaluate one year's figures (rows keyed by the rule set's fields, ``id`` naming the enterprise
    in ``organisations``) and store each enterprise's result with its reasons, replacing the year's
    earlier results of that rule set. Any row error → ValidationError, nothing written."""
    from countyworks.rules.registry import get_ruleset

    require_write(acting_user, region_code)
    ruleset = get_ruleset(ruleset_code)
    frame = pl.DataFrame([{k: None if v is None else str(v) for k, v in r.items()} for r in rows])
    errors, typed = ruleset.validate_typed(frame)
    if errors or typed is None:
        raise ValidationError(
            [
                _("第 %(row)d 行 %(column)s：%(reason)s")
                % {"row": e.row, "column": e.column, "reason": e.reason_zh}
                for e in errors
            ]
        )
    results = ruleset.evaluate_typed(typed, detail=True)
    values = ruleset.coerce(frame)
    MujunResult.objects.filter(region_id=region_code, year=year, ruleset=ruleset.code).delete()
    stored = []
    for row, res, raw in zip(values.iter_rows(named=True), results.iter_rows(named=True), rows, strict=True):
        exact = ruleset.values(raw)
        stored.append(
            MujunResult(
                region_id=region_code,
                organisation=organisations[str(row["id"])],
                year=year,
                ruleset=ruleset.code,
                group=res["group"],
                score=None if res["score"] is None else Decimal(str(res["score"])),
                rank=res["rank"],
                group_size=res["group_size"],
                klass=res["class"],
                inputs={k: None if v is None else str(v) for k, v in raw.items()},
                reasons=ruleset.reasons(exact, res),
            )
        )
    created = bulk_create_with_history(stored, MujunResult, default_user=recorded_user(acting_user))
    return list(created)
