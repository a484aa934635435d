"""Time-of-use tariffs as data (docs/rules/tou-tariffs.md) and the price series they give."""

from datetime import date, timedelta

import numpy as np
import pytest

from countyworks.energy.tariffs import TARIFF_FILE, TariffDataError, load_tariffs, tariff_prices
from countyworks.energy.timeseries import EnergyInputError

HEADER = "tariff,valid_from,valid_to,months,start,end,period,multiplier,price,status,source\n"


def test_shipped_tariffs_are_unverified_with_a_source():
    tariffs = load_tariffs()
    assert set(tariffs) == {"hunan-tou-a", "hunan-tou-draft"}
    for tariff in tariffs.values():
        assert tariff.status == "unverified"
        assert tariff.source


def test_hunan_tou_a_day_matches_the_spec():
    prices = tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2023, 1, 2))
    expected = np.full(24, 0.5)  # flat 07–08, 11–15, 22–23
    expected[[23, 0, 1, 2, 3, 4, 5, 6]] = 0.2  # valley 23:00–07:00, × 0.4
    expected[[8, 9, 10, 15, 16, 17, 18]] = 0.8  # peak 08–11, 15–19, × 1.6
    expected[[19, 20, 21]] = 0.96  # tip 19–22, × 1.92
    assert np.allclose(prices.values, expected)
    assert prices.local_iso()[0] == "2023-01-01T00:00:00+08:00"


def test_year_2023_has_8760_hours_and_the_same_day_every_day():
    prices = tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2024, 1, 1))
    assert len(prices) == 8760 and prices.step_h == 1.0
    days = prices.values.reshape(365, 24)
    assert np.all(days == days[0])


def test_draft_july_day_and_ratios():
    prices = tariff_prices("hunan-tou-draft", 1.0, date(2023, 7, 1), date(2023, 7, 2)).values
    assert prices[0] == 1.0 and prices[1] == 0.47 and prices[12] == 0.47
    assert prices[16] == 1.6 and prices[20] == pytest.approx(1.6 * 1.2) and prices[23] == pytest.approx(1.92)


def test_draft_has_no_prices_outside_july_and_august():
    with pytest.raises(EnergyInputError, match="hunan-tou-draft has no prices for 2023-09-01"):
        tariff_prices("hunan-tou-draft", 0.5, date(2023, 8, 31), date(2023, 9, 2))


def test_quarter_hours_and_a_step_straddling_periods():
    quarter = tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2023, 1, 2), timedelta(minutes=15))
    assert len(quarter) == 96 and quarter.step_h == 0.25
    # 90-minute steps: 06:00–07:30 is one hour of valley and half an hour of flat
    mixed = tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2023, 1, 2), timedelta(minutes=90))
    assert mixed.values[4] == pytest.approx((60 * 0.2 + 30 * 0.5) / 90)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nowhere", 0.5, date(2023, 1, 1), date(2023, 1, 2)), "unknown tariff 'nowhere'"),
        (("hunan-tou-a", -1, date(2023, 1, 1), date(2023, 1, 2)), "base price: must be a number ≥ 0"),
        (("hunan-tou-a", 0.5, date(2023, 1, 2), date(2023, 1, 1)), "end 2023-01-01 must be after start"),
        (
            ("hunan-tou-a", 0.5, date(2023, 1, 1), date(2023, 1, 2), timedelta(minutes=7)),
            "dividing the date range",
        ),
        (
            ("hunan-tou-a", 0.5, date(2023, 1, 1), date(2023, 1, 2), timedelta(seconds=90)),
            "whole number of minutes",
        ),
    ],
)
def test_bad_requests(args, message):
    with pytest.raises(EnergyInputError, match=message):
        tariff_prices(*args)


def test_absolute_price_rows_and_validity_versions(tmp_path):
    path = tmp_path / "tariffs.csv"
    path.write_text(
        HEADER
        + "t,,2023-06-30,1-12,00:00,24:00,flat,1,,test,a source\n"
        + "t,2023-07-01,,1-12,00:00,12:00,flat,,0.3,,\n"
        + "t,2023-07-01,,1-12,12:00,00:00,peak,2,,,\n",
        encoding="utf-8",
    )
    table = load_tariffs(path)
    prices = tariff_prices("t", 0.5, date(2023, 6, 30), date(2023, 7, 2), tariffs=table).values
    assert np.allclose(prices[:24], 0.5)
    assert np.allclose(prices[24:36], 0.3) and np.allclose(prices[36:], 1.0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("t,,,1-12,00:00,23:00,flat,1,,s,src\n", "month 1, 23:00 is not covered"),
        (
            "t,,,1-12,00:00,24:00,flat,1,,s,src\nt,,,1,06:00,07:00,peak,2,,,\n",
            "month 1, 06:00 is covered twice",
        ),
        ("t,,,1-12,00:00,24:00,flat,1,0.3,s,src\n", "line 2: give exactly one of multiplier and price"),
        ("t,,,13,00:00,24:00,flat,1,,s,src\n", "line 2: months '13' must be in 1–12"),
        ("t,,,1-12,00:00,25:00,flat,1,,s,src\n", "line 2: time '25:00' must be HH:MM"),
        ("t,,,1-12,00:00,24:00,flat,1,,s,\n", "tariff t has no source"),
        (
            "t,,2023-12-31,1-12,00:00,24:00,flat,1,,s,src\nt,2023-06-01,,1-12,00:00,24:00,flat,1,,,\n",
            "two versions overlap",
        ),
    ],
)
def test_malformed_tables_are_refused(tmp_path, rows, message):
    path = tmp_path / "tariffs.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(TariffDataError, match=message):
        load_tariffs(path)


def test_shipped_table_path_is_the_package_data():
    assert TARIFF_FILE.name == "tariffs.csv" and TARIFF_FILE.exists()
