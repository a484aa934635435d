"""The shell's CLI commands: demo, serve, import, backup, restore, worker, migrate, bench, brief, programs,
indicators, shell."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from countyworks.cli import program_configs, setup_django
from countyworks.core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="migrate, load the demo data, serve it with the simulator")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--load-only", action="store_true", help="migrate and load, then exit")
    demo.set_defaults(func=cmd_demo)

    serve = subparsers.add_parser("serve", help="production server (gunicorn, DEBUG off)")
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=3)
    serve.set_defaults(func=cmd_serve)

    imp = subparsers.add_parser("import", help="atomic import of a csv/xlsx file")
    imp.add_argument("kind", help="what the file holds: regions, organisations, persons, households, …")
    imp.add_argument("file")
    imp.add_argument(
        "--valid-only", action="store_true", help="import the valid rows, write the rejected ones"
    )
    imp.add_argument("--rejected", help="where to write rejected rows (with --valid-only)")
    imp.add_argument("--user", default="admin", help="the account recorded as the importer in the audit log")
    imp.set_defaults(func=cmd_import)

    backup = subparsers.add_parser("backup", help="write a backup archive (data + uploads)")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)

    restore = subparsers.add_parser("restore", help="replace the database with a backup archive")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)

    worker = subparsers.add_parser("worker", help="the huey consumer: background jobs and periodic tasks")
    worker.add_argument("--workers", type=int, default=2)
    worker.set_defaults(func=cmd_worker)

    migrate = subparsers.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)

    bench = subparsers.add_parser("bench", help="run the benchmarks under bench/")
    bench.add_argument("name", nargs="?", help="one benchmark, e.g. tech_sme")
    bench.add_argument(
        "options", nargs=argparse.REMAINDER, help="passed to the benchmark, e.g. --tickets 200000"
    )
    bench.set_defaults(func=cmd_bench)

    with_brief = [config.label for config in program_configs() if config.brief]
    brief = subparsers.add_parser("brief", help="the statistical brief of a program for a region and period")
    brief.add_argument("program", metavar="PROGRAM", help=f"an installed program: {', '.join(with_brief)}")
    brief.add_argument("--region", required=True, help="division code, e.g. 430800")
    brief.add_argument("--period", required=True, help="2023, 2023-06 or 2023Q2")
    brief.set_defaults(func=cmd_brief)

    programs = subparsers.add_parser(
        "programs", help="list which programs each region runs, or take one up / stop it in a region"
    )
    programs.add_argument("--region", help="division code, e.g. 430482 (required with --enable/--disable)")
    programs.add_argument("--enable", action="append", default=[], metavar="PROGRAM")
    programs.add_argument("--disable", action="append", default=[], metavar="PROGRAM")
    programs.set_defaults(func=cmd_programs)

    indicators = subparsers.add_parser(
        "indicators", help="the materialised indicator values: rebuild, refresh, monthly report"
    )
    indicator_commands = indicators.add_subparsers(dest="indicators_command", metavar="ACTION", required=True)
    rebuild = indicator_commands.add_parser(
        "rebuild", help="recompute the values from the records, from scratch"
    )
    rebuild.add_argument(
        "--indicator", action="append", default=[], metavar="CODE", help="e.g. energy.generation"
    )
    rebuild.add_argument("--period", help="one period: 2023, 2023-06 or 2023Q2")
    rebuild.set_defaults(func=cmd_indicators_rebuild)
    refresh = indicator_commands.add_parser(
        "refresh", help="recompute what changed records marked, and open periods"
    )
    refresh.set_defaults(func=cmd_indicators_refresh)
    report = indicator_commands.add_parser("report", help="produce the monthly provincial report")
    report.add_argument("--region", required=True, help="division code of the area, e.g. 430000")
    report.add_argument("--month", required=True, help="the month reported, e.g. 2026-11")
    report.set_defaults(func=cmd_indicators_report)

    shell = subparsers.add_parser("shell", help="Django's shell with the project's settings (administrators)")
    shell.add_argument("-c", "--command", help="run this Python code instead of the interactive shell")
    shell.set_defaults(func=cmd_shell)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    _migrate()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers, worker_type="thread")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ["COUNTYWORKS_DEMO"] = "true"
    setup_django(args.data_dir)
    import logging

    from countyworks.core.demo import load_demo
    from countyworks.core.schema import migrate_or_create

    logging.getLogger("countyworks").setLevel(logging.INFO)
    print("countyworks: migrating and loading the demo data…", flush=True)
    migrate_or_create()
    load_demo()
    if args.load_only:
        print("countyworks: demo data loaded.", flush=True)
        return 0
    _start_background_workers()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    url = f"http://{args.host}:{args.port}/"
    print(f"countyworks demo is serving at {url}", flush=True)
    print("  login: admin / countyworks-demo (see the login page for the other demo accounts)", flush=True)
    run(args.host, args.port, get_wsgi_application(), threading=True)
    return 0


def _start_background_workers() -> None:
    """The demo's in-process huey consumer, plus each program's ``demo_services`` hook."""
    from huey.contrib.djhuey import HUEY

    from countyworks.core.programs import installed_programs

    # The programs' periodic tasks are registered: ProgramConfig.ready imports their ``tasks`` hook.
    consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True, check_worker_health=False)
    # The web server owns the process's signals; huey's worker and scheduler threads are daemons.
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    for config in installed_programs():
        start = config.hook("demo_services")
        if start is not None:
            start()


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.production import production_problems

    problems = production_problems()
    if problems:
        raise InputError(["countyworks serve refuses to start:", *[f"  - {p}" for p in problems]])
    from django.core.management import call_command

    _migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    env = dict(os.environ)
    env["COUNTYWORKS_SERVE"] = "1"  # production defaults in the workers: HSTS, secure cookies
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "countyworks.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    return subprocess.call(command, env=env)  # noqa: S603 - fixed argv


def cmd_import(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.importing import import_cli

    return import_cli(
        kind=args.kind,
        path=Path(args.file),
        valid_only=args.valid_only,
        rejected_path=Path(args.rejected) if args.rejected else None,
        username=args.user,
    )


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.backup import backup_write

    summary = backup_write(Path(args.file))
    print(summary)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.backup import backup_restore

    summary = backup_restore(Path(args.file))
    print(summary)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    bench_dir = Path.cwd() / "bench"
    scripts = sorted(bench_dir.glob(f"bench_{args.name}*.py" if args.name else "bench_*.py"))
    if not scripts:
        raise InputError(f"no benchmark matches {args.name!r} under {bench_dir}")
    status = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script), *args.options])  # noqa: S603 - our own scripts
    return status


def cmd_brief(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.briefs import brief_text
    from countyworks.core.errors import BriefUnavailable
    from countyworks.core.periods import InvalidPeriod, Period
    from countyworks.core.regions import InvalidRegionCode

    try:
        text = brief_text(args.program, args.region, Period.parse(args.period))
    except (InvalidPeriod, InvalidRegionCode, BriefUnavailable) as exc:
        raise InputError(str(exc)) from exc
    print(text)
    return 0


def cmd_programs(args: argparse.Namespace) -> int:
    """``countyworks programs``: the rows of core/program_regions.py, changed as the system actor."""
    setup_django(args.data_dir)
    from countyworks.core import program_regions
    from countyworks.core.actors import SYSTEM
    from countyworks.core.models import Region
    from countyworks.core.regions import InvalidRegionCode, significant_prefix

    if args.enable or args.disable:
        if not args.region:
            raise InputError("--region is required with --enable/--disable")
        try:
            region = Region.objects.get(code=significant_prefix(args.region))
        except (InvalidRegionCode, Region.DoesNotExist) as exc:
            raise InputError(f"unknown region {args.region!r}") from exc
        known = {code for code, _name in program_regions.takeable_programs()}
        for code in [*args.enable, *args.disable]:
            if code not in known:
                raise InputError(f"unknown program {code!r}; installed: {', '.join(sorted(known))}")
        for code, enabled in [*((c, True) for c in args.enable), *((c, False) for c in args.disable)]:
            program_regions.region_program_set(
                acting_user=SYSTEM, region=region, program=code, enabled=enabled
            )
    for row in program_regions.program_table(SYSTEM):
        print(f"{row.region.official_code}\t{row.region.full_name()}\t{','.join(sorted(row.programs))}")
    return 0


def cmd_indicators_rebuild(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.indicator_store import indicators_rebuild
    from countyworks.core.indicators import all_indicators
    from countyworks.core.periods import InvalidPeriod, Period

    unknown = sorted(set(args.indicator) - set(all_indicators()))
    if unknown:
        raise InputError(
            f"unknown indicator {', '.join(unknown)}; known: {', '.join(sorted(all_indicators()))}"
        )
    try:
        period = Period.parse(args.period) if args.period else None
    except InvalidPeriod as exc:
        raise InputError(str(exc)) from exc
    report = indicators_rebuild(codes=args.indicator, period=period)
    print(f"{report.indicators} indicators, {report.periods} periods, {report.values} values")
    return 0


def cmd_indicators_refresh(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.indicator_store import indicators_refresh, indicators_refresh_open

    print(f"{indicators_refresh()} marked values, {indicators_refresh_open()} open-period values")
    return 0


def cmd_indicators_report(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.core.indicator_report import report_produce
    from countyworks.core.models import Region
    from countyworks.core.periods import InvalidPeriod, Period
    from countyworks.core.regions import InvalidRegionCode, significant_prefix

    try:
        month = Period.parse(args.month)
        region = Region.objects.get(code=significant_prefix(args.region))
    except (InvalidPeriod, InvalidRegionCode, Region.DoesNotExist) as exc:
        raise InputError(f"bad --region or --month: {exc}") from exc
    if month.kind != "month":
        raise InputError(f"--month {args.month!r} must be a month, e.g. 2026-11")
    report = report_produce(region=region, month=month)
    print(f"{report.title} (#{report.pk})")
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from django.core.management import call_command

    call_command("shell", command=args.command, verbosity=0)
    return 0
