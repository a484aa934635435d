"""Time-of-use tariffs shipped as data (``data/tariffs.csv``) and the price series they give.

Each csv row is one hour range of one tariff version: (tariff, valid_from, valid_to, months, start, end,
period, multiplier or price, status, source). ``multiplier`` scales the base (flat) price; ``price`` is an
absolute price [元/kWh]. Empty validity dates mean open-ended. ``status`` and ``source`` are given on the
first row of a tariff and apply to all its rows. Every (version, month) must cover the day exactly once.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from countyworks.energy.timeseries import LOCAL_TZ, EnergyInputError, Problem, TimeSeries

TARIFF_FILE = Path(__file__).parent / "data" / "tariffs.csv"
MINUTES_PER_DAY = 24 * 60


class TariffDataError(ValueError):
    """The tariff table itself is malformed (a data error, not a user input error)."""


@dataclass(frozen=True)
class TariffPeriod:
    """One hour range of a tariff: local clock minutes [start, end), wrapping past midnight if end ≤ start."""

    months: tuple[int, ...]
    start_minute: int
    end_minute: int
    period: str
    multiplier: float | None
    price: float | None

    def minutes(self) -> np.ndarray:
        """Minute-of-day indices covered by this range."""
        if self.end_minute > self.start_minute:
            return np.arange(self.start_minute, self.end_minute)
        return np.concatenate((np.arange(self.start_minute, MINUTES_PER_DAY), np.arange(self.end_minute)))

    def price_at(self, base_price: float) -> float:
        """Price of this range [元/kWh] for a base (flat) price [元/kWh]."""
        return self.price if self.price is not None else base_price * float(self.multiplier or 0.0)


@dataclass(frozen=True)
class TariffVersion:
    """The periods of a tariff valid from ``valid_from`` to ``valid_to`` (inclusive; None = open)."""

    valid_from: date | None
    valid_to: date | None
    periods: tuple[TariffPeriod, ...]

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def months(self) -> set[int]:
        return {month for period in self.periods for month in period.months}

    def day_prices(self, month: int, base_price: float) -> np.ndarray:
        """Price of each minute of a day in ``month`` [元/kWh], shape (1440,)."""
        prices = np.full(MINUTES_PER_DAY, np.nan)
        for period in self.periods:
            if month in period.months:
                prices[period.minutes()] = period.price_at(base_price)
        return prices


@dataclass(frozen=True)
class Tariff:
    """A named time-of-use tariff with its versions, its status (e.g. ``unverified``) and its source."""

    code: str
    status: str
    source: str
    versions: tuple[TariffVersion, ...]


def _parse_months(text: str) -> tuple[int, ...]:
    months: list[int] = []
    for part in text.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        months.extend(range(int(low), int(high or low) + 1))
    if not months or any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"months {text!r} must be in 1–12")
    return tuple(months)


def _parse_minute(text: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= minutes < 60 and 0 <= hours * 60 + minutes <= MINUTES_PER_DAY):
        raise ValueError(f"time {text!r} must be HH:MM between 00:00 and 24:00")
    return (hours * 60 + minutes) % MINUTES_PER_DAY


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text.strip() else None


def _check_coverage(tariff: Tariff) -> None:
    for version in tariff.versions:
        for month in version.months():
            count = np.zeros(MINUTES_PER_DAY, dtype=int)
            for period in version.periods:
                if month in period.months:
                    np.add.at(count, period.minutes(), 1)
            bad = np.flatnonzero(count != 1)
            if len(bad):
                minute = int(bad[0])
                state = "not covered" if count[minute] == 0 else "covered twice"
                raise TariffDataError(
                    f"tariff {tariff.code} (valid from {version.valid_from or 'open'}): month {month}, "
                    f"{minute // 60:02d}:{minute % 60:02d} is {state}"
                )
    for i, first in enumerate(tariff.versions):
        for second in tariff.versions[i + 1 :]:
            starts_before_end = (first.valid_from or date.min) <= (second.valid_to or date.max)
            ends_after_start = (second.valid_from or date.min) <= (first.valid_to or date.max)
            if starts_before_end and ends_after_start:
                raise TariffDataError(f"tariff {tariff.code}: two versions overlap in validity")


def load_tariffs(path: str | Path = TARIFF_FILE) -> dict[str, Tariff]:
    """Read the tariff table.

    Parameters
    ----------
    path : str or pathlib.Path
        csv in the format of ``data/tariffs.csv`` (see the module docstring).

    Returns
    -------
    dict of str to Tariff
        By tariff code, in file order.

    Raises
    ------
    TariffDataError
        Naming the line of a malformed row, or the tariff whose hours do not cover each day exactly once.

    References
    ----------
    .. [1] docs/rules/tou-tariffs.md §1–§3 (data, unverified).
    """
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            rows.setdefault(row["tariff"].strip(), []).append((line, row))
    tariffs: dict[str, Tariff] = {}
    for code, entries in rows.items():
        versions: dict[tuple[date | None, date | None], list[TariffPeriod]] = {}
        status = source = ""
        for line, row in entries:
            try:
                multiplier, price = _optional_float(row["multiplier"]), _optional_float(row["price"])
                if (multiplier is None) == (price is None):
                    raise ValueError("give exactly one of multiplier and price")
                key = (_optional_date(row["valid_from"]), _optional_date(row["valid_to"]))
                period = TariffPeriod(
                    _parse_months(row["months"]),
                    _parse_minute(row["start"]),
                    _parse_minute(row["end"]),
                    row["period"].strip(),
                    multiplier,
                    price,
                )
            except (ValueError, KeyError) as exc:
                raise TariffDataError(f"{Path(path).name} line {line}: {exc}") from exc
            versions.setdefault(key, []).append(period)
            for name, seen in (("status", status), ("source", source)):
                value = row[name].strip()
                if value and seen and value != seen:
                    raise TariffDataError(
                        f"{Path(path).name} line {line}: {name} differs from the tariff's first row"
                    )
            status, source = status or row["status"].strip(), source or row["source"].strip()
        if not source:
            raise TariffDataError(f"tariff {code} has no source")
        tariff = Tariff(
            code, status, source, tuple(TariffVersion(vf, vt, tuple(p)) for (vf, vt), p in versions.items())
        )
        _check_coverage(tariff)
        tariffs[code] = tariff
    return tariffs


def tariff_prices(
    code: str,
    base_price: float,
    start: date,
    end: date,
    step: timedelta = timedelta(hours=1),
    *,
    tariffs: dict[str, Tariff] | None = None,
) -> TimeSeries:
    """Price series of a time-of-use tariff over local calendar days [start, end).

    Parameters
    ----------
    code : str
        Tariff code, e.g. ``hunan-tou-a``.
    base_price : float
        Flat-period price [元/kWh] that the multipliers scale; ≥ 0.
    start, end : datetime.date
        First day included and first day excluded, Asia/Shanghai.
    step : datetime.timedelta
        Step length, a whole number of minutes dividing the range; default 1 h.
    tariffs : dict of str to Tariff, optional
        Tariff table; default the shipped ``data/tariffs.csv``.

    Returns
    -------
    TimeSeries
        ``price`` [元/kWh] per step, timestamps at step starts from local midnight of ``start``. A step that
        straddles two periods gets their time-weighted mean price.

    Raises
    ------
    EnergyInputError
        Unknown tariff, a base price that is not a number ≥ 0, an empty range, a step that does not divide
        it, or a day that no version of the tariff covers (naming the day).

    Examples
    --------
    D3's prices (docs/rules/storage-dispatch.md §6): ``tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2024, 1, 1))``.

    References
    ----------
    .. [1] docs/rules/tou-tariffs.md §3–§4 (data, unverified); case D3 in docs/rules/storage-dispatch.md §6.
    """
    table = load_tariffs() if tariffs is None else tariffs
    if code not in table:
        raise EnergyInputError(Problem("tariff", f"unknown tariff {code!r}; known: {', '.join(table)}"))
    problems: list[Problem] = []
    try:
        base_ok = math.isfinite(float(base_price)) and float(base_price) >= 0
    except (TypeError, ValueError):
        base_ok = False
    if not base_ok:
        problems.append(Problem("base price", f"must be a number ≥ 0 元/kWh, got {base_price!r}"))
    if end <= start:
        problems.append(Problem("date range", f"end {end} must be after start {start}"))
    step_min, remainder = divmod(step, timedelta(minutes=1))
    total_min = (end - start).days * MINUTES_PER_DAY
    if remainder or step_min <= 0 or (total_min > 0 and total_min % step_min):
        problems.append(Problem("step", f"{step} must be a whole number of minutes dividing the date range"))
    if problems:
        raise EnergyInputError(problems)
    tariff = table[code]
    profiles: dict[tuple[int, int], np.ndarray] = {}
    days: list[np.ndarray] = []
    day = start
    while day < end:
        index = next(
            (i for i, v in enumerate(tariff.versions) if v.covers(day) and day.month in v.months()), None
        )
        if index is None:
            raise EnergyInputError(
                Problem("tariff", f"{code} has no prices for {day} (no version covers that day)")
            )
        if (index, day.month) not in profiles:
            profiles[index, day.month] = tariff.versions[index].day_prices(day.month, float(base_price))
        days.append(profiles[index, day.month])
        day += timedelta(days=1)
    blocks = np.concatenate(days).reshape(-1, step_min)
    uniform = blocks.min(axis=1) == blocks.max(axis=1)
    values = np.where(uniform, blocks[:, 0], blocks.mean(axis=1))  # exact prices inside one period
    return TimeSeries.regular(datetime.combine(start, time(), LOCAL_TZ), step, values, "price")
