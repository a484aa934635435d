"""The engine: parsing, validation messages and row numbers, exact numbers, registry, io."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import polars as pl
import pytest

from countyworks.rules import io
from countyworks.rules.engine import RowError
from countyworks.rules.gap import amount_needed, hire_needed
from countyworks.rules.numbers import ceil_unit, format_number
from countyworks.rules.registry import RULESETS, UnknownRuleSet, get_ruleset, known_codes
from countyworks.rules.tech_sme_2022 import RULESET as TECH

from .test_tech_sme_2022 import BASE


def text_frame(*rows: dict) -> pl.DataFrame:
    """Rows as a csv gives them: every cell a string."""
    return pl.DataFrame([{k: None if v is None else str(v) for k, v in r.items()} for r in rows])


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("TRUE", True),
        ("是", True),
        ("1", True),
        ("Yes", True),
        (" no ", False),
        ("否", False),
        ("0", False),
        ("False", False),
    ],
)
def test_booleans_in_files(word, value):
    frame = text_frame({**BASE, "high_tech_cert": word, "tech_staff": 5, "rd_expense": 10})
    assert TECH.validate(frame) == []
    assert TECH.evaluate(frame)["direct"][0] is value


def test_row_errors_name_row_column_value_and_reason_in_two_languages():
    frame = text_frame(
        BASE,
        {**BASE, "employees": "0", "tech_staff": "0", "rd_expense": "abc", "resident": "maybe"},
        {**BASE, "tech_staff": "2.5", "revenue": "-1", "total_cost": ""},
        {**BASE, "tech_staff": "101", "ip_class2": "-1"},
    )
    errors = TECH.validate(frame)
    assert [str(e) for e in errors] == [
        "row 3, column employees, value '0': below the minimum 1",
        "row 3, column rd_expense, value 'abc': not a number",
        "row 3, column resident, value 'maybe': not a boolean (是/否, true/false, yes/no, y/n, t/f, 1/0)",
        "row 4, column tech_staff, value '2.5': not a whole number",
        "row 4, column revenue, value '-1': negative value not allowed",
        "row 4, column total_cost: blank required field",
        "row 5, column tech_staff, value '101': tech_staff above employees",
        "row 5, column ip_class2, value '-1': negative value not allowed",
    ]
    assert errors[1].reason_zh == "研发费用总额不是数字"
    assert errors[6].reason_zh == "科技人员数大于职工总数"


def test_missing_columns_are_reported_on_the_header_row():
    errors = TECH.validate(text_frame(BASE).drop("rd_expense", "resident"))
    assert errors == [
        RowError(
            1, "rd_expense", "", "missing column", "缺少列“rd_expense”（研发费用总额）", "missing_column"
        ),
        RowError(
            1, "resident", "", "missing column", "缺少列“resident”（境内注册居民企业）", "missing_column"
        ),
    ]


def test_optional_flags_may_be_absent_or_blank():
    frame = text_frame({**BASE, "led_standard": ""})
    assert TECH.validate(frame) == []
    assert TECH.evaluate(frame)["direct"][0] is False


def test_first_row_offset_for_chunks():
    frame = text_frame({**BASE, "employees": "x"})
    assert TECH.validate(frame, first_row=100_002)[0].row == 100_002


def test_implausible_amounts_and_non_finite_numbers():
    errors = TECH.validate(
        text_frame({**BASE, "revenue": "1e11", "total_cost": "inf", "total_assets": "nan"})
    )
    assert [(e.column, e.reason_en) for e in errors] == [
        ("revenue", "implausibly large amount (above 10000000000 万元)"),
        ("total_assets", "not a number"),
        ("total_cost", "not a number"),
    ]


def test_typed_and_text_inputs_give_the_same_result():
    typed = pl.DataFrame([BASE])
    assert TECH.evaluate(typed).equals(TECH.evaluate(text_frame(BASE)))


def test_amounts_are_exact_to_one_yuan():
    # 0.1 + 0.2 style floats: 6 % of 0.3 is 0.018; 0.0180 passes, 0.0179 does not
    row = {**BASE, "revenue": 0.1 + 0.2, "total_cost": 1000}
    assert TECH.evaluate(pl.DataFrame([{**row, "rd_expense": 0.018}]))["pts_rd"][0] == 50
    assert TECH.evaluate(pl.DataFrame([{**row, "rd_expense": 0.0179}]))["pts_rd"][0] == 40


def test_numbers():
    assert format_number(Fraction(385, 10)) == "38.5"
    assert format_number(3) == "3" and format_number(Fraction(1, 10_000)) == "0.0001"
    assert format_number(Fraction(-5, 2)) == "-2.5"
    assert ceil_unit(Fraction(1, 3)) == Fraction(3334, 10_000)
    assert hire_needed(9, 100, 10) == 2 and hire_needed(10, 100, 10) == 0
    assert amount_needed(Fraction(90), Fraction(3000), 4, in_whole=False) == 30
    # (60 + d)/(600 + d) ≥ 20 % → d ≥ 75
    assert amount_needed(Fraction(60), Fraction(600), 20, in_whole=True) == 75
    assert amount_needed(Fraction(0), Fraction(0), 10, in_whole=True) == Fraction(1, 10_000)


def test_registry():
    assert known_codes() == [
        "tech-sme-2022",
        "high-tech-2016",
        "innovative-sme-2022",
        "specialized-sme-2022",
        "little-giant-2022",
        "tech-sme-2017",
        "mujun-huaian-2023",
        "mujun-jingde-2023",
    ]
    assert get_ruleset("tech-sme-2022") is TECH
    assert get_ruleset("tech-sme-2022", on=date(2024, 1, 1)) is TECH
    with pytest.raises(UnknownRuleSet, match="known: tech-sme-2022, high-tech-2016"):
        get_ruleset("tech-sme-2016")
    with pytest.raises(UnknownRuleSet, match="not in force on 2021-12-31"):
        get_ruleset("tech-sme-2022", on=date(2021, 12, 31))


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda rs: rs.code)
def test_every_rule_set_is_declared_consistently(ruleset):
    names = [f.name for f in ruleset.fields]
    assert names[0] == "id" and len(names) == len(set(names))
    assert all(p in names and w in names for p, w in ruleset.parts)
    assert ruleset.output_columns()[:5] == ["id", "score", "qualified", "direct", "failed_conditions"]
    assert "References" in type(ruleset).__doc__ and "References" in type(ruleset).compute.__doc__


def test_io_round_trip_with_chinese_headers(tmp_path):
    chinese = {TECH.field(k).label: v for k, v in BASE.items()}
    source = tmp_path / "企业.csv"
    source.write_bytes(pl.DataFrame([chinese]).write_csv().encode("gb18030"))
    frame = io.read_table(source, TECH)
    assert frame.columns == list(BASE) and frame["tech_staff"][0] == 25  # polars' native parser
    for suffix in (".csv", ".xlsx", ".parquet"):
        target = tmp_path / f"out{suffix}"
        io.write_table(TECH.evaluate(frame), target)
        back = io.read_table(target)
        assert back["score"].cast(pl.Int64).to_list() == [64]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.parquet", "out.xlsx", "企业.csv"]


@pytest.mark.parametrize("at", [0, 20_000])
def test_io_fast_csv_path_still_reports_every_bad_cell(tmp_path, at):
    """A decimal comma early (the column is read as text) or late (past type inference) is reported."""
    rows = [{k: str(v).lower() for k, v in dict(BASE, id=f"E{i}").items()} for i in range(at + 1)]
    rows[at]["rd_expense"] = "12,5"
    source = tmp_path / "big.csv"
    pl.DataFrame(rows, schema=dict.fromkeys(BASE, pl.String)).write_csv(source)
    errors = TECH.validate(io.read_table(source, TECH))
    assert [(e.row, e.column, e.value) for e in errors] == [(at + 2, "rd_expense", "12,5")]


def test_io_xlsx_input_with_aliases(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", *[TECH.field(k).label for k in list(BASE)[1:]]])
    sheet.append(list(BASE.values()))
    book.save(tmp_path / "in.xlsx")
    frame = io.read_table(tmp_path / "in.xlsx", TECH)
    assert TECH.validate(frame) == []
    assert TECH.evaluate(frame)["score"].to_list() == [64]


def test_io_rejects_unknown_formats(tmp_path):
    with pytest.raises(io.UnsupportedFormat, match="unsupported file type .json"):
        io.read_table(tmp_path / "a.json")
    with pytest.raises(io.UnsupportedFormat):
        io.write_table(pl.DataFrame(), tmp_path / "a.txt")
    assert list(tmp_path.iterdir()) == []


def _examples():
    from . import (
        test_high_tech_2016,
        test_innovative_sme_2022,
        test_little_giant_2022,
        test_specialized_sme_2022,
        test_tech_sme_2017,
        test_tech_sme_2022,
    )

    modules = (
        test_tech_sme_2022,
        test_high_tech_2016,
        test_innovative_sme_2022,
        test_specialized_sme_2022,
        test_little_giant_2022,
        test_tech_sme_2017,
    )
    qualifying = [rs for rs in RULESETS if not rs.ranks_over_file]  # 亩均 sets rank, they do not qualify
    return [(rs, m.BASE) for rs, m in zip(qualifying, modules, strict=True)]


@pytest.mark.parametrize(("ruleset", "row"), _examples(), ids=lambda x: getattr(x, "code", ""))
def test_explain_and_gap_for_every_rule_set(ruleset, row):
    lines = ruleset.explain(row)
    assert lines[0].startswith(f"评价依据：《{ruleset.title}》")
    assert lines[-1].startswith("结论：符合条件")
    assert len(lines) == 1 + len(ruleset.indicators) + ruleset.scored + len(ruleset.conditions) + 1
    assert ruleset.gap(row) == [] and ruleset.gap_items(row) == []
    failing = {**row, "major_incident": True}
    assert ruleset.explain(failing)[-1].startswith("结论：不符合条件，未满足 ")
    assert any(line.endswith("须先解决（无法通过增加投入达到）") for line in ruleset.gap(failing))
