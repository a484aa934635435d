"""``countyworks settle`` and ``countyworks allocate``: the settlement and the allocation LP over files.

They call the same functions as the pages (:func:`countyworks.alliances.benefit.settle`,
:func:`countyworks.alliances.allocation.allocate`) and never import Django. Columns:
docs/alliances.md. Exit 1 with every problem on stderr for bad input; nothing is written then.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from countyworks.core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    s = subparsers.add_parser(
        "settle",
        help="benefit-linkage settlement of a year: every party's payout in fen (docs/alliances.md)",
        description=__doc__,
    )
    s.add_argument("--year", type=int, required=True, help="the year settled")
    s.add_argument("contracts", type=Path, help="CONTRACTS csv/xlsx: one row per contract party")
    s.add_argument(
        "inputs", type=Path, help="INPUTS csv/xlsx: the year's profit, volumes, prices, areas, days"
    )
    s.add_argument("-o", "--output", type=Path, help="LEDGER csv/xlsx (default: csv on stdout)")
    s.set_defaults(func=_run_settle)

    a = subparsers.add_parser(
        "allocate",
        help="allocate orders over members' supply by LP (docs/alliances.md)",
        description=__doc__,
    )
    a.add_argument("orders", type=Path, help="ORDERS csv/xlsx")
    a.add_argument("supply", type=Path, help="SUPPLY csv/xlsx")
    a.add_argument("-o", "--output", type=Path, help="ALLOCATION csv/xlsx")
    a.add_argument(
        "--fair-share", action="store_true", help="after the fill, raise every member's smallest share"
    )
    a.set_defaults(func=_run_allocate)


def _run_settle(args: argparse.Namespace) -> int:
    from countyworks.alliances import benefit, files

    contracts = files.read_contracts(args.contracts)
    inputs = files.read_inputs(args.inputs, args.year)
    try:
        payouts = benefit.settle(contracts, inputs, args.year)
    except benefit.SettlementError as exc:
        raise InputError([str(p) for p in exc.problems]) from exc
    rows = files.ledger_rows(payouts, args.year)
    if args.output:
        files.write_table(args.output, files.LEDGER_HEADER, rows)
        print(f"{len(rows)} ledger lines, {sum(r[-1] for r in rows)} fen, written to {args.output}")
    else:
        print(",".join(files.LEDGER_HEADER))
        for row in rows:
            print(",".join(str(v) for v in row))
    return 0


def _run_allocate(args: argparse.Namespace) -> int:
    from countyworks.alliances import files
    from countyworks.alliances.allocation import allocate

    result = allocate(
        files.read_orders(args.orders), files.read_supply(args.supply), fair_share=args.fair_share
    )
    if args.output:
        files.write_table(args.output, files.ALLOCATION_HEADER, files.allocation_rows(result.lines))
    for line in files.summary_lines(result):
        print(line)
    return 0
