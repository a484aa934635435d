"""Load the 娄星经济开发区 demo from :mod:`.records` (idempotent, bulk inserts with history)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from countyworks.core.actors import SYSTEM
from countyworks.core.demo_showcase import showcase_enterprise
from countyworks.core.models import Organisation, Person, Program, Region
from countyworks.core.program_regions import region_program_set
from countyworks.parks.demo import records as R
from countyworks.parks.models import (
    STAGE_DATES,
    AssessmentIndicator,
    Chain,
    ChainEnterprise,
    ChainLink,
    DisposalAction,
    FactoryRevitalisation,
    Infrastructure,
    InvestmentLead,
    Milestone,
    MujunPolicy,
    Parcel,
    ParkAssessment,
    ParkIndicatorValue,
    Project,
)
from countyworks.parks.services import mujun_evaluate, project_problem_raise

M = TypeVar("M", bound=models.Model)
REGION = R.LOUXING
#: The low-efficiency parcel the profiles' showcase enterprise holds (core/demo_showcase.py).
SHOWCASE_PARCEL = "LX-DX-03"


def _bulk(objs: Iterable[M]) -> list[M]:
    items = list(objs)
    if not items:
        return []
    return list(bulk_create_with_history(items, type(items[0])))


def _organisations(names: Iterable[str], kind: str = Organisation.Kind.ENTERPRISE) -> dict[str, Organisation]:
    """The named organisations of 娄星区, created in one insert where missing."""
    wanted = list(dict.fromkeys(names))
    found = {o.name: o for o in Organisation.objects.filter(region_id=REGION, name__in=wanted)}
    _bulk(Organisation(name=n, region_id=REGION, kind=kind) for n in wanted if n not in found)
    found.update({o.name: o for o in Organisation.objects.filter(region_id=REGION, name__in=wanted)})
    return found


def _day(value: date | int, today: date) -> date:
    """A fixed day, or an offset in days from today (the projects still under way)."""
    return value if isinstance(value, date) else today + timedelta(days=value)


def _chains() -> tuple[dict[str, ChainLink], list[tuple[str, str, int, int]]]:
    chains = _bulk(
        Chain(region_id=REGION, name=name, lead_industry=lead) for name, (lead, _l) in R.CHAINS.items()
    )
    by_name = {c.name: c for c in chains}
    links = _bulk(
        ChainLink(chain=by_name[chain], position=pos, name=name, order=i)
        for chain, (_lead, items) in R.CHAINS.items()
        for i, (pos, name, _a, _b) in enumerate(items)
    )
    link_map = {f"{link.chain.name}/{link.name}": link for link in links}
    members = [
        (chain, name, above, below)
        for chain, (_lead, items) in R.CHAINS.items()
        for _pos, name, above, below in items
    ]
    return link_map, members


def _chain_enterprises(
    link_map: dict[str, ChainLink], members: list[tuple[str, str, int, int]]
) -> list[tuple[str, bool]]:
    rows: list[tuple[str, str, str, bool]] = []
    counters: dict[str, int] = {}
    for chain, link, above, below in members:
        named = R.NAMED_ENTERPRISES.get((chain, link), [])
        for i in range(above + below):
            if i < len(named):
                name = named[i]
            else:
                counters[chain] = counters.get(chain, 0) + 1
                name = R.enterprise_name(chain, counters[chain] - 1)
            rows.append((chain, link, name, i < above))
    orgs = _organisations(name for _c, _l, name, _a in rows)
    _bulk(
        ChainEnterprise(link=link_map[f"{chain}/{link}"], organisation=orgs[name], above_scale=above)
        for chain, link, name, above in rows
    )
    return [(name, above) for _c, _l, name, above in rows]


def _leads(link_map: dict[str, ChainLink]) -> dict[str, InvestmentLead]:
    orgs = _organisations(lead[1] for lead in R.LEADS)
    leads = []
    for name, company, tags, chain, link, amount, fixed, working, dates in R.LEADS:
        lead = InvestmentLead(
            region_id=REGION,
            name=name,
            company=orgs[company],
            tags=list(tags),
            chain_link=link_map[f"{chain}/{link}"],
            contracted_yi=amount,
            funds_fixed_yi=fixed,
            funds_working_yi=working,
        )
        for (_stage, attr), day in zip(STAGE_DATES, dates, strict=True):
            setattr(lead, attr, day)
        lead.full_clean()
        leads.append(lead)
    return {lead.name: lead for lead in _bulk(leads)}


def _task_force() -> list[Person]:
    zone = _organisations(["娄星经济开发区管理委员会"], Organisation.Kind.GOVERNMENT)[
        "娄星经济开发区管理委员会"
    ]
    people = []
    for name, title in (("刘建军", "专班组长"), ("罗海涛", "专班成员"), ("周卫东", "专班联络员")):
        person = Person.objects.filter(region_id=REGION, name=name).first()
        if person is None:
            person = Person.objects.create(region_id=REGION, name=name, title=title, organisation=zone)
        people.append(person)
    return people


def _projects(leads: dict[str, InvestmentLead], today: date) -> dict[str, Project]:
    owners = _organisations(p[3] for p in R.PROJECTS)
    projects = _bulk(
        Project(
            region_id=REGION,
            name=name,
            kind=kind,
            lead=leads.get(lead_name),
            owner=owners[owner],
            total_investment_yi=amount,
            provincial_key=provincial,
            city_key=city,
        )
        for name, lead_name, kind, owner, amount, provincial, city, _m in R.PROJECTS
    )
    by_name = {p.name: p for p in projects}
    _bulk(
        Milestone(
            project=by_name[name],
            kind=kind,
            planned_on=_day(planned, today),
            actual_on=None if actual is None else _day(actual, today),
        )
        for name, *_rest, plan in R.PROJECTS
        for kind, planned, actual in plan
    )
    members = _task_force()
    through = Project.task_force.through
    through.objects.bulk_create(
        [through(project_id=p.pk, person_id=person.pk) for p in projects for person in members]
    )
    return by_name


def _land() -> None:
    parcels = _bulk(
        Parcel(
            region_id=REGION,
            code=code,
            category=category,
            area_mu=area,
            location=where,
            planned_use=use,
            identified_on=day,
        )
        for code, category, area, where, use, day, _a in R.PARCELS
    )
    by_code = {p.code: p for p in parcels}
    _bulk(
        DisposalAction(parcel=by_code[code], kind=kind, area_mu=area, disposed_on=day)
        for code, *_rest, actions in R.PARCELS
        for kind, area, day in actions
    )
    introduced = _organisations(n for *_f, names in R.FACTORIES for n in names)
    factories = _bulk(
        FactoryRevitalisation(region_id=REGION, name=name, floor_m2=m2, revitalised_on=day)
        for name, m2, day, _n in R.FACTORIES
    )
    through = FactoryRevitalisation.enterprises.through
    through.objects.bulk_create(
        [
            through(factoryrevitalisation_id=f.pk, organisation_id=introduced[n].pk)
            for f, (*_x, names) in zip(factories, R.FACTORIES, strict=True)
            for n in names
        ]
    )


def _assessments() -> None:
    _bulk(
        ParkAssessment(
            region_id=REGION,
            park=R.PARK,
            year=year,
            park_class=ParkAssessment.ParkClass.PROVINCIAL,
            score=score,
            rank=rank,
            parks_in_class=n,
            title=title,
        )
        for year, rank, n, score, title in R.ASSESSMENTS
    )
    existing = set(AssessmentIndicator.objects.values_list("code", flat=True))
    _bulk(
        AssessmentIndicator(code=code, group=group, dimension=dim, name=name, unit=unit, weight=weight)
        for code, group, dim, name, unit, weight in R.INDICATORS
        if code not in existing
    )
    indicators = {i.code: i for i in AssessmentIndicator.objects.all()}
    _bulk(
        ParkIndicatorValue(
            region_id=REGION, indicator=indicators[code], year=2022, value=value, target=target
        )
        for code, (value, target) in R.INDICATOR_VALUES.items()
    )
    _bulk(
        Infrastructure(region_id=REGION, name=n, unit=u, target=t, actual=a, as_of=d, note=note)
        for n, u, t, a, d, note in R.INFRASTRUCTURE
    )
    _bulk(MujunPolicy(region_id=REGION, klass=k, class_label=label, measure=m) for k, label, m in R.POLICIES)


def _mujun(enterprises: list[tuple[str, bool]]) -> None:
    """2022 亩均 figures of the chain enterprises (seeded, deterministic), evaluated with the default set;
    benchmarks are twice the group's mean (the demo's stand-in for the prior-year county average)."""
    rng = random.Random(431302)
    rows: list[dict[str, Any]] = []
    for i, (name, above) in enumerate(enterprises):
        land = Decimal(rng.randint(8, 180)) if above else Decimal(rng.randint(2, 30))
        per_mu_tax = Decimal(rng.randint(20, 600)) / 10
        per_mu_rev = per_mu_tax * rng.randint(15, 40)
        row = {
            "id": name,
            "group": "above" if above else "below",
            "land_mu": land,
            "tax": (land * per_mu_tax).quantize(Decimal("0.01")),
            "revenue": (land * per_mu_rev).quantize(Decimal("0.01")),
            "energy_tce": Decimal(rng.randint(50, 5000)) if above else Decimal(rng.randint(5, 200)),
            "production_years": 1 if i % 17 == 5 else rng.randint(2, 15),
        }
        rows.append(row)
    for group in ("above", "below"):
        members = [r for r in rows if r["group"] == group]
        n = Decimal(len(members))
        tax = sum((r["tax"] / r["land_mu"] for r in members), Decimal(0)) / n
        rev = sum((r["revenue"] / r["land_mu"] for r in members), Decimal(0)) / n
        energy = sum((r["tax"] / r["energy_tce"] for r in members), Decimal(0)) / n
        for r in members:
            r["bench_tax_per_mu"] = (2 * tax).quantize(Decimal("0.01"))
            r["bench_revenue_per_mu"] = (2 * rev).quantize(Decimal("0.01"))
            r["bench_tax_per_energy"] = (2 * energy).quantize(Decimal("0.0001"))
    orgs = _organisations(name for name, _a in enterprises)
    showcase = showcase_enterprise()
    if showcase is not None:  # the profiles' showcase (core/demo_showcase.py), against the same benchmarks
        bench = next(r for r in rows if r["group"] == "above")
        land = Decimal(46)
        rows.append(
            {
                **{k: v for k, v in bench.items() if k.startswith("bench_")},
                "id": showcase.name,
                "group": "above",
                "land_mu": land,
                "tax": (land * Decimal("38.5")).quantize(Decimal("0.01")),
                "revenue": (land * Decimal("1040")).quantize(Decimal("0.01")),
                "energy_tce": Decimal(1350),
                "production_years": 9,
            }
        )
        orgs[showcase.name] = showcase
    mujun_evaluate(
        region_code=REGION,
        year=2022,
        ruleset_code="mujun-huaian-2023",
        rows=rows,
        organisations=orgs,
        acting_user=SYSTEM,
    )


def _problems(projects: dict[str, Project]) -> None:
    leader = Person.objects.filter(region_id=REGION, name="刘建军").first()
    for name, title, category in R.PROBLEMS:
        project_problem_raise(
            project=projects[name], title=title, category=category, owner_person=leader, acting_user=SYSTEM
        )


@transaction.atomic
def load_demo() -> None:
    """Create the 娄星经济开发区 records (skipped once its chains exist)."""
    region_program_set(
        acting_user=SYSTEM, region=Region.objects.get(code=REGION), program=Program.PARKS, enabled=True
    )
    if Chain.objects.filter(region_id=REGION).exists():
        return
    today = timezone.localdate()
    link_map, members = _chains()
    enterprises = _chain_enterprises(link_map, members)
    leads = _leads(link_map)
    projects = _projects(leads, today)
    _land()
    _assessments()
    _mujun(enterprises)
    _problems(projects)
    _showcase()


def _showcase() -> None:
    """The showcase enterprise as the holder of a parcel partly redeveloped, and its land problem
    on the 专班's chain — overdue, so the weekly 调度会's agenda, regenerated, carries it
    (docs/profiles.md)."""
    from countyworks.workflow.models import EscalationChain, Meeting
    from countyworks.workflow.services import meeting_generate_agenda, ticket_open

    showcase = showcase_enterprise()
    if showcase is None:
        return
    # An existing parcel of the article's clean-up, already partly redeveloped: the park's figures stay.
    parcel = Parcel.objects.get(region_id=REGION, code=SHOWCASE_PARCEL)
    parcel.holder = showcase
    parcel.save(update_fields=["holder"])
    chain = EscalationChain.objects.filter(code="louxing-parks").first()
    if chain is None:  # the workflow demo is not loaded: no 专班 to raise the problem to
        return
    now = timezone.now()
    ticket_open(
        subject=parcel,
        title="长青汽车零部件涟滨片区低效用地二期改造规划调整审批",
        category="land",
        region=REGION,
        policy_code="overnight",
        chain=chain,
        organisation=showcase,
        program=Program.PARKS,
        acting_user=SYSTEM,
        description="二期厂房加层需调整容积率，规划许可待批。",
        opened_at=now - timedelta(days=12),
    )
    upcoming = (
        Meeting.objects.filter(region_id=REGION, state=Meeting.State.PLANNED)
        .order_by("-scheduled_at")
        .first()
    )
    if upcoming is not None:
        meeting_generate_agenda(meeting=upcoming, acting_user=SYSTEM)
