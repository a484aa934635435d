from datetime import date
from decimal import Decimal

import pytest

from countyworks.core.periods import InvalidPeriod, Period, yoy_percent


def test_parse_year_quarter_month():
    assert Period.parse("2023") == Period(2023, "year")
    assert Period.parse("2023Q2") == Period(2023, "quarter", 2)
    assert Period.parse("2023-06") == Period(2023, "month", 6)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023", date(2023, 1, 1), date(2024, 1, 1)),
        ("2023Q4", date(2023, 10, 1), date(2024, 1, 1)),
        ("2023Q1", date(2023, 1, 1), date(2023, 4, 1)),
        ("2023-12", date(2023, 12, 1), date(2024, 1, 1)),
        ("2024-02", date(2024, 2, 1), date(2024, 3, 1)),
    ],
)
def test_bounds_are_half_open(text, start, end):
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert period.contains(start) and not period.contains(end)


@pytest.mark.parametrize("bad", ["23", "2023-13", "2023Q5", "2023/06", ""])
def test_bad_periods(bad):
    with pytest.raises(InvalidPeriod):
        Period.parse(bad)


def test_previous_year_and_labels():
    assert str(Period.parse("2023Q2").previous_year()) == "2022Q2"
    assert Period.parse("2023-06").label_zh() == "2023年6月"


def test_yoy_reproduces_the_article():
    assert yoy_percent(304, 184) == Decimal("65.2")
    assert yoy_percent(123, 96) == Decimal("28.1")
    assert yoy_percent(5, 0) is None


def test_headline_period_is_the_latest_complete_and_names_a_later_one_in_progress():
    from countyworks.core.periods import headline_period

    y = lambda n: Period(n, "year")  # noqa: E731
    h = headline_period(complete=[y(2021), y(2022)], started=[y(2021), y(2022), y(2023)], default=y(2026))
    assert (h.period, h.complete, h.in_progress) == (y(2022), True, y(2023))
    assert h.label() == "2022年"
    none_later = headline_period(complete=[y(2022)], started=[y(2022)], default=y(2026))
    assert none_later.in_progress is None
    partial = headline_period(complete=[], started=[y(2023)], default=y(2026))
    assert (partial.period, partial.complete, partial.label()) == (y(2023), False, "2023年（进行中）")
    assert headline_period(complete=[], started=[], default=y(2026)).period == y(2026)
