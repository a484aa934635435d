"""Program 4's section of the enterprise profile (企业画像, docs/profiles.md): the park it works in
(its chain links), the parcels it holds with their disposals, its 亩均 class of each year with the
differentiated policies of its latest class, and the key projects it owns. Five queries."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Organisation
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import scope
from countyworks.parks.models import PROGRAM, ChainEnterprise, MujunResult, Parcel, Project
from countyworks.parks.selectors import mujun_policies

#: The tag of each 亩均 class on the page.
CLASS_TAGS = {"A": "ok", "B": "ok", "C": "warn", "D": "bad"}


def organisation_profile(user: Actor, organisation: Organisation) -> list[ProfileSection]:
    """Chain links, parcels, 亩均 results and projects of ``organisation`` the viewer may read."""
    links = list(
        scope(ChainEnterprise.objects.filter(organisation=organisation), user, PROGRAM).select_related(
            "link__chain__region"
        )
    )
    parcels = list(
        scope(Parcel.objects.filter(holder=organisation), user, PROGRAM).prefetch_related("actions")
    )
    mujun = list(
        scope(MujunResult.objects.filter(organisation=organisation), user, PROGRAM).order_by("-year")
    )
    projects = list(
        scope(Project.objects.filter(owner=organisation), user, PROGRAM).prefetch_related("milestones")
    )
    if not (links or parcels or mujun or projects):
        return []
    home = reverse("parks:home")
    land, mujun_page = reverse("parks:land"), reverse("parks:mujun")
    events: list[Event] = []
    chain_rows = [
        [
            Cell(link.link.chain.region.name),
            Cell(link.link.chain.name, reverse("parks:chain-detail", args=[link.link.chain_id])),
            Cell(link.link.name),
            Cell(_("规模以上") if link.above_scale else _("规模以下")),
        ]
        for link in links
    ]
    parcel_rows = []
    for parcel in parcels:
        actions = list(parcel.actions.all())
        disposed = sum((a.area_mu for a in actions), start=parcel.area_mu * 0)
        parcel_rows.append(
            [
                Cell(parcel.code, land),
                Cell(parcel.get_category_display()),
                Cell(f"{parcel.area_mu:,.2f}"),
                Cell(f"{disposed:,.2f}"),
                Cell(parcel.planned_use or "—"),
                Cell(f"{parcel.identified_on:%Y-%m-%d}"),
            ]
        )
        events.append(
            Event(
                parcel.identified_on,
                _("地块%(code)s认定为%(category)s（%(area)s亩）")
                % {"code": parcel.code, "category": parcel.get_category_display(), "area": parcel.area_mu},
                land,
            )
        )
        events.extend(
            Event(
                action.disposed_on,
                _("地块%(code)s处置：%(kind)s %(area)s亩")
                % {"code": parcel.code, "kind": action.get_kind_display(), "area": action.area_mu},
                land,
            )
            for action in actions
        )
    mujun_rows = []
    for result in mujun:
        url = reverse("parks:mujun-detail", args=[result.pk])
        rank = f"{result.rank}/{result.group_size}" if result.rank and result.group_size else "—"
        mujun_rows.append(
            [
                Cell(str(result.year), url),
                Cell(result.get_klass_display(), url, CLASS_TAGS.get(result.klass, "")),
                Cell("—" if result.score is None else f"{result.score:.2f}"),
                Cell(rank),
                Cell("；".join(str(r) for r in result.reasons[:3]) if result.reasons else "—"),
            ]
        )
        events.append(
            Event(
                _year_end(result.year),
                _("%(year)d年度亩均评价：%(klass)s")
                % {"year": result.year, "klass": result.get_klass_display()},
                url,
            )
        )
    policies = (
        list(mujun_policies(user=user, region_code=mujun[0].region_id, klass=mujun[0].klass)) if mujun else []
    )
    project_rows = []
    for project in projects:
        url = reverse("parks:project-detail", args=[project.pk])
        steps = list(project.milestones.all())
        done = [s for s in steps if s.actual_on]
        project_rows.append(
            [
                Cell(project.name, url),
                Cell(f"{project.total_investment_yi:,.2f}"),
                Cell(_("%(done)d/%(all)d 个节点完成") % {"done": len(done), "all": len(steps)}),
            ]
        )
        for step in done:
            if step.actual_on is not None:
                text = _("%(project)s：%(step)s完成") % {
                    "project": project.name,
                    "step": step.get_kind_display(),
                }
                events.append(Event(step.actual_on, text, url))
    facts = []
    if links:
        chains = dict.fromkeys(link.link.chain.name for link in links)
        facts.append(
            Fact(_("产业链"), "、".join(chains), reverse("parks:chain-detail", args=[links[0].link.chain_id]))
        )
    if mujun:
        latest = mujun[0]
        facts.append(
            Fact(
                _("%(year)d年亩均类别") % {"year": latest.year},
                latest.get_klass_display(),
                reverse("parks:mujun-detail", args=[latest.pk]),
                CLASS_TAGS.get(latest.klass, ""),
            )
        )
    facts.append(Fact(_("使用地块"), _("%(n)d 宗") % {"n": len(parcels)}, land))
    tables = [
        Table(_("产业链环节"), [_("园区"), _("产业链"), _("环节"), _("规模")], chain_rows, _("未列入产业链")),
        Table(
            _("使用的三类用地地块"),
            [_("地块编号"), _("类别"), _("面积（亩）"), _("已处置（亩）"), _("规划用途"), _("认定日期")],
            parcel_rows,
            _("无"),
        ),
        Table(
            _("亩均评价"),
            [_("年度"), _("类别"), _("综合得分"), _("组内排名"), _("评价依据")],
            mujun_rows,
            _("未参评"),
        ),
        Table(
            _("适用的亩均差别化政策"),
            [_("类别"), _("政策措施")],
            [[Cell(p.class_label), Cell(p.measure, mujun_page)] for p in policies],
            _("无"),
        ),
        Table(_("重点项目"), [_("项目名称"), _("总投资（亿元）"), _("进度")], project_rows, _("无")),
    ]
    return [ProfileSection(_("园区与亩均"), PROGRAM, "", home, facts, tables, events)]


def _year_end(year: int) -> date:
    return date(year, 12, 31)
