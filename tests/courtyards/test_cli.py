"""``countyworks courtyards score``: the columns of docs/courtyards.md, bad cells listed, exit codes."""

from __future__ import annotations

import polars as pl

from countyworks import cli

HEADER = "household,courtyard,month,poultry_penned,debris_stacked,front_back_clean,garden_fenced,firewood_stacked,violations\n"


def write(tmp_path, rows: list[str], name: str = "scores.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_scores_months_and_the_year(tmp_path):
    months = [92, 88, 95, 90, 85, 91, 93, 89, 94, 90, 87, 96]
    rows = [f"A,43052310420101,2023-{m:02d},20,20,20,20,{t - 80},0" for m, t in enumerate(months, 1)]
    rows += [f"B,43052310420101,2023-{m:02d},20,20,20,20,10,0" for m in range(1, 10)]  # 9 months: unranked
    rows += ["C,43052310420101,2023-01,20,20,20,20,9.9,0", "C,43052310420101,2023-02,20,20,20,20,20,3"]
    out = tmp_path / "result.csv"
    assert cli.main(["courtyards", "score", str(write(tmp_path, rows)), "-o", str(out)]) == 0
    result = pl.read_csv(out)
    january = result.filter(pl.col("month") == "2023-01").sort("household")
    assert january["total"].to_list() == [92.0, 90.0, 89.9]
    assert january["stars"].to_list() == [5, 5, 4]
    assert january["rank_courtyard"].to_list() == [1, 2, 3]
    assert result.filter(pl.col("household") == "C", pl.col("month") == "2023-02")["total"][0] == 85.0
    yearly = result.unique("household").sort("household")
    assert [round(v, 3) for v in yearly["annual_score"]] == [90.833, 90.0, 87.45]
    assert yearly["ranked"].to_list() == [True, False, False]
    assert yearly["annual_rank_courtyard"].to_list() == [1, None, None]
    assert yearly["top_ten"].to_list() == [True, False, False]


def test_bad_cells_are_listed_and_nothing_is_written(tmp_path, capsys):
    rows = [
        "A,43052310420101,2023-01,20,25,20,20,20,0",
        "A,43052310420101,2023-01,20,20,20,20,20,0",
        "B,4305231042010,2023-13,20,20,20,20,20,-1",
    ]
    out = tmp_path / "result.csv"
    assert cli.main(["courtyards", "score", str(write(tmp_path, rows)), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "row 2, column debris_stacked: value 25: score outside 0..20 (the item's maximum)" in err
    assert "row 4, column courtyard: value '4305231042010': expected a 14-digit courtyard code" in err
    assert "row 4, column month: value '2023-13': expected a month YYYY-MM" in err
    assert "row 4, column violations: value -1: expected a count ≥ 0" in err
    assert "row 2, column household: A 2023-01: more than one inspection in the month" in err
    assert not out.exists()


def test_chinese_headers_are_accepted(tmp_path, capsys):
    path = tmp_path / "中文.csv"
    path.write_text(
        "农户,院落代码,月份,鸡鸭圈养,杂物堆放整齐,屋前屋后干净,菜园围栏,柴火堆放整齐\nA,43052310420101,2023-05,20,20,20,20,20\n",
        encoding="utf-8",
    )
    assert cli.main(["courtyards", "score", str(path)]) == 0
    assert "100.0" in capsys.readouterr().out
