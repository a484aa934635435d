"""The generated scoping test: every URL and API route × role × region of the demo.

It loads the whole demo, then for each persona requests every route — list pages, detail pages
filled with the keys of objects *outside* the persona's grant, exports and API endpoints — and
proves two things:

- **nothing outside the grant is readable**: no response body (HTML, JSON, or the cells of an
  xlsx export) contains the name of any object that lies outside the persona's reach;
- **nothing outside the grant is writable**: POSTing to every route with those keys adds no
  history row to any object outside the persona's reach.

Objects are found generically: every model with history (every domain model) that declares its
region via ``SCOPE_REGION`` (default ``region__code``). Every route is tried with the keys of every
model; a path the province's administrator gets 404 for (no object of the route's kind has that
key) is asked once per class by the administrator and skipped by the personas (:class:`UpperBound`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from countyworks.core.actors import SYSTEM
from countyworks.core.demo import load_demo
from countyworks.core.models import Region, Role, RoleGrant
from countyworks.core.scoping import SHARED, scope
from tests.conftest import loaded_once

#: Routes that are public or not about domain data.
SKIPPED_PREFIXES = (
    "admin/",
    "i18n/",
    "static/",
    "media/",
    "accounts/logout/",
    "api/v1/docs",
    "api/v1/openapi",
)
#: Objects whose display names are this short or generic are not usable as leak canaries.
MIN_CANARY_LENGTH = 4
MAX_KEYS_PER_MODEL = 2
#: Canaries are sampled per model so that every model's names are checked.
CANARIES_PER_MODEL = 25


@dataclass(frozen=True)
class Route:
    pattern: str
    converters: dict[str, str]  # kwarg name → converter kind (int, str, slug, path)


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            converters = {
                name: type(conv).__name__.replace("Converter", "").lower()
                for name, conv in getattr(entry.pattern, "converters", {}).items()
            }
            yield Route(pattern.lstrip("^"), converters)


def all_routes() -> list[Route]:
    routes = [r for r in _walk(get_resolver()) if not r.pattern.startswith(SKIPPED_PREFIXES)]
    return [r for r in routes if "(?P<" not in r.pattern or r.converters]


def scoped_models() -> list[type[models.Model]]:
    """Domain models that keep history and live in a region."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "admin", "contenttypes", "sessions", "axes", "huey"}:
            continue
        if not hasattr(model, "history") or model.__name__.startswith("Historical"):
            continue
        if hasattr(model, "SCOPE_REGION") and model.SCOPE_REGION is None:  # reference data of every region
            continue
        found.append(model)
    return found


def _program(model: type[models.Model]) -> str:
    return getattr(model, "SCOPE_PROGRAM", SHARED)


def outside_objects(user) -> dict[type[models.Model], list[models.Model]]:
    """Per model, the objects the user cannot read."""
    result: dict[type[models.Model], list[models.Model]] = {}
    for model in scoped_models():
        if model is Region:
            continue
        visible = scope(model._default_manager.all(), user, _program(model))
        # In key order: the first keys of one model are mostly the first keys of the others, so the
        # keys tried on a route (MAX_KEYS_PER_MODEL of every model) repeat instead of adding up.
        result[model] = list(model._default_manager.exclude(pk__in=visible.values("pk")).order_by("pk"))
    return result


def public_words() -> set[str]:
    """Words every user may see whatever their area: the Chinese headers of the import kinds (the
    import page documents them; a default score sheet's item is named as its column is)."""
    from countyworks.core.importing import IMPORTERS

    return {column.alias_zh for importer in IMPORTERS.values() for column in importer.columns}


def canaries_for(user, outside: dict[type[models.Model], list[models.Model]]) -> re.Pattern[str] | None:
    """A regex matching the display name of any object the user must not see."""
    inside_names: set[str] = public_words()
    for model in scoped_models():
        if model is Region:
            continue
        for obj in scope(model._default_manager.all(), user, _program(model))[:5000]:
            inside_names.add(str(obj))
    names: list[str] = []
    for objects in outside.values():
        sampled = 0
        for obj in objects:
            name = str(obj)
            if len(name) < MIN_CANARY_LENGTH or name.isdigit() or name in inside_names or name in names:
                continue
            if any(name in inside for inside in inside_names):
                continue
            names.append(name)
            sampled += 1
            if sampled == CANARIES_PER_MODEL:
                break
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in names))


def candidate_kwargs(
    route: Route, outside: dict[type[models.Model], list[models.Model]]
) -> Iterator[dict[str, str]]:
    """Fill a route's parameters with keys of objects outside the grant."""
    names = list(route.converters)
    if not names:
        yield {}
        return
    if "label" in names and len(names) == 2:
        other = next(n for n in names if n != "label")
        for model, objects in outside.items():
            for obj in objects[:MAX_KEYS_PER_MODEL]:
                yield {"label": model._meta.label_lower, other: str(obj.pk)}
        return
    keys: list[str] = []
    for objects in outside.values():
        keys.extend(str(obj.pk) for obj in objects[:MAX_KEYS_PER_MODEL])
    for key in dict.fromkeys(keys):
        if all(route.converters[n] != "int" or key.isdigit() for n in names):
            yield {n: key for n in names}


def render(route: Route, kwargs: dict[str, str]) -> str:
    path = route.pattern
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    path = re.sub(r"^\^|\$$", "", path)
    return "/" + path


def body_text(response) -> str:
    """The text a person or a client would read: HTML, JSON with its escapes undone, or xlsx cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def history_count(objects: dict[type[models.Model], list[models.Model]]) -> int:
    total = 0
    for model, rows in objects.items():
        if rows:
            total += model.history.filter(**{f"{model._meta.pk.attname}__in": [r.pk for r in rows]}).count()
    return total


PERSONAS = [
    ("changning", Role.OFFICER, "430482", ""),
    ("louxing", Role.OFFICER, "431302", ""),
    ("zhangjiajie", Role.OFFICER, "4308", ""),
    ("yuanjiang", Role.OFFICER, "430981", ""),
    ("shaoyang", Role.OFFICER, "430523", ""),
    ("ln_energy", Role.OPERATOR, "430981", ""),
    ("ln_village", Role.VILLAGE, "430482", ""),
]


#: The personas as test parameters: one test item per persona and check.
MATRIX_PARAMS = [pytest.param(persona, id=persona[0]) for persona in PERSONAS]


#: The whole demo, loaded once for a test class inside a transaction rolled back after it.
demo = loaded_once(load_demo, scope="class")


class UpperBound:
    """What the province's administrator (every program, read and write, all of Hunan) gets for a
    path, asked once per path and remembered for the class.

    The administrator reads a superset of what any persona reads, so a path that answers them 404
    (no object of the route's kind has that key) answers 404 to every persona: the personas skip
    it. A path whose GET is refused whatever the user — 405 (a POST-only route) or 422 (the API
    refuses the parameters before any lookup) — has no page to read: the read check skips it, the
    write check posts to it. Keys of every model are still tried on every route — by the
    administrator.
    """

    def __init__(self, client) -> None:
        self.client = client
        self.status: dict[str, int] = {}

    def _status(self, path: str) -> int:
        if path not in self.status:
            self.status[path] = self.client.get(path).status_code
        return self.status[path]

    def exists(self, path: str) -> bool:
        """Something lies behind the path (a persona's POST to it is tried)."""
        return self._status(path) != 404

    def readable(self, path: str) -> bool:
        """The path's GET answers with a page for someone (a persona's GET to it is tried)."""
        return self._status(path) not in (404, 405, 422)


@pytest.fixture(scope="class")
def upper_bound(demo, django_db_blocker) -> UpperBound:
    from django.test import Client

    with django_db_blocker.unblock():
        admin = get_user_model().objects.create(username="matrix_upper_bound")
        RoleGrant.objects.create(user=admin, role=Role.ADMIN, region_id="43")
        client = Client()
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return UpperBound(client)


class _OnePersonaOnTheDemo:
    """Every persona, on one load of the demo per class.

    The checks are classes: under xdist (``make test``: ``--dist loadscope``) a class is one unit
    of work, so each runs on one worker with one load of the demo, side by side. The demo is loaded inside a transaction rolled back when the class is done; each
    test runs in a savepoint of it, so a write made by one persona's POSTs is undone before the
    next persona starts.
    """

    @pytest.fixture
    def persona(self, request, demo, db, client):
        """The persona logged in on the client, with the objects outside its grant."""
        username, role, region, program = request.param
        user = get_user_model().objects.create(username=f"matrix_{username}")
        RoleGrant.objects.create(user=user, role=role, region_id=region, program=program)
        user = get_user_model().objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return username, user, outside_objects(user)


@pytest.mark.slow
class TestNoRouteShowsAnythingOutsideTheGrant(_OnePersonaOnTheDemo):
    @pytest.mark.parametrize("persona", MATRIX_PARAMS, indirect=True)
    def test_for_persona(self, persona, client, upper_bound):
        username, user, outside = persona
        canary = canaries_for(user, outside)
        assert canary is not None, f"{username}: nothing outside the grant to look for"
        routes = all_routes()
        problems: list[str] = []
        requested: set[str] = set()
        for route in routes:
            for kwargs in candidate_kwargs(route, outside):
                path = render(route, kwargs)
                requested.add(route.pattern)
                if not upper_bound.readable(path):
                    continue
                response = client.get(path)
                if response.status_code == 200:
                    match = canary.search(body_text(response))
                    if match:
                        problems.append(f"{username} GET {path}: shows {match.group(0)!r}")
        assert requested == {r.pattern for r in routes}, sorted({r.pattern for r in routes} - requested)
        assert not problems, "\n".join(problems[:50])


def _check_no_route_writes(persona, client, upper_bound: UpperBound) -> None:
    """POST to every route with keys outside the grant: no history row added outside it."""
    username, _user, outside = persona
    routes = [r for r in all_routes() if r.converters]
    before = history_count(outside)
    posted: set[str] = set()
    for route in routes:
        for kwargs in candidate_kwargs(route, outside):
            path = render(route, kwargs)
            posted.add(route.pattern)
            if upper_bound.exists(path):  # no object behind the key: nothing to write to
                client.post(path, {})
    assert posted == {r.pattern for r in routes}, sorted({r.pattern for r in routes} - posted)
    after = history_count(outside)
    assert after == before, f"{username}: {after - before} history rows added to objects outside the grant"


@pytest.mark.slow
class TestNoRouteWritesOutsideTheGrant(_OnePersonaOnTheDemo):
    @pytest.mark.parametrize("persona", MATRIX_PARAMS, indirect=True)
    def test_for_persona(self, persona, client, upper_bound):
        _check_no_route_writes(persona, client, upper_bound)


def _persona_ids(check: type) -> list[str]:
    marks = [m for m in getattr(check.test_for_persona, "pytestmark", []) if m.name == "parametrize"]
    assert len(marks) == 1, check.__name__
    params = marks[0].args[1]
    assert not any(p.marks for p in params), "a persona is skipped"
    return [p.id for p in params]


def test_both_checks_run_for_every_persona():
    """The split keeps the whole matrix: each check is parametrised with every persona, none
    skipped (the routes are checked inside each test against the route walk)."""
    expected = sorted(username for username, *_grant in PERSONAS)
    for check in (TestNoRouteShowsAnythingOutsideTheGrant, TestNoRouteWritesOutsideTheGrant):
        assert sorted(_persona_ids(check)) == expected, check.__name__
    assert len(all_routes()) >= 10, "the route walk found too few routes"


# --- Ticket subjects: a reference carried in a POST body ------------------------------------------

#: 娄星's objects of types a ticket must never be raised against (no region of their own), with the
#: text each would show on the ticket page.
FORBIDDEN_SUBJECTS = ("workflow.notification", "workflow.agendaitem", "core.apitoken", "auth.user")


def _louxing_forbidden_subjects(louxing) -> dict[str, tuple[models.Model, str]]:
    from django.utils import timezone

    from countyworks.core.services import api_token_create
    from countyworks.workflow.models import AgendaItem, Meeting, Notification

    notification = Notification.objects.create(
        user=louxing, kind="assigned", text="娄星机密：征地补偿方案初稿"
    )
    meeting = Meeting.objects.create(title="娄星区周调度会", region_id="431302", scheduled_at=timezone.now())
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, section="open", title="娄星议程：园区用地调整"
    )
    token, _raw = api_token_create(user=louxing, name="对接")
    return {
        "workflow.notification": (notification, notification.text),
        "workflow.agendaitem": (item, item.title),
        "core.apitoken": (token, token.key_prefix),
        "auth.user": (louxing, louxing.username),
    }


def _raise_ticket(client, raw_token: str, owner_id: int, subject_type: str, subject_id: object):
    return client.post(
        "/api/v1/workflow/tickets",
        {
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "title": "跨区探测",
            "region": "430482",
            "policy_code": "overnight",
            "owner_person_id": owner_id,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_token}",
    )


@pytest.fixture
def changning_api(changning):
    from countyworks.core.models import Person
    from countyworks.core.services import api_token_create

    owner = Person.objects.create(name="常宁经办人", region_id="430482", user=changning)
    _token, raw = api_token_create(user=changning, name="matrix")
    return raw, owner.pk


@pytest.mark.django_db
def test_tickets_cannot_be_raised_against_unlisted_types(client, changning, changning_api, louxing):
    """A 常宁 officer cannot read a 娄星 notification, agenda item, token or username through a ticket."""
    from countyworks.workflow.models import Ticket

    raw, owner_id = changning_api
    client.force_login(changning, backend="django.contrib.auth.backends.ModelBackend")
    subjects = _louxing_forbidden_subjects(louxing)
    assert set(subjects) == set(FORBIDDEN_SUBJECTS)
    problems = []
    for label, (subject, secret) in subjects.items():
        response = _raise_ticket(client, raw, owner_id, label, subject.pk)
        shown = body_text(response)
        if response.status_code == 201:
            shown += client.get(response.json()["url"]).content.decode()
        if response.status_code != 400 or secret in shown:
            problems.append(f"{label}: {response.status_code}, name shown: {secret in shown}")
    # Enumeration: an unlisted type answers the same whether the id exists or not.
    missing = _raise_ticket(client, raw, owner_id, "auth.user", 987654)
    existing = _raise_ticket(client, raw, owner_id, "auth.user", louxing.pk)
    if (missing.status_code, missing.content) != (existing.status_code, existing.content):
        problems.append(f"auth.user ids enumerable: {missing.status_code} vs {existing.status_code}")
    assert not problems, "\n".join(problems)
    assert not Ticket.objects.exists()


def _subject_of_every_allowed_type(code: str, place: str) -> dict[str, tuple[models.Model, str]]:
    """One object of each registered subject type in county ``code``, with its display name."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from countyworks.alliances.models import Alliance, Department, Member, ServiceRequest
    from countyworks.core.models import Organisation
    from countyworks.courtyards.models import Courtyard, Work
    from countyworks.energy.models import Alarm
    from countyworks.energy.services import station_create
    from countyworks.innovation.models import EnterprisePlan
    from countyworks.parks.models import Parcel, Project
    from countyworks.workflow.models import Meeting

    company = Organisation.objects.create(name=f"{place}宏达机械有限公司", region_id=code)
    plan = EnterprisePlan.objects.create(organisation=company, year=2024, measures=f"{place}帮扶措施")
    meeting = Meeting.objects.create(title=f"{place}周调度会", region_id=code, scheduled_at=timezone.now())
    station = station_create(
        acting_user=SYSTEM,
        code=f"pv-{code}",
        name=f"{place}光伏电站",
        kind="pv_ground",
        region=Region.objects.get(code=code),
        capacity_mw=Decimal("20"),
        commissioned_on=date(2021, 1, 1),
        device_counts={"inv": 1},
    )
    alarm = Alarm.objects.create(
        station=station,
        source="rule",
        code="T",
        level="异常",
        message=f"{place}逆变器过温",
        raised_at=timezone.now(),
    )
    region = Region.objects.get(code=code)
    town = Region.objects.get(code=f"{code}100")
    alliance = Alliance.objects.create(name=f"{place}产业联盟", region=town, industry="淡水鱼")
    department = Department.objects.create(alliance=alliance, name="技术服务", categories=["technology"])
    farm = Organisation.objects.create(name=f"{place}养鱼户", region_id=f"{code}100201", kind="individual")
    member = Member.objects.create(
        alliance=alliance, organisation=farm, chain_link="breeding", village_id=f"{code}100201"
    )
    request = ServiceRequest.objects.create(
        member=member, category="technology", title=f"{place}鱼塘水质检测", department=department
    )
    project = Project.objects.create(region=region, name=f"{place}新材料产业园项目")
    parcel = Parcel.objects.create(
        region=region,
        code=f"{place}-DK01",
        category="idle",
        area_mu=Decimal("12.5"),
        identified_on=date(2023, 1, 1),
    )
    yard_region = Region.objects.create(
        code=f"{code}10020101", name=f"{place}院落", level="courtyard", parent_id=f"{code}100201"
    )
    yard = Courtyard.objects.create(region=yard_region)
    work = Work.objects.create(courtyard=yard, kind="pavilion", title=f"{place}凉亭")
    objects = [company, plan, meeting, alarm, region, request, project, parcel, work]
    return {obj._meta.label_lower: (obj, str(obj)) for obj in objects}


@pytest.mark.django_db
def test_tickets_against_out_of_area_subjects_of_every_allowed_type_are_404(
    client, changning, changning_api, louxing
):
    """Every registered subject type is scoped: 娄星's object is 404 to 常宁, 常宁's own is accepted."""
    from countyworks.workflow.models import Ticket
    from countyworks.workflow.subjects import ticket_subject_types

    raw, owner_id = changning_api
    outside = _subject_of_every_allowed_type("431302", "娄星")
    inside = _subject_of_every_allowed_type("430482", "常宁")
    assert set(outside) == set(ticket_subject_types()), "a registered subject type has no case here"
    problems = []
    for label, (subject, name) in outside.items():
        response = _raise_ticket(client, raw, owner_id, label, subject.pk)
        if response.status_code != 404 or name in body_text(response):
            problems.append(f"{label} outside: {response.status_code}")
    assert not Ticket.objects.exists()
    for label, (subject, _name) in inside.items():
        response = _raise_ticket(client, raw, owner_id, label, subject.pk)
        if response.status_code != 201:
            problems.append(f"{label} inside: {response.status_code} {body_text(response)}")
    assert not problems, "\n".join(problems)


# --- Profiles: an organisation's id or a village's code in the URL (docs/profiles.md) ----------------

#: The profile routes, each with the key of its subject: pages and API resources.
PROFILE_ROUTES = (
    ("/orgs/{org}/", "org"),
    ("/api/v1/core/organisations/{org}/profile", "org"),
    ("/villages/{village}/", "village"),
    ("/api/v1/core/villages/{village}/profile", "village"),
)


def _profile_subjects(code: str, place: str) -> dict[str, tuple[str, str]]:
    """An organisation and a village of county ``code`` with a fact of their own, and their names."""
    from datetime import date
    from decimal import Decimal

    from countyworks.alliances.models import VillageIncome
    from countyworks.core.models import Organisation
    from countyworks.parks.models import Parcel

    town, _created = Region.objects.get_or_create(
        code=f"{code}100", defaults={"name": f"{place}镇", "level": "town", "parent_id": code}
    )
    village, _created = Region.objects.get_or_create(
        code=f"{code}100201", defaults={"name": f"{place}示范村", "level": "village", "parent_id": town.code}
    )
    company = Organisation.objects.create(name=f"{place}画像机械有限公司", region_id=code)
    Parcel.objects.create(
        region_id=code,
        code=f"{place}-HX01",
        category="idle",
        area_mu=Decimal(3),
        identified_on=date(2023, 1, 1),
        holder=company,
    )
    VillageIncome.objects.create(region=village, year=2023, source="operating", amount_fen=12_345_600)
    return {"org": (str(company.pk), f"{place}-HX01"), "village": (village.code, "12.35")}


@pytest.mark.django_db
def test_profiles_of_out_of_area_subjects_are_404(client, changning, changning_api):
    """娄星's organisation and village profiles are 404 to a 常宁 officer (page and API) and show
    nothing of them; 常宁's own answer with their facts."""
    raw, _owner = changning_api
    client.force_login(changning, backend="django.contrib.auth.backends.ModelBackend")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    outside = _profile_subjects("431302", "娄星")
    inside = _profile_subjects("430482", "常宁")
    problems = []
    for route, kind in PROFILE_ROUTES:
        key, fact = outside[kind]
        response = client.get(route.format(**{kind: key}), **auth)
        if response.status_code != 404 or fact in body_text(response):
            problems.append(f"{route} outside: {response.status_code}")
        key, fact = inside[kind]
        response = client.get(route.format(**{kind: key}), **auth)
        if response.status_code != 200 or fact not in body_text(response):
            problems.append(f"{route} inside: {response.status_code}")
    assert not problems, "\n".join(problems)
