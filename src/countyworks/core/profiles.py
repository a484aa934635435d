"""Profiles: one page per organisation (企业画像) and per village (村情画像) with every program's facts.

Core names no program (docs/adding-a-program.md): each installed program contributes sections
through its ``organisation_profile`` and ``village_profile`` hooks, ``(user, organisation|region)
-> list[ProfileSection]``. :func:`organisation_profile` and :func:`village_profile` fetch the
object through the viewer's grants (404 outside them, as everywhere), then ask every program that
runs in the object's area (:func:`countyworks.core.program_regions.runs_for`) and that the viewer's
role may read there; a program the viewer may not read contributes nothing. The timeline merges
every section's events, newest first (docs/profiles.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise as StrPromise

from countyworks.core.models import Organisation, Program, Region
from countyworks.core.program_regions import runs_for
from countyworks.core.programs import ProgramConfig, installed_programs
from countyworks.core.scoping import SHARED, Viewer, get_scoped_or_404, reaches

#: Events shown on a profile's timeline (the newest); each section keeps its own in full.
TIMELINE_LIMIT = 60

Text = str | StrPromise


@dataclass(frozen=True)
class Cell:
    """One cell of a section's table: its text, an optional link and an optional tag (ok/warn/bad)."""

    text: Text
    url: str = ""
    tag: str = ""


@dataclass(frozen=True)
class Fact:
    """One headline figure of a section (``label``: ``value``), optionally linked."""

    label: Text
    value: Text
    url: str = ""
    tag: str = ""


@dataclass(frozen=True)
class Table:
    """A titled table of a section; ``empty`` is shown when it has no row."""

    title: Text
    columns: Sequence[Text]
    rows: list[list[Cell]]
    empty: Text = ""


@dataclass(frozen=True)
class Event:
    """One dated event of the timeline, linked to the program page where it happened."""

    day: date
    text: Text
    url: str = ""
    program: Text = ""  # filled by the selector with the section's program label when left blank


@dataclass(frozen=True)
class ProfileSection:
    """What one program knows about the organisation or village."""

    title: Text
    program: str  # the program's label (``innovation`` …)
    program_label: Text  # its name (科技创新 …)
    url: str  # the program's page about this object (or its home)
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Profile:
    """An organisation's or a village's profile: its sections and the merged timeline."""

    subject: Organisation | Region
    kind: str  # "organisation" or "village"
    sections: list[ProfileSection]
    timeline: list[Event]


#: The hook of each kind of profile.
HOOK = {"organisation": "organisation_profile", "village": "village_profile"}


def event_day(event: Event) -> date:
    """The calendar day of an event (a moment is read in the local time zone)."""
    return _day(event.day)


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def may_read(user: Viewer, program: str, region_code: str, organisation_id: int | None = None) -> bool:
    """Whether one of ``user``'s grants reads ``program`` at ``region_code`` (an organisation-bound
    grant only for its own organisation)."""
    return any(
        region_code.startswith(reach.prefix)
        and (reach.organisation_id is None or reach.organisation_id == organisation_id)
        for reach in reaches(user, program)
    )


def _sections(
    user: Viewer, kind: str, subject: Organisation | Region, region_code: str, organisation_id: int | None
) -> list[ProfileSection]:
    sections: list[ProfileSection] = []
    # The programs first, the shared records (the workflow's tickets and meetings) after them.
    for config in sorted(installed_programs(), key=lambda c: c.scope_code == SHARED):
        provider: Callable[[Viewer, Any], list[ProfileSection]] | None = config.hook(HOOK[kind])
        if provider is None:
            continue
        # A program outside core.models.Program (a plug-in) is read like the shared records.
        program = config.scope_code if config.scope_code in Program.values else SHARED
        if not runs_for(user, config.label, region_code) or not may_read(
            user, program, region_code, organisation_id
        ):
            continue
        sections.extend(_labelled(config, provider(user, subject)))
    return sections


def _labelled(config: ProgramConfig, sections: list[ProfileSection]) -> list[ProfileSection]:
    """Each event carries its program's name (the timeline mixes programs)."""
    out = []
    for section in sections:
        events = [
            Event(
                _day(e.day),
                e.text,
                e.url or section.url,
                e.program or section.program_label or config.verbose_name,
            )
            for e in section.events
        ]
        out.append(
            ProfileSection(
                section.title,
                section.program or config.label,
                section.program_label or config.verbose_name,
                section.url,
                section.facts,
                section.tables,
                events,
            )
        )
    return out


def merged_timeline(sections: list[ProfileSection], limit: int = TIMELINE_LIMIT) -> list[Event]:
    """Every section's events, newest first (ties: in section order), at most ``limit``."""
    events = [event for section in sections for event in section.events]
    events.sort(key=lambda event: _day(event.day), reverse=True)  # stable: section order kept on ties
    return events[:limit]


def organisation_get(*, user: Viewer, organisation_id: int) -> Organisation:
    """The organisation, if it lies in the user's area (404 otherwise)."""
    return get_scoped_or_404(
        Organisation.objects.select_related("region__parent__parent__parent"),  # its full name: one query
        user,
        SHARED,
        pk=organisation_id,
    )


def village_get(*, user: Viewer, code: str) -> Region:
    """The village, if it lies in the user's area (404 otherwise, and for a code of another level)."""
    return get_scoped_or_404(
        Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent__parent__parent__parent"),
        user,
        SHARED,
        code=code,
    )


def organisation_profile(*, user: Viewer, organisation_id: int) -> Profile:
    """The enterprise profile (企业画像): every program's section about the organisation."""
    organisation = organisation_get(user=user, organisation_id=organisation_id)
    sections = _sections(user, "organisation", organisation, organisation.region_id, organisation.pk)
    return Profile(organisation, "organisation", sections, merged_timeline(sections))


def village_profile(*, user: Viewer, code: str) -> Profile:
    """The village profile (村情画像): every program's section about the village."""
    village = village_get(user=user, code=code)
    sections = _sections(user, "village", village, village.code, None)
    return Profile(village, "village", sections, merged_timeline(sections))
