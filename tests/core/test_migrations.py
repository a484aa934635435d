"""The migrations describe the models exactly (the SQLite suite builds its tables from the models;
src/countyworks/core/schema.py)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder

from countyworks.core.schema import migration_plan


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a model change has no migration
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}" if exc.code else out.getvalue())


@pytest.mark.django_db
def test_the_test_database_records_every_migration_and_holds_their_data():
    from countyworks.workflow.models import SlaPolicy

    applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    assert applied == {(m.app_label, m.name) for m in migration_plan()}
    assert {"overnight", "service-3d", "alarm-4h", "alarm-24x7", "meeting-action"} <= set(
        SlaPolicy.objects.values_list("code", flat=True)
    )


def _schema(database: Path) -> dict[str, tuple]:
    """Each table's columns, indexes and foreign keys (order and generated names aside)."""
    db = sqlite3.connect(database)
    tables = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ]
    found = {}
    for table in tables:
        columns = frozenset(tuple(r[1:]) for r in db.execute(f'PRAGMA table_info("{table}")'))
        indexes = frozenset(
            (unique, tuple(c[2] for c in db.execute(f'PRAGMA index_info("{name}")')))
            for _seq, name, unique, *_rest in db.execute(f'PRAGMA index_list("{table}")')
        )
        keys = frozenset(tuple(r[2:5]) for r in db.execute(f'PRAGMA foreign_key_list("{table}")'))
        found[table] = (columns, indexes, keys)
    db.close()
    return found


@pytest.mark.slow
@pytest.mark.migrations  # about 45 s of CPU: in the PostgreSQL suite, whose database is migrated
def test_a_database_built_from_the_models_is_the_migrated_one(tmp_path):
    """``countyworks demo`` on a fresh directory builds its database from the models
    (src/countyworks/core/schema.py); ``countyworks migrate`` applies the migrations. Same tables,
    columns, indexes and keys, the same migrations recorded, the same default policies."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    built, migrated = tmp_path / "built", tmp_path / "migrated"
    code = "from countyworks.core.schema import create_from_models; create_from_models()"
    for data_dir, args in ((built, ["shell", "-c", code]), (migrated, ["migrate"])):
        subprocess.run(
            [sys.executable, "-m", "countyworks.cli", "--data-dir", str(data_dir), *args],
            env=env,
            check=True,
            timeout=900,
        )
    built_schema = _schema(built / "countyworks.sqlite3")
    assert built_schema == _schema(migrated / "countyworks.sqlite3")
    assert len(built_schema) > 100
    for query in ("SELECT app, name FROM django_migrations", "SELECT code, name FROM workflow_slapolicy"):
        rows = [sorted(sqlite3.connect(d / "countyworks.sqlite3").execute(query)) for d in (built, migrated)]
        assert rows[0] == rows[1] and rows[0], query
