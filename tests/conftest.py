"""Shared fixtures: the national regions loaded once, demo-like towns, and named personas.

Personas (healthchecks' alice/bob/charlie, for a county):
- ``changning`` — program officer of 常宁市 (430482), all programs;
- ``louxing`` — program officer of 娄星区 (431302): must never see 常宁's data;
- ``hunan`` — provincial leader (43), read-only;
- ``auditor`` — provincial auditor (43);
- ``village_clerk`` — village official of one 常宁 village;
- ``outsider`` — a user with no grant at all.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from countyworks.core.models import Region, Role, RoleGrant

#: The browser suite's fixtures (demo_server, browser, session_for), one instance per session for
#: every package's browser tests.
pytest_plugins = ["tests.browser_fixtures"]

PASSWORD = "test-password-123"  # noqa: S105


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests (the scoping matrix, the backup and the demo brief) first: under xdist
    (``make test``: ``--dist loadscope --no-loadscope-reorder``) the modules and classes holding
    them are handed out first, so the longest work starts on both cores at once instead of leaving
    one worker alone with it at the tail."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


#: The setting pytest-django replaces to build SQLite's tables from the models.
_MIGRATION_MODULES = dict(settings.MIGRATION_MODULES)

#: Where this session keeps a copy of its freshly migrated SQLite test database (see
#: ``migrated_data_dir``); absent when the suite runs on PostgreSQL.
_MIGRATED = pytest.StashKey[Path]()


def _copy_migrated_database(target: Path) -> None:
    """Copy the test database, migrated and still empty, into a SQLite file (the backup API)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


@pytest.fixture(scope="session")
def django_db_use_migrations() -> bool:
    """Migrations build the PostgreSQL test database; SQLite's is built from the models, as a
    first ``countyworks demo``'s is (src/countyworks/core/schema.py says why and what covers the
    difference)."""
    return connection.vendor != "sqlite"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request, tmp_path_factory):
    """Load the national region tree and a few towns/villages once for the whole session (on SQLite,
    after completing the schema built from the models and keeping a copy of the migrated, empty
    database for ``migrated_data_dir``)."""
    from countyworks.core.region_data import load_national_regions
    from countyworks.core.schema import complete_from_migrations

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            settings.MIGRATION_MODULES = _MIGRATION_MODULES  # pytest-django hid them to build the tables
            complete_from_migrations()
            template = tmp_path_factory.mktemp("migrated") / "countyworks.sqlite3"
            _copy_migrated_database(template)
            request.config.stash[_MIGRATED] = template
        load_national_regions()
        Region.objects.bulk_create(
            [
                Region(code="430482100", name="新河镇", level="town", parent_id="430482"),
                Region(code="430482100201", name="新河村", level="village", parent_id="430482100"),
                Region(code="431302100", name="乐坪街道", level="town", parent_id="431302"),
                Region(code="431302100201", name="大埠桥村", level="village", parent_id="431302100"),
            ],
            ignore_conflicts=True,
        )


@pytest.fixture(scope="session")
def migrated_data_dir(request, django_db_setup, tmp_path_factory) -> Callable[[Path], Path]:
    """Make a data directory that looks like one after ``countyworks migrate`` (an empty, migrated
    SQLite database) for a CLI run in a child process: ``migrated_data_dir(tmp_path / "a")``.

    The database is a copy of this session's migrated test database, so the suite runs the
    migrations once per process instead of once per child (mark the test ``django_db``: pytest-django
    creates the test database only for such tests); on PostgreSQL the SQLite side is migrated once,
    by ``countyworks migrate`` in a child process."""
    template = request.config.stash.get(_MIGRATED, None)
    if template is None:
        source = tmp_path_factory.mktemp("migrated")
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
        env["COUNTYWORKS_DATA_DIR"] = str(source)
        subprocess.run([sys.executable, "-m", "countyworks.cli", "migrate"], env=env, check=True, timeout=600)
        template = source / "countyworks.sqlite3"

    def make(data_dir: Path) -> Path:
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, data_dir / "countyworks.sqlite3")
        return data_dir

    return make


def loaded_once(*loaders: Callable[[], object], scope: str = "module"):
    """A fixture that runs ``loaders`` (demo loaders) once per module — or per class with
    ``scope="class"`` — inside a transaction rolled back after the last test.

    Each test asks for it beside pytest-django's ``db``, whose transaction is then a savepoint of
    this one: what a test writes is undone before the next test, the loaded data stays.
    """

    @pytest.fixture(scope=scope)
    def _loaded(django_db_setup, django_db_blocker):
        from django.db import transaction

        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                for loader in loaders:
                    loader()
                yield
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return _loaded


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language (a test that switches to English must not
    leak it into the next one)."""
    from django.utils import translation

    yield
    translation.deactivate()


def make_user(username: str, role: str | None = None, region: str | None = None, **grant):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, region_id=region, **grant)
    return user


@pytest.fixture
def changning(db):
    return make_user("changning", Role.OFFICER, "430482")


@pytest.fixture
def louxing(db):
    return make_user("louxing", Role.OFFICER, "431302")


@pytest.fixture
def hunan(db):
    return make_user("hunan", Role.LEADER, "43")


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR, "43")


@pytest.fixture
def county_admin(db):
    return make_user("county_admin", Role.ADMIN, "430482")


@pytest.fixture
def village_clerk(db):
    return make_user("village_clerk", Role.VILLAGE, "430482100201")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def login(client):
    """Log a persona in on the test client: ``login(changning)``."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
