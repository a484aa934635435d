"""Which programs an area runs (开通的项目): what its users see in navigation, on home and on pages.

A county runs the programs its government has taken up (常宁 the industry alliances, 娄星 the
park …); the platform installs all of them. :class:`~countyworks.core.models.RegionProgram` rows
say which. A user's area is the region of each of their grants (or the sub-area picked with the
region switcher); the area runs a program when a row for that program lies in its line — at an
ancestor (a province-wide roll-out), at the area itself or below it (a province leader sees every
program one of their counties runs). An area with no row in its line at all is unconfigured and
runs every installed program. The shared workflow is not a program an area takes up: it always runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor, SystemActor
from countyworks.core.models import Program, Region, RegionProgram, Role
from countyworks.core.scoping import SHARED, Viewer, grants_of
from countyworks.core.services import audited_delete, audited_save

#: The attribute caching, per user object (one request), the programs each area runs.
_CACHE = "_countyworks_programs_run"


def _line_q(prefix: str) -> Q:
    """Rows at ``prefix``'s ancestors, at ``prefix`` itself or below it."""
    ancestors = [prefix[:size] for size in range(1, len(prefix) + 1)]
    return Q(region_id__in=ancestors) | Q(region__code__startswith=prefix)


def programs_run_in(prefix: str) -> frozenset[str] | None:
    """The programs the area ``prefix`` runs; ``None`` when it is unconfigured (it runs them all)."""
    found = frozenset(RegionProgram.objects.filter(_line_q(prefix)).values_list("program", flat=True))
    return found or None


def _areas(user: Viewer) -> list[str]:
    if isinstance(user, SystemActor):
        return [""]
    return [grant.prefix for grant in grants_of(user)]


def runs_for(user: Viewer, program: str, within: str | None = None) -> bool:
    """Whether ``program`` runs in one of ``user``'s areas (or in ``within``, when picked).

    A program that no region can take up (the shared workflow, a program outside
    :class:`~countyworks.core.models.Program`) always runs. Cached on the user object like its
    grants, so a page asks the database once per area.
    """
    if program == SHARED or program not in Program.values:
        return True
    cache: dict[str, frozenset[str] | None] = getattr(user, _CACHE, None) or {}
    setattr(user, _CACHE, cache)
    for area in [within] if within is not None else _areas(user):
        if area not in cache:
            cache[area] = programs_run_in(area)
        found = cache[area]
        if found is None or program in found:
            return True
    return False


def region_programs(prefix: str) -> list[RegionProgram]:
    """The rows at ``prefix`` and below, for the administrator's page."""
    return list(RegionProgram.objects.filter(region__code__startswith=prefix).select_related("region"))


def _check_admin(acting_user: Actor, region: Region) -> None:
    if isinstance(acting_user, SystemActor):
        return
    if not any(g.role == Role.ADMIN and region.code.startswith(g.prefix) for g in grants_of(acting_user)):
        raise PermissionDenied(_("只有本区域的系统管理员可以开通或停用项目"))


@transaction.atomic
def region_program_set(*, acting_user: Actor, region: Region, program: str, enabled: bool) -> None:
    """Take up (``enabled``) or stop ``program`` in ``region``; audited, idempotent."""
    if program not in Program.values:
        raise ValueError(f"unknown program {program!r}")
    _check_admin(acting_user, region)
    existing = RegionProgram.objects.filter(region=region, program=program).first()
    if enabled and existing is None:
        audited_save(RegionProgram(region=region, program=program), acting_user=acting_user)
    elif not enabled and existing is not None:
        audited_delete(existing, acting_user=acting_user)
    if hasattr(acting_user, _CACHE):
        delattr(acting_user, _CACHE)


def takeable_programs() -> list[tuple[str, str]]:
    """(code, name) of the installed programs an area can take up (not the shared workflow)."""
    from countyworks.core.programs import installed_programs

    codes = [config.scope_code for config in installed_programs()]
    return [(code, str(Program(code).label)) for code in codes if code in Program.values]


def admin_prefixes(user: Actor) -> list[str]:
    """The areas ``user`` administers (where they may take programs up)."""
    if isinstance(user, SystemActor):
        return [""]
    return [grant.prefix for grant in grants_of(user) if grant.role == Role.ADMIN]


@dataclass
class RegionPrograms:
    """A configured region and the programs it runs itself."""

    region: Region
    programs: set[str] = field(default_factory=set)


def program_table(user: Actor) -> list[RegionPrograms]:
    """One row per configured region in ``user``'s administered areas."""
    rows: dict[str, RegionPrograms] = {}
    for prefix in admin_prefixes(user):
        for row in region_programs(prefix):
            rows.setdefault(row.region_id, RegionPrograms(row.region)).programs.add(row.program)
    return [rows[code] for code in sorted(rows)]


@transaction.atomic
def region_programs_replace(*, acting_user: Actor, region: Region, programs: set[str]) -> None:
    """Make ``programs`` exactly the programs ``region`` runs itself (each change audited)."""
    for code, _label in takeable_programs():
        region_program_set(acting_user=acting_user, region=region, program=code, enabled=code in programs)
