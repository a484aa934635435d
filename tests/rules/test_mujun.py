"""亩均 rule sets: the worked example of docs/rules/mujun-huaian-2023.md §2, the class example, T rows, benchmarks, the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from countyworks.rules.registry import get_ruleset

HUAIAN = get_ruleset("mujun-huaian-2023")
JINGDE = get_ruleset("mujun-jingde-2023")
SCORES = [95, 88, 81, 77, 70, 66, 60, 52, 45, 30]


def _worked_row(**extra: str) -> dict[str, str]:
    # x = 20 万元/亩, 500 万元/亩, 1.5 万元/吨标煤 (tax 30 over energy 20, land 1.5 亩)
    row = {
        "id": "e1",
        "group": "规上",
        "land_mu": "1.5",
        "tax": "30",
        "revenue": "750",
        "energy_tce": "20",
        "production_years": "5",
        "bench_tax_per_mu": "40",
        "bench_revenue_per_mu": "800",
        "bench_tax_per_energy": "2",
    }
    row.update(extra)
    return row


def test_worked_example_of_the_benchmark_form():
    out = HUAIAN.evaluate(pl.DataFrame([_worked_row()])).row(0, named=True)
    assert (out["pts_tax_per_mu"], out["pts_revenue_per_mu"], out["pts_tax_per_energy"]) == (
        22.5,
        21.875,
        15.0,
    )
    assert out["score"] == 59.375
    assert HUAIAN.evaluate(pl.DataFrame([_worked_row(bonus="2")]))["score"][0] == 61.375


def test_negative_value_added_is_floored_not_scored_below_zero():
    row = _worked_row(tax="0")
    out = HUAIAN.evaluate(pl.DataFrame([row])).row(0, named=True)
    assert out["pts_tax_per_mu"] == 0 and out["pts_tax_per_energy"] == 0


def _class_rows(*extra: dict[str, str]) -> pl.DataFrame:
    rows = [
        {
            "id": f"e{i}",
            "group": "below",
            "land_mu": "10",
            "tax": str(s * 4),
            "revenue": "1",
            "production_years": "3",
            "bench_tax_per_mu": "40",
        }
        for i, s in enumerate(SCORES)
    ]
    return pl.DataFrame([*rows, *extra])


def test_class_example_of_the_rules_doc():
    out = HUAIAN.evaluate(_class_rows())
    assert out["score"].to_list() == SCORES
    assert "".join(out["class"].to_list()) == "AABBBBCCCD"
    assert out["group_size"].to_list() == [10] * 10


def test_ties_share_the_better_rank():
    frame = _class_rows().with_columns(
        pl.when(pl.col("id") == "e2").then(pl.lit("352")).otherwise(pl.col("tax")).alias("tax")
    )
    out = HUAIAN.evaluate(frame)
    assert out["rank"].to_list()[:4] == [1, 2, 2, 4]  # e1 and e2 both 88 分
    assert out["class"].to_list()[:3] == ["A", "A", "A"]


def test_not_rated_rows_are_class_t_and_not_counted():
    extra = (
        {
            "id": "u",
            "group": "below",
            "land_mu": "10",
            "tax": "999",
            "revenue": "1",
            "production_years": "9",
            "utility": "是",
            "bench_tax_per_mu": "40",
        },
        {
            "id": "n",
            "group": "below",
            "land_mu": "10",
            "tax": "999",
            "revenue": "1",
            "production_years": "1",
            "bench_tax_per_mu": "40",
        },
        {
            "id": "s",
            "group": "below",
            "land_mu": "2.99",
            "tax": "999",
            "revenue": "1",
            "production_years": "9",
            "bench_tax_per_mu": "40",
        },
    )
    out = HUAIAN.evaluate(_class_rows(*extra)).filter(pl.col("id").is_in(["u", "n", "s"]))
    assert out["class"].to_list() == ["T", "T", "T"]
    assert out["failed_conditions"].to_list() == ["t_utility", "t_new", "t_small_land"]
    assert out["score"].null_count() == 3
    assert HUAIAN.evaluate(_class_rows(*extra))["group_size"].drop_nulls().unique().to_list() == [10]


def test_min_max_form_gives_20_to_full_weight_and_full_weight_when_equal():
    out = JINGDE.evaluate(_class_rows())
    assert out["score"][0] == 100 and out["score"][-1] == 20
    # (88 − 30)/(95 − 30) × 80 + 20 = 91.3846…
    assert out["score"][1] == pytest.approx(20 + 80 * 58 / 65, abs=1e-4)
    same = JINGDE.evaluate(_class_rows().with_columns(pl.lit("100").alias("tax")))
    assert same["score"].unique().to_list() == [100.0]


def test_missing_benchmark_is_a_row_error():
    errors = HUAIAN.validate(pl.DataFrame([_worked_row(bench_tax_per_energy="")]))
    assert [(e.row, e.column) for e in errors] == [(2, "bench_tax_per_energy")]


def test_zero_land_is_a_row_error():
    errors = HUAIAN.validate(pl.DataFrame([_worked_row(land_mu="0")]))
    assert (2, "land_mu") in [(e.row, e.column) for e in errors]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "countyworks.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_command_with_a_benchmarks_file(tmp_path: Path):
    row = _worked_row()
    for key in ("bench_tax_per_mu", "bench_revenue_per_mu", "bench_tax_per_energy"):
        row.pop(key)
    source = tmp_path / "in.csv"
    pl.DataFrame([row]).write_csv(source)
    bench = tmp_path / "bench.csv"
    bench.write_text(
        "分组,bench_tax_per_mu,bench_revenue_per_mu,bench_tax_per_energy\n规上,40,800,2\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    done = _run("evaluate", "mujun-huaian", str(source), "-o", str(out), "--benchmarks", str(bench))
    assert done.returncode == 0, done.stderr
    result = pl.read_csv(out)
    assert result["score"][0] == 59.375 and result["class"][0] == "D"


def test_command_refuses_a_bad_benchmarks_file(tmp_path: Path):
    source = tmp_path / "in.csv"
    pl.DataFrame([_worked_row()]).write_csv(source)
    bench = tmp_path / "bench.csv"
    bench.write_text("group,bench_tax_per_mu\nabove,-1\n", encoding="utf-8")
    done = _run("evaluate", "mujun-huaian", str(source), "--benchmarks", str(bench))
    assert done.returncode == 1
    assert "row 2, bench_tax_per_mu: not a positive number" in done.stderr
