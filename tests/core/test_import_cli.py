"""``countyworks import KIND FILE``: exit codes, every row error on stderr, nothing written on error."""

from __future__ import annotations

import csv
import io

import pytest

from countyworks.cli import main
from countyworks.core.models import Organisation

from .test_importing import bad_check_digit, credit_code, snapshot


def write_csv(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


@pytest.fixture
def malformed(tmp_path):
    return write_csv(
        tmp_path / "orgs.csv",
        [
            ["name", "credit_code", "kind", "region"],
            ["好公司", credit_code(1), "enterprise", "430482"],
            ["坏代码", bad_check_digit(credit_code(2)), "enterprise", "430482"],
            ["未知区划", credit_code(3), "enterprise", "430499"],
            ["类型", credit_code(4), "factory", "430482"],
            ["重复", credit_code(1), "enterprise", "430482"],
        ],
    )


def test_malformed_file_exits_1_lists_every_row_and_writes_nothing(changning, malformed, capsys):
    before = snapshot()
    code = main(["import", "organisations", str(malformed), "--user", "changning"])
    captured = capsys.readouterr()
    assert code == 1
    assert snapshot() == before
    assert captured.err.splitlines() == [
        f"row 2, column credit_code, value '{credit_code(1)}': duplicate key (credit_code) also in row 6",
        f"row 3, column credit_code, value '{bad_check_digit(credit_code(2))}': "
        "invalid 统一社会信用代码 (GB 32100 check digit)",
        "row 4, column region, value '430499': unknown region code 430499 (not in the division table)",
        "row 5, column kind, value 'factory': not one of: enterprise, cooperative, family_farm, individual, "
        "institute, university, party_branch, government, collective, other",
        f"row 6, column credit_code, value '{credit_code(1)}': duplicate key (credit_code) also in row 2",
        "5 errors in 5 rows of orgs.csv; nothing was imported",
    ]
    assert captured.out == ""


def test_valid_only_imports_the_rest_and_writes_the_rejected_rows(changning, malformed, capsys):
    code = main(["import", "organisations", str(malformed), "--user", "changning", "--valid-only"])
    captured = capsys.readouterr()
    assert code == 1  # rows were rejected: the errors are listed on stderr
    assert len(captured.err.splitlines()) == 5
    assert "organisations: 5 rows, 0 created, 0 updated, 0 unchanged, 5 rejected" in captured.out
    rejected = malformed.with_name("orgs.rejected.csv")
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["name", "credit_code", "kind", "region", "error"]
    assert len(rows) == 6
    assert rows[2][4] == "credit_code: invalid 统一社会信用代码 (GB 32100 check digit)"


def test_valid_only_with_explicit_rejected_path(changning, tmp_path, capsys):
    source = write_csv(
        tmp_path / "in.csv",
        [["名称", "统一社会信用代码", "所在区划"], ["甲", credit_code(7), "430482"], ["乙", "123", "430482"]],
    )
    target = tmp_path / "out" / "bad.csv"
    target.parent.mkdir()
    code = main(
        [
            "import",
            "organisations",
            str(source),
            "--user",
            "changning",
            "--valid-only",
            "--rejected",
            str(target),
        ]
    )
    assert code == 1
    assert Organisation.objects.filter(name="甲").exists()
    assert target.read_text(encoding="utf-8-sig").splitlines()[1].startswith("乙,123,430482,")
    assert f"rejected rows written to {target}" in capsys.readouterr().out


def test_clean_file_exits_0(changning, tmp_path, capsys):
    source = write_csv(tmp_path / "ok.csv", [["名称", "所在区划"], ["党支部", "430482100201"]])
    assert main(["import", "organisations", str(source), "--user", "changning"]) == 0
    assert "1 created" in capsys.readouterr().out


def test_usage_and_input_problems(changning, tmp_path, capsys):
    source = write_csv(tmp_path / "ok.csv", [["名称", "所在区划"], ["甲", "430482"]])
    assert main(["import", "enterprises", str(source), "--user", "changning"]) == 2
    from countyworks.core.importing import IMPORTERS

    known = ", ".join(sorted(IMPORTERS))
    assert f"unknown kind 'enterprises'; known kinds: {known}" in capsys.readouterr().err
    assert "holiday-notices, households, organisations" in known
    assert main(["import", "organisations", str(source), "--user", "nobody"]) == 1
    assert "no active user 'nobody'" in capsys.readouterr().err
    assert main(["import", "organisations", str(tmp_path / "missing.csv"), "--user", "changning"]) == 1
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "scan.xlsx"
    binary.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert main(["import", "organisations", str(binary), "--user", "changning"]) == 1
    assert "old binary .xls/.doc format; save the workbook as .xlsx" in capsys.readouterr().err
