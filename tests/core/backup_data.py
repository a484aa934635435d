"""Data for the backup round trips and an exact snapshot of every table the backup carries.

Imported by ``test_backup.py`` and by the child processes it starts on their own SQLite data
directory (``python -c "from tests.core.backup_data import …"``), so both sides of a
cross-database round trip seed and compare the same way.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models

from countyworks.core.backup import dumped_models
from countyworks.core.models import Household, Organisation, Person, Region, RoleGrant
from countyworks.energy.models import Measurement
from countyworks.energy.store import ensure_partitions
from countyworks.workflow.models import Post

#: A timestamp whose last three digits of microseconds a millisecond encoder would lose.
STAMP = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
PASSWORD = "x-long-password-1"  # noqa: S105
UPLOAD = ("courtyards/2023/下南冲.jpg", b"\xff\xd8photo")


def seed() -> None:
    """Records with history (microsecond dates), an m2m on a historical model, the login log,
    telemetry (a composite key, a partition on PostgreSQL) and an upload."""
    Region.objects.bulk_create(
        [
            Region(code="43", name="湖南省", level="province"),
            Region(code="4304", name="衡阳市", level="city", parent_id="43"),
            Region(code="430482", name="常宁市", level="county", parent_id="4304"),
            Region(code="430482100", name="新河镇", level="town", parent_id="430482"),
        ],
        ignore_conflicts=True,
    )
    admin = get_user_model().objects.create_superuser("backup-admin", password=PASSWORD)
    admin.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    RoleGrant.objects.create(user=admin, role="admin", region_id="430482")
    org = Organisation(name="塔山茶业", region_id="430482")
    org._history_date = STAMP
    org._history_user = admin
    org.save()
    org.name, org._history_date = "塔山茶业有限公司", STAMP + dt.timedelta(microseconds=1)
    org.save()
    Household.objects.create(region_id="430482100", head_name="张三", members=4)
    first, second = (Person.objects.create(name=name, region_id="430482") for name in ("李四", "王五"))
    post = Post.objects.create(name="分管领导", region_id="430482", organisation=org)
    post.holders.set([first, second])  # history rows with their m2m snapshot (HistoricalPost_holders)
    post.holders.remove(second)
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(org.pk),
        object_repr=org.name,
        action_flag=ADDITION,
        action_time=STAMP,
    )
    login = {"user_agent": "Firefox", "ip_address": "10.4.3.2", "http_accept": "*/*", "path_info": "/login/"}
    AccessLog.objects.create(username="backup-admin", logout_time=STAMP, session_hash="ab12", **login)
    attempt = AccessAttempt.objects.create(
        username="backup-admin",
        get_data="",
        post_data="username=backup-admin",
        failures_since_start=2,
        **login,
    )
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=STAMP)
    AccessFailureLog.objects.create(username="backup-admin", locked_out=False, **login)
    ensure_partitions([STAMP])  # telemetry is partitioned by month on PostgreSQL
    Measurement.objects.create(point_id=1, ts=STAMP, value=0.1 + 0.2)
    upload = Path(settings.MEDIA_ROOT) / UPLOAD[0]
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(UPLOAD[1])


#: Tables ``migrate`` rebuilds, so their ids differ between databases: compared by natural key.
_NATURAL = {
    ContentType: ("app_label", "model"),
    Permission: ("codename", "content_type__app_label", "content_type__model"),
}


def _columns(model: type[models.Model], *, with_id: bool = True) -> list[str]:
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key and not with_id:
            continue
        if field.is_relation and field.related_model in _NATURAL:
            columns += [f"{field.name}__{part}" for part in _NATURAL[field.related_model]]
        else:
            columns.append(field.attname)
    return columns


def _rows(model: type[models.Model], columns: list[str], order: list[str]) -> list[tuple[Any, ...]]:
    rows = model._base_manager.order_by(*order).values_list(*columns)
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every table the backup dumps, every column, ordered by primary key.

    The rows of an m2m's own table (``auth_user_user_permissions``, ``workflow_post_holders``) are
    compared without their id: the load recreates them from the parent's list, as Django does.
    """
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in dumped_models():
        tables[model._meta.label_lower] = _rows(model, _columns(model), ["pk"])
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                columns = _columns(through, with_id=False)
                tables[through._meta.label_lower] = _rows(through, columns, columns)
    tables["uploads"] = sorted(
        (p.relative_to(settings.MEDIA_ROOT).as_posix(), p.read_bytes())
        for p in Path(settings.MEDIA_ROOT).rglob("*")
        if p.is_file()
    )
    return tables


def write_snapshot(path: str) -> None:
    Path(path).write_bytes(pickle.dumps(snapshot()))
