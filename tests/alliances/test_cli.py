"""`countyworks settle` and `countyworks allocate` on the fixture files."""

from __future__ import annotations

import csv
from pathlib import Path

from countyworks.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "alliances"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_settle_writes_the_ledger_in_fen(tmp_path, capsys):
    out = tmp_path / "ledger.csv"
    code = main(
        [
            "settle",
            "--year",
            "2023",
            str(FIXTURES / "contracts.csv"),
            str(FIXTURES / "inputs.csv"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    rows = {(r["contract"], r["payee"], r["component"]): int(r["amount_fen"]) for r in _read(out)}
    assert rows[("FH-1", "农户", "floor")] == 24_000_000  # 300 亩 × 800 元
    assert rows[("FH-1", "企业", "rebate")] == 7_800_000  # 30 % of 260,000 元
    assert rows[("LZ-1", "丙户", "rent")] == 825_000  # 12.5 亩 × 660 元 (stepped in 2023)
    assert rows[("DG-1", "丁户", "purchase")] == 1_200_000  # 1,000 × max(10, 12) 元
    assert rows[("BD-1", "甲户", "floor")] == 2_500_000  # loss year: the floor only
    assert "9 ledger lines" in capsys.readouterr().out


def test_settle_names_every_contract_with_missing_inputs(tmp_path, capsys):
    out = tmp_path / "ledger.csv"
    code = main(
        [
            "settle",
            "--year",
            "2022",
            str(FIXTURES / "contracts.csv"),
            str(FIXTURES / "inputs.csv"),
            "-o",
            str(out),
        ]
    )
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "contract LZ-1: missing inputs for 2022: land_area_mu" in err
    assert "contract JY-1: missing inputs for 2022: days_worked" in err


def test_bad_cells_are_reported_by_row_and_column(tmp_path, capsys):
    bad = tmp_path / "contracts.csv"
    bad.write_text(
        "contract,type,collective,start_year,per_mu_yuan\nX,地租,集体,2020,1.234\n", encoding="utf-8"
    )
    assert main(["settle", "--year", "2022", str(bad), str(FIXTURES / "inputs.csv")]) == 1
    err = capsys.readouterr().err
    assert "row 2, column type, value '地租': unknown type '地租'" in err
    assert "row 2, column per_mu_yuan, value '1.234': more than two decimals of a yuan" in err


def test_allocate_reports_fill_cost_and_flags(tmp_path, capsys):
    out = tmp_path / "allocation.xlsx"
    code = main(["allocate", str(FIXTURES / "orders.csv"), str(FIXTURES / "supply.csv"), "-o", str(out)])
    assert code == 0 and out.exists()
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "filled 14 of 18 (77.8%)"
    assert printed[1] == "transport cost 68 fen"
    assert "order FS-1: no member makes 鳜鱼" in printed
