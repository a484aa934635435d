"""The demo dataset: national regions, demo accounts, then each installed program's own demo data.

Each program contributes through the ``demo_loader`` hook of its ``ProgramConfig``, after the
programs named in its ``demo_after``; loaders are idempotent and load in bulk so the demo is
serving within a minute on a 2-core machine.
"""

from __future__ import annotations

import logging
import time

from django.contrib.auth import get_user_model
from django.db import transaction

from countyworks.core.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from countyworks.core.models import Region, RoleGrant
from countyworks.core.programs import demo_order, installed_programs
from countyworks.core.region_data import load_national_regions
from countyworks.core.regions import significant_prefix

logger = logging.getLogger(__name__)


@transaction.atomic
def load_demo_accounts() -> None:
    """Create the demo accounts and their grants (idempotent)."""
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            user.set_password(DEMO_PASSWORD)
            if account.role == "admin":
                user.is_staff = True
                user.is_superuser = True
            user.save()
        if user.get_full_name() != account.name:
            # The whole name in first_name: get_full_name() puts first_name first, as Chinese names read.
            user.first_name, user.last_name = account.name, ""
            user.save(update_fields=["first_name", "last_name"])
        region = Region.objects.get(code=significant_prefix(account.region)) if account.region else None
        RoleGrant.objects.get_or_create(user=user, role=account.role, region=region, program=account.program)


def _demo_indicators() -> None:
    """Materialise every indicator from the records just loaded, and the last two monthly reports."""
    from django.utils import timezone

    from countyworks.core.indicator_report import report_produce
    from countyworks.core.indicator_store import indicators_rebuild
    from countyworks.core.indicators import period_of, previous_period

    step = time.monotonic()
    built = indicators_rebuild()
    month = previous_period(period_of("month", timezone.localdate()))
    province = Region.objects.get(code="43")
    for each in (previous_period(month), month):
        report_produce(region=province, month=each)
    logger.info("indicators: %d values in %.1f s", built.values, time.monotonic() - step)


def load_demo() -> None:
    """Load everything the demo needs; safe to run again."""
    started = time.monotonic()
    added = load_national_regions()
    logger.info("regions: %d added", added)
    load_demo_accounts()
    for config in demo_order(installed_programs()):
        loader = config.hook("demo_loader")
        if loader is not None:
            step = time.monotonic()
            loader()
            logger.info("demo data of %s loaded in %.1f s", config.label, time.monotonic() - step)
    _demo_indicators()
    logger.info("demo loaded in %.1f s", time.monotonic() - started)
