"""The migrations describe the models exactly (the SQLite suite builds its tables from the models;
tests/schema.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder

from tests.schema import _migration_plan


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
    assert applied == {(m.app_label, m.name) for m in _migration_plan()}
    assert {"overnight", "service-3d", "alarm-4h", "alarm-24x7", "meeting-action"} <= set(
        SlaPolicy.objects.values_list("code", flat=True)
    )
