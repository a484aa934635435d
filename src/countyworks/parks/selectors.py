"""Reads of program 4: figures counted from records, and scoped lists for the pages and the API.

Figure functions take a region prefix and a period and are unscoped (the brief and the indicators
call them after their own access check); every list takes the viewer and goes through
:func:`countyworks.core.scoping.scope`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from countyworks.core.actors import Actor
from countyworks.core.periods import Period
from countyworks.core.scoping import Action, get_scoped_or_404, scope
from countyworks.parks.models import (
    PROGRAM,
    Chain,
    ChainEnterprise,
    ChainLink,
    DisposalAction,
    FactoryRevitalisation,
    Infrastructure,
    InvestmentLead,
    Milestone,
    MujunPolicy,
    MujunResult,
    Parcel,
    ParkAssessment,
    ParkIndicatorValue,
    Project,
)
from countyworks.parks.services import (
    SIZE_BANDS,
    AssessmentRow,
    CategoryRate,
    LeadRates,
    assessment_trend,
    band_counts,
    category_rates,
    disposed_area,
    lead_rates,
)

if TYPE_CHECKING:
    from countyworks.workflow.models import Ticket

PAGE_SIZE = 50


# --- figures ------------------------------------------------------------------------------------


def period_end_day(period: Period) -> date:
    """The last day of the period, or today while it runs."""
    return min(date.fromordinal(period.end.toordinal() - 1), timezone.localdate())


def is_complete(period: Period) -> bool:
    return period.end <= timezone.localdate()


def latest_complete_year() -> int:
    """The latest calendar year that has ended (headlines use it; docs/parks.md)."""
    return timezone.localdate().year - 1


def signed_leads(region_prefix: str, period: Period) -> QuerySet[InvestmentLead]:
    return InvestmentLead.objects.filter(
        region__code__startswith=region_prefix, signed_on__gte=period.start, signed_on__lt=period.end
    ).select_related("company", "chain_link__chain")


@dataclass(frozen=True)
class ChainCount:
    chain_id: int
    name: str
    above_scale: int
    enterprises: int


def chain_counts(region_prefix: str) -> list[ChainCount]:
    """Distinct enterprises (and those above scale) per chain."""
    rows = (
        Chain.objects.filter(region__code__startswith=region_prefix)
        .annotate(
            n=Count("links__enterprises__organisation", distinct=True),
            above=Count(
                "links__enterprises__organisation",
                filter=Q(links__enterprises__above_scale=True),
                distinct=True,
            ),
        )
        .order_by("-lead_industry", "name")
    )
    return [ChainCount(c.pk, c.name, c.above, c.n) for c in rows]


@dataclass(frozen=True)
class ParkFigures:
    """What the brief and the dashboard say for an area and a period, all counted from records."""

    period: Period
    complete: bool
    #: The leads signed in the period (empty in the pages' cached copy: :func:`park_figures_cached`).
    signed: list[InvestmentLead]
    signed_count: int
    contracted_yi: Decimal
    bands: dict[str, int]
    rates: LeadRates
    land_rates: list[CategoryRate]
    disposed_mu: Decimal
    factory_m2: Decimal
    enterprises_introduced: int
    chains: list[ChainCount]
    assessments: list[AssessmentRow] = field(default_factory=list)


def park_figures(*, region_prefix: str, period: Period) -> ParkFigures:
    """The figures of everything under ``region_prefix`` for ``period`` (unscoped)."""
    signed = list(signed_leads(region_prefix, period).order_by("signed_on", "pk"))
    factories = FactoryRevitalisation.objects.filter(
        region__code__startswith=region_prefix,
        revitalised_on__gte=period.start,
        revitalised_on__lt=period.end,
    )
    floor = factories.aggregate(s=Sum("floor_m2"))["s"] or Decimal(0)
    introduced = (
        FactoryRevitalisation.enterprises.through.objects.filter(factoryrevitalisation__in=factories)
        .values("organisation_id")
        .distinct()
        .count()
    )
    assessments = ParkAssessment.objects.filter(
        region__code__startswith=region_prefix, year__lt=period.end.year
    )
    return ParkFigures(
        period=period,
        complete=is_complete(period),
        signed=signed,
        signed_count=len(signed),
        contracted_yi=sum((lead.contracted_yi for lead in signed), Decimal(0)),
        bands=band_counts(lead.contracted_yi for lead in signed),
        rates=lead_rates(signed, period_end_day(period)),
        land_rates=category_rates(region_prefix=region_prefix, period=period),
        disposed_mu=disposed_area(region_prefix=region_prefix, period=period),
        factory_m2=floor,
        enterprises_introduced=introduced,
        chains=chain_counts(region_prefix),
        assessments=assessment_trend(list(assessments)),
    )


def park_figures_cached(*, region_prefix: str, period: Period) -> ParkFigures:
    """:func:`park_figures` from the cache for the current parks data version (the pages' copy;
    docs/benchmarks.md, "Park dashboard and project list on PostgreSQL").

    The copy holds every figure but not the signed leads themselves (``signed`` is empty, their
    number is ``signed_count``): a thousand model instances would cost more to unpickle than the
    page takes to render.
    """
    from dataclasses import replace

    from countyworks.parks.caching import cached

    return cached(
        "figures",
        (region_prefix, str(period)),
        lambda: replace(park_figures(region_prefix=region_prefix, period=period), signed=[]),
    )


def band_rows(bands: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(band.label), bands[band.code]) for band in SIZE_BANDS]


# --- the workflow's agenda ------------------------------------------------------------------------


def project_milestones(*, region_prefix: str, start: datetime, end: datetime) -> Iterator[object]:
    """Key-project milestones not reached and planned before ``end`` (overdue ones included, from
    any earlier day) for the weekly 调度会 agenda (the ``milestones`` hook)."""
    from countyworks.workflow.milestones import Milestone as AgendaItem

    close = time(17, 30)
    pending = (
        Milestone.objects.filter(
            project__region__code__startswith=region_prefix, actual_on__isnull=True, planned_on__lt=end.date()
        )
        .select_related("project")
        .order_by("planned_on", "pk")
    )
    zone = timezone.get_current_timezone()
    for item in pending:
        yield AgendaItem(
            title=f"{item.project.name}：{item.get_kind_display()}",
            due_at=datetime.combine(item.planned_on, close, tzinfo=zone),
            region_code=item.project.region_id,
            source="parks",
            owner_label="重点项目工作专班",
            url=reverse("parks:project-detail", args=[item.project_id]),
        )


# --- scoped lists -------------------------------------------------------------------------------


def leads(*, user: Actor, within: str | None = None) -> QuerySet[InvestmentLead]:
    return scope(InvestmentLead.objects.all(), user, PROGRAM, within=within).select_related(
        "company", "chain_link__chain", "region"
    )


def chains(*, user: Actor, within: str | None = None) -> QuerySet[Chain]:
    return scope(Chain.objects.all(), user, PROGRAM, within=within)


def chain_get(*, user: Actor, pk: int) -> Chain:
    enterprises = ChainEnterprise.objects.select_related("organisation").order_by(
        "-above_scale", "organisation__name"
    )
    links = ChainLink.objects.prefetch_related(
        Prefetch("enterprises", queryset=enterprises),
        Prefetch("leads", queryset=InvestmentLead.objects.select_related("company")),
    )
    return get_scoped_or_404(
        Chain.objects.prefetch_related(Prefetch("links", queryset=links)), user, PROGRAM, pk=pk
    )


def links(*, user: Actor, within: str | None = None) -> QuerySet[ChainLink]:
    return scope(ChainLink.objects.select_related("chain"), user, PROGRAM, within=within)


def projects(*, user: Actor, within: str | None = None) -> QuerySet[Project]:
    return (
        scope(Project.objects.all(), user, PROGRAM, within=within)
        .select_related("owner", "region")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("planned_on", "pk")))
    )


def project_list(*, user: Actor, today: date, within: str | None = None) -> QuerySet[Project]:
    """The list page's projects, each with its milestone progress counted in SQL: ``milestones_total``,
    ``milestones_done`` (reached), ``milestones_late`` (not reached, planned before ``today``) and the
    next milestone not reached (``next_kind``, ``next_planned_on``; by planned day, then id).

    Correlated subqueries, evaluated for the page's rows only (no milestone objects are built);
    the same figures as :func:`countyworks.parks.presenters.project_rows` from the milestones.
    """
    mine = Milestone.objects.filter(project=OuterRef("pk")).order_by()

    def count(only: Q) -> Coalesce:
        numbers = mine.filter(only).values("project").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(numbers), 0)

    pending = mine.filter(actual_on__isnull=True).order_by("planned_on", "pk")
    return scope(Project.objects.all(), user, PROGRAM, within=within).annotate(
        milestones_total=count(Q()),
        milestones_done=count(Q(actual_on__isnull=False)),
        milestones_late=count(Q(actual_on__isnull=True, planned_on__lt=today)),
        next_kind=Subquery(pending.values("kind")[:1]),
        next_planned_on=Subquery(pending.values("planned_on")[:1]),
    )


def project_get(*, user: Actor, pk: int, action: Action = "read") -> Project:
    return get_scoped_or_404(
        Project.objects.select_related("owner", "lead").prefetch_related("milestones", "task_force"),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def project_tickets(*, user: Actor, project: Project) -> QuerySet[Ticket]:
    """The problems raised on a project the viewer can read (workflow tickets)."""
    from django.contrib.contenttypes.models import ContentType

    from countyworks.workflow import selectors as tickets

    kind = ContentType.objects.get_for_model(Project)
    return (
        tickets.ticket_list(user=user, view="all")
        .filter(subject_type=kind, subject_id=str(project.pk))
        .order_by("-created_at")
    )


def parcels(*, user: Actor, within: str | None = None, action: Action = "read") -> QuerySet[Parcel]:
    return (
        scope(Parcel.objects.all(), user, PROGRAM, action, within=within)
        .annotate(disposed=Sum("actions__area_mu"))
        .order_by("category", "code")
    )


def parcel_get(*, user: Actor, pk: int, action: Action = "read") -> Parcel:
    return get_scoped_or_404(Parcel.objects.all(), user, PROGRAM, action, pk=pk)


def disposals(*, user: Actor, within: str | None = None) -> QuerySet[DisposalAction]:
    return scope(DisposalAction.objects.select_related("parcel"), user, PROGRAM, within=within).order_by(
        "-disposed_on", "-pk"
    )


def factories(*, user: Actor, within: str | None = None) -> QuerySet[FactoryRevitalisation]:
    return scope(FactoryRevitalisation.objects.prefetch_related("enterprises"), user, PROGRAM, within=within)


def mujun_results(*, user: Actor, within: str | None = None) -> QuerySet[MujunResult]:
    return scope(MujunResult.objects.select_related("organisation"), user, PROGRAM, within=within).order_by(
        "-year", "group", F("rank").asc(nulls_last=True), "organisation__name"
    )


def mujun_result_get(*, user: Actor, pk: int) -> MujunResult:
    return get_scoped_or_404(MujunResult.objects.select_related("organisation"), user, PROGRAM, pk=pk)


def mujun_policies(*, user: Actor, region_code: str, klass: str) -> QuerySet[MujunPolicy]:
    return scope(MujunPolicy.objects.filter(klass=klass), user, PROGRAM).filter(
        region__code__in=[region_code[:n] for n in range(2, len(region_code) + 1)]
    )


def mujun_history(*, organisation_id: int, ruleset: str) -> dict[int, str]:
    return dict(
        MujunResult.objects.filter(organisation_id=organisation_id, ruleset=ruleset).values_list(
            "year", "klass"
        )
    )


def assessments(*, user: Actor, within: str | None = None) -> QuerySet[ParkAssessment]:
    return scope(ParkAssessment.objects.all(), user, PROGRAM, within=within).order_by("park", "year")


def indicator_values(*, user: Actor, within: str | None = None) -> QuerySet[ParkIndicatorValue]:
    return scope(
        ParkIndicatorValue.objects.select_related("indicator"), user, PROGRAM, within=within
    ).order_by("-year", "indicator__group", "indicator__code")


def infrastructure(*, user: Actor, within: str | None = None) -> QuerySet[Infrastructure]:
    return scope(Infrastructure.objects.all(), user, PROGRAM, within=within)


def brief_region(*, user: Actor, within: str | None) -> str | None:
    """The one region a page's headline figures are for: the picked area, or the viewer's only county."""
    from countyworks.core.scoping import reaches

    if within:
        return within
    prefixes = {r.prefix for r in reaches(user, PROGRAM)}
    return prefixes.pop() if len(prefixes) == 1 else None


def overdue(items: Iterable[Milestone], today: date) -> list[Milestone]:
    return [m for m in items if m.actual_on is None and m.planned_on < today]


def record_years(*, user: Actor, within: str | None = None) -> list[int]:
    """Years with signed leads or disposals in the viewer's reach (for the headline period), from the
    cache for the current parks data version and the viewer's reach."""
    from countyworks.core.scoping import reaches
    from countyworks.parks.caching import cached

    reach = "+".join(sorted(f"{r.prefix}-{r.organisation_id or 0}" for r in reaches(user, PROGRAM)))
    return cached("years", (reach, within or ""), lambda: _record_years(user=user, within=within))


def _record_years(*, user: Actor, within: str | None = None) -> list[int]:
    signed = leads(user=user, within=within).exclude(signed_on__isnull=True).dates("signed_on", "year")
    disposed = disposals(user=user, within=within).dates("disposed_on", "year")
    return sorted({d.year for d in signed} | {d.year for d in disposed})
