"""Village collective economy classes against the worked examples."""

from __future__ import annotations

import pytest

from countyworks.alliances import collective as c

WAN = c.WAN


@pytest.mark.parametrize(
    ("wan", "expected"),
    [
        ("0", c.SHELL),
        ("3.2", c.WEAK),
        ("5", c.GENERAL),
        ("12", c.GENERAL),
        ("19.99", c.GENERAL),
        ("20", c.RICH),
    ],
)
def test_classes(wan: str, expected: str) -> None:
    fen = int(float(wan) * 100) * WAN // 100
    assert c.classify(fen) == expected


def test_operating_income_excludes_subsidies() -> None:
    """经营收入 6 + 发包 2.5 + 投资收益 1.5 = 10万 → 一般; 20万 of subsidy does not count."""
    income = c.operating_income(
        {
            "operating": 6 * WAN,
            "contracting": 25 * WAN // 10,
            "investment": 15 * WAN // 10,
            "subsidy": 20 * WAN,
        }
    )
    assert income == 10 * WAN
    assert c.classify(income) == c.GENERAL


def test_summary_counts_the_headline_figures() -> None:
    summary = c.summarise([0, 3 * WAN, 5 * WAN, 10 * WAN, 10 * WAN - 1, 25 * WAN])
    assert summary.by_class == {c.SHELL: 1, c.WEAK: 1, c.GENERAL: 3, c.RICH: 1}
    assert summary.below_weak == 2
    assert summary.over_headline == 2
    assert c.is_shell_broad(4 * WAN) and not c.is_shell_broad(5 * WAN)


@pytest.mark.parametrize(
    ("mean", "expected"), [(120, c.RICH), (119, c.GENERAL), (81, c.GENERAL), (80, c.WEAK)]
)
def test_county_against_provincial_mean(mean: int, expected: str) -> None:
    assert c.compare_to_mean(mean, 100) == expected
