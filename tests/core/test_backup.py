"""``countyworks backup`` / ``restore``: every table comes back exactly, in all four directions.

SQLite → SQLite runs in the default suite; PostgreSQL → PostgreSQL, SQLite → PostgreSQL and
PostgreSQL → SQLite run when the suite is started against PostgreSQL
(``DATABASE_URL=postgres://… pytest -m postgres``, ``make test-postgres``): pytest-django builds its
test database on that server, and the SQLite side runs in a child process on its own data directory.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.db import connection

from countyworks.cli import main
from countyworks.core.backup import BackupError, backup_restore, backup_write, read_manifest
from countyworks.core.models import Household, Organisation, Person
from countyworks.workflow.models import Post

from .backup_data import PASSWORD, STAMP, UPLOAD, seed, snapshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def on(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(f"needs the suite on {vendor} (DATABASE_URL=postgres://… for PostgreSQL)")


def _countyworks(data_dir, *args: str, code: str | None = None) -> str:
    """Run the CLI (or a Python snippet) in a fresh process on its own SQLite data directory."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"COUNTYWORKS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "countyworks.settings"}
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "countyworks.cli", *args]
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _in_child(data_dir, call: str) -> None:
    _countyworks(
        data_dir,
        code=f"import django; django.setup(); from tests.core import backup_data; backup_data.{call}",
    )


def _child_snapshot(data_dir, tmp_path):
    path = tmp_path / f"{Path(data_dir).name}.pickle"
    _in_child(data_dir, f"write_snapshot({str(path)!r})")
    return pickle.loads(path.read_bytes())  # noqa: S301 - written by this test a moment ago


def assert_exact(restored, original) -> None:
    """Table by table (a failure names the table), then the whole: nothing more, nothing less."""
    assert original["axes.accesslog"] and original["workflow.historicalpost_holders"]
    assert any(STAMP + dt.timedelta(microseconds=1) in row for row in original["core.historicalorganisation"])
    for table, rows in original.items():
        assert restored.get(table) == rows, table
    assert restored == original


def assert_new_rows_get_fresh_ids() -> None:
    """The sequences were moved past the restored ids: new records and their history insert."""
    post = Post.objects.create(name="新岗位", region_id="430482")
    post.holders.add(Person.objects.create(name="赵六", region_id="430482"))
    assert post.pk > 1 and post.history.count() == 2


def round_trip(media, tmp_path) -> None:
    seed()
    original = snapshot()
    archive = tmp_path / "countyworks.tar.gz"

    summary = backup_write(archive)
    assert summary.startswith(f"backup written to {archive}")
    manifest = read_manifest(archive)
    assert manifest["database"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["counts"]["axes.accesslog"] == 1 and manifest["uploads"] == 1

    # Change everything after the backup: data, history, m2m, users, the login log and uploads.
    Organisation.objects.create(name="后来的公司", region_id="430482")
    Household.objects.all().update(members=9)
    Post.objects.get().holders.clear()
    get_user_model().objects.create_user("intruder")
    AccessLog.objects.all().delete()
    (media / UPLOAD[0]).write_bytes(b"changed")
    (media / "late.txt").write_text("after the backup")
    assert snapshot() != original

    assert "restored countyworks.tar.gz" in backup_restore(archive)
    assert_exact(snapshot(), original)
    assert get_user_model().objects.get(username="backup-admin").check_password(PASSWORD)
    assert_new_rows_get_fresh_ids()


def test_round_trip_sqlite_to_sqlite(db, media, tmp_path):
    on("sqlite")
    round_trip(media, tmp_path)


@pytest.mark.postgres
def test_round_trip_postgresql_to_postgresql(db, media, tmp_path):
    on("postgresql")
    round_trip(media, tmp_path)


def _seeded_child(data_dir, tmp_path):
    """Seed a migrated SQLite data directory in a child process; what it holds then."""
    path = tmp_path / f"{Path(data_dir).name}.pickle"
    _in_child(data_dir, f"seed(); backup_data.write_snapshot({str(path)!r})")
    return pickle.loads(path.read_bytes())  # noqa: S301 - written by this test a moment ago


@pytest.mark.postgres
def test_restore_a_sqlite_backup_into_postgresql(db, media, tmp_path, migrated_data_dir):
    on("postgresql")
    source, archive = migrated_data_dir(tmp_path / "sqlite"), tmp_path / "sqlite.tar.gz"
    original = _seeded_child(source, tmp_path)
    _countyworks(source, "backup", str(archive))

    assert main(["restore", str(archive)]) == 0
    assert_exact(snapshot(), original)
    assert_new_rows_get_fresh_ids()


@pytest.mark.postgres
def test_restore_a_postgresql_backup_into_sqlite(db, media, tmp_path):
    on("postgresql")
    seed()
    original = snapshot()
    archive, target = tmp_path / "pg.tar.gz", tmp_path / "sqlite"
    backup_write(archive)

    assert "restored pg.tar.gz" in _countyworks(target, "restore", str(archive))
    assert_exact(_child_snapshot(target, tmp_path), original)


def _rewrite_manifest(source, target, **changes) -> None:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(content) | changes
                content = json.dumps(manifest).encode()
                member.size = len(content)
            new.addfile(member, io.BytesIO(content) if content is not None else None)


def test_an_archive_from_a_newer_schema_is_refused_and_nothing_changes(changning, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup_write(archive)
    manifest = read_manifest(archive)
    migrations = manifest["migrations"] | {"core": [*manifest["migrations"]["core"], "0099_from_the_future"]}
    newer = tmp_path / "newer.tar.gz"
    _rewrite_manifest(archive, newer, migrations=migrations)
    Organisation.objects.create(name="备份后新增", region_id="430482")
    with pytest.raises(BackupError) as excinfo:
        backup_restore(newer)
    assert "this version does not know the migrations core.0099_from_the_future" in str(excinfo.value)
    assert Organisation.objects.filter(name="备份后新增").exists()


def test_cli_backup_and_restore(changning, media, tmp_path, capsys):
    archive = tmp_path / "cli.tar.gz"
    assert main(["backup", str(archive)]) == 0
    assert "backup written to" in capsys.readouterr().out
    Organisation.objects.create(name="备份后新增", region_id="430482")
    assert main(["restore", str(archive)]) == 0
    assert not Organisation.objects.filter(name="备份后新增").exists()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    assert main(["restore", str(junk)]) == 1
    assert "is not a countyworks backup archive" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.django_db  # the source installation is a copy of the migrated test database
def test_restore_into_a_fresh_database_in_another_process(tmp_path, migrated_data_dir):
    """What a user runs: ``countyworks backup`` on one installation, ``restore`` on a new one (an
    empty data directory: the restore builds its database first)."""
    source, target, archive = migrated_data_dir(tmp_path / "a"), tmp_path / "b", tmp_path / "a.tar.gz"
    original = _seeded_child(source, tmp_path)

    assert "backup written to" in _countyworks(source, "backup", str(archive))
    assert "restored a.tar.gz" in _countyworks(target, "restore", str(archive))
    assert_exact(_child_snapshot(target, tmp_path), original)
