"""Program 1's import kinds, through the platform's one tabular intake (docs/importing.md).

* ``alliance-members`` (key: alliance + organisation) — members and their chain link and village;
* ``benefit-contracts`` (key: the contract number) and ``contract-parties`` (key: contract + name);
* ``settlement-inputs`` (key: contract + year + party) — a year's profit, volume, market price,
  land area, and each worker's days (the party given as ``合同编号/受益方``);
* ``village-incomes`` (key: village + year + source) — booked collective income in 元.

Every kind **updates** a stored record with the same key: these are the program's own ledgers,
and a re-imported export changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.alliances.models import (
    PROGRAM,
    Alliance,
    ChainLink,
    Contract,
    ContractParty,
    ContractType,
    IncomeSource,
    Member,
    SettlementInput,
    VillageIncome,
)
from countyworks.core.import_kinds import OrganisationLookup
from countyworks.core.importing import (
    CellError,
    Column,
    Importer,
    Kind,
    Lookup,
    OnExisting,
    ParsedRow,
    RegionLookup,
    register,
)
from countyworks.core.scoping import scope


@dataclass(frozen=True)
class YuanColumn(Column):
    """An amount typed in 元 (at most two decimals) and stored in fen."""

    kind: Kind = Kind.DECIMAL

    def parse(self, raw: str | None, max_length: int | None = None) -> Any:
        value = super().parse(raw, max_length)
        if value is None:
            return None
        fen = Decimal(value) * 100
        if fen != fen.to_integral_value():
            raise CellError("more than two decimals of a yuan", _("金额最多保留两位小数（分）"), "fen")
        return int(fen)

    def display(self, value: Any) -> Any:
        return "" if value is None else str(Decimal(value) / 100)


class _ScopedLookup(Lookup):
    """Records of program 1 the importing user can read, by a text key."""

    model: type[models.Model]
    key: str

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        rows = scope(self.model._default_manager.all(), user, PROGRAM).filter(**{f"{self.key}__in": codes})
        return {getattr(row, self.key): row.pk for row in rows}

    def display(self, value: Any) -> str:
        return str(getattr(self.model._default_manager.get(pk=value), self.key))


class AllianceLookup(_ScopedLookup):
    model = Alliance
    key = "name"


class ContractLookup(_ScopedLookup):
    model = Contract
    key = "code"


class PartyLookup(Lookup):
    """A contract party as ``合同编号/受益方`` (names repeat across contracts)."""

    def normalise(self, raw: str) -> str:
        code, slash, name = raw.strip().partition("/")
        if not slash or not code or not name:
            raise CellError("give the party as CONTRACT/NAME", _("受益方请写成“合同编号/受益方”"), "party")
        return f"{code.strip()}/{name.strip()}"

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        wanted = {tuple(c.split("/", 1)) for c in codes}
        rows = scope(ContractParty.objects.select_related("contract"), user, PROGRAM).filter(
            contract__code__in={c for c, _n in wanted}, name__in={n for _c, n in wanted}
        )
        return {f"{p.contract.code}/{p.name}": p.pk for p in rows if (p.contract.code, p.name) in wanted}

    def display(self, value: Any) -> str:
        party = ContractParty.objects.select_related("contract").get(pk=value)
        return f"{party.contract.code}/{party.name}"


class _ByContract(Importer):
    """Rows placed at their contract's village: the write reach is checked there."""

    region_column = "contract"

    def region_of_row(self, row: ParsedRow) -> str | None:
        contract = row.values.get("contract")
        if not isinstance(contract, int):
            return None
        cache: dict[int, str] = self.__dict__.setdefault("_regions", {})
        if contract not in cache:
            cache[contract] = Contract.objects.filter(pk=contract).values_list("region_id", flat=True).get()
        return cache[contract]


def _pct(name: str, alias: str) -> Column:
    return Column(name, alias, Kind.DECIMAL, bounds=(Decimal(0), Decimal(100)))


@register
class MemberImporter(Importer):
    """联盟成员: an organisation of the platform joins an alliance at a chain link."""

    kind = "alliance-members"
    label = gettext_lazy("产业联盟成员")
    model = Member
    program = PROGRAM
    columns = (
        Column("alliance", "联盟", Kind.REF, required=True, lookup=AllianceLookup()),
        Column("organisation", "成员单位", Kind.REF, required=True, lookup=OrganisationLookup()),
        Column("chain_link", "产业链环节", Kind.CHOICE, required=True, choices=ChainLink),
        Column("village", "所在村", Kind.REF, required=True, lookup=RegionLookup()),
        Column("joined_on", "入盟日期", Kind.DATE),
    )
    keys = (("alliance", "organisation"),)
    on_existing = OnExisting.UPDATE
    region_column = "village"

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(Member.objects.all(), user, PROGRAM, within=within)


@register
class ContractImporter(Importer):
    """利益联结合同: the terms; the parties are ``contract-parties``."""

    kind = "benefit-contracts"
    label = gettext_lazy("利益联结合同")
    model = Contract
    program = PROGRAM
    columns = (
        Column("code", "合同编号", Kind.CODE, required=True),
        Column("kind", "联结方式", Kind.CHOICE, required=True, choices=ContractType),
        Column("region", "所在村", Kind.REF, required=True, lookup=RegionLookup()),
        Column("payer", "经营主体", Kind.REF, required=True, lookup=OrganisationLookup()),
        Column("collective", "村集体经济组织", Kind.REF, required=True, lookup=OrganisationLookup()),
        Column("start_year", "起始年度", Kind.INT, required=True, bounds=(1949, 2100)),
        Column("end_year", "截止年度", Kind.INT, bounds=(1949, 2100)),
        YuanColumn("principal_fen", "入股或量化资金(元)"),
        _pct("rate_pct", "年收益率(%)"),
        Column("area_mu", "面积(亩)", Kind.DECIMAL, bounds=(Decimal(0), None)),
        YuanColumn("per_mu_fen", "每亩金额(元/亩/年)"),
        _pct("profit_share_pct", "利润分配比例(%)"),
        YuanColumn("cap_fen", "年度封顶(元)"),
        YuanColumn("protective_price_fen", "保护价(元)"),
        Column("premium_pct", "溢价(%)", Kind.DECIMAL),
        Column("step_pct", "递增比例(%)", Kind.DECIMAL),
        Column("step_years", "递增周期(年)", Kind.INT, bounds=(1, 99)),
        YuanColumn("daily_wage_fen", "日工资(元)"),
        _pct("distributed_pct", "分配比例(%)"),
    )
    keys = (("code",),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(Contract.objects.all(), user, PROGRAM, within=within)


@register
class ContractPartyImporter(_ByContract):
    """合同受益方 and their shares (percentages summing to 100, or units)."""

    kind = "contract-parties"
    label = gettext_lazy("利益联结合同受益方")
    model = ContractParty
    program = PROGRAM
    columns = (
        Column("contract", "合同编号", Kind.REF, required=True, lookup=ContractLookup()),
        Column("name", "受益方", required=True),
        Column("kind", "类型", Kind.CHOICE, required=True, choices=ContractParty.Kind),
        _pct("share_pct", "分配比例(%)"),
        Column("units", "份数", Kind.INT, bounds=(1, None)),
        _pct("floor_share_pct", "保底分配比例(%)"),
    )
    keys = (("contract", "name"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(ContractParty.objects.all(), user, PROGRAM, within=within)


@register
class SettlementInputImporter(_ByContract):
    """结算依据: one row per contract and year (and per worker for days worked)."""

    kind = "settlement-inputs"
    label = gettext_lazy("利益联结结算依据")
    model = SettlementInput
    program = PROGRAM
    columns = (
        Column("contract", "合同编号", Kind.REF, required=True, lookup=ContractLookup()),
        Column("year", "年度", Kind.INT, required=True, bounds=(1949, 2100)),
        Column("party", "受益方", Kind.REF, lookup=PartyLookup()),
        YuanColumn("profit_fen", "年度利润(元)"),
        Column("volume", "收购量", Kind.DECIMAL, bounds=(Decimal(0), None)),
        YuanColumn("market_price_fen", "市场价(元)"),
        Column("land_area_mu", "流转面积(亩)", Kind.DECIMAL, bounds=(Decimal(0), None)),
        Column("days_worked", "务工天数", Kind.DECIMAL, bounds=(Decimal(0), Decimal(366))),
    )
    keys = (("contract", "year", "party"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(SettlementInput.objects.all(), user, PROGRAM, within=within)


@register
class VillageIncomeImporter(Importer):
    """村集体收入: booked income of a village by year and source, in 元."""

    kind = "village-incomes"
    label = gettext_lazy("村集体经济收入")
    model = VillageIncome
    program = PROGRAM
    columns = (
        Column("region", "村", Kind.REF, required=True, lookup=RegionLookup()),
        Column("year", "年度", Kind.INT, required=True, bounds=(1949, 2100)),
        Column("source", "收入来源", Kind.CHOICE, required=True, choices=IncomeSource),
        YuanColumn("amount_fen", "金额(元)", required=True),
    )
    keys = (("region", "year", "source"),)
    on_existing = OnExisting.UPDATE

    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        return scope(VillageIncome.objects.all(), user, PROGRAM, within=within)
