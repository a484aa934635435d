"""Standard coal saved and CO2 avoided by electricity, with factor sets shipped as data (docs/rules/carbon-factors.md).

A factor set is (code, year, coal kgce/kWh or none, CO2 kg/kWh, scope, source). A missing coal factor
stays missing: the figure is reported as 未设定 (None), never invented. Every figure names its set.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from countyworks.energy.timeseries import EnergyInputError, Problem

FACTOR_FILE = Path(__file__).parent / "data" / "carbon_factors.csv"

#: Figures are rounded to 0.001 t (1 kg).
TONNE_DECIMALS = 3
KG_PER_TONNE = 1000.0
NOT_SET = "未设定"

#: Scopes that may not appear together in one report: the carbon-market grid factor (power-sector
#: reporting) and the MEE/NBS factors for electricity consumption answer different questions.
INCOMPATIBLE_SCOPES: frozenset[frozenset[str]] = frozenset({frozenset({"carbon-market", "consumption"})})


@dataclass(frozen=True)
class FactorSet:
    """Emission and coal factors of one source and year.

    Attributes
    ----------
    code : str
    year : int
    coal_kgce_per_kwh : float or None
        Standard coal per kWh [kgce/kWh]; None when no verified source exists.
    co2_kg_per_kwh : float
        CO2 per kWh [kg/kWh].
    scope : str
        ``article``, ``carbon-market`` or ``consumption``.
    status, source, note : str
    is_default : bool
    """

    code: str
    year: int
    coal_kgce_per_kwh: float | None
    co2_kg_per_kwh: float
    scope: str
    status: str
    source: str
    note: str = ""
    is_default: bool = False


@dataclass(frozen=True)
class CarbonFigures:
    """Coal saved and CO2 avoided by ``kwh`` with one factor set.

    Attributes
    ----------
    kwh : float
        Electricity [kWh].
    factors : FactorSet
    coal_t : float or None
        Standard coal [t], rounded to 0.001 t; None (未设定) when the set has no coal factor.
    co2_t : float
        CO2 [t], rounded to 0.001 t.
    """

    kwh: float
    factors: FactorSet
    coal_t: float | None
    co2_t: float

    @property
    def coal_text(self) -> str:
        """Coal for display, e.g. ``200,000 t``, or 未设定."""
        return NOT_SET if self.coal_t is None else _tonnes_text(self.coal_t)

    @property
    def co2_text(self) -> str:
        """CO2 for display, e.g. ``323,666 t``."""
        return _tonnes_text(self.co2_t)

    def as_dict(self) -> dict[str, object]:
        """The figures of ``countyworks carbon --json``: ``coal_t``, ``co2_t`` and ``factors``."""
        return {"kwh": self.kwh, "coal_t": self.coal_t, "co2_t": self.co2_t, "factors": asdict(self.factors)}


def _tonnes_text(tonnes: float) -> str:
    return f"{tonnes:,.{TONNE_DECIMALS}f}".rstrip("0").rstrip(".") + " t"


def load_factor_sets(path: str | Path = FACTOR_FILE) -> dict[str, FactorSet]:
    """Read the factor sets (``data/carbon_factors.csv``), by code.

    References
    ----------
    .. [1] docs/rules/carbon-factors.md §1 (the sets and their sources); sources per row.
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: FactorSet(
            code=row["code"],
            year=int(row["year"]),
            coal_kgce_per_kwh=float(row["coal_kgce_per_kwh"]) if row["coal_kgce_per_kwh"].strip() else None,
            co2_kg_per_kwh=float(row["co2_kg_per_kwh"]),
            scope=row["scope"],
            status=row["status"],
            source=row["source"],
            note=row["note"],
            is_default=row["is_default"].strip().lower() == "yes",
        )
        for row in rows
    }


def default_factor_set(sets: dict[str, FactorSet] | None = None) -> FactorSet:
    """The set marked ``is_default`` in the data (mee-nbs-2023-national as shipped)."""
    table = load_factor_sets() if sets is None else sets
    return next(s for s in table.values() if s.is_default)


def _resolve(factors: str | FactorSet | None, sets: dict[str, FactorSet] | None) -> FactorSet:
    if isinstance(factors, FactorSet):
        return factors
    table = load_factor_sets() if sets is None else sets
    if factors is None:
        return default_factor_set(table)
    if factors not in table:
        raise EnergyInputError(
            Problem("factors", f"unknown factor set {factors!r}; known: {', '.join(table)}")
        )
    return table[factors]


def carbon_figures(
    kwh: float, factors: str | FactorSet | None = None, *, sets: dict[str, FactorSet] | None = None
) -> CarbonFigures:
    """Standard coal saved and CO2 avoided by an amount of electricity.

    coal [t] = kWh × coal factor [kgce/kWh] / 1000;  CO2 [t] = kWh × CO2 factor [kg/kWh] / 1000.

    Parameters
    ----------
    kwh : float
        Electricity [kWh], ≥ 0.
    factors : str or FactorSet, optional
        Factor set code or object; default the set marked default in the data.
    sets : dict of str to FactorSet, optional
        Factor table; default the shipped ``data/carbon_factors.csv``.

    Returns
    -------
    CarbonFigures
        ``coal_t`` [t] (None = 未设定 when the set has no coal factor) and ``co2_t`` [t], rounded to 0.001 t.

    Raises
    ------
    EnergyInputError
        For an unknown set or kWh that is not a number ≥ 0.

    Examples
    --------
    6.1亿 kWh with ``article-2023`` gives 200,000 t coal and 610,000 t CO2; with ``mee-grid-2022`` 347,883 t
    CO2; with ``mee-nbs-2023-national`` 323,666 t CO2 and coal 未设定.

    References
    ----------
    .. [1] docs/rules/carbon-factors.md §2.
    .. [2] 生态环境部办公厅, 环办气候函〔2023〕43号 (grid factor 0.5703 tCO2/MWh).
    .. [3] 生态环境部、国家统计局, 关于发布2022年/2023年电力二氧化碳排放因子的公告.
    """
    try:
        amount = float(kwh)
    except (TypeError, ValueError):
        amount = math.nan
    if not (math.isfinite(amount) and amount >= 0):
        raise EnergyInputError(Problem("kwh", f"must be a number ≥ 0, got {kwh!r}"))
    chosen = _resolve(factors, sets)
    coal = chosen.coal_kgce_per_kwh
    return CarbonFigures(
        kwh=amount,
        factors=chosen,
        coal_t=None if coal is None else round(amount * coal / KG_PER_TONNE, TONNE_DECIMALS),
        co2_t=round(amount * chosen.co2_kg_per_kwh / KG_PER_TONNE, TONNE_DECIMALS),
    )


def carbon_report(
    kwh: float, factors: Sequence[str | FactorSet], *, sets: dict[str, FactorSet] | None = None
) -> list[CarbonFigures]:
    """Figures for several factor sets in one report, refusing incompatible scopes.

    Parameters
    ----------
    kwh : float
        Electricity [kWh], ≥ 0.
    factors : sequence of str or FactorSet
        The sets to show side by side.
    sets : dict of str to FactorSet, optional
        Factor table; default the shipped one.

    Raises
    ------
    EnergyInputError
        If the report would mix the carbon-market grid factor with the MEE/NBS consumption factors.

    References
    ----------
    .. [1] docs/rules/carbon-factors.md §2: the carbon-market grid factor (0.5703) and the MEE/NBS
       consumption factors are not mixed in one report.
    """
    chosen = [_resolve(f, sets) for f in factors]
    scopes = {s.scope for s in chosen}
    for pair in INCOMPATIBLE_SCOPES:
        if pair <= scopes:
            codes = ", ".join(s.code for s in chosen if s.scope in pair)
            raise EnergyInputError(
                Problem(
                    "factors",
                    f"one report may not mix scopes {' and '.join(sorted(pair))} ({codes}): "
                    "the carbon-market grid factor and the MEE/NBS consumption factors answer different questions",
                )
            )
    return [carbon_figures(kwh, s) for s in chosen]
