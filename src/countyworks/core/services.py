"""Writes on core data: one function per use case, transactional, audited (HackSoft "services")."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import ApiToken, Organisation, Region, Role, RoleGrant
from countyworks.core.scoping import grants_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=models.Model)


def audited_save(obj: M, *, acting_user: Actor, reason: str = "") -> M:
    """Validate and save ``obj``, recording who changed it in its history (before/after kept by simple-history).

    :data:`~countyworks.core.actors.SYSTEM` is recorded as no user (shown as 系统).
    """
    obj.full_clean()
    obj._history_user = recorded_user(acting_user)  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save()
    return obj


def audited_delete(obj: models.Model, *, acting_user: Actor, reason: str = "") -> None:
    obj._history_user = recorded_user(acting_user)  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    obj.delete()


def _admin_prefixes(user: Actor) -> list[str]:
    return [g.prefix for g in grants_of(user) if g.role == Role.ADMIN]


@transaction.atomic
def role_grant_create(
    *,
    acting_user: User,
    user: User,
    role: str,
    region: Region | None,
    organisation: Organisation | None = None,
    program: str = "",
) -> RoleGrant:
    """Grant a role; an administrator can only grant within their own area (as DHIS2 does).

    A grant without a region (nationwide) needs a nationwide administrator.
    """
    wanted = region.code if region else ""
    if not any(wanted.startswith(prefix) for prefix in _admin_prefixes(acting_user)):
        raise PermissionDenied(_("只能在本人管理的区域内授权"))
    if organisation is not None and region is not None and not organisation.region_id.startswith(region.code):
        raise ValidationError(_("限定单位不在授权区域内"))
    grant = RoleGrant(
        user=user,
        role=role,
        region=region,
        organisation=organisation,
        program=program,
        created_by=acting_user,
    )
    return audited_save(grant, acting_user=acting_user)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


#: ``last_used_at`` is written at most this often per token (a busy integration costs no write per call).
TOKEN_LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenExpired(Exception):
    """A live token past its ``expires_at``: the caller is told so, not just refused."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__(f"API token expired at {expired_at.isoformat(timespec='minutes')}")
        self.expired_at = expired_at


@transaction.atomic
def api_token_create(*, user: User, name: str = "api") -> tuple[ApiToken, str]:
    """Create a token valid for ``API_TOKEN_TTL_DAYS``; the raw value is returned once and only its
    hash is stored. A live token of the same user and name is revoked: asking again for the same
    name rotates the token instead of piling up another one."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途")})
    max_length = ApiToken._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise ValidationError({"name": _("令牌用途过长")})
    now = timezone.now()
    ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).update(revoked_at=now)
    raw = "cw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=raw[:8],
        key_hash=_hash_token(raw),
        expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def api_token_user(raw: str):
    """The active user a raw token belongs to, or None (revoked, unknown or inactive); raises
    :class:`ApiTokenExpired` for a live token past its expiry."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        raise ApiTokenExpired(token.expires_at)
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
