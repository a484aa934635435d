"""The ladder and the two status pipelines, tested as data (docs/design.md#workflows-as-data)."""

from __future__ import annotations

from datetime import date

import pytest

from countyworks.innovation.models import (
    TIER_SPECS,
    TIERS,
    Challenge,
    EvaluationCampaign,
    PoolMembership,
    Stage,
    Tier,
    ruleset_family,
    tier_for_ruleset,
)
from countyworks.rules.registry import known_codes


def test_every_tier_has_one_spec_in_ladder_order():
    assert [s.tier for s in TIER_SPECS] == list(Tier)
    assert [s.rank for s in TIER_SPECS] == sorted(s.rank for s in TIER_SPECS)
    assert [s.stage for s in TIER_SPECS] == [
        Stage.MICRO,
        Stage.SMALL,
        Stage.SMALL,
        Stage.HIGH,
        Stage.STRONG,
        Stage.STRONG,
        Stage.STRONG,
        Stage.STRONG,
    ]


def test_every_registered_rule_set_enters_exactly_one_pool():
    pools = {code: tier_for_ruleset(code) for code in known_codes()}
    assert {code: spec.tier for code, spec in pools.items() if spec} == {
        "tech-sme-2022": Tier.TECH_SME,
        "high-tech-2016": Tier.HIGH_TECH,
        "innovative-sme-2022": Tier.INNOVATIVE_SME,
        "specialized-sme-2022": Tier.SPECIALIZED_SME,
        "little-giant-2022": Tier.LITTLE_GIANT,
        "tech-sme-2017": Tier.TECH_SME,
    }


def test_ruleset_family_drops_the_year_only():
    assert ruleset_family("tech-sme-2022") == "tech-sme"
    assert ruleset_family("high-tech-2016") == "high-tech"
    assert ruleset_family("custom") == "custom"


@pytest.mark.parametrize(
    ("tier", "entered", "year", "until"),
    [
        (Tier.TECH_SME, date(2022, 9, 30), 2022, date(2022, 12, 31)),  # one evaluation year
        (Tier.RESERVE, date(2022, 9, 30), 2022, date(2022, 12, 31)),
        (Tier.HIGH_TECH, date(2021, 12, 15), 2021, date(2024, 12, 14)),  # three years
        (Tier.HIGH_TECH, date(2020, 2, 29), 2020, date(2023, 2, 27)),  # 29 Feb: anniversary on 28 Feb
        (Tier.LITTLE_GIANT, date(2022, 11, 30), 2022, date(2025, 11, 29)),
        (Tier.LISTING_RESERVE, date(2022, 11, 20), 2022, None),  # until exited
    ],
)
def test_validity_periods(tier, entered, year, until):
    assert TIERS[tier].valid_until(entered, year) == until


def test_membership_in_force_is_half_open_at_the_exit():
    m = PoolMembership(
        entered_on=date(2022, 3, 1), valid_until=date(2022, 12, 31), exited_on=date(2022, 6, 1)
    )
    assert not m.is_active_on(date(2022, 2, 28))
    assert m.is_active_on(date(2022, 3, 1))
    assert m.is_active_on(date(2022, 5, 31))
    assert not m.is_active_on(date(2022, 6, 1))


def _reachable(pipeline, start):
    seen, todo = {start}, [start]
    while todo:
        for nxt in pipeline[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize(
    ("pipeline", "statuses", "start", "terminal"),
    [
        (
            Challenge.PIPELINE,
            Challenge.Status,
            Challenge.Status.DRAFT,
            {Challenge.Status.ACCEPTED, Challenge.Status.WITHDRAWN},
        ),
        (
            EvaluationCampaign.PIPELINE,
            EvaluationCampaign.Status,
            EvaluationCampaign.Status.DRAFT,
            {EvaluationCampaign.Status.CONFIRMED},
        ),
    ],
)
def test_pipeline_tables_are_complete_and_reachable(pipeline, statuses, start, terminal):
    assert set(pipeline) == set(statuses.values)
    for targets in pipeline.values():
        assert set(targets) <= set(statuses.values)
    assert _reachable(pipeline, start) == set(statuses.values)
    assert {s for s, targets in pipeline.items() if not targets} == terminal


def test_challenge_pipeline_transitions():
    c = Challenge(status=Challenge.Status.DRAFT)
    assert c.can_move_to(Challenge.Status.PUBLISHED)
    assert not c.can_move_to(Challenge.Status.AWARDED)
    c.status = Challenge.Status.REVIEWING
    assert c.can_move_to(Challenge.Status.AWARDED) and c.can_move_to(Challenge.Status.PUBLISHED)
    c.status = Challenge.Status.ACCEPTANCE
    assert c.can_move_to(Challenge.Status.ACCEPTED) and c.can_move_to(Challenge.Status.IN_PROGRESS)
    assert not c.can_move_to(Challenge.Status.WITHDRAWN)
