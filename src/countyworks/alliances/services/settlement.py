"""The annual settlement of stored contracts into the ledger (formulas: :mod:`..benefit`).

All or nothing: a bad contract or a missing input stops the whole settlement with every problem
named (:class:`~countyworks.alliances.benefit.SettlementError`) and nothing is written. Settling a
year again replaces that year's entries of those contracts (the old ones stay in the history).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from countyworks.alliances import benefit
from countyworks.alliances.models import Contract, LedgerEntry, SettlementInput
from countyworks.alliances.services._common import require_write
from countyworks.core.actors import Actor, recorded_user
from countyworks.core.services import audited_delete


def contract_terms(contract: Contract) -> benefit.Terms:
    """A stored contract (parties prefetched) as the settlement's terms; party keys are their ids."""
    return benefit.Terms(
        code=contract.code,
        kind=contract.kind,
        collective=contract.collective.name,
        start_year=contract.start_year,
        end_year=contract.end_year,
        parties=tuple(
            benefit.Party(
                key=str(p.pk),
                name=p.name,
                kind=p.kind,
                share_pct=p.share_pct,
                units=p.units,
                floor_share_pct=p.floor_share_pct,
            )
            for p in contract.parties.all()
        ),
        principal_fen=contract.principal_fen,
        rate_pct=contract.rate_pct,
        area_mu=contract.area_mu,
        per_mu_fen=contract.per_mu_fen,
        profit_share_pct=contract.profit_share_pct,
        cap_fen=contract.cap_fen,
        protective_price_fen=contract.protective_price_fen,
        premium_pct=contract.premium_pct,
        step_pct=contract.step_pct,
        step_years=contract.step_years,
        daily_wage_fen=contract.daily_wage_fen,
        distributed_pct=contract.distributed_pct,
    )


def year_inputs(contracts: Iterable[Contract], year: int) -> dict[str, benefit.Inputs]:
    """The year's inputs by contract code; days worked collected from the per-party rows."""
    by_id = {c.pk: c.code for c in contracts}
    found: dict[str, dict] = {}
    rows = SettlementInput.objects.filter(contract_id__in=list(by_id), year=year)
    for row in rows:
        entry = found.setdefault(by_id[row.contract_id], {"days_worked": {}})
        if row.party_id is not None and row.days_worked is not None:
            entry["days_worked"][str(row.party_id)] = row.days_worked
        for name in ("profit_fen", "volume", "market_price_fen", "land_area_mu"):
            value = getattr(row, name)
            if value is not None:
                entry[name] = value
    return {code: benefit.Inputs(**values) for code, values in found.items()}


@transaction.atomic
def settlement_run(*, year: int, contracts: QuerySet[Contract], acting_user: Actor) -> list[LedgerEntry]:
    """Settle ``contracts`` for ``year`` into the ledger; :class:`benefit.SettlementError` when any is bad."""
    chosen = list(contracts.select_related("collective").prefetch_related("parties__organisation"))
    for region in {c.region_id for c in chosen}:
        require_write(acting_user, region)
    payouts = benefit.settle([contract_terms(c) for c in chosen], year_inputs(chosen, year), year)
    by_code = {c.code: c for c in chosen}
    parties = {str(p.pk): p for c in chosen for p in c.parties.all()}
    for old in LedgerEntry.objects.filter(contract__in=chosen, year=year):
        audited_delete(old, acting_user=acting_user, reason=_("重新结算"))
    entries = []
    for payout in payouts:
        contract = by_code[payout.contract]
        party = parties.get(payout.party) if payout.party else None
        entries.append(
            LedgerEntry(
                contract=contract,
                year=year,
                party=party,
                payee=payout.payee,
                payee_kind=payout.payee_kind,
                village_id=_village(contract, party, payout.payee_kind),
                component=payout.component,
                amount_fen=payout.amount_fen,
                settled_by=recorded_user(acting_user),
            )
        )
    return bulk_create_with_history(
        entries, LedgerEntry, batch_size=5000, default_user=recorded_user(acting_user)
    )


def _village(contract: Contract, party, payee_kind: str) -> str | None:
    """The village whose collective receives the payout (its income), else ``None``."""
    if payee_kind != benefit.COLLECTIVE:
        return None
    if party is not None and party.organisation is not None:
        return party.organisation.region_id
    return contract.collective.region_id
