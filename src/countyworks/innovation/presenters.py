"""Page and chart data of program 2, shaped from what the selectors read (no queries here).

A stored evaluation is explained for a page by :func:`explain`: the result's row is evaluated
once by its rule set (``RuleSet.result``) and the reasons and the gap are both derived from that
one output, where calling ``RuleSet.explain`` and ``RuleSet.gap`` would each evaluate the row
again. The changed rows a gap proposes ("调整后") are evaluated together, in one more call.
The sentences are the engine's own (``RuleSet.reasons`` and ``RuleSet.gap_lines``, which
``RuleSet.explain`` and ``RuleSet.gap`` call too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from countyworks.core.charts import bar_chart
from countyworks.core.importing.template import REGION_HINT, YES_NO_CHOICES, TemplateColumn
from countyworks.core.models import Organisation
from countyworks.core.tabular.cells import YES_NO_HELP_ZH
from countyworks.innovation.models import (
    TIERS,
    Achievement,
    Challenge,
    EnterpriseYearData,
    EvaluationCampaign,
    EvaluationResult,
    PoolMembership,
    TierSpec,
    profile_of,
    ruleset_family,
)
from countyworks.innovation.rule_words import condition_labels, rule_word, ruleset_name
from countyworks.innovation.selectors import EnterprisePage, TierCount, next_tier, year_end
from countyworks.innovation.services import Assessment
from countyworks.rules.engine import RuleSet
from countyworks.rules.gap import DEFAULT_COSTS
from countyworks.rules.registry import UnknownRuleSet

# --- one evaluation: reasons and gap from one evaluation of the row -------------------------------


@dataclass(frozen=True)
class Explained:
    """One row's result (``evaluate(detail=True)`` as a dict), its reasons and its gap."""

    result: dict[str, Any]
    reasons: list[str]
    gap: list[str]


def explain(ruleset: RuleSet, row: Mapping[str, Any]) -> Explained:
    """Evaluate ``row`` once and say why (``RuleSet.reasons``) and what is missing
    (``RuleSet.gap_lines``), in the UI's language, without condition codes."""
    values, res = ruleset.values(row), ruleset.result(row)
    reasons = ruleset.reasons(values, res, rule_word, codes=False)
    if res["qualified"]:
        return Explained(res, reasons, [])
    plan = ruleset.gap_plan(values, res, DEFAULT_COSTS)
    return Explained(res, reasons, ruleset.gap_lines(row, plan, rule_word))


def indicator_bars(
    ruleset: RuleSet, points: Mapping[str, Any], *, group: bool = False
) -> list[dict[str, Any]]:
    """Each indicator's points of its maximum, with the bar's width in %."""
    rows = []
    for indicator in ruleset.indicators:
        got = points.get(indicator.name) or 0
        share = int(100 * float(got) / indicator.max_points) if indicator.max_points else 0
        rows.append(
            {
                "label": rule_word(indicator.label),
                "group": rule_word(indicator.group),
                "points": got,
                "max": indicator.max_points,
                "percent": max(0, min(100, share)),
            }
        )
    return rows


def breakdown(result: EvaluationResult, ruleset: RuleSet) -> dict[str, Any]:
    """One stored evaluation with its indicators (points of max), reasons and gap, for the page."""
    explained = explain(ruleset, result.inputs)
    labels = dict(condition_labels(ruleset))
    return {
        "result": result,
        "ruleset": ruleset,
        "indicators": indicator_bars(ruleset, result.points),
        "failed": [(code, labels.get(code, code)) for code in result.failed_codes],
        "reasons": explained.reasons,
        "gap": explained.gap if not result.qualified else [],
    }


def assessment_bars(ruleset: RuleSet, assessment: Assessment | None) -> list[dict[str, Any]]:
    """The self-assessment's indicator bars (none before a valid evaluation)."""
    if assessment is None or assessment.result is None:
        return []
    result = assessment.result
    return indicator_bars(ruleset, {i.name: result.get(f"pts_{i.name}") for i in ruleset.indicators})


# --- campaigns --------------------------------------------------------------------------------------------


def attach_point_values(
    results: Iterable[EvaluationResult], ruleset: RuleSet, labels: Mapping[str, str]
) -> None:
    """Give each result of a page its points in the order of the table's indicator columns and
    its unmet conditions as words (``labels``: code → label)."""
    for result in results:
        result.point_values = [result.points.get(i.name) for i in ruleset.indicators]  # type: ignore[attr-defined]
        result.failed_labels = [labels.get(c, c) for c in result.failed_codes]  # type: ignore[attr-defined]


def campaign_rows(campaigns: Iterable[EvaluationCampaign]) -> list[dict[str, Any]]:
    """A page of campaigns, each with its pinned rule set named for people (``—`` if that
    version is no longer registered)."""
    rows = []
    for campaign in campaigns:
        try:
            name = ruleset_name(campaign.ruleset())
        except UnknownRuleSet:
            name = "—"
        rows.append({"campaign": campaign, "ruleset": name})
    return rows


def failure_rows(counts: dict[str, int], conditions: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(code, label, enterprises failing it) for the conditions some enterprise failed."""
    return [(code, label, counts[code]) for code, label in conditions if counts.get(code)]


def results_sheet(ruleset: RuleSet, results: Iterable[EvaluationResult]) -> tuple[list[str], list[list[Any]]]:
    """The results export: header and one row per result, points in ``pts_<indicator>`` columns."""
    names = [i.name for i in ruleset.indicators]
    header = [
        "row",
        "id",
        "name",
        "region",
        "score",
        "qualified",
        "direct",
        "failed_conditions",
        *(f"pts_{n}" for n in names),
    ]
    rows: list[list[Any]] = [
        [
            r.row_number,
            r.organisation.credit_code,
            r.organisation.name,
            r.organisation.region.official_code,
            float(r.score) if r.score is not None else None,
            r.qualified,
            r.direct,
            r.failed_conditions,
            *(r.points.get(n) for n in names),
        ]
        for r in results
    ]
    return header, rows


#: What a cell of each rule-set field kind holds, for the campaign template's 填写说明 sheet.
_FIELD_HINTS = {
    "id": "统一社会信用代码（18 位，按文本填写）",
    "amount": "金额，单位万元（可带小数和千分位逗号）",
    "count": "整数",
    "ratio": "百分数：3 或 3% 都表示 3%",
    "score": "分数",
    "date": "日期，如 2023-06-01",
}


def campaign_template_columns(ruleset: RuleSet) -> list[TemplateColumn]:
    """A campaign file's columns for the upload template: the enterprise's identity (name and
    region needed only for an enterprise new to the platform), then the rule set's fields."""
    columns = [
        TemplateColumn("统一社会信用代码", "id", True, _FIELD_HINTS["id"], text=True),
        TemplateColumn("企业名称", "name", False, "平台中尚无的企业必填"),
        TemplateColumn("区划代码", "region", False, "平台中尚无的企业必填；" + REGION_HINT, text=True),
    ]
    for spec in ruleset.fields:
        if spec.name == "id":
            continue
        choices: tuple[str, ...]
        if spec.kind == "bool":
            hint, choices = f"是或否（{YES_NO_HELP_ZH}）", YES_NO_CHOICES
        elif spec.kind == "enum":
            hint, choices = "从下拉列表选择：" + "、".join(spec.choices), spec.choices
        else:
            hint, choices = _FIELD_HINTS.get(spec.kind, ""), ()
        bounds = (spec.minimum, spec.maximum)
        if bounds != (None, None):
            hint += f"，范围 {'' if spec.minimum is None else spec.minimum}–{'' if spec.maximum is None else spec.maximum}"
        if spec.unit and spec.kind not in ("amount", "ratio"):
            hint += f"（单位：{spec.unit}）"
        columns.append(TemplateColumn(spec.label, spec.name, spec.required, hint, choices))
    return columns


# --- enterprises ----------------------------------------------------------------------------------------


def tiers_held(memberships: Iterable[PoolMembership], day: date) -> list[TierSpec]:
    """The pools an enterprise is in on ``day``, lowest first."""
    return sorted(
        {m.tier: TIERS[m.tier] for m in memberships if m.is_active_on(day)}.values(), key=lambda s: s.rank
    )


def enterprise_detail(page: EnterprisePage, *, today: date, rulesets: list[RuleSet]) -> dict[str, Any]:
    """The enterprise page's data: pools now and at the end of its last evaluated year, each
    rule set's latest evaluation explained, the gap to the next rung, the declared figures."""
    memberships = page.memberships
    last_year = max((m.year for m in memberships), default=today.year)
    standing = tiers_held(memberships, year_end(last_year))
    target = next_tier(standing, page.results)
    labels = field_labels(rulesets)
    return {
        "profile": page.profile,
        "org": page.profile.organisation,
        "memberships": memberships,
        "current": tiers_held(memberships, today),
        "standing": standing,
        "standing_year": last_year,
        "evaluations": [breakdown(r, r.campaign.ruleset()) for r in page.results],
        "target": target,
        "target_gap": target_gap(target, page.profile.organisation.credit_code, page.year_data, rulesets),
        "year_data": [
            (item.year, [(labels.get(k, k), v) for k, v in sorted(item.data.items())])
            for item in page.year_data[:3]
        ],
        "plans": [(plan, page.plan_tickets.get(str(plan.pk), [])) for plan in page.plans],
    }


def target_gap(
    target: TierSpec | None, credit_code: str, year_data: list[EnterpriseYearData], rulesets: list[RuleSet]
) -> dict[str, Any] | None:
    """The gap to the next rung, from the enterprise's latest declared figures (newest first)
    complete and valid for the rung's rule set; else the fields it still lacks."""
    if target is None:
        return None
    ruleset = next(r for r in rulesets if ruleset_family(r.code) == target.ruleset_family)
    needed = [f.name for f in ruleset.fields if f.required and f.name != "id"]
    headers = ruleset.header_names()
    for item in year_data:
        if all(name in item.data for name in needed):
            row = {k: v for k, v in {"id": credit_code, **item.data}.items() if k in headers}
            if ruleset.validate(pl.DataFrame([{k: str(v) for k, v in row.items()}])):
                continue
            explained = explain(ruleset, row)
            return {
                "ruleset": ruleset,
                "year": item.year,
                "qualified": explained.result["qualified"],
                "gap": explained.gap,
                "missing": [],
            }
    latest = year_data[0] if year_data else None
    return {
        "ruleset": ruleset,
        "year": latest.year if latest else None,
        "qualified": False,
        "gap": [],
        "missing": [
            rule_word(ruleset.field(n).label) for n in needed if latest is None or n not in latest.data
        ],
    }


def enterprise_rows(
    organisations: Iterable[Organisation], tiers: dict[int, list[TierSpec]]
) -> list[dict[str, Any]]:
    """A page of the roster: each enterprise (its profile, empty if none yet) with its pools."""
    return [{"profile": profile_of(o), "tiers": tiers.get(o.pk, [])} for o in organisations]


def enterprise_sheet(
    organisations: Sequence[Organisation], tiers: dict[int, list[TierSpec]], year: int
) -> tuple[list[str], list[list[Any]]]:
    """The roster export: header and rows."""
    header = ["统一社会信用代码", "企业名称", "区划代码", "所在区划", "所在园区", f"{year}年末所在培育库"]
    rows: list[list[Any]] = [
        [
            o.credit_code,
            o.name,
            o.region.official_code,
            o.region.name,
            profile_of(o).park,
            "、".join(str(s.tier.label) for s in tiers.get(o.pk, [])),
        ]
        for o in organisations
    ]
    return header, rows


def field_labels(rulesets: Iterable[RuleSet]) -> dict[str, str]:
    """English field name → Chinese label, over every rule set (first declaration wins)."""
    labels: dict[str, str] = {}
    for ruleset in rulesets:
        for spec in ruleset.fields:
            label, unit = rule_word(spec.label), rule_word(spec.unit)
            labels.setdefault(spec.name, f"{label}（{unit}）" if unit else label)
    return labels


# --- charts ------------------------------------------------------------------------------------------------


def ladder_chart(ladder: list[TierCount], year: int) -> dict[str, Any]:
    """The home page's bar chart: each pool's size this year and the year before."""
    return bar_chart(
        _("梯度培育库企业数"),
        [c.label for c in ladder],
        {
            _("%(year)d年") % {"year": year - 1}: [c.previous for c in ladder],
            _("%(year)d年") % {"year": year}: [c.count for c in ladder],
        },
        unit=_("家"),
    )


def challenge_summary_rows(summary: dict[str, dict[str, int]]) -> list[tuple[Any, list[tuple[Any, int]]]]:
    """(kind label, [(status label, count)]) for the home page."""
    return [
        (Challenge.Kind(kind).label, [(Challenge.Status(s).label, n) for s, n in counts.items()])
        for kind, counts in summary.items()
    ]


def paid(challenge: Challenge) -> Decimal:
    """What a challenge's paid tranches add up to (from its prefetched tranches)."""
    return sum((t.amount for t in challenge.tranches.all() if t.paid_on), Decimal(0))


def achievement_table(
    counts: dict[int, dict[str, int]], years: list[int]
) -> tuple[list[Any], dict[str, Any]]:
    """The three-year achievements table (kind, counts per year, total) and its chart."""
    rows = [
        (label, [counts[y][value] for y in years], sum(counts[y][value] for y in years))
        for value, label in Achievement.Kind.choices
    ]
    chart = bar_chart(
        _("近三年科技成果"),
        [str(y) for y in years],
        {str(label): [counts[y][value] for y in years] for value, label in Achievement.Kind.choices},
        unit=_("项"),
    )
    return rows, chart
