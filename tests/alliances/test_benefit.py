"""Benefit-linkage settlement against hand-computed cases, one or more per contract type."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from countyworks.alliances import benefit as b


def _by(payouts: list[b.Payout]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for p in payouts:
        key = (p.payee, p.component)
        out[key] = out.get(key, 0) + p.amount_fen
    return out


def _parties(*shares: tuple[str, str]) -> tuple[b.Party, ...]:
    return tuple(b.Party(name, name, "household", share_pct=D(share)) for name, share in shares)


def test_floor_plus_profit_share_over_138_people() -> None:
    """Spec example: 5 % × 1,000,000 + 29 % × 100,000 = 79,000 元; ÷ 138 = 572.46 元 each."""
    people = tuple(b.Party(f"p{i}", f"户{i}", "household", units=1) for i in range(138))
    terms = b.Terms(
        "C1",
        b.FLOOR_DIVIDEND,
        "新河村集体",
        2020,
        people,
        principal_fen=100_000_000,
        rate_pct=D(5),
        profit_share_pct=D(29),
    )
    payouts = b.settle([terms], {"C1": b.Inputs(profit_fen=10_000_000)}, 2022)
    per_person = [sum(p.amount_fen for p in payouts if p.party == f"p{i}") for i in range(138)]
    assert set(per_person) == {57246}
    remainder = [p for p in payouts if p.component == "rounding"]
    assert [(r.payee, r.amount_fen) for r in remainder] == [("新河村集体", 52)]
    assert sum(p.amount_fen for p in payouts) == 7_900_000


def test_floor_dividend_is_paid_in_a_loss_year() -> None:
    terms = b.Terms(
        "C2",
        b.FLOOR_DIVIDEND,
        "集体",
        2020,
        _parties(("甲", "60"), ("乙", "40")),
        area_mu=D(300),
        per_mu_fen=80_000,
        profit_share_pct=D(10),
    )
    payouts = b.settle([terms], {"C2": b.Inputs(profit_fen=-5_000_000)}, 2022)
    assert _by(payouts) == {("甲", "floor"): 14_400_000, ("乙", "floor"): 9_600_000}


def test_fixed_dividend() -> None:
    """固定分红: 6 % on 500,000 元 quantified funds = 30,000 元, split 50/50, whatever the profit."""
    terms = b.Terms(
        "C3",
        b.FIXED_DIVIDEND,
        "集体",
        2021,
        _parties(("集体", "50"), ("脱贫户", "50")),
        principal_fen=50_000_000,
        rate_pct=D(6),
    )
    assert _by(b.settle([terms], {}, 2022)) == {("集体", "share"): 1_500_000, ("脱贫户", "share"): 1_500_000}


def test_share_dividend_by_shares_and_nothing_in_a_loss() -> None:
    """按股分红: 20 % of a 123,456.78 元 profit = 24,691.356 元 → 24,691.36 total; thirds round down."""
    parties = tuple(b.Party(k, k, "household", units=1) for k in "ABC")
    terms = b.Terms("C4", b.SHARE_DIVIDEND, "集体", 2021, parties, profit_share_pct=D(20))
    payouts = b.settle([terms], {"C4": b.Inputs(profit_fen=12_345_678)}, 2022)
    assert _by(payouts) == {
        ("A", "share"): 823_045,
        ("B", "share"): 823_045,
        ("C", "share"): 823_045,
        ("集体", "rounding"): 1,
    }
    assert b.settle([terms], {"C4": b.Inputs(profit_fen=-100)}, 2022) == []


def test_second_rebate_worked_example() -> None:
    """300 亩 × 800 元 floor = 240,000; from 500,000 profit the excess 260,000 splits 40/30/30."""
    parties = (
        b.Party("h", "农户", "household", share_pct=D(40), floor_share_pct=D(100)),
        b.Party("c", "村集体", "collective", share_pct=D(30), floor_share_pct=D(0)),
        b.Party("e", "企业", "enterprise", share_pct=D(30), floor_share_pct=D(0)),
    )
    terms = b.Terms("C5", b.SECOND_REBATE, "村集体", 2020, parties, area_mu=D(300), per_mu_fen=80_000)
    payouts = _by(b.settle([terms], {"C5": b.Inputs(profit_fen=50_000_000)}, 2022))
    assert payouts == {
        ("农户", "floor"): 24_000_000,
        ("农户", "rebate"): 10_400_000,
        ("村集体", "rebate"): 7_800_000,
        ("企业", "rebate"): 7_800_000,
    }


@pytest.mark.parametrize(("market", "paid"), [(1000, 1200), (1300, 1300)])
def test_order_purchase_protective_price(market: int, paid: int) -> None:
    """Market 10, protective 12 → 12; market 13 → 13 (per unit); 1,000 units."""
    terms = b.Terms("C6", b.ORDER_PURCHASE, "集体", 2022, _parties(("唐", "100")), protective_price_fen=1200)
    payouts = b.settle([terms], {"C6": b.Inputs(volume=D(1000), market_price_fen=market)}, 2022)
    assert _by(payouts) == {("唐", "purchase"): paid * 1000}


def test_order_purchase_premium() -> None:
    """Market 10.00 元 × (1 + 8 %) = 10.80 元 × 2,500.5 斤 = 27,005.40 元."""
    terms = b.Terms("C7", b.ORDER_PURCHASE, "集体", 2022, _parties(("唐", "100")), premium_pct=D(8))
    payouts = b.settle([terms], {"C7": b.Inputs(volume=D("2500.5"), market_price_fen=1000)}, 2022)
    assert _by(payouts) == {("唐", "purchase"): 2_700_540}


@pytest.mark.parametrize(("year", "rent"), [(2018, 60_000), (2022, 60_000), (2023, 66_000), (2028, 72_600)])
def test_land_rent_steps(year: int, rent: int) -> None:
    """600 元/亩 stepped +10 % every 5 years from 2018 → 600 (2018–22), 660 (2023–27), 726."""
    terms = b.Terms(
        "C8",
        b.LAND_RENT,
        "集体",
        2018,
        _parties(("户", "100")),
        per_mu_fen=60_000,
        step_pct=D(10),
        step_years=5,
    )
    assert b.rent_per_mu(terms, year) == rent
    payouts = b.settle([terms], {"C8": b.Inputs(land_area_mu=D("12.5"))}, year)
    assert _by(payouts) == {("户", "rent"): rent * 125 // 10}


def test_employment_wages() -> None:
    """就业带动: 120 元/day; 85.5 days → 10,260 元, 200 days → 24,000 元."""
    parties = (b.Party("a", "甲", "household"), b.Party("b", "乙", "household"))
    terms = b.Terms("C9", b.EMPLOYMENT, "集体", 2022, parties, daily_wage_fen=12_000)
    inputs = b.Inputs(days_worked={"a": D("85.5"), "b": D(200)})
    assert _by(b.settle([terms], {"C9": inputs}, 2022)) == {
        ("甲", "wages"): 1_026_000,
        ("乙", "wages"): 2_400_000,
    }


def test_collective_fee_and_retention_split() -> None:
    """20 元/亩 × 300 亩 = 6,000 元 to the collective; 分六留四 of 100,000 元: 60,000 out, 40,000 kept."""
    fee = b.Terms("F", b.COLLECTIVE_FEE, "集体", 2022, (), per_mu_fen=2000, area_mu=D(300))
    split = b.Terms(
        "R", b.RETENTION_SPLIT, "集体", 2022, _parties(("甲", "50"), ("乙", "50")), distributed_pct=D(60)
    )
    payouts = _by(b.settle([fee, split], {"R": b.Inputs(profit_fen=10_000_000)}, 2022))
    assert payouts == {
        ("集体", "fee"): 600_000,
        ("甲", "share"): 3_000_000,
        ("乙", "share"): 3_000_000,
        ("集体", "retention"): 4_000_000,
    }


def test_bad_contracts_are_named_and_nothing_is_paid() -> None:
    good = b.Terms(
        "OK", b.FIXED_DIVIDEND, "集体", 2020, _parties(("甲", "100")), principal_fen=100, rate_pct=D(5)
    )
    capped = b.Terms(
        "CAP",
        b.FLOOR_DIVIDEND,
        "集体",
        2020,
        _parties(("甲", "100")),
        principal_fen=1_000_000,
        rate_pct=D(10),
        cap_fen=50_000,
    )
    negative = b.Terms(
        "NEG", b.LAND_RENT, "集体", 2020, _parties(("甲", "100")), per_mu_fen=100, area_mu=D(-1)
    )
    shares = b.Terms(
        "SH",
        b.FIXED_DIVIDEND,
        "集体",
        2020,
        _parties(("甲", "60"), ("乙", "30")),
        principal_fen=100,
        rate_pct=D(5),
    )
    missing = b.Terms("MISS", b.SHARE_DIVIDEND, "集体", 2020, _parties(("甲", "100")))
    with pytest.raises(b.SettlementError) as caught:
        b.settle([good, capped, negative, shares, missing], {}, 2022)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "contract CAP: floor 1000.00 yuan exceeds the cap 500.00 yuan",
        "contract NEG: negative land area",
        "contract SH: shares sum to 90%, not 100%",
        "contract MISS: missing inputs for 2022: profit_fen",
    ]


def test_contract_not_in_force_is_skipped() -> None:
    terms = b.Terms(
        "OLD",
        b.FIXED_DIVIDEND,
        "集体",
        2015,
        _parties(("甲", "100")),
        end_year=2019,
        principal_fen=100,
        rate_pct=D(5),
    )
    assert b.settle([terms], {}, 2022) == []


def test_an_even_split_by_units_stays_exact() -> None:
    """13,800 元 over 138 units is exactly 100 元 each: no fen lost to a rounded 1/138."""
    people = tuple(b.Party(f"p{i}", f"户{i}", "household", units=1) for i in range(138))
    terms = b.Terms("E", b.FIXED_DIVIDEND, "集体", 2020, people, principal_fen=27_600_000, rate_pct=D(5))
    payouts = b.settle([terms], {}, 2022)
    assert {p.amount_fen for p in payouts} == {10_000} and len(payouts) == 138
