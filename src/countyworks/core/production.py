"""What stops `countyworks serve`: the demo secret key, DEBUG, demo accounts with the demo password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.utils import OperationalError, ProgrammingError

from countyworks.core.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


def production_problems() -> list[str]:
    problems: list[str] = []
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        problems.append("SECRET_KEY is the demo key: set SECRET_KEY (or SECRET_KEY_FILE)")
    if settings.DEBUG:
        problems.append("DEBUG is on: unset DEBUG")
    try:
        users = get_user_model().objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS], is_active=True
        )
        weak = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    except (OperationalError, ProgrammingError):
        weak = []
    if weak:
        problems.append(f"demo accounts still have the demo password: {', '.join(sorted(weak))}")
    return problems
