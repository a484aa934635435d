"""Periodic jobs of the shell (huey): indicator refresh and the monthly provincial report.

All three are idempotent: their whole state lives in the database (marks, stored values, one
report per region and month), so a restart or a second consumer repeats nothing.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from countyworks.core.indicator_store import indicators_refresh, indicators_refresh_open


@db_periodic_task(crontab(minute="*"))
def refresh_marked_indicators() -> int:
    """Recompute the indicator values source records changed since the last run."""
    return indicators_refresh()


@db_periodic_task(crontab(minute="*/15"))
def refresh_open_indicator_periods() -> int:
    """Re-measure the periods still running or settling (clock-driven rates, telemetry)."""
    return indicators_refresh_open()


@db_periodic_task(crontab(day="1", hour="6", minute="30"))
def monthly_indicator_reports() -> int:
    """The provincial report of the month just ended, for every province with indicator values."""
    from countyworks.core.indicator_report import reports_for_last_month

    return len(reports_for_last_month())
