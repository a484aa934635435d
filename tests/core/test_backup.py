"""``countyworks backup`` / ``restore``: a round trip on SQLite, the same on PostgreSQL, refusals.

The PostgreSQL case runs when the suite is started against PostgreSQL
(``DATABASE_URL=postgres://… pytest -m postgres``): pytest-django then builds its test database on
that server and the same round trip runs there.
"""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from countyworks.cli import main
from countyworks.core.backup import BackupError, backup_restore, backup_write, read_manifest
from countyworks.core.importing import IMPORTERS
from countyworks.core.models import Household, Organisation, Region, RoleGrant

from .test_importing import credit_code, csv_bytes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    (settings.MEDIA_ROOT / "courtyards" / "2023").mkdir(parents=True)
    (settings.MEDIA_ROOT / "courtyards" / "2023" / "下南冲.jpg").write_bytes(b"\xff\xd8photo")
    return settings.MEDIA_ROOT


def state() -> dict[str, object]:
    """What a restore must bring back exactly: records, their history, users and grants."""
    return {
        "regions": Region.objects.count(),
        "orgs": sorted(Organisation.objects.values_list("name", "credit_code", "region_id", "kind")),
        "org_history": sorted(
            Organisation.history.values_list("id", "history_type", "history_user__username")
        ),
        "households": sorted(Household.objects.values_list("head_name", "members", "region_id")),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
        "grants": sorted(RoleGrant.objects.values_list("user__username", "role", "region_id")),
    }


def round_trip(user, media, tmp_path) -> None:
    importer = IMPORTERS["organisations"]
    table = importer.read(
        csv_bytes(
            [
                ["名称", "统一社会信用代码", "所在区划"],
                ["塔山茶业", credit_code(1), "430482"],
                ["党支部", "", "430482100201"],
            ]
        )
    )
    assert importer.import_rows(table, acting_user=user).created == 2
    Household.objects.create(region_id="430482100201", head_name="张三", members=4)
    original = state()
    archive = tmp_path / "countyworks.tar.gz"

    summary = backup_write(archive)
    assert summary.startswith(f"backup written to {archive}")
    manifest = read_manifest(archive)
    assert manifest["database"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["counts"]["core.organisation"] == 2 and manifest["uploads"] == 1

    # Change everything after the backup: data, history, users and uploads.
    Organisation.objects.get(name="塔山茶业").delete()
    Organisation.objects.create(name="后来的公司", region_id="430482")
    Household.objects.all().update(members=9)
    get_user_model().objects.create_user("intruder")
    (media / "courtyards" / "2023" / "下南冲.jpg").write_bytes(b"changed")
    (media / "late.txt").write_text("after the backup")
    assert state() != original

    summary = backup_restore(archive)
    assert "restored countyworks.tar.gz" in summary
    assert state() == original
    assert (media / "courtyards" / "2023" / "下南冲.jpg").read_bytes() == b"\xff\xd8photo"
    assert not (media / "late.txt").exists()


def test_round_trip_on_sqlite(changning, media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on another database")
    round_trip(changning, media, tmp_path)


@pytest.mark.postgres
def test_round_trip_on_postgresql(changning, media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("run the suite with DATABASE_URL=postgres://… to test PostgreSQL")
    round_trip(changning, media, tmp_path)


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


def _countyworks(data_dir, *args: str, code: str | None = None) -> str:
    """Run the CLI (or a Python snippet) in a fresh process on its own SQLite data directory."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    env |= {"COUNTYWORKS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "countyworks.settings"}
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "countyworks.cli", *args]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


_SEED = """
import django; django.setup()
from django.contrib.auth import get_user_model
from countyworks.core.models import Region, RoleGrant
from countyworks.core.importing import IMPORTERS
Region.objects.bulk_create([Region(code="43", name="湖南省", level="province"),
                            Region(code="4304", name="衡阳市", level="city", parent_id="43"),
                            Region(code="430482", name="常宁市", level="county", parent_id="4304")])
admin = get_user_model().objects.create_superuser("admin", password="x-long-password-1")
RoleGrant.objects.create(user=admin, role="admin", region_id=None)
imp = IMPORTERS["regions"]
imp.import_rows(imp.read("code,name\\n430482100000,新河镇\\n430482100201,新河村\\n".encode()), acting_user=admin)
imp = IMPORTERS["organisations"]
imp.import_rows(imp.read("名称,统一社会信用代码,所在区划\\n塔山茶业,{code},430482100201\\n".encode()), acting_user=admin)
"""

_REPORT = """
import django, json; django.setup()
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from countyworks.core.models import Organisation, Region, RoleGrant
print(json.dumps({"regions": sorted(Region.objects.values_list("code", "name", "level", "parent_id")),
                  "orgs": sorted(Organisation.objects.values_list("name", "credit_code", "region_id")),
                  "org_history": list(Organisation.history.values_list("history_user__username", "history_type")),
                  "grants": list(RoleGrant.objects.values_list("user__username", "role")),
                  "admin_login": get_user_model().objects.get(username="admin").check_password("x-long-password-1")}))
"""


@pytest.mark.slow
def test_restore_into_a_fresh_database_in_another_process(tmp_path):
    source, target, archive = tmp_path / "a", tmp_path / "b", tmp_path / "a.tar.gz"
    _countyworks(source, "migrate")
    _countyworks(source, code=_SEED.format(code=credit_code(1)))
    (source / "uploads").mkdir(exist_ok=True)
    (source / "uploads" / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    before = json.loads(_countyworks(source, code=_REPORT))
    assert before["admin_login"] and len(before["regions"]) == 5

    assert "backup written to" in _countyworks(source, "backup", str(archive))
    assert "restored a.tar.gz" in _countyworks(target, "restore", str(archive))
    assert json.loads(_countyworks(target, code=_REPORT)) == before
    assert (target / "uploads" / "minutes.pdf").read_bytes() == b"%PDF-1.4 minutes"
