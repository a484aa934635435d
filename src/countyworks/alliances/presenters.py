"""Page data of program 1: figures formatted, codes turned into words, charts built (no queries here
beyond what the selectors hand over)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.alliances import collective
from countyworks.alliances.allocation import Result
from countyworks.alliances.models import Capacity, IncomeSource, LedgerEntry
from countyworks.alliances.selectors import VillageYear
from countyworks.core.charts import bar_chart, line_chart

CLASS_LABELS = {
    collective.SHELL: gettext_lazy("空壳村"),
    collective.WEAK: gettext_lazy("薄弱村"),
    collective.GENERAL: gettext_lazy("一般村"),
    collective.RICH: gettext_lazy("富裕村"),
}
CLASS_TAGS = {
    collective.SHELL: "bad",
    collective.WEAK: "warn",
    collective.GENERAL: "info",
    collective.RICH: "ok",
}
SOURCE_LABELS = {
    **{s.value: s.label for s in IncomeSource},
    "ledger": gettext_lazy("利益联结分配（结算台账）"),
}


def yuan(fen: int | None) -> str:
    """Fen as 元 with two decimals and thousands separators (``7900000`` → ``79,000.00``)."""
    if fen is None:
        return "—"
    return f"{Decimal(fen) / 100:,.2f}"


def wan(fen: int) -> str:
    """Fen as 万元 with two decimals."""
    return f"{Decimal(fen) / 1_000_000:,.2f}"


@dataclass(frozen=True)
class Headline:
    """One figure of the village economy with its year and whether that year is complete."""

    label: str
    value: str
    unit: str
    note: str


def village_headlines(figures: VillageYear, partial: bool) -> list[Headline]:
    summary = figures.summary
    note = _("%(year)d年") % {"year": figures.year}
    if partial:
        note = _("%(year)d年（%(n)d/%(m)d个村已填报，数据不完整）") % {
            "year": figures.year,
            "n": figures.reported,
            "m": figures.villages,
        }
    return [
        Headline(_("收入10万元以上的村"), str(summary.over_headline), _("个"), note),
        Headline(_("薄弱村（含空壳村）"), str(summary.below_weak), _("个"), note),
        Headline(_("村集体经营性收入合计"), wan(summary.total_fen), _("万元"), note),
        Headline(_("村均经营性收入"), wan(summary.mean_fen), _("万元"), note),
    ]


def against_province(area: VillageYear, province: VillageYear) -> str | None:
    """The area's mean village operating income against the province's, in words."""
    if not area.reported or not province.reported:
        return None
    mean, reference = area.summary.mean_fen, province.summary.mean_fen
    return _("村均经营性收入 %(mean)s 万元，为全省村均（%(ref)s 万元）的 %(ratio)s 倍：%(cls)s") % {
        "mean": wan(mean),
        "ref": wan(reference),
        "ratio": f"{Decimal(mean) / Decimal(reference):.2f}" if reference else "—",
        "cls": CLASS_LABELS[collective.compare_to_mean(mean, reference)],
    }


def class_rows(summary: collective.Summary) -> list[tuple[str, str, int]]:
    return [(str(CLASS_LABELS[c]), CLASS_TAGS[c], summary.by_class[c]) for c in collective.CLASSES]


def source_rows(figures: VillageYear) -> list[tuple[str, str]]:
    rows = [(str(SOURCE_LABELS[s]), wan(v)) for s, v in sorted(figures.by_source.items())]
    rows.append((str(IncomeSource.SUBSIDY.label) + _("（不计入经营性收入）"), wan(figures.subsidy_fen)))
    return rows


def trend_chart(years: list[VillageYear]) -> dict:
    """Counts over 10万 and below 5万 per year (line), oldest first."""
    ordered = sorted(years, key=lambda f: f.year)
    return line_chart(
        _("村集体经济发展趋势"),
        [_("%(year)d年") % {"year": f.year} for f in ordered],
        {
            _("收入10万元以上的村"): [f.summary.over_headline for f in ordered],
            _("薄弱村（含空壳村）"): [f.summary.below_weak for f in ordered],
            _("富裕村"): [f.summary.by_class[collective.RICH] for f in ordered],
        },
        unit=_("个"),
    )


def class_chart(summary: collective.Summary, year: int) -> dict:
    labels = [str(CLASS_LABELS[c]) for c in collective.CLASSES]
    return bar_chart(
        _("%(year)d年村集体经济分类") % {"year": year},
        labels,
        {_("村数"): [summary.by_class[c] for c in collective.CLASSES]},
        unit=_("个"),
    )


@dataclass(frozen=True)
class StatementLine:
    contract: str
    kind: str
    component: str
    amount: str


def statement(entries: list[LedgerEntry]) -> tuple[list[StatementLine], str]:
    """A party's lines of one year's ledger and their total, in 元."""
    lines = [
        StatementLine(
            e.contract.code, e.contract.get_kind_display(), e.get_component_display(), yuan(e.amount_fen)
        )
        for e in entries
    ]
    return lines, yuan(sum(e.amount_fen for e in entries))


@dataclass(frozen=True)
class ContractTotal:
    code: str
    pk: int
    kind: str
    lines: int
    total: str
    to_collective: str


def ledger_by_contract(entries: list[LedgerEntry]) -> list[ContractTotal]:
    grouped: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.contract_id].append(entry)
    out = []
    for rows in grouped.values():
        contract = rows[0].contract
        out.append(
            ContractTotal(
                contract.code,
                contract.pk,
                contract.get_kind_display(),
                len(rows),
                yuan(sum(r.amount_fen for r in rows)),
                yuan(sum(r.amount_fen for r in rows if r.payee_kind == "collective")),
            )
        )
    return out


def supporting_rows(result: Result, capacities: dict[int, Capacity]) -> list[dict[str, object]]:
    """Local supporting matches: who needs what, who supplies it, how much; unmet needs flagged."""
    rows: list[dict[str, object]] = []
    for line in result.lines:
        need, source = capacities[int(line.order)], capacities[int(line.supply)]
        rows.append(
            {
                "needer": need.member,
                "product": need.product,
                "supplier": source.member,
                "quantity": line.quantity,
            }
        )
    for key, reason in result.flags.items():
        need = capacities[int(key)]
        rows.append(
            {
                "needer": need.member,
                "product": need.product,
                "supplier": None,
                "quantity": None,
                "flag": reason[1],
            }
        )
    return rows


def premium(price_fen: int, local_fen: int | None) -> tuple[str, str] | None:
    """The price premium of an outside sale over the local market price on the same day: (%, 元)."""
    if not local_fen:
        return None
    percent = Decimal(price_fen - local_fen) * 100 / Decimal(local_fen)
    return f"{percent:+.1f}%", yuan(price_fen - local_fen)
