"""The ``dispatch`` and ``carbon`` commands, which never import Django, and ``rollup``, which does
(docs/design.md#cli-contract).

``countyworks rollup --rebuild --station S --from D --to D`` recomputes every rollup level of a
station's points over the local days D..D from the raw readings (idempotent).

``--prices`` takes a ``timestamp,price`` csv file or a tariff code::

    tariff:CODE:BASE:PERIOD[:STEP_MINUTES]

CODE is a tariff of ``data/tariffs.csv`` (e.g. ``hunan-tou-a``), BASE the flat price [元/kWh], PERIOD a
year (``2023``), a month (``2023-07``) or an inclusive date range (``2023-07-01..2023-08-31``), and
STEP_MINUTES the step (default 60). Example: ``--prices tariff:hunan-tou-a:0.5:2023``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from countyworks.cli import setup_django
from countyworks.core.errors import InputError

if TYPE_CHECKING:
    from countyworks.energy.dispatch import DispatchResult
    from countyworks.energy.timeseries import TimeSeries

# The maths (numpy, polars, HiGHS) is imported by the command that runs, not when the parser is
# built: every ``countyworks`` command builds the whole parser, and most never dispatch.
TARIFF_PREFIX = "tariff:"
#: StorageParams fields an option may leave unset (the dataclass's own default applies).
_STORAGE_OPTIONS = (
    "eta_charge",
    "eta_discharge",
    "soc_min",
    "soc_max",
    "soc_initial",
    "degradation_yuan_per_mwh",
    "max_cycles_per_day",
)


def _soc_initial(text: str) -> float | str:
    if text == "cyclic":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction of E or 'cyclic', got {text!r}") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the program's sub-commands: ``dispatch``, ``carbon``, ``rollup``, then ``ingest`` and ``simulate``."""
    p = subparsers.add_parser(
        "dispatch",
        help="optimal storage dispatch (arbitrage or peak-shaving) on a price series",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--power-mw", type=float, required=True, help="power P [MW]")
    p.add_argument("--energy-mwh", type=float, required=True, help="energy E [MWh]")
    p.add_argument(
        "--prices",
        required=True,
        help="csv timestamp,price [元/kWh], or tariff:CODE:BASE:PERIOD[:STEP_MINUTES]",
    )
    p.add_argument(
        "--mode", choices=("arbitrage", "peak-shaving"), help="default: peak-shaving if --load is given"
    )
    p.add_argument("--eta-charge", type=float, help="charge efficiency (0, 1]")
    p.add_argument("--eta-discharge", type=float, help="discharge efficiency (0, 1]")
    p.add_argument("--soc-min", type=float, help="SOC floor [fraction of E]")
    p.add_argument("--soc-max", type=float, help="SOC ceiling [fraction of E]")
    p.add_argument(
        "--soc-initial",
        type=_soc_initial,
        help="initial (= final) SOC [fraction of E], or 'cyclic' (free, end = start)",
    )
    p.add_argument("--load", help="csv timestamp,load_mw [MW] on the prices' timestamps (peak-shaving)")
    p.add_argument("--cap-mw", type=float, help="grid import cap C [MW] (peak-shaving)")
    p.add_argument(
        "--degradation-yuan-per-mwh",
        type=float,
        help="cost per MWh discharged [元/MWh]",
    )
    p.add_argument("--max-cycles-per-day", type=float, help="cycle limit N per day")
    p.add_argument("-o", "--output", dest="schedule", help="write the schedule csv here")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.set_defaults(func=_run_dispatch, parser=p)

    c = subparsers.add_parser(
        "carbon", help="standard coal saved and CO2 avoided by an amount of electricity"
    )
    c.add_argument("--kwh", type=float, required=True, help="electricity [kWh]")
    c.add_argument("--factors", help="factor set code (default: the set marked default in the data)")
    c.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    c.set_defaults(func=_run_carbon)

    r = subparsers.add_parser(
        "rollup", help="rebuild a station's rollups (1 min to 1 day) from its raw readings"
    )
    r.add_argument("--rebuild", action="store_true", required=True, help="recompute from raw readings")
    r.add_argument("--station", required=True, help="station code")
    r.add_argument("--from", dest="first", type=_day, required=True, help="first local day YYYY-MM-DD")
    r.add_argument(
        "--to", dest="last", type=_day, required=True, help="last local day YYYY-MM-DD (inclusive)"
    )
    r.set_defaults(func=cmd_rollup)

    from countyworks.energy import commands  # ingest and simulate

    commands.register(subparsers)


def _period(text: str) -> tuple[date, date]:
    """(first day, first day after) of ``2023``, ``2023-07`` or ``2023-07-01..2023-08-31``."""
    if ".." in text:
        first, last = (date.fromisoformat(part) for part in text.split("..", 1))
        return first, last + timedelta(days=1)
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        year, month = parts
        return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
    raise ValueError(text)


def _tariff_series(spec: str) -> TimeSeries:
    parts = spec[len(TARIFF_PREFIX) :].split(":")
    try:
        if len(parts) not in (3, 4):
            raise ValueError(spec)
        code, base, period = parts[:3]
        start, end = _period(period)
        step = timedelta(minutes=int(parts[3]) if len(parts) == 4 else 60)
        base_price = float(base)
    except ValueError:
        raise InputError(
            f"--prices {spec!r}: expected tariff:CODE:BASE:PERIOD[:STEP_MINUTES], e.g. tariff:hunan-tou-a:0.5:2023"
        ) from None
    from countyworks.energy.tariffs import tariff_prices

    return tariff_prices(code, base_price, start, end, step)


def _write_schedule(path: Path, result: DispatchResult, prices: TimeSeries) -> None:
    """Write the schedule csv atomically: a temporary file in the same directory, then a rename."""
    schedule = result.schedule
    columns = {"charge_mw": schedule.charge_mw, "discharge_mw": schedule.discharge_mw, "soc": schedule.soc}
    if schedule.grid_mw is not None:
        columns["grid_mw"] = schedule.grid_mw
    import numpy as np

    rounded = {name: np.round(values, 6) + 0.0 for name, values in columns.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
        encoding="utf-8",
        newline="",
    )
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", *rounded])
            for i, stamp in enumerate(prices.local_iso()):
                writer.writerow([stamp, *(f"{values[i]:.6f}" for values in rounded.values())])
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _run_dispatch(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    if (args.load is None) != (args.cap_mw is None):
        parser.error("--load and --cap-mw go together")
    mode = args.mode or ("peak-shaving" if args.load else "arbitrage")
    if (mode == "peak-shaving") != (args.load is not None):
        parser.error("--mode peak-shaving needs --load and --cap-mw, and they need it")
    from countyworks.energy.dispatch import PeakShaving, StorageParams, solve_dispatch
    from countyworks.energy.timeseries import EnergyInputError, read_load, read_prices

    options = {name: getattr(args, name) for name in _STORAGE_OPTIONS if getattr(args, name) is not None}
    storage = StorageParams(power_mw=args.power_mw, energy_mwh=args.energy_mwh, **options)
    try:
        prices = (
            _tariff_series(args.prices) if args.prices.startswith(TARIFF_PREFIX) else read_prices(args.prices)
        )
        peak = PeakShaving(read_load(args.load), args.cap_mw) if args.load else None
        result = solve_dispatch(prices, storage, peak_shaving=peak)
    except EnergyInputError as exc:
        raise InputError(exc.messages) from exc
    if args.schedule:
        _write_schedule(Path(args.schedule), result, prices)
    figures = result.figures()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key}: {value:,.2f}" if isinstance(value, float) else f"{key}: {value}")
        if args.schedule:
            print(f"schedule: {args.schedule}")
    return 0


def _run_carbon(args: argparse.Namespace) -> int:
    from countyworks.energy.carbon import carbon_figures
    from countyworks.energy.timeseries import EnergyInputError

    try:
        figures = carbon_figures(args.kwh, args.factors)
    except EnergyInputError as exc:
        raise InputError(exc.messages) from exc
    if args.json:
        print(json.dumps(figures.as_dict(), ensure_ascii=False))
        return 0
    factors = figures.factors
    print(f"电量 {figures.kwh:,.0f} kWh")
    print(f"标准煤 {figures.coal_text}")
    print(f"二氧化碳 {figures.co2_text}")
    print(f"因子集 {factors.code} ({factors.year}, {factors.scope}, {factors.status}): {factors.source}")
    return 0


def cmd_rollup(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from django.core.exceptions import ValidationError

    from countyworks.energy.models import Station
    from countyworks.energy.services import rollups_rebuild

    station = Station.objects.filter(code=args.station).first()
    if station is None:
        raise InputError(f"unknown station {args.station}")
    try:
        count = rollups_rebuild(station=station, first=args.first, last=args.last)
    except ValidationError as exc:
        raise InputError(exc.messages) from exc
    print(f"{station.code}: rollups of {args.first}..{args.last} rebuilt from {count} readings")
    return 0
