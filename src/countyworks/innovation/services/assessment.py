"""Self-assessment: one enterprise's figures evaluated as a campaign would, nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError

from countyworks.core.tabular import RowError
from countyworks.rules.engine import RuleSet
from countyworks.rules.registry import UnknownRuleSet, get_ruleset
from countyworks.rules.translate import Translate, as_declared


@dataclass(frozen=True)
class Assessment:
    """A one-row evaluation: the result columns, the reasons and the gap (nothing is stored)."""

    ruleset: RuleSet
    errors: list[RowError]
    result: dict[str, Any] | None
    reasons: list[str]
    gap: list[str]


def self_assess(
    *, ruleset_code: str, figures: dict[str, Any], translate: Translate = as_declared, codes: bool = True
) -> Assessment:
    """Evaluate an enterprise's own figures with the same ``evaluate`` a campaign uses; the
    reasons and the gap in the language of ``translate``, condition codes only with ``codes``
    (the page passes its language and no codes; the API keeps Chinese with codes)."""
    try:
        ruleset = get_ruleset(ruleset_code)
    except UnknownRuleSet as exc:
        raise ValidationError(str(exc)) from exc
    row = {"id": figures.get("id") or "self", **{k: v for k, v in figures.items() if k != "id"}}
    frame = pl.DataFrame([{k: ("" if v is None else str(v)) for k, v in row.items()}])
    errors = ruleset.validate(frame)
    if errors:
        return Assessment(ruleset, errors, None, [], [])
    result = ruleset.evaluate(frame).row(0, named=True)
    return Assessment(
        ruleset, [], result, ruleset.explain(row, translate, codes), ruleset.gap(row, tr=translate)
    )
