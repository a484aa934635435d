"""Area scoping: the one function every selector and API endpoint filters through.

A user's access is the union of their :class:`~countyworks.core.models.RoleGrant` rows. A grant
reaches every region whose code starts with the grant's prefix (docs/design.md#core-model), limited
to the programs its role may touch (:data:`ROLE_PERMISSIONS`) and, for organisation-bound
grants (enterprise users, station operators of one company), to that organisation's records.
Models declare where their region and organisation live with ``SCOPE_REGION`` (default
``"region__code"``; Django trims the join since code is the key) and ``SCOPE_ORGANISATION`` (default ``None``: organisation-bound grants see
nothing of such a model).

The system actor (:data:`~countyworks.core.actors.SYSTEM`: jobs, the CLI, demo loaders) reaches
every region of every program; a view never passes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from countyworks.core.actors import Actor, SystemActor
from countyworks.core.models import Program, Role, RoleGrant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Action = Literal["read", "write"]
#: Whom a scope is computed for: an actor, or an anonymous visitor (who reaches nothing).
Viewer: TypeAlias = "Actor | AnonymousUser"
M = TypeVar("M", bound=models.Model)

#: Workflow tickets and shared records belong to no single program.
SHARED = "shared"

_ALL_PROGRAMS = frozenset([*Program.values, SHARED])
_LOCAL = frozenset([Program.ALLIANCES, Program.COURTYARDS, SHARED])

#: role → (programs readable, programs writable). ``officer`` grants narrow both to their program.
ROLE_PERMISSIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Role.ADMIN: (_ALL_PROGRAMS, _ALL_PROGRAMS),
    Role.LEADER: (_ALL_PROGRAMS, frozenset()),
    Role.OFFICER: (_ALL_PROGRAMS, _ALL_PROGRAMS),
    Role.TOWN: (_LOCAL, _LOCAL),
    Role.VILLAGE: (_LOCAL, _LOCAL),
    Role.ENTERPRISE: (
        frozenset([Program.INNOVATION, Program.PARKS, SHARED]),
        frozenset([Program.INNOVATION, SHARED]),
    ),
    Role.OPERATOR: (frozenset([Program.ENERGY, SHARED]), frozenset([Program.ENERGY, SHARED])),
    Role.AUDITOR: (_ALL_PROGRAMS, frozenset()),
}


@dataclass(frozen=True)
class Reach:
    """One grant's effective reach for a program and action."""

    prefix: str
    organisation_id: int | None


#: The attribute caching a user object's grants (one request, one object); not a model field.
_GRANTS_CACHE = "_countyworks_grants"


def grants_of(user: Viewer) -> list[RoleGrant]:
    """The user's grants, fetched once per request/user object."""
    if not isinstance(user, User):  # SYSTEM (see reaches()) and anonymous visitors hold no grant;
        # every account is a User (the default AUTH_USER_MODEL).
        return []
    cached: list[RoleGrant] | None = getattr(user, _GRANTS_CACHE, None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("region", "organisation"))
        setattr(user, _GRANTS_CACHE, cached)
    return cached


def _grant_allows(grant: RoleGrant, program: str, action: Action) -> bool:
    readable, writable = ROLE_PERMISSIONS[grant.role]
    allowed = writable if action == "write" else readable
    if program not in allowed:
        return False
    if grant.role == Role.OFFICER and grant.program and program not in (grant.program, SHARED):
        return False
    return True


def reaches(user: Viewer, program: str, action: Action = "read") -> list[Reach]:
    """Every (prefix, organisation) pair through which ``user`` may ``action`` on ``program``."""
    if isinstance(user, SystemActor):
        return [Reach("", None)]
    return [
        Reach(grant.prefix, grant.organisation_id)
        for grant in grants_of(user)
        if _grant_allows(grant, program, action)
    ]


def has_role(user: Viewer, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(g.role in wanted for g in grants_of(user))


def scope_q(
    model: type[models.Model], user: Viewer, program: str, action: Action = "read", within: str | None = None
) -> Q:
    """The filter that restricts ``model`` to what ``user`` may reach; ``Q(pk__in=[])`` when nothing.

    ``within`` narrows further to a sub-area the user picked with the region switcher.
    """
    region_path = getattr(model, "SCOPE_REGION", "region__code")
    if region_path is None:  # reference data of every region (SCOPE_REGION = None): any reach reads it
        return Q() if reaches(user, program, action) else Q(pk__in=[])
    org_path = getattr(model, "SCOPE_ORGANISATION", None)
    combined = Q(pk__in=[])
    for reach in reaches(user, program, action):
        # A nationwide grant has the empty prefix: ``LIKE '%'`` (an empty Q() would vanish in the OR).
        term = Q(**{f"{region_path}__startswith": reach.prefix})
        if reach.organisation_id is not None:
            if org_path is None:
                continue
            term &= Q(**{org_path: reach.organisation_id})
        combined |= term
    if within:
        combined &= Q(**{f"{region_path}__startswith": within})
    return combined


def scope(
    queryset: QuerySet[M], user: Viewer, program: str, action: Action = "read", within: str | None = None
) -> QuerySet[M]:
    """Restrict ``queryset`` to the user's grants for ``program`` (see module docstring)."""
    return queryset.filter(scope_q(queryset.model, user, program, action, within))


def get_scoped_or_404(
    queryset: QuerySet[M], user: Viewer, program: str, action: Action = "read", **lookup: object
) -> M:
    """Fetch one object the user may reach, else 404 (never reveal that it exists elsewhere)."""
    try:
        return scope(queryset, user, program, action).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def can_reach_region(user: Viewer, program: str, region_code: str, action: Action = "read") -> bool:
    """Whether the user may ``action`` on records of ``program`` placed in ``region_code`` (no org limit)."""
    return any(
        region_code.startswith(r.prefix) and r.organisation_id is None for r in reaches(user, program, action)
    )


def can_write_object(user: Viewer, program: str, obj: models.Model) -> bool:
    """Whether ``obj`` lies inside the user's write reach for ``program``."""
    model = type(obj)
    return model._default_manager.filter(scope_q(model, user, program, "write"), pk=obj.pk).exists()


def visible_prefixes(user: Viewer) -> list[str]:
    """The distinct top prefixes the user's grants cover (for the region switcher)."""
    prefixes = sorted({g.prefix for g in grants_of(user)}, key=len)
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]
