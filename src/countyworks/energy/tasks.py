"""Periodic jobs of the energy program (huey; idempotent, also callable from cron or the CLI).

- every minute: communication-loss alarms;
- daily: monthly partitions created two months ahead (PostgreSQL), and the retention policy:
  raw readings are kept :data:`RAW_RETENTION_DAYS` days, 1-minute rollups 35 days, 15-minute
  rollups 400 days; hourly and daily rollups are kept for ever (statistics are computed from them).
  Each limit can be overridden in settings (``ENERGY_RAW_RETENTION_DAYS``, ``ENERGY_ROLLUP_RETENTION_DAYS``);
- daily: the rollups of yesterday (``ENERGY_ROLLUP_REBUILD_DAYS`` local days back, default 1) are
  rebuilt from the raw readings of every station, so late data and raw rows deleted or corrected by
  hand count in every level (idempotent).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from countyworks.energy import alarms, store

logger = logging.getLogger(__name__)

RAW_RETENTION_DAYS = 90
ROLLUP_RETENTION_DAYS = {60: 35, 900: 400}


def retention_policy() -> tuple[int, dict[int, int]]:
    return (
        int(getattr(settings, "ENERGY_RAW_RETENTION_DAYS", RAW_RETENTION_DAYS)),
        dict(getattr(settings, "ENERGY_ROLLUP_RETENTION_DAYS", ROLLUP_RETENTION_DAYS)),
    )


@db_periodic_task(crontab(minute="*"))
def energy_communication_check() -> int:
    return alarms.check_communication_loss().raised


@db_periodic_task(crontab(hour="2", minute="5"))
def energy_partitions_ahead() -> int:
    return len(store.ensure_partitions_ahead(timezone.now().date()))


@db_periodic_task(crontab(hour="3", minute="15"))
def energy_retention() -> dict[str, object]:
    raw_days, rollup_days = retention_policy()
    report = store.apply_retention(timezone.now(), raw_days, rollup_days)
    logger.info(
        "energy retention: %d raw readings deleted, partitions dropped %s, rollups deleted %s",
        report.raw_deleted,
        report.partitions_dropped,
        report.rollups_deleted,
    )
    return {"raw_deleted": report.raw_deleted, "partitions_dropped": report.partitions_dropped}


@db_periodic_task(crontab(hour="3", minute="45"))
def energy_rollups_rebuild() -> int:
    from countyworks.energy.models import Station
    from countyworks.energy.services import rollups_rebuild

    days = int(getattr(settings, "ENERGY_ROLLUP_REBUILD_DAYS", 1))
    today = timezone.localdate()
    total = 0
    for station in Station.objects.order_by("pk"):
        total += rollups_rebuild(
            station=station, first=today - timedelta(days=days), last=today - timedelta(days=1)
        )
    logger.info("energy rollups rebuilt for the last %d days: %d readings", days, total)
    return total
