"""A new, empty SQLite database built from the models in seconds, for the demo and the test suite.

Applying the project's migrations one by one renders Django's model state after every operation:
on the 2-core machine that is about 45 s of CPU, most of a first ``countyworks demo``. A database
that has no tables at all can instead get its tables straight from the models — Django's own
``migrate --run-syncdb`` — followed by what the migrations would have left behind beside the
tables: their data steps (``RunPython``: the default office hours and SLA policies; the steps
that rewrite existing rows find none) and a record of every migration as applied, so the next
``countyworks migrate`` applies only migrations written after it.

The two are the same database only while the migrations describe the models exactly;
``tests/core/test_migrations.py`` fails when they do not (the model check in every suite, the
comparison with a really migrated database in the PostgreSQL suite's run). Only the embedded SQLite
database of a fresh data directory is built this way: a database that already has tables, and
every PostgreSQL database, is migrated (``countyworks migrate``); ``countyworks restore`` into a
fresh directory builds it the same way.
"""

from __future__ import annotations

from typing import cast

from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations import Migration, RunPython, RunSQL
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import StateApps


def migration_plan() -> list[Migration]:
    """Every migration of the installed apps, dependencies first (as ``migrate`` applies them)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: dict[tuple[str, str], None] = {}
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.update(dict.fromkeys(loader.graph.forwards_plan(leaf)))
    return [loader.graph.nodes[key] for key in plan]


def is_empty() -> bool:
    """The default database has no tables yet."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def complete_from_migrations() -> None:
    """Run the migrations' data steps on tables built from the models and record every migration
    as applied (the part of :func:`create_from_models` the test suite needs: pytest-django builds
    the tables itself)."""
    migrations = migration_plan()
    with connection.schema_editor() as editor:  # one transaction, as a migration's
        for migration in migrations:
            for operation in migration.operations:
                if isinstance(operation, RunSQL):
                    raise RuntimeError(
                        f"{migration.app_label}.{migration.name}: a RunSQL step cannot be replayed on "
                        "tables built from the models; migrate this database instead"
                    )
                if isinstance(operation, RunPython):
                    # the live registry stands for the migration's state: the tables are the models'
                    operation.code(cast("StateApps", global_apps), editor)
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()
        recorder.migration_qs.bulk_create(
            recorder.Migration(app=m.app_label, name=m.name) for m in migrations
        )


def create_from_models() -> None:
    """Build an empty SQLite database's tables from the models, as the migrations would leave it."""
    if connection.vendor != "sqlite" or not is_empty():
        raise RuntimeError("only a new, empty SQLite database is built from the models")
    labels = [config.label for config in global_apps.get_app_configs() if config.models_module is not None]
    command = MigrateCommand()
    command.verbosity = 0
    command.sync_apps(connection, labels)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    complete_from_migrations()


def migrate_or_create() -> None:
    """The database step of ``countyworks demo`` and ``countyworks restore``: build a new, empty
    SQLite database from the models, migrate any other."""
    if connection.vendor == "sqlite" and is_empty():
        create_from_models()
    else:
        call_command("migrate", verbosity=0, interactive=False)
