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
