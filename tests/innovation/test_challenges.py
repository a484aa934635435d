"""揭榜挂帅: every step of the pipeline and its preconditions, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countyworks.core.models import Organisation
from countyworks.innovation import services
from countyworks.innovation.models import Challenge, ChallengeStatusChange, InvalidStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def university(db):
    return Organisation.objects.create(name="测试大学", region_id="4301", kind=Organisation.Kind.UNIVERSITY)


@pytest.fixture
def challenge(zjj, city, enterprise):
    return services.challenge_create(
        region=city,
        kind=Challenge.Kind.TECHNICAL,
        title="莓茶饲料添加剂关键技术攻关",
        need="需求",
        target_indicators="配方2个\n\n增重率提高5%以上",
        budget=Decimal("200"),
        deadline=date(2022, 4, 15),
        issuer=enterprise,
        acting_user=zjj,
        on=date(2022, 2, 20),
    )


def _apply(challenge, university, zjj, team="甲团队", budget="180", day=date(2022, 3, 20)):
    return services.challenge_application_submit(
        challenge=challenge,
        team_name=team,
        lead_organisation=university,
        members="张三，教授",
        proposal="方案",
        requested_budget=Decimal(budget),
        submitted_on=day,
        acting_user=zjj,
    )


def test_full_pipeline_to_acceptance(zjj, challenge, university):
    assert challenge.indicator_lines == ["配方2个", "增重率提高5%以上"]
    with pytest.raises(InvalidStatus):
        _apply(challenge, university, zjj)  # not published yet
    services.challenge_transition(
        challenge=challenge, to_status=Challenge.Status.PUBLISHED, acting_user=zjj, on=date(2022, 3, 1)
    )
    assert challenge.published_on == date(2022, 3, 1)
    with pytest.raises(ValidationError):
        _apply(challenge, university, zjj, day=date(2022, 4, 16))  # after the deadline
    with pytest.raises(ValidationError):
        _apply(challenge, university, zjj, budget="250")  # above the budget
    first = _apply(challenge, university, zjj)
    second = _apply(challenge, university, zjj, team="乙团队")
    with pytest.raises(InvalidStatus):
        services.challenge_review_record(
            application=first,
            expert_name="专家甲",
            score=Decimal(90),
            reviewed_on=date(2022, 4, 20),
            acting_user=zjj,
        )
    services.challenge_transition(
        challenge=challenge, to_status=Challenge.Status.REVIEWING, acting_user=zjj, on=date(2022, 4, 18)
    )
    with pytest.raises(ValidationError):
        services.challenge_award(challenge=challenge, application=first, acting_user=zjj)  # no score yet
    services.challenge_review_record(
        application=first,
        expert_name="专家甲",
        score=Decimal(90),
        reviewed_on=date(2022, 4, 20),
        acting_user=zjj,
    )
    with pytest.raises(ValidationError):
        services.challenge_review_record(
            application=first,
            expert_name="专家乙",
            score=Decimal("100.5"),
            reviewed_on=date(2022, 4, 20),
            acting_user=zjj,
        )
    services.challenge_review_record(
        application=second,
        expert_name="专家甲",
        score=Decimal(70),
        reviewed_on=date(2022, 4, 20),
        acting_user=zjj,
    )
    services.challenge_award(challenge=challenge, application=first, acting_user=zjj, on=date(2022, 4, 30))
    assert challenge.status == Challenge.Status.AWARDED and challenge.awarded_application == first
    milestone = services.challenge_milestone_add(
        challenge=challenge, title="中试", due_on=date(2022, 12, 31), acting_user=zjj
    )
    t1 = services.challenge_tranche_add(
        challenge=challenge, amount=Decimal(120), condition="签约", acting_user=zjj
    )
    t2 = services.challenge_tranche_add(
        challenge=challenge, amount=Decimal(80), condition="验收", acting_user=zjj
    )
    with pytest.raises(ValidationError):
        services.challenge_tranche_add(
            challenge=challenge, amount=Decimal("0.01"), condition="超支", acting_user=zjj
        )
    with pytest.raises(ValidationError):
        services.challenge_tranche_pay(tranche=t2, paid_on=date(2022, 5, 1), acting_user=zjj)  # out of order
    services.challenge_tranche_pay(tranche=t1, paid_on=date(2022, 5, 10), acting_user=zjj)
    services.challenge_transition(
        challenge=challenge, to_status=Challenge.Status.IN_PROGRESS, acting_user=zjj
    )
    with pytest.raises(ValidationError):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.ACCEPTANCE, acting_user=zjj
        )
    services.challenge_milestone_complete(milestone=milestone, done_on=date(2022, 12, 20), acting_user=zjj)
    services.challenge_transition(challenge=challenge, to_status=Challenge.Status.ACCEPTANCE, acting_user=zjj)
    with pytest.raises(ValidationError):
        services.challenge_accept(challenge=challenge, passed=True, notes=" ", acting_user=zjj)
    services.challenge_accept(
        challenge=challenge, passed=False, notes="中试数据不全", acting_user=zjj, on=date(2023, 1, 10)
    )
    assert challenge.status == Challenge.Status.IN_PROGRESS and challenge.accepted_on is None
    services.challenge_transition(challenge=challenge, to_status=Challenge.Status.ACCEPTANCE, acting_user=zjj)
    services.challenge_accept(
        challenge=challenge, passed=True, notes="通过", acting_user=zjj, on=date(2023, 3, 1)
    )
    assert challenge.status == Challenge.Status.ACCEPTED and challenge.accepted_on == date(2023, 3, 1)
    changes = ChallengeStatusChange.objects.filter(challenge=challenge).order_by("id")
    timeline = list(changes.values_list("new_status", flat=True))
    assert timeline == [
        "draft",
        "published",
        "reviewing",
        "awarded",
        "in_progress",
        "acceptance",
        "in_progress",
        "acceptance",
        "accepted",
    ]
    assert ChallengeStatusChange.objects.filter(
        challenge=challenge, new_status="published"
    ).get().at.date() == date(2022, 3, 1)


def test_disallowed_moves_raise(zjj, challenge):
    with pytest.raises(InvalidStatus):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.IN_PROGRESS, acting_user=zjj
        )
    with pytest.raises(ValidationError):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.AWARDED, acting_user=zjj
        )
    with pytest.raises(ValidationError):  # no application: cannot review
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.PUBLISHED, acting_user=zjj, on=date(2022, 3, 1)
        )
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.REVIEWING, acting_user=zjj
        )
    services.challenge_transition(challenge=challenge, to_status=Challenge.Status.WITHDRAWN, acting_user=zjj)
    with pytest.raises(InvalidStatus):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.PUBLISHED, acting_user=zjj
        )


def test_publishing_after_the_deadline_is_refused(zjj, challenge):
    with pytest.raises(ValidationError):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.PUBLISHED, acting_user=zjj, on=date(2022, 5, 1)
        )


def test_other_areas_cannot_write(louxing, zjj_leader, challenge, city):
    with pytest.raises(PermissionDenied):
        services.challenge_transition(
            challenge=challenge, to_status=Challenge.Status.PUBLISHED, acting_user=louxing
        )
    with pytest.raises(PermissionDenied):
        services.challenge_create(
            region=city,
            kind=Challenge.Kind.BASIC,
            title="x",
            need="x",
            target_indicators="x",
            budget=Decimal(1),
            deadline=date(2022, 1, 1),
            acting_user=zjj_leader,
        )
