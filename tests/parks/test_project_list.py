"""The project list's milestone progress, counted in SQL, is what the milestones themselves give."""

from __future__ import annotations

from datetime import date

import pytest

from countyworks.parks import presenters, selectors
from countyworks.parks.demo import load_demo
from countyworks.parks.models import Milestone, Project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [date(2023, 1, 1), date(2023, 12, 31), date(2026, 12, 7)])
def test_sql_counts_equal_the_milestone_rows(louxing, today):
    load_demo()
    project = Project.objects.first()
    # a second pending milestone planned on the same day: the next one is the first by id
    Milestone.objects.filter(project=project).update(actual_on=None, planned_on=date(2023, 6, 1))
    listed = list(selectors.project_list(user=louxing, today=today).order_by("pk"))
    loaded = list(selectors.projects(user=louxing).order_by("pk"))
    assert len(listed) == len(loaded) == Project.objects.count() > 0
    expected = presenters.project_rows(loaded, today)
    got = presenters.project_list_rows(listed)
    assert any(row["done"] for row in expected) and any(row["next"] for row in expected)
    if today.year > 2023:
        assert any(row["delayed"] for row in expected)
    for want, have in zip(expected, got, strict=True):
        assert want["project"].pk == have["project"].pk
        assert (want["delayed"], want["done"], want["total"]) == (
            have["delayed"],
            have["done"],
            have["total"],
        )
        if want["next"] is None:
            assert have["next"] is None
        else:
            assert (want["next"].kind, want["next"].planned_on) == (
                have["next"].kind,
                have["next"].planned_on,
            )


def test_out_of_area_projects_are_not_listed(louxing, changning):
    load_demo()
    assert selectors.project_list(user=louxing, today=date(2026, 12, 7)).count() == Project.objects.count()
    assert selectors.project_list(user=changning, today=date(2026, 12, 7)).count() == 0
