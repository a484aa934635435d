"""Reads of program 2, always through the viewer's grants (:func:`countyworks.core.scoping.scope`).

The counting helpers (``_tier_counts`` …) take an already restricted queryset, so the pages
(restricted by the user) and the statistical brief (restricted by a region prefix, a system
report) count the same way. Pool sizes are counted from memberships in force at the end of a
year: a 高企 certified in 2021 still counts in 2022, a 科技型中小企业 counts in its year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from countyworks.core.actors import Actor
from countyworks.core.models import Organisation, Person, Region
from countyworks.core.periods import Headline, Period, headline_period, progress_label, yoy_percent
from countyworks.core.scoping import Action, can_reach_region, get_scoped_or_404, reaches, scope, scope_q
from countyworks.innovation.models import (
    PROGRAM,
    ROSTER_KINDS,
    TIER_SPECS,
    TIERS,
    Achievement,
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    EnterprisePlan,
    EnterpriseProfile,
    EnterpriseYearData,
    EvaluationCampaign,
    EvaluationResult,
    FundingTranche,
    InnovationPlatform,
    PlanMilestone,
    PlatformExpert,
    PoolMembership,
    RosterEnterprise,
    Stage,
    TierSpec,
    profile_of,
    ruleset_family,
)

#: Rows per page of the long tables.
PAGE_SIZE = 50


def year_end(year: int) -> date:
    """The day a year's pool sizes are counted on: 31 December, or today during the year."""
    return min(date(year, 12, 31), timezone.localdate())


# --- counting (shared by pages and the brief) ---------------------------------------------------


def _tier_counts(memberships: QuerySet[PoolMembership], day: date) -> dict[str, int]:
    rows = (
        memberships.filter(PoolMembership.active_on_q(day))
        .values("tier")
        .annotate(n=Count("organisation", distinct=True))
    )
    counts = {spec.tier.value: 0 for spec in TIER_SPECS}
    counts.update({row["tier"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class TierCount:
    """One pool's size at the end of a year and of the year before, with the change in %."""

    tier: str
    label: str
    stage: str
    count: int
    previous: int
    yoy: Decimal | None


def _ladder(memberships: QuerySet[PoolMembership], year: int) -> list[TierCount]:
    now, before = _tier_counts(memberships, year_end(year)), _tier_counts(memberships, year_end(year - 1))
    return [
        TierCount(
            spec.tier.value,
            str(spec.tier.label),
            spec.stage.value,
            now[spec.tier.value],
            before[spec.tier.value],
            yoy_percent(now[spec.tier.value], before[spec.tier.value]),
        )
        for spec in TIER_SPECS
    ]


def _platform_counts(platforms: QuerySet[InnovationPlatform], before: date) -> dict[tuple[str, str], int]:
    rows = platforms.filter(recognised_on__lt=before).values("kind", "level").annotate(n=Count("id"))
    return {(r["kind"], r["level"]): r["n"] for r in rows}


def _achievement_counts(
    achievements: QuerySet[Achievement], years: Iterable[int]
) -> dict[int, dict[str, int]]:
    years = list(years)
    counts = {y: {k.value: 0 for k in Achievement.Kind} for y in years}
    rows = (
        achievements.filter(achieved_on__year__in=years)
        .values("achieved_on__year", "kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["achieved_on__year"]][row["kind"]] = row["n"]
    return counts


def _challenges_under_way(challenges: QuerySet[Challenge], day: date) -> dict[str, int]:
    """Projects awarded on or before ``day`` and not yet accepted on it (正在组织实施)."""
    rows = (
        challenges.exclude(status=Challenge.Status.WITHDRAWN)
        .filter(awarded_on__lte=day)
        .filter(Q(accepted_on__isnull=True) | Q(accepted_on__gt=day))
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {k.value: 0 for k in Challenge.Kind}
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


# --- region-wide reads for the statistical brief (a system report, no viewer) ----------------------


@dataclass(frozen=True)
class RegionFigures:
    """What the brief of a region and year says, all counted from records."""

    ladder: dict[str, TierCount]
    platforms: dict[tuple[str, str], int]
    achievements: dict[int, dict[str, int]]
    challenges: dict[str, int]
    new_rd_institutions: list[dict[str, Any]]
    plans: int


def region_figures(*, region_prefix: str, year: int) -> RegionFigures:
    """The brief's figures for everything under ``region_prefix`` (unscoped: used by
    ``countyworks brief``, which an administrator runs, and by the brief page after its own
    access check)."""
    end = date(year + 1, 1, 1)
    memberships = PoolMembership.objects.filter(organisation__region__code__startswith=region_prefix)
    platforms = InnovationPlatform.objects.filter(region__code__startswith=region_prefix)
    institutions = []
    for platform in platforms.filter(
        kind=InnovationPlatform.Kind.NEW_RD_INSTITUTION, recognised_on__lt=end
    ).order_by("recognised_on"):
        honours = dict(platform.experts.values_list("honour").annotate(n=Count("id")))
        made = dict(
            platform.achievements.filter(achieved_on__lt=end).values_list("kind").annotate(n=Count("id"))
        )
        institutions.append(
            {
                "name": platform.name,
                "level": platform.get_level_display(),
                "batch": platform.batch,
                "academicians": honours.get(PlatformExpert.Honour.ACADEMICIAN, 0),
                "changjiang": honours.get(PlatformExpert.Honour.CHANGJIANG, 0),
                "standards": made.get(Achievement.Kind.STANDARD, 0),
                "products": made.get(Achievement.Kind.PRODUCT, 0),
                "devices": made.get(Achievement.Kind.DEVICE, 0),
            }
        )
    return RegionFigures(
        ladder={c.tier: c for c in _ladder(memberships, year)},
        platforms=_platform_counts(platforms, end),
        achievements=_achievement_counts(
            Achievement.objects.filter(region__code__startswith=region_prefix), range(year - 2, year + 1)
        ),
        challenges=_challenges_under_way(
            Challenge.objects.filter(region__code__startswith=region_prefix), date(year, 12, 31)
        ),
        new_rd_institutions=institutions,
        plans=EnterprisePlan.objects.filter(
            organisation__region__code__startswith=region_prefix, year=year
        ).count(),
    )


def brief_region(*, user: Actor, within: str | None) -> str | None:
    """The region whose brief the user reads: the active region, else the widest area of the
    user's region-wide grants; None when the user may not read it (an enterprise account)."""
    prefixes = [r.prefix for r in reaches(user, PROGRAM) if r.organisation_id is None]
    region = within or (min(prefixes, key=len) if prefixes else None)
    if region is None or not can_reach_region(user, PROGRAM, region):
        return None
    return region


# --- the program home --------------------------------------------------------------------------------


def membership_list(*, user: Actor, within: str | None = None) -> QuerySet[PoolMembership]:
    return scope(PoolMembership.objects.all(), user, PROGRAM, within=within)


def latest_year(*, user: Actor, within: str | None = None) -> int:
    """The latest evaluation year the user can see (this year when there is none)."""
    found = membership_list(user=user, within=within).aggregate(y=Max("year"))["y"]
    return found or timezone.localdate().year


@dataclass(frozen=True)
class PoolHeadline:
    """The year the pool headlines show (the latest complete one) and a later year in progress,
    with how many enterprises that year's confirmed campaigns have evaluated so far."""

    headline: Headline
    evaluated: int

    @property
    def year(self) -> int:
        return self.headline.period.year

    def is_partial(self, year: int) -> bool:
        """Whether ``year``'s figures are not all in (the year in progress, or no year complete)."""
        going = self.headline.in_progress
        return (going is not None and going.year == year) or (
            not self.headline.complete and year == self.year
        )

    def progress_note(self) -> str:
        """``2023年（进行中）：已评价 6 家`` for the year in progress, else ""."""
        going = self.headline.in_progress or (None if self.headline.complete else self.headline.period)
        if going is None:
            return ""
        return gettext("%(period)s：已评价 %(n)d 家") % {"period": progress_label(going), "n": self.evaluated}


def pool_headline(*, user: Actor, within: str | None = None) -> PoolHeadline:
    """The latest complete evaluation year in the user's area and the year in progress after it.

    A year is complete when a confirmed campaign that evaluated enterprises of the area closed it
    (``EvaluationCampaign.closes_year``); a year with confirmed campaigns but none closing it is in
    progress (docs/rules/enterprise-ladder.md §4). Without any confirmed campaign, the latest year
    with pools is shown as partial.
    """
    confirmed = scope(
        EvaluationResult.objects.filter(campaign__status=EvaluationCampaign.Status.CONFIRMED),
        user,
        PROGRAM,
        within=within,
    )
    closed = confirmed.filter(campaign__closes_year=True).values_list("year", flat=True).distinct()
    started = confirmed.values_list("year", flat=True).distinct()
    headline = headline_period(
        complete=[Period(y, "year") for y in closed],
        started=[Period(y, "year") for y in started],
        default=Period(latest_year(user=user, within=within), "year"),
    )
    going = headline.in_progress or (None if headline.complete else headline.period)
    evaluated = confirmed.filter(year=going.year).values("organisation").distinct().count() if going else 0
    return PoolHeadline(headline, evaluated)


def ladder(*, user: Actor, within: str | None, year: int) -> list[TierCount]:
    """Every pool's size at the end of ``year`` and of the year before, for the user's area."""
    return _ladder(membership_list(user=user, within=within), year)


def stage_totals(counts: list[TierCount]) -> list[dict[str, Any]]:
    """The four rungs (微成长、小升高、高新、高壮大) with their pools, for the pyramid."""
    stages = []
    for stage in Stage:
        members = [c for c in counts if c.stage == stage.value]
        stages.append({"stage": stage.value, "label": str(stage.label), "pools": members})
    return stages


# --- enterprises -------------------------------------------------------------------------------------


def enterprise_list(
    *, user: Actor, within: str | None = None, tier: str = "", year: int | None = None, q: str = ""
) -> QuerySet[RosterEnterprise]:
    """Every organisation of a kind the program covers that the user may see (imported ones
    included, before any campaign); ``tier`` keeps those in that pool at year end."""
    organisations = scope(
        RosterEnterprise.objects.filter(kind__in=ROSTER_KINDS).select_related("region", "innovation_profile"),
        user,
        PROGRAM,
        within=within,
    )
    if q:
        organisations = organisations.filter(Q(name__contains=q) | Q(credit_code=q))
    if tier:
        day = year_end(year or timezone.localdate().year)
        in_pool = PoolMembership.objects.filter(PoolMembership.active_on_q(day), tier=tier).values(
            "organisation_id"
        )
        organisations = organisations.filter(pk__in=in_pool)
    return organisations.order_by("region_id", "name")


def tiers_of(organisation_ids: Iterable[int], day: date) -> dict[int, list[TierSpec]]:
    """The pools each enterprise is in on ``day``, lowest first (for a page of enterprises)."""
    found: dict[int, list[TierSpec]] = {}
    rows = (
        PoolMembership.objects.filter(
            PoolMembership.active_on_q(day), organisation_id__in=list(organisation_ids)
        )
        .values_list("organisation_id", "tier")
        .distinct()
    )
    for org, tier in rows:
        found.setdefault(org, []).append(TIERS[tier])
    return {org: sorted(specs, key=lambda s: s.rank) for org, specs in found.items()}


def enterprise_get(*, user: Actor, organisation_id: int) -> EnterpriseProfile:
    """One enterprise of the roster with its profile (unsaved when it has none yet), or 404
    outside the user's reach."""
    organisation = get_scoped_or_404(
        RosterEnterprise.objects.filter(kind__in=ROSTER_KINDS).select_related(
            "region", "innovation_profile__officer"
        ),
        user,
        PROGRAM,
        pk=organisation_id,
    )
    return profile_of(organisation)


def enterprise_memberships(*, user: Actor, organisation: Organisation) -> QuerySet[PoolMembership]:
    return scope(
        PoolMembership.objects.filter(organisation=organisation).select_related("result__campaign"),
        user,
        PROGRAM,
    ).order_by("-entered_on", "tier")


def enterprise_results(*, user: Actor, organisation: Organisation) -> QuerySet[EvaluationResult]:
    return scope(
        EvaluationResult.objects.filter(organisation=organisation).select_related("campaign"), user, PROGRAM
    ).order_by("-year", "-campaign__created_at")


def enterprise_year_data(*, user: Actor, organisation: Organisation) -> QuerySet[EnterpriseYearData]:
    return scope(EnterpriseYearData.objects.filter(organisation=organisation), user, PROGRAM).order_by(
        "-year"
    )


@dataclass(frozen=True)
class EnterprisePage:
    """What the enterprise page shows, read with a fixed number of queries."""

    profile: EnterpriseProfile
    memberships: list[PoolMembership]
    results: list[EvaluationResult]
    year_data: list[EnterpriseYearData]
    plans: list[EnterprisePlan]
    officers: QuerySet[Person]
    #: The workflow tickets raised against each plan (by the plan's key as text), newest first.
    plan_tickets: dict[str, list[Any]]


def enterprise_page(*, user: Actor, organisation_id: int) -> EnterprisePage:
    """One enterprise's profile, pools, latest evaluation per rule set, declared figures and
    plans (404 outside the user's reach)."""
    from countyworks.workflow.selectors import tickets_on

    profile = enterprise_get(user=user, organisation_id=organisation_id)
    org = profile.organisation
    plans = list(enterprise_plans(user=user, organisation=org))
    return EnterprisePage(
        profile=profile,
        memberships=list(enterprise_memberships(user=user, organisation=org)),
        results=latest_result_per_ruleset(enterprise_results(user=user, organisation=org)),
        year_data=list(enterprise_year_data(user=user, organisation=org)),
        plans=plans,
        officers=officers(user=user),
        plan_tickets=tickets_on(user=user, subjects=plans),
    )


def own_latest_year_data(*, user: Actor) -> EnterpriseYearData | None:
    """An enterprise user's latest declared figures (None for other accounts)."""
    own = [r.organisation_id for r in reaches(user, PROGRAM) if r.organisation_id]
    if not own:
        return None
    return (
        scope(EnterpriseYearData.objects.filter(organisation_id__in=own), user, PROGRAM)
        .order_by("-year")
        .first()
    )


def latest_result_per_ruleset(results: Iterable[EvaluationResult]) -> list[EvaluationResult]:
    """The newest result of each rule-set family (results come newest first)."""
    seen: dict[str, EvaluationResult] = {}
    for result in results:
        seen.setdefault(ruleset_family(result.ruleset_code), result)
    return list(seen.values())


#: Size conditions: an enterprise failing one is too large for that rule set's pool, which no
#: added input can fix (科技型中小企业 国科发区〔2022〕67号 第六条（二）; 中小企业划型 for 63号).
SIZE_CONDITIONS = frozenset({"c2_size", "b_sme"})


def next_tier(current: list[TierSpec], results: Iterable[EvaluationResult] = ()) -> TierSpec | None:
    """The next rung with a rule set above the enterprise's highest evaluated pool, skipping a
    rung whose newest evaluation (``results``, newest first) found the enterprise too large
    (:data:`SIZE_CONDITIONS`): it targets the next tier it can reach."""
    top = max((spec.rank for spec in current if spec.ruleset_family), default=-1)
    held = {spec.tier for spec in current}
    too_large = {
        ruleset_family(r.ruleset_code)
        for r in latest_result_per_ruleset(results)
        if SIZE_CONDITIONS & set(r.failed_codes)
    }
    for spec in TIER_SPECS:
        if (
            spec.ruleset_family
            and spec.rank > top
            and spec.tier not in held
            and spec.ruleset_family not in too_large
        ):
            return spec
    return None


def plan_get(*, user: Actor, pk: int) -> EnterprisePlan:
    return get_scoped_or_404(EnterprisePlan.objects.select_related("organisation"), user, PROGRAM, pk=pk)


def plan_milestone_get(*, user: Actor, pk: int) -> PlanMilestone:
    return get_scoped_or_404(PlanMilestone.objects.select_related("plan__organisation"), user, PROGRAM, pk=pk)


def enterprise_plans(*, user: Actor, organisation: Organisation) -> QuerySet[EnterprisePlan]:
    return scope(
        EnterprisePlan.objects.filter(organisation=organisation)
        .select_related("officer")
        .prefetch_related("milestones"),
        user,
        PROGRAM,
    )


# --- campaigns -------------------------------------------------------------------------------------------


def campaign_list(*, user: Actor, within: str | None = None) -> QuerySet[EvaluationCampaign]:
    return scope(
        EvaluationCampaign.objects.select_related("region", "job", "created_by"), user, PROGRAM, within=within
    )


def campaign_get(*, user: Actor, pk: int, action: Action = "read") -> EvaluationCampaign:
    return get_scoped_or_404(
        EvaluationCampaign.objects.select_related("region", "job"), user, PROGRAM, action, pk=pk
    )


#: Sort keys of the results table → ORDER BY.
RESULT_ORDERS = {
    "row": ("row_number",),
    "score": ("-score", "row_number"),
    "-score": ("score", "row_number"),
    "name": ("organisation__name",),
}


def campaign_results(
    *,
    user,
    campaign: EvaluationCampaign,
    qualified: bool | None = None,
    failed: str = "",
    q: str = "",
    order: str = "row",
) -> QuerySet[EvaluationResult]:
    """The campaign's results the user may see, filtered and sorted as the table asks."""
    results = scope(
        EvaluationResult.objects.filter(campaign=campaign).select_related(
            "organisation", "organisation__region"
        ),
        user,
        PROGRAM,
    )
    if qualified is not None:
        results = results.filter(qualified=qualified)
    if failed:
        results = results.filter(
            Q(failed_conditions=failed)
            | Q(failed_conditions__startswith=f"{failed};")
            | Q(failed_conditions__endswith=f";{failed}")
            | Q(failed_conditions__contains=f";{failed};")
        )
    if q:
        results = results.filter(Q(organisation__name__contains=q) | Q(organisation__credit_code=q))
    return results.order_by(*RESULT_ORDERS.get(order, RESULT_ORDERS["row"]))


def campaign_failure_counts(*, user: Actor, campaign: EvaluationCampaign) -> dict[str, int]:
    """How many enterprises failed each condition (a row can fail several)."""
    counts: dict[str, int] = {}
    rows = (
        scope(EvaluationResult.objects.filter(campaign=campaign, qualified=False), user, PROGRAM)
        .values("failed_conditions")
        .annotate(n=Count("id"))
    )
    for row in rows:
        for code in filter(None, row["failed_conditions"].split(";")):
            counts[code] = counts.get(code, 0) + row["n"]
    return counts


def result_get(*, user: Actor, pk: int) -> EvaluationResult:
    return get_scoped_or_404(
        EvaluationResult.objects.select_related("campaign", "organisation"), user, PROGRAM, pk=pk
    )


def writable_regions(*, user: Actor) -> QuerySet[Region]:
    """Cities and counties where ``user`` may write program 2's records (campaigns, challenges,
    achievements)."""
    return scope(Region.objects.filter(level__in=["city", "county"]), user, PROGRAM, "write")


def enterprises(*, user: Actor, within: str | None = None) -> QuerySet[Organisation]:
    """Enterprises in the user's reach (who may issue a 揭榜挂帅 need)."""
    return scope(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE), user, PROGRAM, within=within)


def platform_hosts(*, user: Actor, within: str | None = None) -> QuerySet[Organisation]:
    """Organisations where the user may register a platform or an achievement."""
    return scope(Organisation.objects.all(), user, PROGRAM, "write", within=within)


# --- 揭榜挂帅 --------------------------------------------------------------------------------------------


def challenge_list(
    *, user: Actor, within: str | None = None, kind: str = "", status: str = ""
) -> QuerySet[Challenge]:
    challenges = scope(
        Challenge.objects.select_related("region", "issuer", "awarded_application__lead_organisation"),
        user,
        PROGRAM,
        within=within,
    )
    if kind:
        challenges = challenges.filter(kind=kind)
    if status:
        challenges = challenges.filter(status=status)
    return challenges


def challenge_get(*, user: Actor, pk: int, action: Action = "read") -> Challenge:
    applications = ChallengeApplication.objects.select_related("lead_organisation").annotate(
        average=Avg("reviews__score"), reviewers=Count("reviews")
    )
    return get_scoped_or_404(
        Challenge.objects.select_related("region", "issuer", "awarded_application").prefetch_related(
            Prefetch("applications", queryset=applications.prefetch_related("reviews")),
            "milestones",
            "tranches",
            "status_changes__actor",
        ),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def challenge_applications(*, challenge: Challenge) -> QuerySet[ChallengeApplication]:
    """A challenge's applications (the choices of the review and award forms)."""
    return ChallengeApplication.objects.filter(challenge=challenge)


def challenge_milestone_get(*, challenge: Challenge, pk: str | None) -> ChallengeMilestone:
    """One milestone of an already scoped challenge, or 404."""
    return get_object_or_404(challenge.milestones.all(), pk=pk if pk and pk.isdigit() else None)


def challenge_tranche_get(*, challenge: Challenge, pk: str | None) -> FundingTranche:
    """One funding tranche of an already scoped challenge, or 404."""
    return get_object_or_404(challenge.tranches.all(), pk=pk if pk and pk.isdigit() else None)


def challenge_summary(*, user: Actor, within: str | None = None) -> dict[str, dict[str, int]]:
    """Counts by kind and status for the list page's header."""
    rows = challenge_list(user=user, within=within).values("kind", "status").annotate(n=Count("id"))
    summary: dict[str, dict[str, int]] = {k.value: {} for k in Challenge.Kind}
    for row in rows:
        summary[row["kind"]][row["status"]] = row["n"]
    return summary


# --- platforms and achievements ------------------------------------------------------------------------


def platform_list(*, user: Actor, within: str | None = None) -> QuerySet[InnovationPlatform]:
    return scope(
        InnovationPlatform.objects.select_related("host", "region").prefetch_related(
            Prefetch("experts", queryset=PlatformExpert.objects.select_related("person"))
        ),
        user,
        PROGRAM,
        within=within,
    ).annotate(achievement_count=Count("achievements", distinct=True))


def platform_get(*, user: Actor, pk: int) -> InnovationPlatform:
    return get_scoped_or_404(
        InnovationPlatform.objects.select_related("host", "region").prefetch_related("experts__person"),
        user,
        PROGRAM,
        pk=pk,
    )


def achievement_list(
    *, user: Actor, within: str | None = None, kind: str = "", year: int | None = None
) -> QuerySet[Achievement]:
    achievements = scope(
        Achievement.objects.select_related("organisation", "platform", "region"), user, PROGRAM, within=within
    )
    if kind:
        achievements = achievements.filter(kind=kind)
    if year:
        achievements = achievements.filter(achieved_on__year=year)
    return achievements


def achievement_counts(*, user: Actor, within: str | None, years: Iterable[int]) -> dict[int, dict[str, int]]:
    """Achievements per year and kind (the three-year table)."""
    return _achievement_counts(scope(Achievement.objects.all(), user, PROGRAM, within=within), years)


def team_organisations(*, user: Actor) -> QuerySet[Organisation]:
    """Who may lead a 揭榜 team: any university or institute (public bodies, often from outside
    the region), and the enterprises in the user's reach."""
    public = Q(kind__in=[Organisation.Kind.UNIVERSITY, Organisation.Kind.INSTITUTE])
    enterprises = Q(kind=Organisation.Kind.ENTERPRISE) & scope_q(Organisation, user, PROGRAM)
    return Organisation.objects.filter(public | enterprises).order_by("kind", "name")


def officers(*, user: Actor, within: str | None = None) -> QuerySet[Person]:
    return scope(Person.objects.select_related("organisation"), user, PROGRAM, within=within)


# --- milestones for the workflow's meeting agendas ------------------------------------------------------


def workflow_milestones(*, region_prefix: str, start: datetime, end: datetime):
    """Due 一企一策 and 揭榜挂帅 milestones (the ``milestones`` hook of the ProgramConfig)."""
    from django.urls import reverse

    from countyworks.workflow.milestones import Milestone

    def at(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(17, 30)))

    window = {"due_on__gte": start.date(), "due_on__lte": end.date(), "done_on__isnull": True}
    for item in PlanMilestone.objects.filter(
        plan__organisation__region__code__startswith=region_prefix, **window
    ).select_related("plan__organisation", "plan__officer"):
        yield Milestone(
            title=gettext("一企一策：%(organisation)s · %(title)s")
            % {"organisation": item.plan.organisation.name, "title": item.title},
            due_at=at(item.due_on),
            region_code=item.plan.organisation.region_id,
            source=gettext("一企一策"),
            owner_label=item.plan.officer.name if item.plan.officer else "",
            url=reverse("innovation:enterprise-detail", args=[item.plan.organisation_id]),
        )
    for step in ChallengeMilestone.objects.filter(
        challenge__region__code__startswith=region_prefix, **window
    ).select_related("challenge"):
        yield Milestone(
            title=gettext("揭榜挂帅：%(challenge)s · %(title)s")
            % {"challenge": step.challenge.title, "title": step.title},
            due_at=at(step.due_on),
            region_code=step.challenge.region_id,
            source=gettext("揭榜挂帅"),
            url=reverse("innovation:challenge-detail", args=[step.challenge_id]),
        )
