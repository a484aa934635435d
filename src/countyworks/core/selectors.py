"""Reads on core data, always through the viewer's grants (HackSoft "selectors")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from countyworks.core.actors import Actor
from countyworks.core.models import ApiToken, Household, Job, Organisation, Person, Region, Role
from countyworks.core.region_tree import Part, rollup_to_children
from countyworks.core.scoping import SHARED, grants_of, scope, visible_prefixes

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: The region switcher lists grant areas and their descendants down to this level.
_SWITCH_LEVELS = ("province", "city", "county")


def region_switch_choices(user: Actor) -> list[tuple[str, str]]:
    """(prefix, label) pairs the region switcher offers: the user's areas and sub-areas to county level."""
    prefixes = visible_prefixes(user)
    if not prefixes:
        return []
    choices: list[tuple[str, str]] = []
    for prefix in prefixes:
        if prefix == "":
            roots = Region.objects.filter(level="province")
        else:  # full_name() walks up from a town at most: no query per ancestor
            roots = Region.objects.filter(code=prefix).select_related("parent__parent__parent")
        for root in roots:
            choices.append((root.code, root.full_name() if root.level != "province" else root.name))
            # a county's own sub-areas are towns, below the switcher's levels
            if root.level in _SWITCH_LEVELS[:-1] and prefix != "":
                subs = Region.objects.filter(code__startswith=root.code, level__in=_SWITCH_LEVELS).exclude(
                    code=root.code
                )
                # Codes and names only: every page's shell lists them (a province: 136 regions).
                for code, name in subs.values_list("code", "name"):
                    indent = "　" * ((len(code) - len(root.code)) // 2)
                    choices.append((code, f"{indent}{name}"))
    return choices


def role_labels(user) -> str:
    """The user's roles in words (``项目主管``, ``审计员、系统管理员``), in :class:`Role` order."""
    held = {grant.role for grant in grants_of(user)}
    return "、".join(str(label) for value, label in Role.choices if value in held)


def person_label(user) -> str:
    """A person as officials refer to them: the name, with the role beside it (``李建国（项目主管）``)."""
    name = user.get_full_name() or user.username
    roles = role_labels(user)
    return gettext("%(name)s（%(roles)s）") % {"name": name, "roles": roles} if roles else name


def region_list(*, user: Actor, within: str | None = None) -> QuerySet[Region]:
    return scope(Region.objects.all(), user, SHARED, within=within)


def organisation_list(
    *, user: Actor, program: str = SHARED, within: str | None = None
) -> QuerySet[Organisation]:
    return scope(Organisation.objects.select_related("region"), user, program, within=within)


def person_list(*, user: Actor, within: str | None = None) -> QuerySet[Person]:
    return scope(Person.objects.select_related("region", "organisation"), user, SHARED, within=within)


def household_list(*, user: Actor, within: str | None = None) -> QuerySet[Household]:
    return scope(Household.objects.select_related("region"), user, SHARED, within=within)


def job_list(*, user: User) -> QuerySet[Job]:
    """Jobs the user started, plus jobs in their area for those who can read it."""
    return scope(Job.objects.select_related("created_by"), user, SHARED) | Job.objects.filter(created_by=user)


def organisations_by_region(*, user: Actor, within: str | None = None) -> list[Part]:
    """Organisation counts per region directly under the viewed area (``within``, else the user's
    widest area) for the home chart: a city's districts under the city, its 市本级 organisations
    as one more bar, never a city beside its own districts (core/region_tree.py)."""
    prefixes = visible_prefixes(user)
    node = within if within is not None else (min(prefixes, key=len) if prefixes else None)
    if node is None:
        return []
    rows = (
        organisation_list(user=user, within=node).order_by().values_list("region_id").annotate(n=Count("id"))
    )
    region = Region.objects.filter(code=node).first()
    own = gettext("%(name)s本级") % {"name": region.name} if region else gettext("本级")
    return rollup_to_children(node, dict(rows), own)


def user_area_label(user: Actor, active: str | None) -> str:
    if active:
        region = Region.objects.filter(code=active).first()
        return region.full_name() if region else active
    names = []
    for grant in grants_of(user):
        names.append(grant.region.name if grant.region is not None else gettext("全国"))
    return "、".join(dict.fromkeys(names))


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (live, expired and revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
