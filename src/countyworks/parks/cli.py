"""``countyworks land rates --region CODE --period P``: the three disposal rates with their
numerators and denominators (docs/parks.md). Imports stay light until the command runs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from countyworks.core.errors import InputError


def register(subparsers: Any) -> None:
    """Add ``land rates``."""
    land = subparsers.add_parser(
        "land", help="land clean-up (三类用地) figures", description="Land clean-up figures."
    )
    commands = land.add_subparsers(dest="land_command", required=True)
    rates = commands.add_parser(
        "rates",
        help="disposal rates of 批而未供, 闲置土地 and 低效用地 with numerators and denominators",
        description="Disposed area in the period ÷ the stock identified at its start, per category (亩).",
    )
    rates.add_argument("--region", required=True, metavar="CODE", help="division code (431302)")
    rates.add_argument("--period", required=True, metavar="P", help="2023, 2023Q2 or 2023-06")
    rates.add_argument("--json", action="store_true", help="print one JSON object")
    rates.set_defaults(func=land_rates_command)


def land_rates_command(args: argparse.Namespace) -> int:
    from countyworks.cli import setup_django

    setup_django()
    from countyworks.core.models import Region
    from countyworks.core.periods import InvalidPeriod, Period
    from countyworks.core.regions import significant_prefix
    from countyworks.parks.services import category_rates

    try:
        period = Period.parse(args.period)
    except InvalidPeriod as exc:
        raise InputError(str(exc)) from exc
    try:
        prefix = significant_prefix(args.region)
    except ValueError as exc:
        raise InputError(f"region {args.region!r}: {exc}") from exc
    if not Region.objects.filter(code=prefix).exists():
        raise InputError(f"unknown region {args.region}")
    rates = category_rates(region_prefix=prefix, period=period)
    if args.json:
        out = {
            r.category: {
                "numerator_mu": str(r.rate.numerator),
                "denominator_mu": str(r.rate.denominator),
                "percent": None if r.rate.percent is None else str(r.rate.percent),
            }
            for r in rates
        }
        sys.stdout.write(json.dumps({"region": args.region, "period": str(period), "rates": out}) + "\n")
        return 0
    names = {
        "unsupplied": "unsupplied (批而未供)",
        "idle": "idle (闲置土地)",
        "inefficient": "inefficient (低效用地)",
    }
    sys.stdout.write(
        f"disposal rates, region {args.region}, period {period} (disposed ÷ stock at start, mu)\n"
    )
    for r in rates:
        percent = "—" if r.rate.percent is None else f"{r.rate.percent}%"
        sys.stdout.write(
            f"{names[r.category]:<24} {r.rate.numerator:>10} / {r.rate.denominator:<10} = {percent}\n"
        )
    return 0
