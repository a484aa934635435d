"""The access gate (core/permissions.py): 404 outside the program or the area, 403 for a write the
account may not make (只读账号 for read-only roles), and SYSTEM as the only way to act as the platform."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from countyworks.core.actors import SYSTEM, recorded_user
from countyworks.core.models import Organisation, Program, Role
from countyworks.core.permissions import (
    READ_ONLY_MESSAGE,
    access_program_or_404,
    access_write_object,
    access_write_program,
    access_write_region,
    program_required,
    require_write,
)
from countyworks.core.scoping import SHARED, scope
from countyworks.core.services import audited_save
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
READ_ONLY = str(READ_ONLY_MESSAGE)


@pytest.fixture
def orgs(db):
    return (
        Organisation.objects.create(name="常宁新河鱼业有限公司", region_id="430482100201"),
        Organisation.objects.create(name="娄底爱派尔科技有限公司", region_id="431302"),
    )


# --- access_* ------------------------------------------------------------------------------------------


def test_a_program_not_open_to_the_user_is_a_404(outsider, village_clerk, hunan):
    with pytest.raises(Http404):
        access_program_or_404(outsider, Program.INNOVATION)
    with pytest.raises(Http404):  # village officials work on the local programs only
        access_program_or_404(village_clerk, Program.ENERGY)
    access_program_or_404(hunan, Program.ENERGY)
    access_program_or_404(village_clerk, Program.COURTYARDS)


@pytest.mark.parametrize("persona", ["hunan", "auditor"])
def test_read_only_roles_are_told_they_are_read_only(persona, request):
    user = request.getfixturevalue(persona)
    for program in (Program.INNOVATION, Program.ENERGY, SHARED):
        with pytest.raises(PermissionDenied, match="只读账号"):
            access_write_program(user, program)
        with pytest.raises(PermissionDenied, match="只读账号"):
            access_write_region(user, program, "430482")


def test_write_reach_is_checked_by_region_and_organisation(changning, orgs):
    cn, lx = orgs
    access_write_region(changning, Program.INNOVATION, "430482100201")
    access_write_object(changning, SHARED, cn)
    with pytest.raises(PermissionDenied, match="无权在该区域办理此项业务"):
        access_write_region(changning, Program.INNOVATION, "431302")
    with pytest.raises(PermissionDenied, match="别处"):
        access_write_object(changning, SHARED, lx, message="别处")
    firm = make_user("firm", Role.ENTERPRISE, "430482", organisation=cn)
    access_write_region(firm, Program.INNOVATION, "430482100201", organisation_id=cn.pk)
    with pytest.raises(PermissionDenied):  # its county, but not its organisation
        access_write_region(firm, Program.INNOVATION, "430482")


def test_none_is_not_an_actor(orgs):
    """The old services skipped every check when ``acting_user`` was None; the gate refuses it."""
    with pytest.raises(PermissionDenied):
        access_write_region(None, SHARED, "430482")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        access_write_object(None, SHARED, orgs[0])  # type: ignore[arg-type]


def test_system_reaches_every_region_and_is_recorded_as_nobody(orgs):
    cn, lx = orgs
    for program in (Program.INNOVATION, Program.ENERGY, SHARED):
        access_write_program(SYSTEM, program)
        access_write_region(SYSTEM, program, "431302")
        access_write_object(SYSTEM, program, lx)
    assert set(scope(Organisation.objects.all(), SYSTEM, SHARED, "write")) == {cn, lx}
    assert recorded_user(SYSTEM) is None
    cn.name = "常宁新河鱼业股份有限公司"
    audited_save(cn, acting_user=SYSTEM, reason="系统更名")
    assert cn.history.latest().history_user is None
    assert str(SYSTEM) == "系统" and repr(SYSTEM) == "SYSTEM"


# --- decorators ----------------------------------------------------------------------------------------


def _view(request) -> HttpResponse:
    return HttpResponse(f"can_write={request.can_write}")


def _call(view, user, method: str = "get") -> HttpResponse:
    request = getattr(RequestFactory(), method)("/x/")
    request.user = user
    return view(request)


def test_program_required_sends_anonymous_users_to_login_and_others_away_with_404(outsider):
    view = program_required(Program.ENERGY)(_view)
    response = _call(view, AnonymousUser())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    with pytest.raises(Http404):
        _call(view, outsider)


def test_program_required_tells_templates_whether_the_user_may_write(hunan, changning):
    view = program_required(Program.ENERGY)(_view)
    assert _call(view, hunan).content == b"can_write=False"
    assert _call(view, changning).content == b"can_write=True"


def test_require_write_refuses_a_forced_post_from_a_read_only_account(hunan, changning):
    view = require_write(SHARED)(_view)
    assert _call(view, hunan).status_code == 200  # reading the page is fine
    with pytest.raises(PermissionDenied) as refused:
        _call(view, hunan, "post")
    assert str(refused.value) == READ_ONLY
    assert _call(view, changning, "post").status_code == 200
    with pytest.raises(PermissionDenied):  # a page that is only a write form refuses the GET too
        _call(require_write(SHARED, all_methods=True)(_view), hunan)


def test_the_403_page_shows_the_message_inside_the_app_shell(hunan, login):
    response = login(hunan).post(reverse("workflow:ticket-new"), {"title": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert READ_ONLY in body
    assert 'class="sidenav"' in body  # the app shell: navigation stays


def test_the_api_answers_a_refused_write_with_403_and_the_message(hunan, client):
    from countyworks.core.services import api_token_create

    _token, raw = api_token_create(user=hunan)
    response = client.post(
        "/api/v1/workflow/tickets",
        {
            "subject_type": "core.region",
            "subject_id": "430482",
            "title": "x",
            "region": "430482",
            "policy_code": "overnight",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": READ_ONLY}
