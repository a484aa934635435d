"""Page data of program 4: rows and ECharts options shaped from selector results (no queries here
except through the selectors called by :func:`home_tiles`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.charts import PALETTE, Option, bar_chart, line_chart
from countyworks.core.periods import Period
from countyworks.parks.models import STAGE_DATES, Chain, InvestmentLead, Milestone, Project, Stage
from countyworks.parks.selectors import ParkFigures, period_end_day
from countyworks.parks.services import AssessmentRow, size_band


def period_label(figures: ParkFigures) -> str:
    """ "2023年", or "2026年（截至12月7日，未完整）" for a period still running."""
    label = figures.period.label()
    if figures.complete:
        return label
    return _("%(period)s（截至%(day)s，未完整）") % {
        "period": label,
        "day": period_end_day(figures.period).strftime("%-m月%-d日"),
    }


def headline_period(years: Sequence[int]) -> Period:
    """The latest year with records (the current one only when nothing older exists)."""
    today = timezone.localdate()
    complete = [y for y in years if y < today.year]
    if complete:
        return Period(max(complete), "year")
    return Period(max(years) if years else today.year - 1, "year")


def key_figures(figures: ParkFigures) -> list[dict[str, Any]]:
    """The dashboard's cards."""
    rates = {r.category: r for r in figures.land_rates}
    return [
        {
            "label": _("签约项目"),
            "value": figures.signed_count,
            "unit": _("个"),
            "url": reverse("parks:leads"),
        },
        {
            "label": _("合同引资"),
            "value": figures.contracted_yi.normalize(),
            "unit": _("亿元"),
            "url": reverse("parks:leads"),
        },
        {
            "label": _("处置三类用地"),
            "value": figures.disposed_mu,
            "unit": _("亩"),
            "url": reverse("parks:land"),
        },
        {
            "label": _("盘活闲置厂房"),
            "value": figures.factory_m2.normalize(),
            "unit": _("平方米"),
            "url": reverse("parks:land"),
        },
        {
            "label": _("引进企业"),
            "value": figures.enterprises_introduced,
            "unit": _("家"),
            "url": reverse("parks:land"),
        },
        *(
            {
                "label": _("%(c)s处置率") % {"c": r.label},
                "value": r.rate.text(),
                "unit": "",
                "url": reverse("parks:land"),
            }
            for r in rates.values()
        ),
    ]


def bands_chart(figures: ParkFigures) -> Option:
    from countyworks.parks.services import SIZE_BANDS

    return bar_chart(
        _("签约项目规模分布"),
        [str(b.label) for b in SIZE_BANDS],
        {_("项目数"): [figures.bands[b.code] for b in SIZE_BANDS]},
        unit=_("个"),
    )


def rates_chart(figures: ParkFigures) -> Option:
    return bar_chart(
        _("三类用地处置率"),
        [r.label for r in figures.land_rates],
        {
            _("处置率"): [
                float(r.rate.percent) if r.rate.percent is not None else None for r in figures.land_rates
            ]
        },
        unit="%",
    )


def chains_chart(figures: ParkFigures) -> Option:
    return bar_chart(
        _("产业链企业"),
        [c.name for c in figures.chains],
        {
            _("规模以上"): [c.above_scale for c in figures.chains],
            _("全部"): [c.enterprises for c in figures.chains],
        },
        unit=_("家"),
    )


# --- pipeline -----------------------------------------------------------------------------------


def stage_funnel(leads: Sequence[InvestmentLead]) -> list[dict[str, Any]]:
    """How many leads have reached each stage (a lead at 开工 has passed 签约, 履约, 落地)."""
    rows = []
    for stage, attr in STAGE_DATES:
        if stage == Stage.NEGOTIATING:
            n = len(leads)
        else:
            n = sum(1 for lead in leads if getattr(lead, attr) is not None)
        rows.append({"stage": stage.label, "count": n})
    return rows


def funnel_chart(rows: list[dict[str, Any]]) -> Option:
    return bar_chart(
        _("招商项目阶段"),
        [str(r["stage"]) for r in rows],
        {_("项目数"): [r["count"] for r in rows]},
        unit=_("个"),
    )


def lead_rows(leads: Sequence[InvestmentLead]) -> list[dict[str, Any]]:
    rows = []
    for lead in leads:
        band = size_band(lead.contracted_yi)
        rows.append(
            {
                "lead": lead,
                "stage": lead.stage.label,
                "tags": lead.tag_labels(),
                "band": band.label if band else "—",
                "funds": lead.funds_in_place_yi.normalize(),
                "same_day": lead.signed_on is not None and lead.signed_on == lead.started_on,
            }
        )
    return rows


# --- chains -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: Any
    position: str
    enterprises: list[Any]
    above_scale: int
    leads: list[Any]

    @property
    def gap(self) -> bool:
        """No enterprise, or none above scale: the link is a gap (补链 target)."""
        return self.above_scale == 0


def link_rows(chain: Chain) -> list[LinkRow]:
    rows = []
    for link in chain.links.all():
        members = list(link.enterprises.all())
        rows.append(
            LinkRow(
                link,
                link.get_position_display(),
                members,
                sum(1 for m in members if m.above_scale),
                list(link.leads.all()),
            )
        )
    return rows


def chain_graph(chain: Chain, rows: Sequence[LinkRow]) -> Option:
    """An ECharts graph: the chain in the middle, its links by position, a gap link in red."""
    x_of = {"up": 100, "mid": 400, "down": 700}
    counts: dict[str, int] = {}
    nodes: list[dict[str, Any]] = [
        {"name": chain.name, "x": 400, "y": -80, "symbolSize": 60, "itemStyle": {"color": PALETTE[1]}}
    ]
    edges = []
    for row in rows:
        pos = row.link.position
        counts[pos] = counts.get(pos, 0) + 1
        nodes.append(
            {
                "name": row.link.name,
                "x": x_of[pos],
                "y": counts[pos] * 90,
                "symbolSize": 26 + 3 * min(len(row.enterprises), 12),
                "value": _("%(pos)s · 企业%(n)d家（规上%(a)d家）")
                % {"pos": row.position, "n": len(row.enterprises), "a": row.above_scale},
                "itemStyle": {"color": PALETTE[0] if row.gap else PALETTE[2]},
            }
        )
        edges.append({"source": chain.name, "target": row.link.name})
    return {
        "title": {
            "text": _("%(chain)s产业链图谱（红色为缺链/弱链环节）") % {"chain": chain.name},
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "label": {"show": True, "position": "bottom"},
                "data": nodes,
                "links": edges,
                "lineStyle": {"color": "#999", "curveness": 0.1},
            }
        ],
    }


# --- projects -----------------------------------------------------------------------------------


def milestone_rows(milestones: Sequence[Milestone], today: date) -> list[dict[str, Any]]:
    return [
        {
            "m": m,
            "delayed": m.delayed(today),
            "days": m.delay_days(today),
            "done": m.actual_on is not None,
        }
        for m in milestones
    ]


def project_rows(projects: Sequence[Project], today: date) -> list[dict[str, Any]]:
    rows = []
    for project in projects:
        items = list(project.milestones.all())
        late = [m for m in items if m.delayed(today)]
        pending = [m for m in items if m.actual_on is None]
        rows.append(
            {
                "project": project,
                "next": pending[0] if pending else None,
                "delayed": len([m for m in late if m.actual_on is None]),
                "done": len(items) - len(pending),
                "total": len(items),
            }
        )
    return rows


def project_list_rows(projects: Sequence[Project]) -> list[dict[str, Any]]:
    """:func:`project_rows` from the counts :func:`countyworks.parks.selectors.project_list` annotates."""
    rows = []
    for project in projects:
        kind, planned_on = project.next_kind, project.next_planned_on  # type: ignore[attr-defined]
        rows.append(
            {
                "project": project,
                "next": Milestone(project=project, kind=kind, planned_on=planned_on) if kind else None,
                "delayed": project.milestones_late,  # type: ignore[attr-defined]
                "done": project.milestones_done,  # type: ignore[attr-defined]
                "total": project.milestones_total,  # type: ignore[attr-defined]
            }
        )
    return rows


def timeline_chart(project: Project, milestones: Sequence[Milestone], today: date) -> Option:
    """Planned vs actual days of each milestone on a time axis."""

    def point(day: date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "color": [PALETTE[1], PALETTE[2]],
        "title": {
            "text": _("%(name)s 节点计划与实际") % {"name": project.name},
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 90, "right": 30, "top": 40, "bottom": 50, "containLabel": True},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "category", "data": [m.get_kind_display() for m in milestones], "inverse": True},
        "series": [
            {
                "name": _("计划"),
                "type": "scatter",
                "symbolSize": 12,
                "data": [[point(m.planned_on), i] for i, m in enumerate(milestones)],
            },
            {
                "name": _("实际"),
                "type": "scatter",
                "symbol": "diamond",
                "symbolSize": 14,
                "data": [[point(m.actual_on), i] for i, m in enumerate(milestones) if m.actual_on],
            },
        ],
        "markLine": {"data": [{"xAxis": today.isoformat()}]},
    }


# --- 五好园区 -----------------------------------------------------------------------------------


def rank_chart(rows: Sequence[AssessmentRow]) -> Option:
    option = line_chart(
        _("五好园区综合排名"),
        [str(r.assessment.year) for r in rows],
        {_("排名"): [r.assessment.rank for r in rows]},
    )
    option["yAxis"] = {"type": "value", "inverse": True, "min": 1}
    option["series"][0]["showSymbol"] = True
    option["series"][0]["label"] = {"show": True}
    return option


def assessment_rows(rows: Sequence[AssessmentRow]) -> list[dict[str, Any]]:
    """Each year with its change in words (前进/后退 N 位, 持平)."""
    out = []
    for row in rows:
        if row.change is None:
            text = "—"
        elif row.change > 0:
            text = _("前进 %(n)d 位") % {"n": row.change}
        elif row.change < 0:
            text = _("后退 %(n)d 位") % {"n": -row.change}
        else:
            text = _("持平")
        out.append({"row": row, "a": row.assessment, "change": text})
    return out


def weighted_rows(values: Sequence[Any]) -> list[dict[str, Any]]:
    """Each indicator's completion (value ÷ target, capped at 100 %) weighted by its weight (data)."""
    rows = []
    for v in values:
        completion = min(Decimal(100), v.value * 100 / v.target).quantize(Decimal("0.01"))
        rows.append(
            {
                "v": v,
                "completion": completion,
                "weighted": (completion * v.indicator.weight / 100).quantize(Decimal("0.01")),
            }
        )
    return rows


# --- home tiles ---------------------------------------------------------------------------------


def home_tiles(user: Any, within: str | None) -> list[dict[str, object]]:
    """Contracted investment and the disposal rates of the headline year, with the bands chart."""
    from countyworks.core.scoping import reaches
    from countyworks.parks import selectors
    from countyworks.parks.models import PROGRAM

    if not reaches(user, PROGRAM):
        return []
    region = selectors.brief_region(user=user, within=within)
    if region is None:
        return []
    period = headline_period(selectors.record_years(user=user, within=region))
    figures = selectors.park_figures_cached(region_prefix=region, period=period)
    if not figures.signed_count and not figures.disposed_mu:
        return []
    url = reverse("parks:home")
    note = period_label(figures)
    rates = "、".join(f"{r.label}{r.rate.text()}" for r in figures.land_rates)
    return [
        {
            "label": _("招商签约"),
            "value": f"{figures.signed_count}个 / {figures.contracted_yi.normalize():f}",
            "unit": _("亿元"),
            "note": note,
            "url": url,
            "chart": bands_chart(figures),
        },
        {
            "label": _("三类用地处置"),
            "value": figures.disposed_mu,
            "unit": _("亩"),
            "note": rates,
            "url": reverse("parks:land"),
            "chart": rates_chart(figures),
        },
    ]
