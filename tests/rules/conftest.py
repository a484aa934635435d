"""Shared helpers for the rule-set tests: frames from dicts, the row-by-row oracle on the path."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from countyworks.rules.engine import RuleSet  # noqa: E402


def evaluate(ruleset: RuleSet, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate (asserting no errors) and evaluate rows given as dicts; one dict per result."""
    frame = pl.DataFrame([dict(r) for r in rows], strict=False)
    errors = ruleset.validate(frame)
    assert errors == [], [str(e) for e in errors]
    return ruleset.evaluate(frame).to_dicts()


def one(ruleset: RuleSet, row: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """The result of one row with some fields changed."""
    return evaluate(ruleset, [{**row, **changes}])[0]


def codes(result: Mapping[str, Any]) -> list[str]:
    return [c for c in result["failed_conditions"].split(";") if c]
