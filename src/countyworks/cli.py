"""The ``countyworks`` command line (see docs/adding-a-program.md for how a program adds commands).

The shell's own commands live in :mod:`countyworks.core.commands` and :mod:`countyworks.rules.cli`;
each installed program adds its own through the ``cli_commands`` hook of its ``ProgramConfig``
(a module exposing ``register(subparsers)``). This module only assembles them, handles the global
``--data-dir`` option (accepted before or after the sub-command) and maps errors to the documented
exit codes (0 ok, 1 input errors listed on stderr, 2 usage). Django is not set up to build the
parser: the installed programs are read from the ``PROGRAMS`` list of the settings file.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from countyworks.core.errors import InputError

if TYPE_CHECKING:
    from countyworks.core.programs import ProgramConfig

#: The shell's command modules, first in ``--help``; the programs' follow in INSTALLED_APPS order.
COMMAND_MODULES: tuple[str, ...] = (
    "countyworks.core.commands",
    "countyworks.rules.cli",
    "countyworks.cluster.cli",
)

EXIT_OK = 0
EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2

DATA_DIR_HELP = "directory for the SQLite database, uploads and the queue (default: var/)"


def setup_django(data_dir: str | None = None) -> None:
    """Point Django at the data directory and initialise it (for commands that need the ORM)."""
    if data_dir:
        os.environ["COUNTYWORKS_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyworks.settings")
    import django

    django.setup()


def settings_programs() -> list[str]:
    """The ``PROGRAMS`` of the settings module, read from its source when it is a literal list.

    Importing the settings would import the database layer and create the data directory; a
    command such as ``dispatch`` needs neither.
    """
    name = os.environ.get("DJANGO_SETTINGS_MODULE", "countyworks.settings")
    spec = importlib.util.find_spec(name)
    if spec is not None and spec.origin:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "PROGRAMS" for target in node.targets
            ):
                try:
                    return list(ast.literal_eval(node.value))
                except ValueError:
                    break  # computed: import the settings below
    return list(importlib.import_module(name).PROGRAMS)


def program_configs() -> list[ProgramConfig]:
    """The installed programs' ``ProgramConfig`` instances, in ``INSTALLED_APPS`` order.

    Once Django is set up (tests, ``countyworks shell``) the app registry answers; before, each
    program's AppConfig is created from ``PROGRAMS`` without importing any model.
    """
    from django.apps import AppConfig, apps

    from countyworks.core.programs import ProgramConfig, installed_programs

    if apps.ready:
        return installed_programs()
    configs: list[ProgramConfig] = []
    for entry in settings_programs():
        config = AppConfig.create(entry)
        if not isinstance(config, ProgramConfig):
            raise TypeError(f"PROGRAMS names {entry!r}, whose AppConfig is not a ProgramConfig")
        configs.append(config)
    return configs


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="countyworks",
        description="县域发展工作台 countyworks — county development programs platform",
    )
    parser.add_argument("--data-dir", default=os.environ.get("COUNTYWORKS_DATA_DIR"), help=DATA_DIR_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    programs = [config.cli_commands for config in program_configs() if config.cli_commands]
    for module_name in (*COMMAND_MODULES, *programs):
        importlib.import_module(module_name).register(subparsers)
    for command in subparsers.choices.values():
        # After the sub-command too; SUPPRESS keeps the value given before it when absent here.
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
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
