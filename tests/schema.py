"""The test database's schema on SQLite, built from the models instead of by the migrations.

Applying the 47 migrations renders Django's model state once per operation — about a minute of
CPU per test process, most of ``make test``'s set-up. On SQLite the suite therefore builds the
tables from the models (pytest-django's ``--nomigrations``), then does what the migrations would
have left behind: it runs their data steps (``RunPython``: the default SLA policies and office
hours; the row updates find no rows) and records every migration as applied, so a copy of the
database (``migrated_data_dir``) is what ``countyworks migrate`` leaves.

What this skips is covered elsewhere: ``test_migrations_match_the_models`` fails when the models
and the migrations differ, and the PostgreSQL suite and every child process that runs
``countyworks migrate`` or ``countyworks demo`` on a fresh directory apply the real migrations.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection
from django.db.migrations import RunPython, RunSQL
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def _migration_plan() -> list:
    """Every migration of the project's apps, dependencies first (as ``migrate`` applies them)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    return [loader.graph.nodes[key] for key in plan]


def complete_the_unmigrated_schema(migration_modules: dict[str, str | None]) -> None:
    """Give the migrations back to the session (pytest-django hid them to build the tables from the
    models: ``migration_modules`` is the setting it replaced), run their data steps on those tables
    and record every migration as applied."""
    settings.MIGRATION_MODULES = migration_modules
    migrations = _migration_plan()
    with connection.schema_editor() as editor:
        for migration in migrations:
            for operation in migration.operations:
                if isinstance(operation, RunSQL):
                    raise RuntimeError(
                        f"{migration.app_label}.{migration.name}: RunSQL has no SQLite stand-in"
                    )
                if isinstance(operation, RunPython):
                    operation.code(global_apps, editor)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.migration_qs.bulk_create(recorder.Migration(app=m.app_label, name=m.name) for m in migrations)
