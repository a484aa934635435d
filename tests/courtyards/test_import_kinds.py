"""Program 5's import kinds through the platform's intake: checked per row, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from countyworks.core.actors import SYSTEM
from countyworks.core.importing import IMPORTERS
from countyworks.courtyards.models import HouseholdProfile, Inspection, PointsEntry

HEADER = [
    "household",
    "month",
    "poultry_penned",
    "debris_stacked",
    "front_back_clean",
    "garden_fenced",
    "firewood_stacked",
    "violations",
    "notes",
]


def table(kind: str, rows: list[list[object]]):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return IMPORTERS[kind].read(buffer.getvalue().encode("utf-8"))


def test_inspections_are_written_through_the_service_with_totals_stars_and_points(household):
    rows = [
        HEADER,
        [household.pk, "2023-05-01", 20, 20, 20, 20, 15, 1, "柴火未码齐"],
        [household.pk, "2023-06-01", 20, 20, 20, 20, 20, 0, ""],
    ]
    result = IMPORTERS["courtyard-inspections"].import_rows(
        table("courtyard-inspections", rows), acting_user=SYSTEM
    )
    assert result.errors == [] and result.created == 2
    may = Inspection.objects.get(household=household, month=date(2023, 5, 1))
    assert may.total == Decimal("90.0") and may.stars == 5 and may.notes == "柴火未码齐"
    assert sum(PointsEntry.objects.filter(household=household).values_list("points", flat=True)) == 20
    again = IMPORTERS["courtyard-inspections"].import_rows(
        table("courtyard-inspections", rows), acting_user=SYSTEM
    )
    assert (
        again.errors == [] and again.created == 0 and again.unchanged == 2
    )  # an export re-imports unchanged


def test_bad_rows_are_named_and_nothing_is_written(household):
    rows = [
        HEADER,
        [household.pk, "2023-05-01", 20, 25, 20, 20, 20, 0, ""],
        [household.pk, "2999-01-01", 20, 20, 20, 20, 20, 0, ""],
        [household.pk, "2023-07-15", 20, 20, 20, 20, 20, 0, ""],
        [999999, "2023-08-01", 20, 20, 20, 20, 20, 0, ""],
        [household.pk, "2023-09-01", 20, 20, 20, 20, 20, 0, ""],
    ]
    result = IMPORTERS["courtyard-inspections"].import_rows(
        table("courtyard-inspections", rows), acting_user=SYSTEM
    )
    found = {(e.row, e.column): e.reason_zh for e in result.errors}
    assert found[(2, "debris_stacked")] == "「杂物堆放整齐」得分超过该项满分 20.0 分"
    assert found[(3, "month")] == "不能登记未来月份的评比"
    assert "该月1日" in found[(4, "month")]
    assert "不存在或不在您的管辖范围内" in found[(5, "household")]
    assert (6, "household") not in found
    assert not Inspection.objects.exists()


def test_another_countys_officer_cannot_import_into_this_courtyard(household, changning):
    rows = [HEADER, [household.pk, "2023-05-01", 20, 20, 20, 20, 20, 0, ""]]
    result = IMPORTERS["courtyard-inspections"].import_rows(
        table("courtyard-inspections", rows), acting_user=changning
    )
    assert [e.column for e in result.errors] == ["household"]
    assert not Inspection.objects.exists()


def test_the_assistance_flag_is_updated_by_household(household, shaoyang):
    rows = [
        ["household", "circumstances", "needs_assistance"],
        [household.pk, "丈夫外出务工，家中老人卧病", "是"],
    ]
    result = IMPORTERS["courtyard-households"].import_rows(
        table("courtyard-households", rows), acting_user=shaoyang
    )
    assert result.errors == [] and result.updated == 1
    profile = HouseholdProfile.objects.get(household=household)
    assert profile.needs_assistance and profile.circumstances == "丈夫外出务工，家中老人卧病"
    assert profile.history.count() == 2


@pytest.mark.parametrize("kind", ["courtyard-households", "courtyard-inspections"])
def test_the_kinds_are_registered(kind):
    assert IMPORTERS[kind].program == "courtyards"
