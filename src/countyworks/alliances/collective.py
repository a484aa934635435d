"""Village collective economy: operating income and its classes (docs/rules/village-collective-economy.md).

Pure functions, free of Django; amounts in fen, compared exactly. The thresholds are stored as a
:class:`Thresholds` value so a province or year with other boundaries passes its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

WAN = 1_000_000  # 1万元 in fen

SHELL = "shell"  # 空壳村 (strict): no operating income at all
WEAK = "weak"  # 薄弱村
GENERAL = "general"  # 一般村
RICH = "rich"  # 富裕村
CLASSES = (SHELL, WEAK, GENERAL, RICH)

#: The income sources that are operating income (经营性收入); 补助收入 is not.
OPERATING_SOURCES = frozenset({"operating", "contracting", "investment", "other_operating"})


@dataclass(frozen=True)
class Thresholds:
    """Class boundaries in fen; "以上/以下" include the boundary (≥ 5万 is 一般, ≥ 20万 富裕)."""

    weak_below: int = 5 * WAN
    rich_from: int = 20 * WAN
    headline_from: int = 10 * WAN  # "收入超过10万元" counts villages with ≥ 10万


HUNAN = Thresholds()


def operating_income(amounts_by_source: Mapping[str, int]) -> int:
    """经营性收入 = 经营收入 + 发包及上交收入 + 投资收益 + 其他经营收入; 补助收入 is excluded.

    References: docs/rules/village-collective-economy.md, "Operating income".
    """
    return sum(amount for source, amount in amounts_by_source.items() if source in OPERATING_SOURCES)


def classify(operating_fen: int, thresholds: Thresholds = HUNAN) -> str:
    """The Hunan class of a village by its operating income: 空壳 (0), 薄弱 (< 5万), 一般, 富裕 (≥ 20万).

    Examples (docs/rules/village-collective-economy.md, "Classes"): 0 / 3.2 / 5 / 12 / 19.99 / 20 万 →
    shell / weak / general / general / general / rich.
    """
    if operating_fen <= 0:
        return SHELL
    if operating_fen < thresholds.weak_below:
        return WEAK
    if operating_fen < thresholds.rich_from:
        return GENERAL
    return RICH


def is_shell_broad(operating_fen: int, thresholds: Thresholds = HUNAN) -> bool:
    """空壳村 in the broad sense: operating income below 5万 (the strict sense is :data:`SHELL`)."""
    return operating_fen < thresholds.weak_below


@dataclass(frozen=True)
class Summary:
    """Counts of a set of villages in one year."""

    villages: int
    by_class: dict[str, int]
    below_weak: (
        int  # below 5万 (薄弱 and 空壳, = 空壳村 in the broad sense): what the article says was "清零"
    )
    over_headline: int  # ≥ 10万
    total_fen: int

    @property
    def mean_fen(self) -> int:
        return self.total_fen // self.villages if self.villages else 0


def summarise(incomes: Iterable[int], thresholds: Thresholds = HUNAN) -> Summary:
    """Class counts, the villages below 5万 and at or over 10万, and the total of operating incomes.

    References: docs/rules/village-collective-economy.md, "The report's figures".
    """
    values = list(incomes)
    by_class = dict.fromkeys(CLASSES, 0)
    for value in values:
        by_class[classify(value, thresholds)] += 1
    below = sum(1 for v in values if v < thresholds.weak_below)
    return Summary(
        villages=len(values),
        by_class=by_class,
        below_weak=below,
        over_headline=sum(1 for v in values if v >= thresholds.headline_from),
        total_fen=sum(values),
    )


def compare_to_mean(mean_fen: int, reference_mean_fen: int) -> str:
    """A county's class against the provincial mean village income: ≥ 1.2× 富裕, ≤ 0.8× 薄弱, else 一般.

    References: docs/rules/village-collective-economy.md, "Counties against the province".
    """
    if reference_mean_fen <= 0:
        return GENERAL
    ratio = Decimal(mean_fen) / Decimal(reference_mean_fen)
    if ratio >= Decimal("1.2"):
        return RICH
    if ratio <= Decimal("0.8"):
        return WEAK
    return GENERAL
