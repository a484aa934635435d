"""Periodic jobs of the energy program (huey; idempotent, also callable from cron or the CLI).

- every minute: communication-loss alarms;
- daily: monthly partitions created two months ahead (PostgreSQL), and the retention policy:
  raw readings are kept :data:`RAW_RETENTION_DAYS` days, 1-minute rollups 35 days, 15-minute
  rollups 400 days; hourly and daily rollups are kept for ever (statistics are computed from them).
  Each limit can be overridden in settings (``ENERGY_RAW_RETENTION_DAYS``, ``ENERGY_ROLLUP_RETENTION_DAYS``).
"""

from __future__ import annotations

import logging

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
