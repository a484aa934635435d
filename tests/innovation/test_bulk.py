"""The campaign-sized insert writes the same rows and history as the ORM would."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.db import transaction

from countyworks.innovation.bulk import insert_with_history
from countyworks.innovation.models import EnterpriseYearData, PoolMembership, Tier

COLUMNS = (
    "organisation",
    "tier",
    "year",
    "entered_on",
    "valid_until",
    "exited_on",
    "exit_reason",
    "result",
    "note",
)


def _check(zjj, enterprise):
    with transaction.atomic():
        first = PoolMembership.objects.create(
            organisation=enterprise, tier=Tier.RESERVE, year=2021, entered_on=date(2021, 5, 1)
        )
        ids = insert_with_history(
            PoolMembership,
            COLUMNS,
            [
                (
                    enterprise.pk,
                    "tech_sme",
                    2022,
                    date(2022, 9, 30),
                    date(2022, 12, 31),
                    None,
                    "",
                    None,
                    "批量",
                ),
                (enterprise.pk, "reserve", 2022, date(2022, 3, 1), None, None, "", None, ""),
            ],
            user=zjj,
            reason="评价入库",
        )
        data_ids = insert_with_history(
            EnterpriseYearData,
            ("organisation", "year", "data", "source_campaign"),
            [(enterprise.pk, 2022, '{"employees": "100", "名称": "中文"}', None)],
            user=zjj,
        )
    assert ids == [first.pk + 1, first.pk + 2]
    tech = PoolMembership.objects.get(pk=ids[0])
    assert (tech.tier, tech.entered_on, tech.valid_until, tech.note) == (
        "tech_sme",
        date(2022, 9, 30),
        date(2022, 12, 31),
        "批量",
    )
    record = tech.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", zjj, "评价入库")
    assert record.entered_on == date(2022, 9, 30) and record.history_date is not None
    assert EnterpriseYearData.objects.get(pk=data_ids[0]).data == {"employees": "100", "名称": "中文"}
    # The ORM carries on after the reserved ids.
    later = PoolMembership.objects.create(
        organisation=enterprise, tier=Tier.HIGH_TECH, year=2022, entered_on=date(2022, 12, 15)
    )
    assert later.pk > ids[-1]


@pytest.mark.django_db
def test_insert_with_history_on_sqlite(zjj, enterprise):
    _check(zjj, enterprise)


@pytest.mark.django_db
def test_insert_needs_a_transaction(zjj, enterprise):
    transaction.get_connection().in_atomic_block = False  # as outside any atomic block
    try:
        with pytest.raises(RuntimeError):
            insert_with_history(PoolMembership, COLUMNS, [], user=zjj)
    finally:
        transaction.get_connection().in_atomic_block = True


@pytest.mark.postgres
@pytest.mark.django_db
def test_insert_with_history_on_postgresql(zjj, enterprise):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("run the suite with DATABASE_URL pointing at PostgreSQL")
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")
    _check(zjj, enterprise)
