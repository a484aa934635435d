"""``countyworks dispatch`` and ``countyworks carbon`` (docs/design.md#cli-contract)."""

import json
import subprocess
import sys

import pytest

from countyworks.cli import main

P1 = "timestamp,price\n2023-01-01 00:00,0.3\n2023-01-01 01:00,0.3\n2023-01-01 02:00,1\n2023-01-01 03:00,1\n"
LOSSLESS = ["--eta-charge", "1", "--eta-discharge", "1", "--soc-min", "0", "--soc-max", "1"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def csv_file(tmp_path, text, name="prices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- carbon -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factors", "coal_t", "co2_t"),
    [
        ("article-2023", 200_000, 610_000),
        ("mee-grid-2022", None, 347_883),
        ("mee-nbs-2023-national", None, 323_666),
    ],
)
def test_carbon_json_reference(capsys, factors, coal_t, co2_t):
    code, out, _ = run(capsys, "carbon", "--kwh", "6.1e8", "--factors", factors, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["coal_t"] == coal_t and data["co2_t"] == co2_t
    assert data["factors"]["code"] == factors


def test_carbon_text_says_not_set(capsys):
    code, out, _ = run(capsys, "carbon", "--kwh", "6.1e8")
    assert code == 0
    assert "标准煤 未设定" in out and "二氧化碳 323,666 t" in out and "mee-nbs-2023-national" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kwh", "-5"], "kwh: must be a number ≥ 0"),
        (["--kwh", "1", "--factors", "x"], "unknown factor set 'x'"),
    ],
)
def test_carbon_bad_input_exits_1(capsys, argv, message):
    code, out, err = run(capsys, "carbon", *argv)
    assert code == 1 and out == "" and message in err


# --- dispatch -----------------------------------------------------------------------------------------


def test_dispatch_file_json_and_schedule(capsys, tmp_path):
    prices = csv_file(tmp_path, P1)
    schedule = tmp_path / "out" / "schedule.csv"
    code, out, _ = run(
        capsys,
        "dispatch",
        "--power-mw",
        100,
        "--energy-mwh",
        200,
        "--prices",
        prices,
        *LOSSLESS,
        "-o",
        schedule,
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["revenue_yuan"] == pytest.approx(70_000, rel=1e-6)
    assert set(data) >= {"revenue_yuan", "charged_mwh", "discharged_mwh", "cycles"}
    assert "cost_yuan" not in data
    lines = schedule.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "timestamp,charge_mw,discharge_mw,soc"
    assert len(lines) == 5 and lines[1].startswith("2023-01-01T00:00:00+08:00,")
    assert [p.name for p in schedule.parent.iterdir()] == ["schedule.csv"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--eta-charge", "1", "--eta-discharge", "1", "--soc-initial", "0"], 77_380_000),
        (["--eta-charge", "1", "--eta-discharge", "1", "--soc-initial", "cyclic"], 77_380_000),
        (
            [
                "--eta-charge",
                "0.938083151964686",
                "--eta-discharge",
                "0.938083151964686",
                "--soc-initial",
                "0.5",
            ],
            66_050_160.23,
        ),
    ],
)
def test_dispatch_tariff_code_d3_d4(capsys, extra, expected):
    argv = ["dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", "tariff:hunan-tou-a:0.5:2023"]
    code, out, _ = run(capsys, *argv, "--soc-min", "0", "--soc-max", "1", *extra, "--json")
    assert code == 0
    assert json.loads(out)["revenue_yuan"] == pytest.approx(expected, rel=1e-6)


def test_dispatch_text_output(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "dispatch",
        "--power-mw",
        100,
        "--energy-mwh",
        200,
        "--prices",
        csv_file(tmp_path, P1),
        *LOSSLESS,
    )
    assert code == 0 and "revenue_yuan: 70,000.00" in out


def test_peak_shaving_json_and_grid_column(capsys, tmp_path):
    load = csv_file(
        tmp_path, P1.replace("price", "load_mw").replace("0.3", "50").replace(",1\n", ",150\n"), "load.csv"
    )
    schedule = tmp_path / "s.csv"
    argv = ["dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", csv_file(tmp_path, P1), *LOSSLESS]
    code, out, _ = run(capsys, *argv, "--load", load, "--cap-mw", 120, "-o", schedule, "--json")
    data = json.loads(out)
    assert code == 0 and data["mode"] == "peak-shaving"
    assert data["savings_yuan"] == pytest.approx(70_000) and data["revenue_yuan"] == pytest.approx(70_000)
    assert data["cost_yuan"] == pytest.approx(260_000)
    assert (
        schedule.read_text(encoding="utf-8").splitlines()[0] == "timestamp,charge_mw,discharge_mw,soc,grid_mw"
    )


BAD_PRICES = {
    "gap": ("2023-01-01 03:00", "2023-01-01 05:00", "line 5: gap: 2 step(s) of 1:00:00 missing after line 4"),
    "duplicate": ("2023-01-01 03:00", "2023-01-01 02:00", "line 5: duplicate timestamp (same as line 4)"),
    "uneven": ("2023-01-01 03:00", "2023-01-01 03:30", "line 5: uneven step: 1:30:00 after line 4"),
}


@pytest.mark.parametrize("case", sorted(BAD_PRICES))
def test_bad_price_files_exit_1_and_write_nothing(capsys, tmp_path, case):
    old, new, message = BAD_PRICES[case]
    prices = csv_file(tmp_path, P1.replace(old, new))
    schedule = tmp_path / "schedule.csv"
    code, out, err = run(
        capsys, "dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", prices, "-o", schedule
    )
    assert code == 1 and out == ""
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prices.csv"]


def test_non_number_price_exits_1(capsys, tmp_path):
    prices = csv_file(tmp_path, P1.replace(",1\n", ",one\n", 1))
    code, _, err = run(capsys, "dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", prices)
    assert code == 1 and "prices.csv line 4: price 'one' is not a number" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--soc-min", "0.6", "--soc-max", "0.5"], "need 0 ≤ soc_min < soc_max ≤ 1"),
        (["--soc-initial", "0.95"], "soc_initial: 0.95 is outside the SOC window"),
        (["--eta-charge", "0"], "eta_charge: must be in (0, 1]"),
        (["--eta-discharge", "1.2"], "eta_discharge: must be in (0, 1]"),
        (["--power-mw", "0"], "power_mw: must be > 0"),
        (["--energy-mwh", "-200"], "energy_mwh: must be > 0"),
    ],
)
def test_bad_parameters_exit_1_and_keep_an_existing_schedule(capsys, tmp_path, options, message):
    schedule = tmp_path / "schedule.csv"
    schedule.write_text("old", encoding="utf-8")
    argv = [
        "dispatch",
        "--power-mw",
        100,
        "--energy-mwh",
        200,
        "--prices",
        csv_file(tmp_path, P1),
        "-o",
        schedule,
    ]
    code, out, err = run(capsys, *argv, *options)
    assert code == 1 and out == "" and message in err
    assert schedule.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prices.csv", "schedule.csv"]


def test_cap_that_cannot_be_held_exits_1(capsys, tmp_path):
    load = csv_file(tmp_path, P1.replace("price", "load_mw").replace(",1\n", ",300\n"), "load.csv")
    schedule = tmp_path / "schedule.csv"
    argv = ["dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", csv_file(tmp_path, P1)]
    code, out, err = run(capsys, *argv, "--load", load, "--cap-mw", 100, "-o", schedule)
    assert code == 1 and out == ""
    assert (
        "at 2023-01-01 02:00 (step 3) the load 300 MW exceeds the cap 100 MW + the storage power 100 MW"
        in err
    )
    assert not schedule.exists()


@pytest.mark.parametrize(
    "spec",
    [
        "tariff:hunan-tou-a",
        "tariff:hunan-tou-a:cheap:2023",
        "tariff:hunan-tou-a:0.5:20x3",
        "tariff:nowhere:0.5:2023",
    ],
)
def test_bad_tariff_spec_exits_1(capsys, spec):
    code, _, err = run(capsys, "dispatch", "--power-mw", 100, "--energy-mwh", 200, "--prices", spec)
    assert code == 1 and err


def test_tariff_spec_with_month_range_and_step(capsys):
    argv = ["dispatch", "--power-mw", 100, "--energy-mwh", 200, "--soc-initial", "cyclic", "--json"]
    code, out, _ = run(capsys, *argv, "--prices", "tariff:hunan-tou-draft:0.5:2023-07-01..2023-08-31:15")
    assert code == 0 and json.loads(out)["revenue_yuan"] > 0
    code, _, err = run(capsys, *argv, "--prices", "tariff:hunan-tou-draft:0.5:2023-09")
    assert code == 1 and "no prices for 2023-09-01" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--mode", "hedging"],
        ["--soc-initial", "full"],
        ["--cap-mw", "10"],
        ["--mode", "peak-shaving"],
        ["--power-mw", "lots"],
    ],
)
def test_usage_errors_exit_2(tmp_path, argv):
    base = ["dispatch", "--power-mw", "100", "--energy-mwh", "200", "--prices", str(csv_file(tmp_path, P1))]
    with pytest.raises(SystemExit) as caught:
        main(base + argv)
    assert caught.value.code == 2


def test_commands_do_not_set_up_django(tmp_path):
    """The parser is built from the program contract without the settings, the ORM or a database."""
    prices = csv_file(tmp_path, P1)
    script = (
        "import sys\n"
        "from countyworks.cli import main\n"
        f"assert main(['dispatch', '--power-mw', '100', '--energy-mwh', '200', '--prices', {str(prices)!r}]) == 0\n"
        "assert main(['carbon', '--kwh', '1']) == 0\n"
        "assert not [m for m in sys.modules if m.startswith(('django.db', 'django.urls', 'countyworks.settings'))]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=60)
