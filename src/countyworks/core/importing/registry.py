"""The registry of import kinds and ``countyworks import KIND FILE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from countyworks.core.importing.report import rejected_rows_file
from countyworks.core.importing.service import Importer
from countyworks.core.scoping import reaches
from countyworks.core.tabular import UnsupportedFile

#: kind → importer; filled by :func:`register` from each app's ``import_kinds`` module (discovered in
#: ``CoreConfig.ready``).
IMPORTERS: dict[str, Importer] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Class decorator: make ``cls`` available as ``countyworks import <cls.kind>`` and on the import page."""
    IMPORTERS[cls.kind] = cls()
    return cls


def importers_writable_by(user: Any) -> list[Importer]:
    """The kinds ``user`` may import somewhere (write reach on the importer's program)."""
    return [imp for imp in IMPORTERS.values() if reaches(user, imp.program, "write")]


def rejected_path_for(path: Path) -> Path:
    """``<file>.rejected.<ext>`` next to the imported file."""
    return path.with_name(f"{path.stem}.rejected{path.suffix}")


def import_cli(
    kind: str,
    path: Path,
    valid_only: bool = False,
    rejected_path: Path | None = None,
    username: str = "admin",
) -> int:
    """``countyworks import KIND FILE``: every row error on stderr, exit 1 and nothing written on error.

    With ``valid_only`` the valid rows are imported and the rejected ones are written to
    ``rejected_path`` (default ``<file>.rejected.<ext>``) in the file's own format with an ``error``
    column; the exit code is still 1 when any row was rejected, since errors were listed.
    Exit 2 for an unknown kind (usage).
    """
    from django.contrib.auth import get_user_model

    if kind not in IMPORTERS:
        print(
            f"countyworks import: unknown kind {kind!r}; known kinds: {', '.join(sorted(IMPORTERS))}",
            file=sys.stderr,
        )
        return 2
    importer = IMPORTERS[kind]
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        print(f"countyworks import: no active user {username!r} (use --user)", file=sys.stderr)
        return 1
    try:
        table = importer.read_path(path)
    except OSError as exc:
        print(f"countyworks import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except UnsupportedFile as exc:
        print(f"countyworks import: {path}: {exc.reason_en} [{exc.code}]", file=sys.stderr)
        return 1
    from tqdm import tqdm

    with tqdm(desc=f"import {kind}", unit="row", disable=None, leave=False, file=sys.stderr) as bar:

        def progress(done: int, total: int | None = None) -> None:
            if total is not None:
                bar.total = total
            bar.n = done
            bar.refresh()

        result = importer.import_rows(
            table,
            acting_user=user,
            valid_only=valid_only,
            reason=f"countyworks import {kind} {path.name}",
            progress=progress,
        )
    for error in result.errors:
        print(str(error), file=sys.stderr)
    summary = (
        f"{kind}: {result.total} rows, {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.rejected} rejected"
    )
    if result.errors and not valid_only:
        print(
            f"{len(result.errors)} errors in {result.rejected} rows of {path.name}; nothing was imported",
            file=sys.stderr,
        )
        return 1
    print(summary)
    if result.rejected:
        target = rejected_path or rejected_path_for(path)
        target.write_bytes(rejected_rows_file(table, result.errors, language="en"))
        print(f"rejected rows written to {target}")
        return 1
    return 0
