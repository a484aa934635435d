"""Scoping unit tests: prefixes, programs, organisation-bound grants, admin delegation."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from countyworks.core.models import Organisation, Program, Region, Role, RoleGrant
from countyworks.core.scoping import can_reach_region, get_scoped_or_404, scope
from countyworks.core.services import role_grant_create
from tests.conftest import make_user

CN_CODE = "91430482MA4L000003"


@pytest.fixture
def orgs(db):
    changning_org = Organisation.objects.create(name="常宁新河鱼业有限公司", region_id="430482100201")
    louxing_org = Organisation.objects.create(name="娄底爱派尔科技有限公司", region_id="431302")
    return changning_org, louxing_org


def test_county_officer_sees_only_their_county(changning, louxing, orgs):
    cn, lx = orgs
    assert list(scope(Organisation.objects.all(), changning, Program.INNOVATION)) == [cn]
    assert list(scope(Organisation.objects.all(), louxing, Program.INNOVATION)) == [lx]
    with pytest.raises(Http404):
        get_scoped_or_404(Organisation.objects.all(), changning, Program.INNOVATION, pk=lx.pk)


def test_province_leader_reads_all_but_writes_nothing(hunan, orgs):
    assert scope(Organisation.objects.all(), hunan, Program.PARKS).count() == 2
    assert scope(Organisation.objects.all(), hunan, Program.PARKS, "write").count() == 0


def test_officer_limited_to_one_program(db, orgs):
    officer = make_user("energy_only", Role.OFFICER, "430482", program=Program.ENERGY)
    assert scope(Organisation.objects.all(), officer, Program.ENERGY).count() == 1
    assert scope(Organisation.objects.all(), officer, Program.INNOVATION).count() == 0


def test_enterprise_user_sees_only_own_organisation_where_the_model_declares_it(db, orgs):
    cn, _lx = orgs
    other = Organisation.objects.create(name="常宁另一家企业", region_id="430482")
    user = make_user("firm", Role.ENTERPRISE, "430482", organisation=cn)

    class Scoped(Organisation):
        SCOPE_ORGANISATION = "pk"

        class Meta:
            proxy = True
            app_label = "core"

    assert list(scope(Scoped.objects.all(), user, Program.INNOVATION)) == [cn]
    assert other not in scope(Scoped.objects.all(), user, Program.INNOVATION)
    # A model without an organisation path gives an organisation-bound grant nothing.
    assert scope(Organisation.objects.all(), user, Program.INNOVATION).count() == 0


def test_village_official_is_local_programs_only(village_clerk):
    assert can_reach_region(village_clerk, Program.COURTYARDS, "430482100201", "write")
    assert not can_reach_region(village_clerk, Program.COURTYARDS, "430482100202", "write")
    assert not can_reach_region(village_clerk, Program.ENERGY, "430482100201")


def test_outsider_sees_nothing(outsider, orgs):
    for program in Program.values:
        assert scope(Organisation.objects.all(), outsider, program).count() == 0


def test_within_narrows_to_the_switched_region(hunan, orgs):
    assert scope(Organisation.objects.all(), hunan, Program.PARKS, within="431302").count() == 1


def test_county_admin_cannot_grant_beyond_their_county(county_admin, db):
    target = make_user("new_user")
    with pytest.raises(PermissionDenied):
        role_grant_create(
            acting_user=county_admin, user=target, role=Role.LEADER, region=Region.objects.get(code="43")
        )
    with pytest.raises(PermissionDenied):
        role_grant_create(acting_user=county_admin, user=target, role=Role.LEADER, region=None)
    grant = role_grant_create(
        acting_user=county_admin, user=target, role=Role.TOWN, region=Region.objects.get(code="430482100")
    )
    assert grant.history.count() == 1
    assert RoleGrant.objects.filter(user=target).count() == 1


def test_admin_site_refuses_a_grant_outside_the_admins_area(county_admin, client):
    county_admin.is_staff = True
    county_admin.is_superuser = True
    county_admin.save()
    target = make_user("target_user")
    client.force_login(county_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/admin/core/rolegrant/add/",
        {"user": target.pk, "role": Role.LEADER, "region": "43", "program": ""},
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=target).exists()
    client.post(
        "/admin/core/rolegrant/add/",
        {"user": target.pk, "role": Role.TOWN, "region": "430482100", "program": ""},
    )
    assert RoleGrant.objects.filter(user=target, region_id="430482100").exists()


def test_nationwide_admin_sees_every_region(db, orgs):
    nationwide = make_user("root_admin", Role.ADMIN, None)
    assert (
        scope(Organisation.objects.all(), nationwide, Program.PARKS).count()
        == Organisation.objects.count()
        == 2
    )
