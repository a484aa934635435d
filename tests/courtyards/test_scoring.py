"""The monthly and annual evaluation against hand-computed cases (docs/rules/courtyard-hygiene.md)."""

from __future__ import annotations

import polars as pl
import pytest

from countyworks.courtyards.scoring import (
    DEFAULT_SHEET,
    annual_results,
    monthly_results,
    monthly_totals,
    over_maximum,
)

CODES = [code for code, _max in DEFAULT_SHEET.items]
XIANANCHONG = "43052310420101"


def sheet_row(items: list[float], violations: int = 0, **extra: object) -> dict[str, object]:
    return {**dict(zip(CODES, items, strict=True)), "violations": violations, **extra}


@pytest.mark.parametrize(
    ("items", "violations", "total", "stars"),
    [
        ([20, 20, 20, 20, 20], 0, 100.0, 5),
        ([20, 20, 20, 20, 10], 0, 90.0, 5),  # 90 → ★5 (以上 includes the cut)
        ([20, 20, 20, 20, 9.9], 0, 89.9, 4),  # 89.9 → ★4
        ([20, 20, 20, 20, 20], 2, 90.0, 5),  # 100 − 2 × 5
        ([20, 20, 20, 15, 15], 1, 85.0, 4),
        ([15, 15, 15, 15, 10], 0, 70.0, 3),
        ([12, 12, 12, 12, 11.9], 0, 59.9, 1),
        ([10, 10, 10, 10, 10], 0, 50.0, 1),
        ([10, 10, 10, 10, 9.5], 0, 49.5, 0),
        ([5, 0, 0, 0, 0], 3, 0.0, 0),  # 5 − 15 → floored at 0
    ],
)
def test_monthly_total_after_deductions_and_stars(items, violations, total, stars):
    result = monthly_totals(pl.DataFrame([sheet_row(items, violations)]))
    assert result["total"][0] == total
    assert result["stars"][0] == stars


def test_scores_above_an_items_maximum_are_reported_by_row_and_item():
    frame = pl.DataFrame([sheet_row([20, 20, 20, 20, 20]), sheet_row([20, 21, 20, 20, -1])])
    bad = over_maximum(frame, DEFAULT_SHEET)
    assert bad.select("row", "item", "points").rows() == [
        (1, "debris_stacked", 21.0),
        (1, "firewood_stacked", -1.0),
    ]


def test_monthly_competition_ranks_within_courtyard_village_and_town():
    # Courtyard 01: 95, 90, 90, 80 → 1, 2, 2, 4. Courtyard 02 of the same village: 92.
    # Village: 95, 92, 90, 90, 80 → 1, 2, 3, 3, 5. A courtyard of another village in the town: 99.
    rows = [
        sheet_row([20, 20, 20, 20, 15], household=1, courtyard=XIANANCHONG, month="2023-05"),
        sheet_row([20, 20, 20, 20, 10], household=2, courtyard=XIANANCHONG, month="2023-05"),
        sheet_row([20, 20, 20, 20, 10], household=3, courtyard=XIANANCHONG, month="2023-05"),
        sheet_row([20, 20, 20, 20, 0], household=4, courtyard=XIANANCHONG, month="2023-05"),
        sheet_row([20, 20, 20, 20, 12], household=5, courtyard="43052310420102", month="2023-05"),
        sheet_row([20, 20, 20, 20, 19], household=6, courtyard="43052310420201", month="2023-05"),
        sheet_row([0, 0, 0, 0, 0], household=1, courtyard=XIANANCHONG, month="2023-06"),  # another month
    ]
    result = monthly_results(pl.DataFrame(rows)).filter(pl.col("month") == "2023-05").sort("household")
    assert result["rank_courtyard"].to_list() == [1, 2, 2, 4, 1, 1]
    assert result["rank_village"].to_list() == [1, 3, 3, 5, 2, 1]
    assert result["rank_town"].to_list() == [2, 4, 4, 6, 3, 1]


def _year(household: int, totals: list[float], courtyard: str = XIANANCHONG) -> list[dict[str, object]]:
    return [
        {"household": household, "courtyard": courtyard, "month": f"2023-{m:02d}", "total": t}
        for m, t in enumerate(totals, start=1)
    ]


def test_annual_mean_of_the_months_scored_the_spec_example():
    months = [92, 88, 95, 90, 85, 91, 93, 89, 94, 90, 87, 96]
    result = annual_results(pl.DataFrame(_year(1, months)))
    assert result["months_scored"][0] == 12
    assert round(result["annual_score"][0], 3) == 90.833
    assert result["rank_courtyard"][0] == 1 and result["top_ten"][0]


def test_fewer_than_ten_scored_months_are_unranked_and_ties_share_a_rank():
    rows = _year(1, [90.0] * 12) + _year(2, [90.0] * 10) + _year(3, [99.0] * 9) + _year(4, [80.0] * 11)
    result = annual_results(pl.DataFrame(rows)).sort("household")
    assert result["ranked"].to_list() == [True, True, False, True]
    assert result["rank_courtyard"].to_list() == [1, 1, None, 3]
    assert result["top_ten"].to_list() == [True, True, False, True]


def test_top_ten_includes_every_household_tied_at_rank_ten():
    # Nine households 99 … 91, then three tied at 90: ranks 10, 10, 10 — twelve in the top ten;
    # the next, at 89, is 13th and out.
    rows = [r for h in range(9) for r in _year(h, [99.0 - h] * 12)]
    rows += [r for h in (9, 10, 11) for r in _year(h, [90.0] * 12)]
    rows += _year(12, [89.0] * 12)
    result = annual_results(pl.DataFrame(rows)).sort("household")
    assert result["rank_courtyard"].to_list() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 13]
    assert result.filter(pl.col("top_ten")).height == 12


def test_equal_means_over_different_month_counts_tie():
    # 1080 / 12 = 90 and 900 / 10 = 90 tie; 1090 / 12 = 90.833 is ahead of 999 / 11 = 90.818.
    rows = (
        _year(1, [90.0] * 12)
        + _year(2, [90.0] * 10)
        + _year(3, [92, 88, 95, 90, 85, 91, 93, 89, 94, 90, 87, 96])
    )
    rows += _year(4, [90.9] * 10 + [90.0])
    result = annual_results(pl.DataFrame(rows)).sort("household")
    assert result["rank_courtyard"].to_list() == [3, 3, 1, 2]
