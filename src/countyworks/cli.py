"""The ``countyworks`` command line (see docs/design.md#cli-contract).

Each sub-command lives in the module of the app that owns it and exposes
``register(subparsers)``; this module only assembles them, handles the global
``--data-dir`` option and maps errors to the documented exit codes
(0 ok, 1 input errors listed on stderr, 2 usage).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

#: Modules that contribute sub-commands, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "countyworks.core.commands",
    "countyworks.rules.cli",
    "countyworks.energy.cli",
    "countyworks.energy.commands",
    "countyworks.reports.cli",
)

EXIT_OK = 0
EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2


class InputError(Exception):
    """Bad input from a file or an option: exit code 1, every message on stderr."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


def setup_django(data_dir: str | None = None) -> None:
    """Point Django at the data directory and initialise it (for commands that need the ORM)."""
    if data_dir:
        os.environ["COUNTYWORKS_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyworks.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="countyworks",
        description="县域发展工作台 countyworks — county development programs platform",
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("COUNTYWORKS_DATA_DIR"),
        help="directory for the SQLite database, uploads and the queue (default: var/)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.data_dir:
        os.environ["COUNTYWORKS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    try:
        return int(args.func(args) or EXIT_OK)
    except InputError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return EXIT_INPUT_ERROR
    except ImproperlyConfigured as exc:  # a bad environment variable: the reason, not a traceback
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR


if __name__ == "__main__":
    sys.exit(main())
