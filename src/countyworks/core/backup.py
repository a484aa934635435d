"""``countyworks backup`` / ``countyworks restore``: a portable archive of the data and the uploads.

The archive is a ``tar.gz`` holding

* ``manifest.json`` — archive format, creation time, countyworks and Django versions, the database
  vendor, the migrations applied per app (the schema), the number of records per model and each
  program's notes for the restore (its ``backup_notes`` hook, handed back to its
  ``before_restore`` hook just before the load: the energy program's telemetry partitions);
* ``data.json`` — every table in Django's JSON fixture format, ordered by primary key, with natural
  foreign keys so that it loads into any database, SQLite or PostgreSQL. Timestamps keep their
  microseconds (Django's own encoder cuts them to milliseconds). The audit history and the
  django-axes login log are included; content types and permissions are rebuilt by ``migrate``
  and sessions are host-local, so they are left out;
* ``uploads/`` — the uploads directory (``MEDIA_ROOT``).

Restoring migrates the database to this version's schema (a new, empty SQLite database is built
from the models: :func:`~countyworks.core.schema.migrate_or_create`), then flushes it and loads the dump in
one transaction (a failure leaves the database as it was) with simple-history switched off — the
history comes from the archive, the load writes none of its own — and moves the PostgreSQL
sequences past the loaded ids; then it replaces the uploads. An archive written by a newer schema
(a migration this version does not know) is refused before anything changes. The JSON dump suits a
county's data; a province-scale PostgreSQL database is better backed up with ``pg_dump``
(docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from countyworks.core.errors import InputError
from countyworks.core.programs import installed_programs
from countyworks.core.schema import migrate_or_create

#: Bump when the archive layout changes; restore refuses formats it does not know.
ARCHIVE_FORMAT = 1
#: App labels and models not dumped: rebuilt by ``migrate`` (contenttypes, permissions) or host-local
#: (sessions: after a restore everyone signs in again).
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
_MANIFEST = "manifest.json"
_DATA = "data.json"
_UPLOADS = "uploads"


class BackupError(InputError):
    """An archive that cannot be restored here (exit code 1 in the CLI)."""


def _package_version() -> str:
    try:
        return version("countyworks")
    except PackageNotFoundError:
        return "unknown"


def _applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = defaultdict(list)
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied[app_label].append(name)
    return dict(applied)


def dumped_models() -> list[Any]:
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower not in excluded_models
        and not model._meta.proxy
        and model._meta.managed
    ]


class _ExactEncoder(DjangoJSONEncoder):
    """Datetimes and times with every microsecond (``DjangoJSONEncoder`` keeps milliseconds only)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(stream: IO[str]) -> None:
    """``dumpdata --natural-foreign`` of :func:`dumped_models`, every row, timestamps exact."""
    by_app: dict[Any, list[Any]] = defaultdict(list)
    for model in dumped_models():
        by_app[model._meta.app_config].append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    rows = (row for model in ordered for row in model._base_manager.order_by("pk").iterator())
    serializers.serialize("json", rows, stream=stream, cls=_ExactEncoder, use_natural_foreign_keys=True)


@contextmanager
def _history_off() -> Iterator[None]:
    """No simple-history record while the archive loads. ``loaddata`` saves raw (no record) but
    sets the m2m lists through ``m2m_changed``, which would write a record dated now (and on
    PostgreSQL take an id the archive's history needs). Process-wide: ``restore`` runs alone."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def _program_hooks(name: str) -> list[tuple[str, Any]]:
    """``(label, hook)`` of every installed program that declares the backup hook ``name``."""
    return [(p.label, p.hook(name)) for p in installed_programs() if getattr(p, name)]


def _upload_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup_write(path: Path) -> str:
    """Write the archive to ``path`` (atomically: a partial file never replaces a good one)."""
    path = Path(path)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="countyworks-backup-") as tmp:
        data = Path(tmp) / _DATA
        connection = connections[DEFAULT_DB_ALIAS]
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for every table, so the dump's foreign keys hold (SQLite's
                # IMMEDIATE transaction already keeps writers out while it runs).
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counts = {m._meta.label_lower: m._base_manager.count() for m in dumped_models()}
            notes = {label: hook() for label, hook in _program_hooks("backup_notes")}
            with data.open("w", encoding="utf-8") as stream:
                _dump(stream)
        files = _upload_files(media)
        manifest: dict[str, Any] = {
            "format": ARCHIVE_FORMAT,
            "created_at": timezone.now().isoformat(),
            "countyworks": _package_version(),
            "django": django.get_version(),
            "database": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": _applied_migrations(),
            "counts": {label: n for label, n in counts.items() if n},
            "uploads": len(files),
            "notes": notes,
        }
        manifest_path = Path(tmp) / _MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_path, arcname=_MANIFEST)
            archive.add(data, arcname=_DATA)
            for file in files:
                archive.add(file, arcname=f"{_UPLOADS}/{file.relative_to(media).as_posix()}")
        partial.replace(path)
    total = sum(manifest["counts"].values())
    return (
        f"backup written to {path}: {total} records in {len(manifest['counts'])} tables, "
        f"{len(files)} upload files, {path.stat().st_size / 1e6:.1f} MB"
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of an archive (raises :class:`BackupError` if it is not one of ours)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(_MANIFEST)
            if member is None:
                raise KeyError(_MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"no such backup file: {path}") from exc
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a countyworks backup archive ({exc})") from exc
    return manifest


def schema_problems(manifest: dict[str, Any]) -> list[str]:
    """Migrations the archive has applied that this version does not know: it comes from a newer schema."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return [
        f"{app_label}.{name}"
        for app_label, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app_label, name) not in known
    ]


def backup_restore(path: Path) -> str:
    """Replace the database and the uploads with the archive at ``path``.

    Refuses (:class:`BackupError`, nothing changed) an unknown archive format or a newer schema.
    """
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(
            f"{path.name}: archive format {manifest.get('format')!r} is not supported by this version "
            f"(expected {ARCHIVE_FORMAT})"
        )
    newer = schema_problems(manifest)
    if newer:
        raise BackupError(
            [
                f"{path.name} was written by a newer countyworks (schema {manifest.get('countyworks', '?')}): "
                f"this version does not know the migrations {', '.join(newer)}.",
                "Upgrade countyworks to the version that wrote the backup, then restore it. Nothing was changed.",
            ]
        )
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="countyworks-restore-") as tmp:
        staging = Path(tmp)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # refuses absolute paths, "..", devices
        data = staging / _DATA
        if not data.is_file():
            raise BackupError(f"{path.name} has no {_DATA}")
        migrate_or_create()
        with transaction.atomic(), _history_off():
            _settle_deferred_constraints()
            call_command("flush", interactive=False, verbosity=0)
            for label, hook in _program_hooks("before_restore"):
                hook(manifest.get("notes", {}).get(label, {}))
            call_command("loaddata", str(data), verbosity=0)  # also resets the PostgreSQL sequences
        # migrate/flush may have given the content types new ids: forget the ones this process cached
        ContentType.objects.clear_cache()
        files = _restore_uploads(staging / _UPLOADS, media)
    total = sum(manifest.get("counts", {}).values())
    return (
        f"restored {path.name} (written {manifest.get('created_at', '?')} on {manifest.get('database', '?')}): "
        f"{total} records, {files} upload files; sessions were cleared, everyone signs in again"
    )


def _settle_deferred_constraints() -> None:
    """PostgreSQL refuses to TRUNCATE a table with pending deferred foreign-key checks, which an
    enclosing transaction may hold: check them now, then defer again for the load."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _restore_uploads(source: Path, media: Path) -> int:
    """Swap the uploads directory for the archive's (the old one is removed once the new one is in place)."""
    previous = media.with_name(media.name + ".before-restore")
    if previous.exists():
        shutil.rmtree(previous)
    if media.exists():
        media.rename(previous)
    if source.is_dir():
        shutil.copytree(source, media)
    else:
        media.mkdir(parents=True, exist_ok=True)
    if previous.exists():
        shutil.rmtree(previous)
    return len(_upload_files(media))
