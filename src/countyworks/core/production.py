"""What stops `countyworks serve`: a demo or weak secret key, DEBUG, demo accounts with the demo password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.utils import OperationalError, ProgrammingError

from countyworks.core.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

#: Django's own deployment check (security.W009) asks for this much: sessions, password-reset links
#: and CSRF tokens are signed with the key.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5


def production_problems() -> list[str]:
    problems: list[str] = []
    key = settings.SECRET_KEY
    if key == settings.DEMO_SECRET_KEY:
        problems.append("SECRET_KEY is the demo key: set SECRET_KEY (or SECRET_KEY_FILE)")
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        problems.append(
            f"SECRET_KEY is too weak ({len(key)} characters): use a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
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
