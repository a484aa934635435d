"""``countyworks evaluate``: formats, exit codes, error listing, atomic output, chunks, Django not set up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from countyworks import cli
from countyworks.rules import cli as rules_cli

from .test_tech_sme_2022 import BASE

ROWS = [
    {**BASE, "id": "A", "tech_staff": 25, "rd_expense": 120, "ip_class2": 3},
    {**BASE, "id": "B", "tech_staff": 12, "rd_expense": 90, "ip_class2": 4},
]


@pytest.fixture(autouse=True)
def only_this_command(monkeypatch):
    """Assemble the real ``countyworks`` parser with this app's command alone."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("countyworks.rules.cli",))


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "in.csv"
    pl.DataFrame(ROWS).write_csv(path)
    return path


def test_csv_to_stdout(source, capsys):
    assert cli.main(["evaluate", "tech-sme-2022", str(source)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "id,score,qualified,direct,failed_conditions,pts_tech_staff,pts_rd,pts_ip",
        'A,64,true,false,"",16,30,18',
        "B,48,false,false,c5_score,4,20,24",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_output_formats(source, tmp_path, suffix):
    target = tmp_path / f"out{suffix}"
    assert cli.main(["evaluate", "tech-sme-2022", str(source), "-o", str(target)]) == 0
    from countyworks.rules.io import read_table

    result = read_table(target)
    assert result["id"].to_list() == ["A", "B"]
    assert result["score"].cast(pl.Int64).to_list() == [64, 48]


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_input_formats(tmp_path, suffix, capsys):
    from countyworks.rules.io import write_table

    source = tmp_path / f"in{suffix}"
    write_table(pl.DataFrame(ROWS), source)
    assert cli.main(["evaluate", "tech-sme-2022", str(source)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == 'A,64,true,false,"",16,30,18'


def test_bad_rows_exit_1_list_every_error_and_write_nothing(tmp_path, capsys):
    source = tmp_path / "bad.csv"
    bad = [{**ROWS[0], "revenue": "lots"}, ROWS[1], {**ROWS[1], "employees": "-3", "tech_staff": "x"}]
    pl.DataFrame(bad, schema={k: pl.String for k in ROWS[0]}).write_csv(source)
    target = tmp_path / "out.csv"
    target.write_text("previous result\n")
    assert cli.main(["evaluate", "tech-sme-2022", str(source), "-o", str(target)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{source}: 3 row error(s), nothing written",
        "row 2, column revenue, value 'lots': not a number",
        "row 4, column employees, value '-3': negative value not allowed",
        "row 4, column tech_staff, value 'x': not a number",
    ]
    assert target.read_text() == "previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out.csv"]


def test_missing_column(tmp_path, capsys):
    source = tmp_path / "in.csv"
    pl.DataFrame(ROWS).drop("total_cost").write_csv(source)
    assert cli.main(["evaluate", "tech-sme-2022", str(source)]) == 1
    assert "missing column total_cost: missing column" in capsys.readouterr().err


def test_unknown_rule_set_lists_the_known_codes(source, capsys):
    assert cli.main(["evaluate", "nope", str(source)]) == 1
    assert capsys.readouterr().err.strip() == (
        "unknown rule set 'nope'; known: tech-sme-2022, high-tech-2016, innovative-sme-2022, "
        "specialized-sme-2022, little-giant-2022, tech-sme-2017, mujun-huaian-2023, mujun-jingde-2023 "
        "(families: tech-sme, high-tech, innovative-sme, specialized-sme, little-giant, mujun-huaian, mujun-jingde)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "missing.csv: no such file"),
        (["in.json"], "in.json: unsupported file type .json; use csv, xlsx or parquet"),
        (["{source}", "-o", "out.txt"], "out.txt: unsupported file type .txt; use csv, xlsx or parquet"),
    ],
)
def test_bad_paths(source, capsys, args, message):
    args = [a.format(source=source) for a in args]
    assert cli.main(["evaluate", "tech-sme-2022", *args]) == 1
    assert capsys.readouterr().err.strip() == message


def test_version_by_date(source, capsys):
    assert cli.main(["evaluate", "tech-sme-2022", str(source), "--on", "2023-01-01"]) == 0
    assert cli.main(["evaluate", "tech-sme-2022", str(source), "--on", "2020-01-01"]) == 1
    assert "not in force on 2020-01-01" in capsys.readouterr().err


def test_a_family_name_picks_the_version_in_force_on_the_day(source, capsys):
    assert cli.main(["evaluate", "tech-sme", str(source), "--on", "2021-09-30"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == 'A,64,true,false,"",16,30,18'
    assert cli.main(["evaluate", "tech-sme", str(source), "--on", "2016-01-01"]) == 1
    assert "no version of rule set 'tech-sme' is in force on 2016-01-01" in capsys.readouterr().err


def test_large_inputs_run_in_chunks_with_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rules_cli, "CHUNK_THRESHOLD", 10)
    monkeypatch.setattr(rules_cli, "CHUNK_ROWS", 4)
    rows = [{**ROWS[i % 2], "id": f"E{i}", "tech_staff": i % 40} for i in range(25)]
    source = tmp_path / "many.csv"
    pl.DataFrame(rows).write_csv(source)
    assert cli.main(["evaluate", "tech-sme-2022", str(source), "-o", str(tmp_path / "out.parquet")]) == 0
    assert "25/25" in capsys.readouterr().err
    from countyworks.rules.registry import get_ruleset

    expected = get_ruleset("tech-sme-2022").evaluate(pl.DataFrame(rows))
    assert pl.read_parquet(tmp_path / "out.parquet").equals(expected)


def test_the_command_does_not_set_up_django(source):
    code = (
        "import sys; from countyworks import cli; "
        f"rc = cli.main(['evaluate', 'tech-sme-2022', {str(source)!r}]); "
        "assert rc == 0 and not [m for m in sys.modules if m.startswith(('django.db', 'countyworks.settings'))]"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("id,score,qualified")
