"""Programs per region (core/program_regions.py): a county sees the programs it runs, nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from countyworks import cli
from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region, RegionProgram
from countyworks.core.navigation import nav_for
from countyworks.core.program_regions import programs_run_in, region_program_set, runs_for

pytestmark = pytest.mark.django_db


def _take_up(code: str, program: str) -> None:
    region_program_set(
        acting_user=SYSTEM, region=Region.objects.get(code=code), program=program, enabled=True
    )


def _nav_programs(user) -> set[str]:
    return {str(entry["program"]) for entry in nav_for(user)}


def test_an_unconfigured_area_runs_every_program(changning):
    assert programs_run_in("430482") is None
    assert runs_for(changning, "innovation") and runs_for(changning, "energy")
    assert {"innovation", "energy", "shared"} <= _nav_programs(changning)


def test_a_county_sees_only_the_programs_it_took_up(changning, louxing):
    _take_up("430482", "alliances")
    _take_up("431302", "innovation")
    assert "innovation" not in _nav_programs(changning)
    assert "shared" in _nav_programs(changning)  # the workflow always runs
    assert "innovation" in _nav_programs(louxing)
    assert programs_run_in("430482") == {"alliances"}


def test_a_province_leader_sees_every_program_one_of_its_counties_runs(hunan):
    _take_up("431302", "innovation")
    _take_up("430981", "energy")
    assert {"innovation", "energy"} <= _nav_programs(hunan)
    assert programs_run_in("43") == {"innovation", "energy"}


def test_a_row_at_an_ancestor_covers_the_counties_below_it(changning):
    _take_up("43", "innovation")
    assert runs_for(changning, "innovation")
    assert not runs_for(changning, "energy")


def test_a_program_page_in_an_area_that_does_not_run_it_says_so(changning, login):
    _take_up("430482", "alliances")
    page = login(changning).get(reverse("innovation:home"))
    assert page.status_code == 404  # as any page outside the user's reach, but saying why
    assert "本地区未开通此项目" in page.content.decode()
    assert "科技创新" in page.content.decode()


def test_home_shows_only_the_tiles_of_programs_the_area_runs(changning, login):
    client = login(changning)
    before = client.get("/").context["tiles"]
    _take_up("430482", "alliances")
    after = client.get("/").context["tiles"]
    assert len(after) < len(before)


def test_the_administrator_takes_a_program_up_on_the_page_audited(county_admin, login):
    client = login(county_admin)
    assert client.get(reverse("region-programs")).status_code == 200
    response = client.post(reverse("region-programs"), {"region": "430482", "program": ["energy"]})
    assert response.status_code == 302
    row = RegionProgram.objects.get(region_id="430482")
    assert row.program == "energy"
    assert row.history.get().history_user == county_admin
    client.post(reverse("region-programs"), {"region": "430482", "program": ["innovation"]})
    assert set(RegionProgram.objects.values_list("program", flat=True)) == {"innovation"}
    assert RegionProgram.history.filter(history_type="-").count() == 1


def test_an_administrator_cannot_configure_outside_their_area(county_admin, login):
    client = login(county_admin)
    response = client.post(
        reverse("region-programs"), {"region": "431302", "program": ["parks"]}, follow=True
    )
    assert "不在您管理的区域内" in response.content.decode()
    assert not RegionProgram.objects.exists()


@pytest.mark.parametrize("fixture", ["changning", "hunan"])
def test_only_administrators_open_the_page(request, login, fixture):
    user = request.getfixturevalue(fixture)
    assert login(user).get(reverse("region-programs")).status_code == 404
    assert "region-programs" not in str(nav_for(user))


def test_the_command_line_takes_a_program_up_and_lists_the_regions(capsys):
    assert cli.main(["programs", "--region", "430482", "--enable", "energy"]) == 0
    assert "430482\t湖南省衡阳市常宁市\tenergy" in capsys.readouterr().out
    assert cli.main(["programs", "--region", "430482", "--enable", "nonsense"]) == 1
    assert "unknown program 'nonsense'" in capsys.readouterr().err
