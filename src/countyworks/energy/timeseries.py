"""Regular time series read from ``timestamp,<value>`` csv files, and the input-error type of the energy core.

A series is one row per step; the step length is read from the timestamps (docs/rules/energy-statistics.md §2). Naive
timestamps are Asia/Shanghai local time; every timestamp is stored as UTC.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class Problem:
    """One reason why an input was refused.

    ``where`` names the place (a file and line, a step, or an option); ``reason`` says what is wrong.
    """

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class EnergyInputError(ValueError):
    """Input refused by the energy core; ``messages`` lists every problem found, one per line."""

    def __init__(self, problems: Problem | str | Sequence[Problem | str]) -> None:
        items = [problems] if isinstance(problems, Problem | str) else list(problems)
        #: The problems themselves, for callers that word them for their reader (the pages).
        self.problems: list[Problem | str] = items
        self.messages = [str(item) for item in items]
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True, eq=False)
class TimeSeries:
    """A regular series: one value per step, timestamps at the start of each step.

    Attributes
    ----------
    timestamps : numpy.ndarray of datetime64[us]
        Step starts in UTC, strictly increasing, evenly spaced.
    values : numpy.ndarray of float
        One value per step, in the unit of the series (``price`` [元/kWh], ``load_mw`` [MW]).
    step_h : float
        Step length [h].
    name : str
        Column name the values came from.
    """

    timestamps: np.ndarray
    values: np.ndarray
    step_h: float
    name: str = "value"

    def __len__(self) -> int:
        return len(self.values)

    @classmethod
    def regular(
        cls, start: datetime, step: timedelta, values: Sequence[float] | np.ndarray, name: str = "value"
    ) -> TimeSeries:
        """Build a series of ``values`` from an aware ``start`` (naive means Asia/Shanghai) every ``step``."""
        start_us = _to_epoch_us(start if start.tzinfo else start.replace(tzinfo=LOCAL_TZ))
        step_us = step // _US
        array = np.asarray(values, dtype=float)
        stamps = (start_us + step_us * np.arange(len(array), dtype=np.int64)).astype("datetime64[us]")
        return cls(stamps, array, step / timedelta(hours=1), name)

    def local_dates(self) -> np.ndarray:
        """Calendar date of each step start in Asia/Shanghai, as datetime64[D]."""
        utc = pl.Series("t", self.timestamps).dt.replace_time_zone("UTC")
        return utc.dt.convert_time_zone(LOCAL_TZ_NAME).dt.date().to_numpy().astype("datetime64[D]")

    def local_iso(self) -> list[str]:
        """Step starts as ISO 8601 strings in Asia/Shanghai, e.g. ``2023-01-01T00:00:00+08:00``."""
        return [
            (_EPOCH + timedelta(microseconds=int(us))).astimezone(LOCAL_TZ).isoformat()
            for us in self.timestamps.astype(np.int64)
        ]

    def local_time(self, index: int) -> str:
        """Start of step ``index`` (0-based) in Asia/Shanghai, as ``YYYY-MM-DD HH:MM``."""
        start = (_EPOCH + timedelta(microseconds=int(self.timestamps[index].astype(np.int64)))).astimezone(
            LOCAL_TZ
        )
        return f"{start:%Y-%m-%d %H:%M}"

    def local_label(self, index: int) -> str:
        """Step ``index`` (0-based) as a readable label: its local start time and its 1-based number."""
        return f"{self.local_time(index)} (step {index + 1})"


def _to_epoch_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; a naive one is Asia/Shanghai local time.

    Raises
    ------
    ValueError
        If ``text`` is not ISO 8601.
    """
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def _format_step(step_us: int) -> str:
    return str(timedelta(microseconds=step_us))


def _regular_step(stamps_us: np.ndarray, where: str, lines: np.ndarray) -> tuple[int | None, list[Problem]]:
    """Return the step [µs] of a sorted-or-not timestamp array and every irregularity found."""
    problems: list[Problem] = []
    if len(stamps_us) < 2:
        return None, [Problem(where, "at least two rows are needed to read the step length")]
    diffs = np.diff(stamps_us)
    counts = Counter(int(d) for d in diffs[diffs > 0])
    step = min(counts, key=lambda d: (-counts[d], d)) if counts else None
    for i in np.flatnonzero(diffs <= 0):
        prev, line = int(lines[i]), int(lines[i + 1])
        if diffs[i] == 0:
            problems.append(Problem(f"{where} line {line}", f"duplicate timestamp (same as line {prev})"))
        else:
            problems.append(
                Problem(
                    f"{where} line {line}",
                    f"timestamp is earlier than line {prev}: rows must be in time order",
                )
            )
    if step is None:
        return None, problems
    for i in np.flatnonzero((diffs > 0) & (diffs != step)):
        gap, line, prev = int(diffs[i]), int(lines[i + 1]), int(lines[i])
        if gap % step == 0:
            missing = gap // step - 1
            problems.append(
                Problem(
                    f"{where} line {line}",
                    f"gap: {missing} step(s) of {_format_step(step)} missing after line {prev}",
                )
            )
        else:
            problems.append(
                Problem(
                    f"{where} line {line}",
                    f"uneven step: {_format_step(gap)} after line {prev}, the series' step is {_format_step(step)}",
                )
            )
    return step, problems


def read_series(path: str | Path, column: str, *, minimum: float | None = None) -> TimeSeries:
    """Read and validate a ``timestamp,<column>`` csv file.

    Parameters
    ----------
    path : str or pathlib.Path
        csv file, UTF-8 (a byte-order mark is accepted), with a header row.
    column : str
        Name of the value column, e.g. ``price`` [元/kWh] or ``load_mw`` [MW].
    minimum : float, optional
        Smallest value accepted.

    Returns
    -------
    TimeSeries
        The series with its step read from the timestamps.

    Raises
    ------
    EnergyInputError
        Listing every problem with its line number (the header is line 1): missing columns, timestamps
        that are not ISO 8601, values that are not finite numbers or below ``minimum``, duplicate or
        out-of-order timestamps, gaps and uneven steps.

    References
    ----------
    .. [1] docs/design.md#cli-contract: prices and load files.
    .. [2] docs/rules/storage-dispatch.md §4 (step read from the series, bad input).
    """
    path = Path(path)
    where = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise EnergyInputError(Problem(where, f"cannot be read ({exc})")) from exc
    if not rows:
        raise EnergyInputError(Problem(where, "the file is empty"))
    header = [name.strip() for name in rows[0]]
    missing = [name for name in ("timestamp", column) if name not in header]
    if missing:
        raise EnergyInputError(
            Problem(f"{where} line 1", f"missing column(s) {', '.join(missing)}; expected timestamp,{column}")
        )
    i_time, i_value = header.index("timestamp"), header.index(column)
    problems: list[Problem] = []
    stamps: list[int] = []
    values: list[float] = []
    lines: list[int] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (max(i_time, i_value) + 1 - len(row))
        try:
            moment = parse_timestamp(cells[i_time])
        except ValueError:
            problems.append(
                Problem(
                    f"{where} line {line}",
                    f"timestamp {cells[i_time]!r} is not ISO 8601 (e.g. 2023-01-01 00:00)",
                )
            )
            continue
        text = cells[i_value].strip()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(Problem(f"{where} line {line}", f"{column} {text!r} is not a number"))
            continue
        if minimum is not None and value < minimum:
            problems.append(Problem(f"{where} line {line}", f"{column} {value:g} is below {minimum:g}"))
            continue
        stamps.append(_to_epoch_us(moment))
        values.append(value)
        lines.append(line)
    if not lines and not problems:
        problems.append(Problem(where, "no data rows"))
    if problems:
        raise EnergyInputError(problems)
    stamps_us = np.asarray(stamps, dtype=np.int64)
    step_us, problems = _regular_step(stamps_us, where, np.asarray(lines))
    if problems or step_us is None:
        raise EnergyInputError(problems)
    return TimeSeries(stamps_us.astype("datetime64[us]"), np.asarray(values), step_us / 3.6e9, column)


def read_prices(path: str | Path) -> TimeSeries:
    """Read a ``timestamp,price`` file, prices [元/kWh] (negative prices are allowed)."""
    return read_series(path, "price")


def read_load(path: str | Path) -> TimeSeries:
    """Read a ``timestamp,load_mw`` file, load [MW] ≥ 0 (no negative grid import: docs/rules/storage-dispatch.md §4)."""
    return read_series(path, "load_mw", minimum=0.0)


def check_same_steps(reference: TimeSeries, other: TimeSeries, other_name: str) -> None:
    """Raise :class:`EnergyInputError` unless ``other`` has exactly the timestamps of ``reference``."""
    if len(other) != len(reference):
        raise EnergyInputError(
            Problem(
                other_name,
                f"has {len(other)} steps but the prices have {len(reference)}: use the same timestamps",
            )
        )
    differ = np.flatnonzero(other.timestamps != reference.timestamps)
    if len(differ):
        i = int(differ[0])
        raise EnergyInputError(
            Problem(
                other_name,
                f"step {i + 1} is at {other.local_time(i)} but the prices' is at {reference.local_time(i)}: "
                "use the same timestamps",
            )
        )
