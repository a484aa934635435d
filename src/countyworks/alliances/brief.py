"""The statistical brief of program 1 (``countyworks brief alliances --region CODE --period YEAR``).

Every figure is counted from records by :func:`countyworks.alliances.selectors.village_year`
(booked village income plus the ledger's inflows) and the alliance tables; the sentences follow
the Hunan Daily report on 常宁 (湖南日报 2023-07-27: "截至去年底，该市村集体经济薄弱村全面清零，
206个村集体经济收入超过10万元"). Village income is annual, so a quarter or month is refused.
"""

from __future__ import annotations

from datetime import date

from countyworks.alliances import selectors
from countyworks.alliances.models import Alliance, BuyerOrder, Contract
from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Region
from countyworks.core.periods import Period


def _wan(fen: int) -> str:
    """Fen as 万元 with one decimal (75654600.57 元 → "7565.5万元")."""
    return f"{fen / 1_000_000:.1f}万元"


def _village_sentence(place: Region, year: int, prefix: str) -> str:
    figures = selectors.village_year(prefix, year)
    if not figures.reported:
        raise BriefUnavailable(f"no village collective income for {place.name} in {year}")
    summary = figures.summary
    previous = selectors.village_year(prefix, year - 1)
    clauses = []
    if summary.below_weak == 0:
        had_weak = previous.reported and previous.summary.below_weak > 0
        clauses.append("村集体经济薄弱村全面清零" if had_weak else "无村集体经济薄弱村")
    else:
        clauses.append(f"村集体经济薄弱村{summary.below_weak}个")
    clauses.append(f"{summary.over_headline}个村集体经济收入超过10万元")
    sentence = f"截至{year}年底，{place.name}" + "，".join(clauses) + "。"
    sentence += (
        f"全{place.name[-1]}{summary.villages}个村集体经济经营性收入合计{_wan(summary.total_fen)}，"
        f"村均{_wan(summary.mean_fen)}"
    )
    if previous.reported:
        sentence += f"，上年收入超过10万元的村{previous.summary.over_headline}个"
    sentence += "。"
    if not figures.complete:
        sentence += f"（{figures.reported}/{figures.villages}个村已填报，数据不完整。）"
    return sentence


def _alliance_sentence(prefix: str, year: int) -> str:
    end = date(year, 12, 31)
    alliances = Alliance.objects.filter(region__code__startswith=prefix, founded_on__lte=end)
    if not alliances.exists():
        return ""
    members = sum(a.members.filter(joined_on__lte=end).count() for a in alliances)
    orders = BuyerOrder.objects.filter(alliance__in=alliances, window_start__lte=end).exclude(
        status=BuyerOrder.Status.UNFILLABLE
    )
    contracts = Contract.objects.filter(region__code__startswith=prefix, start_year__lte=year).count()
    names = "、".join(a.name for a in alliances)
    return (
        f"{year}年，该地以镇为单位组建{names}等{alliances.count()}个“党建+产业联盟”，吸纳成员{members}个，"
        f"承接外地订单{orders.count()}笔，签订利益联结合同{contracts}份。"
    )


def brief_text(region_prefix: str, period: Period) -> str:
    """The brief for an area and a year; :class:`BriefUnavailable` without data or for a sub-year period."""
    if period.kind != "year":
        raise BriefUnavailable("the alliances brief is annual: give a year such as 2022")
    place = Region.objects.filter(code=region_prefix).first()
    if place is None:
        raise BriefUnavailable(f"unknown region {region_prefix}")
    paragraphs = [f"{place.name}党建+产业联盟统计简报（{period.year}年）"]
    paragraphs.append(_village_sentence(place, period.year, region_prefix))
    alliances = _alliance_sentence(region_prefix, period.year)
    if alliances:
        paragraphs.append(alliances)
    return "\n\n".join(paragraphs)
