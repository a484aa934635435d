"""The statistical brief of program 4 (``countyworks brief parks --region CODE --period P``).

Every figure is counted from records by :func:`countyworks.parks.selectors.park_figures`; the
enterprise portfolio (高企, 小巨人, 创新型中小企业) is program 2's pool counts at the period's end. The
sentences follow the Hunan Daily report on 娄星经济开发区 (湖南日报 2023-07-27). A period that has not
ended is labelled 截至 its last day so far.
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps

from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Region
from countyworks.core.periods import Period
from countyworks.parks.models import LeadTag, Milestone, ParkAssessment, Project
from countyworks.parks.selectors import ParkFigures, park_figures, period_end_day

#: The portfolio sentence's pools (program 2's tiers), in the article's order.
_PORTFOLIO = (
    ("high_tech", "高新技术企业"),
    ("little_giant", "省专精特新“小巨人”企业"),
    ("innovative_sme", "创新型中小企业"),
)


def number(value: Decimal) -> str:
    """207.5000 → "207.5", 100.00 → "100"."""
    return f"{value.normalize():f}"


def wan(value: Decimal) -> str:
    """㎡ in 万: 15000 → "1.5万"; below 10,000 as is."""
    if value >= 10000:
        return f"{number((value / 10000).quantize(Decimal('0.01')))}万"
    return number(value)


def _title(region: Region, period: Period, figures: ParkFigures) -> str:
    label = period.label()
    if not figures.complete:
        label = f"{label}（截至{period_end_day(period):%-m月%-d日}）"
    return f"{region.name}园区建设统计简报·{label}"


def _investment(figures: ParkFigures) -> list[str]:
    if not figures.signed:
        return ["本期无新签约项目。"]
    b = figures.bands
    lines = [
        f"本期已签约项目{len(figures.signed)}个，合同引资{number(figures.contracted_yi)}亿元，其中投资50亿元以上项目"
        f"{b['50yi']}个、10亿元以上项目{b['10yi']}个、亿元以上项目{b['1yi']}个。"
        f"已签约项目履约率{figures.rates.performing.text()}、开工率{figures.rates.started.text()}，"
        f"资金到位率{figures.rates.funds.text()}（到位{number(figures.rates.funds.numerator)}亿元）。"
    ]
    for lead in figures.signed:
        tags = "、".join(str(LeadTag(t).label) for t in lead.tags if t in LeadTag.values)
        if lead.started_on is not None and lead.started_on == lead.signed_on:
            lines.append(
                f"{tags + '企业' if tags else ''}{lead.company.name}的{lead.name}（总投资{number(lead.contracted_yi)}亿元）"
                f"于{lead.signed_on:%-m月%-d日}签约，实现签约暨开工。"
            )
        elif lead.started_on is not None and lead.contracted_yi >= 10:
            lines.append(f"{lead.name}于{lead.started_on:%-m月}开工建设。")
    return lines


def _projects(region_prefix: str, period: Period) -> list[str]:
    lines = []
    produced = (
        Milestone.objects.filter(
            project__region__code__startswith=region_prefix,
            kind=Milestone.Kind.PRODUCTION,
            actual_on__gte=period.start,
            actual_on__lt=period.end,
        )
        .select_related("project")
        .order_by("actual_on", "pk")
    )
    names = [
        f"{'省重点项目' if m.project.provincial_key else ''}{m.project.name}（{m.actual_on:%-m月%-d日}）"
        for m in produced
    ]
    if names:
        lines.append(f"{'、'.join(names)}{'相继' if len(names) > 1 else ''}正式投产。")
    infrastructure = Project.objects.filter(
        region__code__startswith=region_prefix, kind=Project.Kind.INFRASTRUCTURE, provincial_key=True
    ).order_by("name")
    for project in infrastructure:
        lines.append(f"{project.name}为湖南省重点建设项目，由工作专班推进，问题按“问题不过夜”当日办结。")
    return lines


def _land(figures: ParkFigures) -> str:
    rates = "、".join(r.rate.text() for r in figures.land_rates)
    return (
        f"累计处置三类用地{number(figures.disposed_mu)}亩，盘活闲置厂房{wan(figures.factory_m2)}平方米，"
        f"引进企业{figures.enterprises_introduced}家。批而未供、闲置土地、低效用地处置率分别达到{rates}。"
    )


def _chains(figures: ParkFigures) -> str | None:
    parts = [f"{c.name}产业链集聚规模以上企业{c.above_scale}家" for c in figures.chains if c.above_scale]
    return "，".join(parts) + "。" if parts else None


def _portfolio(region_prefix: str, period: Period) -> str | None:
    if not apps.is_installed("countyworks.innovation"):
        return None
    from countyworks.innovation.selectors import region_figures

    ladder = region_figures(region_prefix=region_prefix, year=period.year).ladder
    parts = [f"{label}{ladder[tier].count}家" for tier, label in _PORTFOLIO if tier in ladder]
    return "园区集聚" + "，".join(parts) + "。" if parts else None


def _assessment(figures: ParkFigures) -> str | None:
    if not figures.assessments:
        return None
    last = figures.assessments[-1]
    a: ParkAssessment = last.assessment
    text = f"{a.park}在全省“五好园区”综合发展水平考核（{a.year}年度，{a.get_park_class_display()}）中"
    if last.change is not None and last.change > 0:
        text += f"前进{last.change}位，"
    elif last.change is not None and last.change < 0:
        text += f"后退{-last.change}位，"
    text += f"位列{a.rank}名。"
    if last.delist_risk:
        text += "已连续两年处于同类园区倒数5名，面临退出风险。"
    elif last.bottom:
        text += "处于同类园区倒数5名，须重点预警。"
    return text


def brief_text(region_prefix: str, period: Period) -> str:
    """The brief in Chinese; :class:`BriefUnavailable` when the area has no park records."""
    region = Region.objects.filter(code=region_prefix).first()
    if region is None:
        raise BriefUnavailable(f"unknown region {region_prefix}")
    figures = park_figures(region_prefix=region_prefix, period=period)
    if not figures.signed and not figures.chains and not figures.disposed_mu and not figures.assessments:
        raise BriefUnavailable(f"no park records in {region.name} ({region_prefix}) for {period}")
    lines = [_title(region, period, figures), ""]
    lines += _investment(figures)
    lines += _projects(region_prefix, period)
    lines.append(_land(figures))
    lines += [s for s in (_chains(figures), _portfolio(region_prefix, period), _assessment(figures)) if s]
    return "\n".join(lines) + "\n"
