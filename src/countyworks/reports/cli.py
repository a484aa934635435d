"""`countyworks brief PROGRAM --region CODE --period PERIOD`."""

from __future__ import annotations

import argparse

from countyworks.cli import InputError, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    brief = subparsers.add_parser("brief", help="the statistical brief of a program for a region and period")
    brief.add_argument("program", help="alliances, innovation, energy, parks or courtyards")
    brief.add_argument("--region", required=True, help="division code, e.g. 430800")
    brief.add_argument("--period", required=True, help="2023, 2023-06 or 2023Q2")
    brief.set_defaults(func=cmd_brief)


def cmd_brief(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.periods import InvalidPeriod, Period
    from countyworks.core.regions import InvalidRegionCode
    from countyworks.reports.briefs import BriefUnavailable, brief_text

    try:
        text = brief_text(args.program, args.region, Period.parse(args.period))
    except (InvalidPeriod, InvalidRegionCode, BriefUnavailable) as exc:
        raise InputError(str(exc)) from exc
    print(text)
    return 0
