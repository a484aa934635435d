"""Program 2's section of the enterprise profile (企业画像, docs/profiles.md): its park and liaison
official, its pools with their validity, its evaluations with the conditions it failed, its 一企一策
plans. Four queries."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.models import Organisation
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import Viewer, scope
from countyworks.innovation.models import (
    PROGRAM,
    ROSTER_KINDS,
    TIERS,
    EnterprisePlan,
    EnterpriseProfile,
    EvaluationResult,
    PoolMembership,
)
from countyworks.innovation.rule_words import condition_labels, ruleset_name
from countyworks.rules.registry import UnknownRuleSet

LABEL = gettext_lazy("科技创新")


def _membership_state(membership: PoolMembership, today: date) -> Cell:
    if membership.exited_on and membership.exited_on <= today:
        return Cell(_("已出库"), tag="bad")
    if membership.is_active_on(today):
        return Cell(_("在库"), tag="ok")
    if membership.entered_on > today:
        return Cell(_("待入库"))
    return Cell(_("已到期"), tag="warn")


def _result_cells(result: EvaluationResult, url: str) -> tuple[list[Cell], str]:
    try:
        ruleset = result.campaign.ruleset()
    except UnknownRuleSet:  # a result of a rule-set version no longer registered: its code stands in
        name, labels = result.ruleset_code, {}
    else:
        name, labels = ruleset_name(ruleset), dict(condition_labels(ruleset))
    failed = [labels.get(code, code) for code in result.failed_codes]
    reason = _("全部条件均满足") if result.qualified else "；".join(failed) or _("得分未达标准")
    verdict = Cell(_("符合") if result.qualified else _("不符合"), tag="ok" if result.qualified else "bad")
    score = "" if result.score is None else f"{result.score:.1f}"
    return [Cell(str(result.year)), Cell(name, url), Cell(score), verdict, Cell(reason)], name


def organisation_profile(user: Viewer, organisation: Organisation) -> list[ProfileSection]:
    """Pools, evaluations and plans of ``organisation`` the viewer may read (empty: no section)."""
    memberships = list(
        scope(PoolMembership.objects.filter(organisation=organisation), user, PROGRAM).order_by(
            "-entered_on", "tier"
        )
    )
    results = list(
        scope(
            EvaluationResult.objects.filter(organisation=organisation).select_related("campaign"),
            user,
            PROGRAM,
        ).order_by("-year", "-campaign__created_at")
    )
    plans = list(
        scope(
            EnterprisePlan.objects.filter(organisation=organisation)
            .select_related("officer")
            .prefetch_related("milestones"),
            user,
            PROGRAM,
        )
    )
    profile = (
        scope(EnterpriseProfile.objects.filter(organisation=organisation), user, PROGRAM)
        .select_related("officer")
        .first()
    )
    if not (memberships or results or plans or profile):
        return []
    today = timezone.localdate()
    page = (
        reverse("innovation:enterprise-detail", args=[organisation.pk])
        if organisation.kind in ROSTER_KINDS
        else reverse("innovation:home")
    )
    events: list[Event] = []
    pool_rows = []
    for m in memberships:
        tier = TIERS[m.tier].tier.label
        pool_rows.append(
            [
                Cell(tier),
                Cell(str(m.year)),
                Cell(f"{m.entered_on:%Y-%m-%d}"),
                Cell(f"{m.valid_until:%Y-%m-%d}" if m.valid_until else _("长期")),
                _membership_state(m, today),
            ]
        )
        events.append(Event(m.entered_on, _("进入%(tier)s") % {"tier": tier}, page))
        if m.exited_on:
            events.append(
                Event(
                    m.exited_on, _("退出%(tier)s：%(reason)s") % {"tier": tier, "reason": m.exit_reason}, page
                )
            )
    result_rows = []
    for result in results:
        url = reverse("innovation:result-detail", args=[result.pk])
        cells, name = _result_cells(result, url)
        result_rows.append(cells)
        events.append(
            Event(
                result.campaign.entered_on or date(result.year, 12, 31),
                _("%(ruleset)s：%(verdict)s") % {"ruleset": name, "verdict": cells[3].text},
                url,
            )
        )
    plan_rows = []
    for plan in plans:
        steps = list(plan.milestones.all())
        done = sum(1 for s in steps if s.done_on)
        plan_url = f"{page}#plan-{plan.pk}"
        plan_rows.append(
            [
                Cell(str(plan.year), plan_url),
                Cell(plan.get_target_tier_display() or "—"),
                Cell(plan.get_status_display()),
                Cell(plan.officer.name if plan.officer else "—"),
                Cell(_("%(done)d/%(all)d 个节点完成") % {"done": done, "all": len(steps)}),
                Cell(plan.measures),
            ]
        )
        events.extend(
            Event(step.done_on, _("一企一策节点完成：%(title)s") % {"title": step.title}, plan_url)
            for step in steps
            if step.done_on
        )
    current = sorted({m.tier for m in memberships if m.is_active_on(today)}, key=lambda t: TIERS[t].rank)
    facts = []
    if profile is not None:
        facts += [Fact(_("所在园区"), profile.park or "—"), Fact(_("联系干部"), str(profile.officer or "—"))]
    facts += [
        Fact(_("当前在库"), "、".join(str(TIERS[t].tier.label) for t in current) or _("无"), page),
        Fact(_("评价次数"), str(len(results))),
        Fact(_("一企一策"), str(len(plans))),
    ]
    tables = [
        Table(
            _("入库记录"),
            [_("库别"), _("入库年度"), _("入库日期"), _("有效期至"), _("状态")],
            pool_rows,
            _("未入库"),
        ),
        Table(
            _("评价结果"),
            [_("年度"), _("评价规则"), _("得分"), _("结论"), _("原因")],
            result_rows,
            _("暂无评价"),
        ),
        Table(
            _("一企一策"),
            [_("年度"), _("培育目标"), _("状态"), _("责任干部"), _("进度"), _("帮扶措施")],
            plan_rows,
            _("暂无一企一策"),
        ),
    ]
    return [ProfileSection(_("梯度培育"), PROGRAM, LABEL, page, facts, tables, events)]
