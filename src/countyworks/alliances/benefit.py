"""Benefit-linkage settlement (利益联结年度结算): every party's payout of a contract for a year, in fen.

Pure functions, free of Django: the settlement page, ``countyworks settle`` and the benchmark call the
same :func:`settle`. The contract types, their formulas and the order of distribution are explained
in docs/rules/benefit-linkage.md; each function below cites the rule it implements.

Arithmetic is exact: amounts are ``Decimal`` fen (rates and shares are decimal percentages), a
contract's total is rounded half up to the fen once, each party's payout is rounded *down* to the
fen, and the difference — the rounding remainder — goes to the village collective's account
(docs/rules/benefit-linkage.md, "Rounding"). A loss year still owes the floors; a negative profit
is never charged to anyone (it counts as zero).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

#: 40 significant digits: fen amounts up to 10^15 times shares of 10^-8 stay exact.
_CONTEXT = decimal.Context(prec=40, rounding=ROUND_HALF_UP)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_FEN = Decimal(1)

FLOOR_DIVIDEND = "floor_dividend"
FIXED_DIVIDEND = "fixed_dividend"
SHARE_DIVIDEND = "share_dividend"
SECOND_REBATE = "second_rebate"
ORDER_PURCHASE = "order_purchase"
LAND_RENT = "land_rent"
EMPLOYMENT = "employment"
COLLECTIVE_FEE = "collective_fee"
RETENTION_SPLIT = "retention_split"
CONTRACT_TYPES = (
    FLOOR_DIVIDEND,
    FIXED_DIVIDEND,
    SHARE_DIVIDEND,
    SECOND_REBATE,
    ORDER_PURCHASE,
    LAND_RENT,
    EMPLOYMENT,
    COLLECTIVE_FEE,
    RETENTION_SPLIT,
)

#: The payee kind of the collective's own entries (retention, fee, rounding remainder).
COLLECTIVE = "collective"


@dataclass(frozen=True)
class Party:
    """A beneficiary: ``share_pct`` of what is shared out, or ``units`` for an equal split per unit."""

    key: str
    name: str
    kind: str
    share_pct: Decimal | None = None
    units: int | None = None
    floor_share_pct: Decimal | None = None


@dataclass(frozen=True)
class Terms:
    """A contract's terms (money in fen, rates in %); which fields a type needs is in :data:`NEEDS`."""

    code: str
    kind: str
    collective: str
    start_year: int
    parties: tuple[Party, ...] = ()
    end_year: int | None = None
    principal_fen: int | None = None
    rate_pct: Decimal | None = None
    area_mu: Decimal | None = None
    per_mu_fen: int | None = None
    profit_share_pct: Decimal | None = None
    cap_fen: int | None = None
    protective_price_fen: int | None = None
    premium_pct: Decimal | None = None
    step_pct: Decimal | None = None
    step_years: int | None = None
    daily_wage_fen: int | None = None
    distributed_pct: Decimal | None = None

    def in_force(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


@dataclass(frozen=True)
class Inputs:
    """One year's inputs of a contract; ``days_worked`` by party key."""

    profit_fen: int | None = None
    volume: Decimal | None = None
    market_price_fen: int | None = None
    land_area_mu: Decimal | None = None
    days_worked: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Payout:
    """One ledger line: ``party`` is the party's key, or ``None`` for the collective's own entries."""

    contract: str
    party: str | None
    payee: str
    payee_kind: str
    component: str
    amount_fen: int


@dataclass(frozen=True)
class Problem:
    """Why a contract cannot be settled, in English (CLI, API) and Chinese (pages)."""

    contract: str
    en: str
    zh: str

    def __str__(self) -> str:
        return f"contract {self.contract}: {self.en}"


class SettlementError(ValueError):
    """Some contracts cannot be settled; nothing is paid for any of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Share:
    """One component of a contract: an exact amount, split by shares or given per party."""

    component: str
    total: Decimal = _ZERO
    weights: str = "share"  # "share", "floor" or "direct" (per_party) or "collective"
    per_party: dict[str, Decimal] = field(default_factory=dict)


def _pct(value: Decimal | None) -> Decimal:
    return _ZERO if value is None else value / _HUNDRED


def _pos(value: int | None) -> Decimal:
    """A profit as it is shared: a loss counts as zero (farmers are never charged)."""
    return Decimal(max(value or 0, 0))


def _problem(terms: Terms, en: str, zh: str) -> Problem:
    return Problem(terms.code, en, zh)


def check_terms(terms: Terms) -> list[Problem]:
    """The contract's own consistency: type, floor ≤ cap, areas ≥ 0, shares summing to 100 %.

    References: docs/rules/benefit-linkage.md, "Bad contracts".
    """
    problems: list[Problem] = []
    if terms.kind not in CONTRACT_TYPES:
        return [_problem(terms, f"unknown contract type {terms.kind!r}", f"未知的联结方式“{terms.kind}”")]
    if terms.area_mu is not None and terms.area_mu < 0:
        problems.append(_problem(terms, "negative land area", "土地面积不能为负数"))
    for name, value in (
        ("principal", terms.principal_fen),
        ("amount per mu", terms.per_mu_fen),
        ("cap", terms.cap_fen),
        ("protective price", terms.protective_price_fen),
        ("daily wage", terms.daily_wage_fen),
    ):
        if value is not None and value < 0:
            problems.append(_problem(terms, f"negative {name}", "金额不能为负数"))
    floor = _floor_amount(terms)
    if terms.cap_fen is not None and floor is not None and floor > terms.cap_fen:
        problems.append(
            _problem(
                terms,
                f"floor {floor / 100:.2f} yuan exceeds the cap {terms.cap_fen / 100:.2f} yuan",
                f"保底金额 {floor / 100:.2f} 元超过封顶金额 {terms.cap_fen / 100:.2f} 元",
            )
        )
    problems.extend(_missing_terms(terms))
    problems.extend(_check_shares(terms))
    return problems


#: Contract fields each type needs (one of the alternatives, each a tuple of fields).
NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    FLOOR_DIVIDEND: (("principal_fen", "rate_pct"), ("area_mu", "per_mu_fen")),
    FIXED_DIVIDEND: (("principal_fen", "rate_pct"),),
    SHARE_DIVIDEND: ((),),
    SECOND_REBATE: (("principal_fen", "rate_pct"), ("area_mu", "per_mu_fen")),
    ORDER_PURCHASE: (("protective_price_fen",), ("premium_pct",)),
    LAND_RENT: (("per_mu_fen",),),
    EMPLOYMENT: (("daily_wage_fen",),),
    COLLECTIVE_FEE: (("per_mu_fen",),),
    RETENTION_SPLIT: (("distributed_pct",),),
}


def _missing_terms(terms: Terms) -> list[Problem]:
    options = NEEDS[terms.kind]
    if any(all(getattr(terms, name) is not None for name in option) for option in options):
        return []
    wanted = " or ".join("+".join(option) for option in options)
    return [_problem(terms, f"missing terms: {wanted}", f"合同缺少必要条款：{wanted}")]


def _check_shares(terms: Terms) -> list[Problem]:
    parties = terms.parties
    if terms.kind == COLLECTIVE_FEE:
        return []
    if not parties:
        return [_problem(terms, "no parties", "合同没有受益方")]
    if terms.kind == EMPLOYMENT:
        return []
    problems: list[Problem] = []
    with_share = [p for p in parties if p.share_pct is not None]
    if with_share and len(with_share) != len(parties):
        problems.append(
            _problem(terms, "give every party a share or none", "须为每个受益方填写分配比例，或全部按份数")
        )
    elif with_share:
        total = sum((p.share_pct or _ZERO for p in parties), _ZERO)
        if total != _HUNDRED or any((p.share_pct or _ZERO) < 0 for p in parties):
            problems.append(
                _problem(
                    terms, f"shares sum to {total}%, not 100%", f"受益方分配比例合计 {total}%，不等于 100%"
                )
            )
    elif any(not p.units or p.units <= 0 for p in parties):
        problems.append(_problem(terms, "parties need shares or units", "受益方须填写分配比例或份数"))
    floors = [p.floor_share_pct for p in parties if p.floor_share_pct is not None]
    if floors:
        total = sum(floors, _ZERO)
        if len(floors) != len(parties) or total != _HUNDRED:
            problems.append(
                _problem(
                    terms,
                    f"floor shares sum to {total}%, not 100%",
                    f"保底分配比例合计 {total}%，不等于 100%",
                )
            )
    return problems


def _floor_amount(terms: Terms) -> Decimal | None:
    """The floor of a 保底分红 or 二次返利 contract: rate × principal, or 元/亩 × area.

    References: docs/rules/benefit-linkage.md, "保底分红" ("a fixed floor (rate × principal, or
    元/亩), paid even in a loss year").
    """
    if terms.kind not in (FLOOR_DIVIDEND, SECOND_REBATE):
        return None
    with decimal.localcontext(_CONTEXT):
        if terms.principal_fen is not None and terms.rate_pct is not None:
            return Decimal(terms.principal_fen) * _pct(terms.rate_pct)
        if terms.area_mu is not None and terms.per_mu_fen is not None:
            return terms.area_mu * terms.per_mu_fen
    return None


def rent_per_mu(terms: Terms, year: int) -> Decimal:
    """土地流转 rent per 亩 in ``year``: the base stepped up by ``step_pct`` every ``step_years``.

    The steps compound: 600 元 with +10 % every 5 years is 600, 660, 726 in years 1–5, 6–10, 11–15.
    References: docs/rules/benefit-linkage.md, "土地流转".
    """
    base = Decimal(terms.per_mu_fen or 0)
    if not terms.step_pct or not terms.step_years:
        return base
    steps = max(year - terms.start_year, 0) // terms.step_years
    with decimal.localcontext(_CONTEXT):
        return base * (1 + _pct(terms.step_pct)) ** steps


def purchase_price(terms: Terms, market_price_fen: int) -> Decimal:
    """订单收购 price: max(market, protective price), or market × (1 + premium).

    References: docs/rules/benefit-linkage.md, "订单收购" (market 10, protective 12 → 12; 13 → 13).
    """
    if terms.protective_price_fen is not None:
        return Decimal(max(market_price_fen, terms.protective_price_fen))
    with decimal.localcontext(_CONTEXT):
        return Decimal(market_price_fen) * (1 + _pct(terms.premium_pct))


#: Inputs each type needs for a year (``profit_fen`` for a floor dividend only with a profit share).
INPUT_NEEDS: dict[str, tuple[str, ...]] = {
    FLOOR_DIVIDEND: (),
    FIXED_DIVIDEND: (),
    SHARE_DIVIDEND: ("profit_fen",),
    SECOND_REBATE: ("profit_fen",),
    ORDER_PURCHASE: ("volume", "market_price_fen"),
    LAND_RENT: ("land_area_mu",),
    EMPLOYMENT: ("days_worked",),
    COLLECTIVE_FEE: ("land_area_mu",),
    RETENTION_SPLIT: ("profit_fen",),
}


def _input_needs(terms: Terms) -> tuple[str, ...]:
    needs = INPUT_NEEDS[terms.kind]
    if terms.kind == FLOOR_DIVIDEND and terms.profit_share_pct:
        return ("profit_fen",)
    if terms.kind in (LAND_RENT, COLLECTIVE_FEE) and terms.area_mu is not None:
        return ()  # the contract's own area serves when the year does not give one
    return needs


def check_inputs(terms: Terms, inputs: Inputs | None, year: int) -> list[Problem]:
    """The year's inputs are there and sensible (areas, volumes, prices, days ≥ 0).

    References: docs/rules/benefit-linkage.md, "Bad contracts".
    """
    needs = _input_needs(terms)
    given = inputs or Inputs()
    missing = [
        name
        for name in needs
        if (not given.days_worked if name == "days_worked" else getattr(given, name) is None)
    ]
    problems = []
    if missing:
        problems.append(
            _problem(
                terms,
                f"missing inputs for {year}: {', '.join(missing)}",
                f"缺少 {year} 年度结算依据：{'、'.join(missing)}",
            )
        )
    if given.land_area_mu is not None and given.land_area_mu < 0:
        problems.append(_problem(terms, "negative land area", "土地面积不能为负数"))
    if given.volume is not None and given.volume < 0:
        problems.append(_problem(terms, "negative volume", "收购量不能为负数"))
    if given.market_price_fen is not None and given.market_price_fen < 0:
        problems.append(_problem(terms, "negative market price", "市场价不能为负数"))
    if any(days < 0 for days in given.days_worked.values()):
        problems.append(_problem(terms, "negative days worked", "务工天数不能为负数"))
    unknown = set(given.days_worked) - {p.key for p in terms.parties}
    if unknown:
        problems.append(
            _problem(
                terms,
                f"days worked for unknown parties: {', '.join(sorted(unknown))}",
                f"务工天数对应的受益方不存在：{'、'.join(sorted(unknown))}",
            )
        )
    return problems


def _components(terms: Terms, inputs: Inputs, year: int) -> list[_Share]:
    """The exact amounts a contract owes for the year, component by component, in fen.

    Order of distribution (docs/rules/benefit-linkage.md, "Order of distribution"): floors first,
    then the remaining profit by shares or ratios, then the collective's retention.
    """
    kind = terms.kind
    profit = _pos(inputs.profit_fen)
    if kind == FLOOR_DIVIDEND:
        floor = _floor_amount(terms) or _ZERO
        extra = profit * _pct(terms.profit_share_pct)
        if terms.cap_fen is not None:
            extra = min(extra, terms.cap_fen - floor)
        return [_Share("floor", floor, "floor"), _Share("share", extra)]
    if kind == FIXED_DIVIDEND:
        return [_Share("share", Decimal(terms.principal_fen or 0) * _pct(terms.rate_pct))]
    if kind == SHARE_DIVIDEND:
        share = profit * (_pct(terms.profit_share_pct) if terms.profit_share_pct is not None else 1)
        return [_Share("share", _capped(terms, share))]
    if kind == SECOND_REBATE:
        floor = _floor_amount(terms) or _ZERO
        ratio = _pct(terms.profit_share_pct) if terms.profit_share_pct is not None else Decimal(1)
        rebate = max(profit - floor, _ZERO) * ratio
        if terms.cap_fen is not None:
            rebate = min(rebate, terms.cap_fen - floor)
        return [_Share("floor", floor, "floor"), _Share("rebate", rebate)]
    if kind == ORDER_PURCHASE:
        price = purchase_price(terms, inputs.market_price_fen or 0)
        return [_Share("purchase", (inputs.volume or _ZERO) * price)]
    if kind == LAND_RENT:
        area = _area(terms, inputs)
        return [_Share("rent", area * rent_per_mu(terms, year))]
    if kind == EMPLOYMENT:
        wage = Decimal(terms.daily_wage_fen or 0)
        per_party = {key: days * wage for key, days in inputs.days_worked.items()}
        return [_Share("wages", sum(per_party.values(), _ZERO), "direct", per_party)]
    if kind == COLLECTIVE_FEE:
        return [_Share("fee", _area(terms, inputs) * (terms.per_mu_fen or 0), "collective")]
    # RETENTION_SPLIT: 分六留四 — ``distributed_pct`` of the profit shared out, the rest retained.
    distributed = profit * _pct(terms.distributed_pct)
    return [_Share("share", distributed), _Share("retention", profit - distributed, "collective")]


def _capped(terms: Terms, amount: Decimal) -> Decimal:
    return amount if terms.cap_fen is None else min(amount, Decimal(terms.cap_fen))


def _area(terms: Terms, inputs: Inputs) -> Decimal:
    return inputs.land_area_mu if inputs.land_area_mu is not None else (terms.area_mu or _ZERO)


def _shares(terms: Terms, which: str, amount: Decimal) -> dict[str, Decimal]:
    """Each party's exact part of ``amount``: × its share (or floor share) / 100, or × units / total
    units (multiplied before dividing, so a split that comes out even stays exact)."""
    parties = terms.parties
    if which == "floor" and parties and parties[0].floor_share_pct is not None:
        return {p.key: amount * (p.floor_share_pct or _ZERO) / _HUNDRED for p in parties}
    if parties and parties[0].share_pct is not None:
        return {p.key: amount * (p.share_pct or _ZERO) / _HUNDRED for p in parties}
    total = sum(p.units or 0 for p in parties)
    return {p.key: amount * (p.units or 0) / total for p in parties}


def settle_contract(terms: Terms, inputs: Inputs, year: int) -> list[Payout]:
    """Every payout of one (checked) contract for ``year``, the rounding remainder to the collective.

    Each party's exact amount (the sum over the contract's components of the component × the
    party's fraction) is rounded down to the fen; the contract's exact total is rounded half up;
    the difference is the remainder, booked to the collective (docs/rules/benefit-linkage.md,
    "Rounding"). Worked example: a floor of 5 % × 1,000,000 元 plus 29 % of a 100,000 元 profit is
    79,000 元, 572.46 元 each for 138 people and 0.52 元 remainder to the collective.
    """
    with decimal.localcontext(_CONTEXT):
        parts = _components(terms, inputs, year)
        exact_total = sum([part.total for part in parts], _ZERO)
        total = int(exact_total.to_integral_value(ROUND_HALF_UP))
        # Each party's exact amount per component, in component order.
        by_party: dict[str, list[tuple[str, Decimal]]] = {p.key: [] for p in terms.parties}
        collective_lines: list[tuple[str, int]] = []
        for part in parts:
            if part.weights == "collective":
                amount = int(part.total.to_integral_value(ROUND_FLOOR))
                if amount:
                    collective_lines.append((part.component, amount))
            elif part.weights == "direct":
                for key, value in part.per_party.items():
                    by_party[key].append((part.component, value))
            else:
                for key, value in _shares(terms, part.weights, part.total).items():
                    by_party[key].append((part.component, value))
        payouts: list[Payout] = []
        paid = 0
        code = terms.code
        for party in terms.parties:
            items = by_party[party.key]
            if not items:
                continue
            if len(items) == 1:
                component, value = items[0]
                whole = int(value.to_integral_value(ROUND_FLOOR))
                if whole:
                    payouts.append(Payout(code, party.key, party.name, party.kind, component, whole))
                paid += whole
                continue
            whole = int(sum([v for _c, v in items], _ZERO).to_integral_value(ROUND_FLOOR))
            left = whole
            for index, (component, value) in enumerate(items):
                last = index == len(items) - 1
                amount = left if last else min(int(value.to_integral_value(ROUND_FLOOR)), left)
                left -= amount
                if amount:
                    payouts.append(Payout(code, party.key, party.name, party.kind, component, amount))
            paid += whole
        for component, amount in collective_lines:
            payouts.append(Payout(code, None, terms.collective, COLLECTIVE, component, amount))
            paid += amount
        remainder = total - paid
        if remainder:
            payouts.append(Payout(code, None, terms.collective, COLLECTIVE, "rounding", remainder))
    return payouts


def settle(contracts: Iterable[Terms], inputs: Mapping[str, Inputs], year: int) -> list[Payout]:
    """Settle every contract in force in ``year``; :class:`SettlementError` listing every bad one.

    Contracts not in force that year are skipped. Nothing is returned when any contract is bad,
    so a caller writes all payouts or none.
    """
    problems: list[Problem] = []
    ready: list[Terms] = []
    for terms in contracts:
        if terms.kind in CONTRACT_TYPES and not terms.in_force(year):
            continue
        found = check_terms(terms)
        if not found:
            found = check_inputs(terms, inputs.get(terms.code), year)
        problems.extend(found)
        if not found:
            ready.append(terms)
    if problems:
        raise SettlementError(problems)
    payouts: list[Payout] = []
    for terms in ready:
        payouts.extend(settle_contract(terms, inputs.get(terms.code) or Inputs(), year))
    return payouts
