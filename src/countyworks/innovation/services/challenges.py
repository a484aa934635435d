"""揭榜挂帅: the pipeline from draft to acceptance, applications, reviews, milestones, funding."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation, Region
from countyworks.core.services import audited_save
from countyworks.innovation.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengeStatusChange,
    ExpertReview,
    FundingTranche,
    InvalidStatus,
)
from countyworks.innovation.services._common import milestone_complete, require_write, today


def _at(day: date | None) -> datetime:
    """The moment recorded for a transition dated ``day`` (09:00 local), or now."""
    if day is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _record_transition(
    challenge: Challenge, old: str, new: str, user: Actor, comment: str, day: date | None
) -> None:
    ChallengeStatusChange.objects.create(
        challenge=challenge,
        old_status=old,
        new_status=new,
        actor=recorded_user(user),
        comment=comment[:300],
        at=_at(day),
    )


def _check_move(challenge: Challenge, to_status: str) -> None:
    if not challenge.can_move_to(to_status):
        raise InvalidStatus(
            _("不能从“%(old)s”转为“%(new)s”")
            % {"old": challenge.get_status_display(), "new": Challenge.Status(to_status).label}
        )


def _move(
    challenge: Challenge, to_status: str, user: Actor, comment: str = "", day: date | None = None
) -> Challenge:
    _check_move(challenge, to_status)
    old = challenge.status
    challenge.status = to_status
    audited_save(challenge, acting_user=user, reason=comment)
    _record_transition(challenge, old, to_status, user, comment, day)
    return challenge


@transaction.atomic
def challenge_create(
    *,
    region: Region,
    kind: str,
    title: str,
    need: str,
    target_indicators: str,
    budget: Decimal,
    deadline: date,
    issuer: Organisation | None = None,
    acting_user: Actor,
    on: date | None = None,
) -> Challenge:
    """Draft a 揭榜挂帅 project (拟发榜)."""
    require_write(acting_user, region.code)
    if issuer is not None and not issuer.region_id.startswith(region.code[:4]):
        raise ValidationError({"issuer": _("需求单位不在发榜区域所在市内")})
    challenge = Challenge(
        region=region,
        kind=kind,
        title=title,
        need=need,
        target_indicators=target_indicators,
        budget=budget,
        deadline=deadline,
        issuer=issuer,
    )
    audited_save(challenge, acting_user=acting_user)
    _record_transition(challenge, "", challenge.status, acting_user, _("拟发榜"), on)
    return challenge


@transaction.atomic
def challenge_transition(
    *, challenge: Challenge, to_status: str, acting_user: Actor, comment: str = "", on: date | None = None
) -> Challenge:
    """Move a challenge along :data:`Challenge.PIPELINE` with each step's preconditions.

    发榜 needs a deadline not before the day; 评审 needs at least one application; 验收 needs
    every milestone done. 揭榜 and the acceptance verdict have their own services
    (:func:`challenge_award`, :func:`challenge_accept`).
    """
    require_write(acting_user, challenge.region_id)
    _check_move(challenge, to_status)
    day = on or today()
    if to_status == Challenge.Status.PUBLISHED:
        if challenge.deadline < day:
            raise ValidationError(_("揭榜截止日期已过，请先修改截止日期"))
        challenge.published_on = day
    elif to_status == Challenge.Status.REVIEWING:
        if not challenge.applications.exists():
            raise ValidationError(_("尚无团队申请，不能进入评审"))
    elif to_status == Challenge.Status.ACCEPTANCE:
        if not challenge.milestones.exists() or challenge.milestones.filter(done_on__isnull=True).exists():
            raise ValidationError(_("攻关节点未全部完成，不能申请验收"))
    elif to_status in (Challenge.Status.AWARDED, Challenge.Status.ACCEPTED):
        raise ValidationError(_("请使用揭榜或验收操作"))
    return _move(challenge, to_status, acting_user, comment, day)


@transaction.atomic
def challenge_application_submit(
    *,
    challenge: Challenge,
    team_name: str,
    lead_organisation: Organisation,
    members: str,
    proposal: str,
    requested_budget: Decimal,
    submitted_on: date,
    partners: str = "",
    acting_user: Actor,
) -> ChallengeApplication:
    """Record a team's application while the challenge is published and before its deadline."""
    require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.PUBLISHED:
        raise InvalidStatus(_("只有已发榜的项目才能接受申请"))
    if submitted_on > challenge.deadline:
        raise ValidationError({"submitted_on": _("已过揭榜截止日期")})
    if requested_budget > challenge.budget:
        raise ValidationError({"requested_budget": _("申请经费超过榜单资助金额")})
    application = ChallengeApplication(
        challenge=challenge,
        team_name=team_name,
        lead_organisation=lead_organisation,
        partners=partners,
        members=members,
        proposal=proposal,
        requested_budget=requested_budget,
        submitted_on=submitted_on,
    )
    return audited_save(application, acting_user=acting_user)


@transaction.atomic
def challenge_review_record(
    *,
    application: ChallengeApplication,
    expert_name: str,
    score: Decimal,
    reviewed_on: date,
    comment: str = "",
    acting_user: Actor,
) -> ExpertReview:
    """Record one expert's score (0–100) while the challenge is under review."""
    challenge = application.challenge
    require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.REVIEWING:
        raise InvalidStatus(_("项目不在专家评审阶段"))
    review = ExpertReview(
        application=application,
        expert_name=expert_name,
        score=score,
        comment=comment,
        reviewed_on=reviewed_on,
    )
    return audited_save(review, acting_user=acting_user)


@transaction.atomic
def challenge_award(
    *, challenge: Challenge, application: ChallengeApplication, acting_user: Actor, on: date | None = None
) -> Challenge:
    """揭榜: award the challenge to a reviewed application."""
    require_write(acting_user, challenge.region_id)
    if application.challenge_id != challenge.pk:
        raise ValidationError(_("该申请不属于本项目"))
    if not application.reviews.exists():
        raise ValidationError(_("该申请尚无专家评分"))
    challenge.awarded_application = application
    challenge.awarded_on = on or today()
    comment = _("揭榜团队：%(team)s") % {"team": application.team_name}
    return _move(challenge, Challenge.Status.AWARDED, acting_user, comment, challenge.awarded_on)


@transaction.atomic
def challenge_milestone_add(
    *, challenge: Challenge, title: str, due_on: date, acting_user: Actor
) -> ChallengeMilestone:
    require_write(acting_user, challenge.region_id)
    if challenge.status not in (Challenge.Status.AWARDED, Challenge.Status.IN_PROGRESS):
        raise InvalidStatus(_("揭榜后才能设置攻关节点"))
    return audited_save(
        ChallengeMilestone(challenge=challenge, title=title, due_on=due_on), acting_user=acting_user
    )


@transaction.atomic
def challenge_milestone_complete(
    *, milestone: ChallengeMilestone, done_on: date, acting_user: Actor
) -> ChallengeMilestone:
    return milestone_complete(
        milestone, region_code=milestone.challenge.region_id, done_on=done_on, acting_user=acting_user
    )


@transaction.atomic
def challenge_tranche_add(
    *, challenge: Challenge, amount: Decimal, condition: str, acting_user: Actor
) -> FundingTranche:
    """Add a funding tranche; all tranches together may not exceed the challenge's budget."""
    require_write(acting_user, challenge.region_id)
    if challenge.awarded_application_id is None:
        raise InvalidStatus(_("揭榜后才能安排经费拨付"))
    planned = sum((t.amount for t in challenge.tranches.all()), Decimal(0))
    if amount <= 0 or planned + amount > challenge.budget:
        raise ValidationError(
            {"amount": _("拨付合计不能超过资助金额 %(budget)s 万元") % {"budget": challenge.budget}}
        )
    seq = challenge.tranches.count() + 1
    return audited_save(
        FundingTranche(challenge=challenge, seq=seq, amount=amount, condition=condition),
        acting_user=acting_user,
    )


@transaction.atomic
def challenge_tranche_pay(*, tranche: FundingTranche, paid_on: date, acting_user: Actor) -> FundingTranche:
    """Release a tranche; tranches are paid in order."""
    challenge = tranche.challenge
    require_write(acting_user, challenge.region_id)
    if tranche.paid_on is not None:
        raise ValidationError(_("该期经费已拨付"))
    if challenge.tranches.filter(seq__lt=tranche.seq, paid_on__isnull=True).exists():
        raise ValidationError(_("请先拨付前一期经费"))
    tranche.paid_on = paid_on
    return audited_save(tranche, acting_user=acting_user)


@transaction.atomic
def challenge_accept(
    *, challenge: Challenge, passed: bool, notes: str, acting_user: Actor, on: date | None = None
) -> Challenge:
    """验收: a pass closes the project; a fail sends the team back to work (整改)."""
    require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.ACCEPTANCE:
        raise InvalidStatus(_("项目不在验收阶段"))
    if not notes.strip():
        raise ValidationError({"acceptance_notes": _("请填写验收意见")})
    challenge.acceptance_notes = notes
    day = on or today()
    if passed:
        challenge.accepted_on = day
        return _move(challenge, Challenge.Status.ACCEPTED, acting_user, notes, day)
    failed = _("验收未通过：%(notes)s") % {"notes": notes}
    return _move(challenge, Challenge.Status.IN_PROGRESS, acting_user, failed, day)
