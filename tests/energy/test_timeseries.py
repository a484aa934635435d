"""Reading and validating ``timestamp,price`` and ``timestamp,load_mw`` files (docs/rules/storage-dispatch.md §4)."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from countyworks.energy.timeseries import (
    EnergyInputError,
    TimeSeries,
    check_same_steps,
    parse_timestamp,
    read_load,
    read_prices,
)


def write(tmp_path, text, name="prices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path, reader=read_prices):
    with pytest.raises(EnergyInputError) as caught:
        reader(path)
    return caught.value.messages


def test_hourly_prices_read_with_step_and_local_time(tmp_path):
    path = write(
        tmp_path, "timestamp,price\n2023-01-01 00:00,0.3\n2023-01-01 01:00,0.3\n2023-01-01 02:00,1\n"
    )
    series = read_prices(path)
    assert series.step_h == 1.0
    assert series.values.tolist() == [0.3, 0.3, 1.0]
    # naive timestamps are Asia/Shanghai: 00:00 local is 16:00 UTC the day before
    assert series.timestamps[0] == np.datetime64("2022-12-31T16:00")
    assert series.local_iso()[0] == "2023-01-01T00:00:00+08:00"


def test_quarter_hour_step_and_offsets(tmp_path):
    text = "timestamp,price\n2023-01-01T00:00:00+08:00,1\n2022-12-31T16:15:00Z,2\n2023-01-01 00:30,3\n"
    series = read_prices(write(tmp_path, text))
    assert series.step_h == 0.25
    assert len(series) == 3


def test_byte_order_mark_extra_columns_and_blank_lines(tmp_path):
    text = "\ufeffnote,timestamp,price\na,2023-01-01 00:00,1\n\nb,2023-01-01 01:00,2\n"
    assert read_prices(write(tmp_path, text)).values.tolist() == [1.0, 2.0]


def test_gap_names_the_line(tmp_path):
    text = "timestamp,price\n2023-01-01 00:00,1\n2023-01-01 01:00,1\n2023-01-01 04:00,1\n2023-01-01 05:00,1\n"
    assert errors(write(tmp_path, text)) == [
        "prices.csv line 4: gap: 2 step(s) of 1:00:00 missing after line 3"
    ]


def test_duplicate_names_both_lines(tmp_path):
    text = "timestamp,price\n2023-01-01 00:00,1\n2023-01-01 01:00,1\n2023-01-01 01:00,2\n2023-01-01 02:00,1\n"
    messages = errors(write(tmp_path, text))
    assert messages[0] == "prices.csv line 4: duplicate timestamp (same as line 3)"


def test_uneven_step(tmp_path):
    text = "timestamp,price\n2023-01-01 00:00,1\n2023-01-01 01:00,1\n2023-01-01 02:30,1\n2023-01-01 03:30,1\n"
    assert errors(write(tmp_path, text)) == [
        "prices.csv line 4: uneven step: 1:30:00 after line 3, the series' step is 1:00:00"
    ]


def test_out_of_order(tmp_path):
    text = "timestamp,price\n2023-01-01 01:00,1\n2023-01-01 00:00,1\n2023-01-01 02:00,1\n2023-01-01 03:00,1\n"
    assert "timestamp is earlier than line 2" in errors(write(tmp_path, text))[0]


@pytest.mark.parametrize("value", ["abc", "", "nan", "inf"])
def test_non_number_names_the_line(tmp_path, value):
    text = f"timestamp,price\n2023-01-01 00:00,1\n2023-01-01 01:00,{value}\n2023-01-01 02:00,1\n"
    assert errors(write(tmp_path, text)) == [f"prices.csv line 3: price {value!r} is not a number"]


def test_every_bad_row_is_listed(tmp_path):
    text = "timestamp,price\nyesterday,1\n2023-01-01 01:00,x\n2023-01-01 02:00,1\n2023-01-01 03:00,1\n"
    messages = errors(write(tmp_path, text))
    assert messages == [
        "prices.csv line 2: timestamp 'yesterday' is not ISO 8601 (e.g. 2023-01-01 00:00)",
        "prices.csv line 3: price 'x' is not a number",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "prices.csv: the file is empty"),
        ("timestamp,price\n", "prices.csv: no data rows"),
        (
            "time,price\n2023-01-01 00:00,1\n",
            "prices.csv line 1: missing column(s) timestamp; expected timestamp,price",
        ),
        (
            "timestamp,price\n2023-01-01 00:00,1\n",
            "prices.csv: at least two rows are needed to read the step length",
        ),
    ],
)
def test_structural_errors(tmp_path, text, message):
    assert errors(write(tmp_path, text)) == [message]


def test_missing_file():
    with pytest.raises(EnergyInputError, match="cannot be read"):
        read_prices("/nonexistent/prices.csv")


def test_negative_load_is_refused(tmp_path):
    path = write(tmp_path, "timestamp,load_mw\n2023-01-01 00:00,5\n2023-01-01 01:00,-1\n", "load.csv")
    assert errors(path, read_load) == ["load.csv line 3: load_mw -1 is below 0"]


def test_negative_prices_are_allowed(tmp_path):
    path = write(tmp_path, "timestamp,price\n2023-01-01 00:00,-0.1\n2023-01-01 01:00,0.2\n")
    assert read_prices(path).values.tolist() == [-0.1, 0.2]


def test_same_steps_check():
    start = datetime(2023, 1, 1)
    prices = TimeSeries.regular(start, timedelta(hours=1), [1, 2, 3], "price")
    check_same_steps(prices, TimeSeries.regular(start, timedelta(hours=1), [5, 5, 5], "load_mw"), "load")
    with pytest.raises(EnergyInputError, match="has 2 steps but the prices have 3"):
        check_same_steps(prices, TimeSeries.regular(start, timedelta(hours=1), [5, 5], "load_mw"), "load")
    shifted = TimeSeries.regular(start + timedelta(hours=1), timedelta(hours=1), [5, 5, 5], "load_mw")
    with pytest.raises(
        EnergyInputError, match="step 1 is at 2023-01-01 01:00 but the prices' is at 2023-01-01 00:00"
    ):
        check_same_steps(prices, shifted, "load")


def test_local_dates_follow_shanghai_midnight():
    series = TimeSeries.regular(
        datetime(2023, 1, 1, 22, tzinfo=UTC) - timedelta(hours=8), timedelta(hours=1), [0] * 4
    )
    assert series.local_dates().astype(str).tolist() == [
        "2023-01-01",
        "2023-01-01",
        "2023-01-02",
        "2023-01-02",
    ]


def test_parse_timestamp_naive_is_shanghai():
    assert parse_timestamp("2023-07-26 10:00").utcoffset() == timedelta(hours=8)
    with pytest.raises(ValueError):
        parse_timestamp("26/07/2023")
