"""The statistical brief of program 2 (``countyworks brief innovation --region CODE --period P``).

Every figure is counted from records by :func:`countyworks.innovation.selectors.region_figures`:
platforms recognised by the end of the period, achievements of the three years ending with it,
pool sizes at the end of its year (with the change on the year before) and 揭榜挂帅 projects under
way at its end. Figures are annual only (pools are entered per evaluation year, certificates and
platforms are counted at year end), so a quarter or month is refused rather than printed with
its year's figures under the quarter's title. The sentences
follow the Hunan Daily report on 张家界 (湖南日报 2023-07-27).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import override

from countyworks.core.models import Region
from countyworks.core.periods import Period
from countyworks.innovation.models import Challenge, InnovationPlatform, Tier
from countyworks.innovation.selectors import RegionFigures, TierCount, region_figures

#: Platform kinds listed in the opening sentence (新型研发机构 get their own sentence).
_LISTED_KINDS = (
    InnovationPlatform.Kind.ENGINEERING_CENTRE,
    InnovationPlatform.Kind.KEY_LAB,
    InnovationPlatform.Kind.ENTERPRISE_TECH_CENTRE,
)
_LEVELS = (InnovationPlatform.Level.NATIONAL, InnovationPlatform.Level.PROVINCIAL)
#: Pools named in the cultivation sentence, in ladder order.
_STRONG = (Tier.INNOVATIVE_SME, Tier.SPECIALIZED_SME, Tier.LITTLE_GIANT, Tier.LISTING_RESERVE)


def about(n: int, unit: str) -> str:
    """How a report rounds a count: 153 → "150余项", 12 → "10余款", 6 → "6款", 150 → "150项"."""
    if n >= 10 and n % 10:
        return f"{n // 10 * 10}余{unit}"
    return f"{n}{unit}"


def change(percent: Decimal | None, *, verb: str = "增长") -> str:
    """ "，增长28.1%" / "，下降3.0%" / "，与上年持平" / "" (no previous year)."""
    if percent is None:
        return ""
    if percent > 0:
        return f"，{verb}{percent}%"
    if percent < 0:
        return f"，下降{-percent}%"
    return "，与上年持平"


def _place(region: Region) -> tuple[str, str]:
    """("全市", "该市") for a city, ("全县", "该县") for a county, ("全区", "该区") for a district."""
    kind = region.name[-1] if region.name[-1] in "省市县区" else "地"
    return f"全{kind}", f"该{kind}"


def _platform_sentence(figures: RegionFigures, whole: str, year: int) -> str:
    groups = []
    for level in _LEVELS:
        parts = [
            f"{kind.label}{figures.platforms[(kind.value, level.value)]}家"
            for kind in _LISTED_KINDS
            if figures.platforms.get((kind.value, level.value))
        ]
        if parts:
            groups.append(f"{level.label}" + "、".join(parts))
    registered = sum(counts["registration"] for counts in figures.achievements.values())
    clauses = []
    if groups:
        clauses.append(f"截至{year}年底，{whole}共建成" + "，".join(groups))
    if registered:
        clauses.append(f"近3年来登记科技成果{about(registered, '项')}")
    return "，".join(clauses) + "。" if clauses else ""


def _institution_sentences(figures: RegionFigures) -> list[str]:
    sentences = []
    for item in figures.new_rd_institutions:
        batch = (
            f"第{'一二三四五六七八九十'[item['batch'] - 1]}批"
            if item["batch"] and item["batch"] <= 10
            else ""
        )
        text = f"{item['name']}获{item['level'][:-1]}{batch}“{item['level']}新型研发机构”备案"
        leads = [
            f"{n}名{label}"
            for n, label in ((item["academicians"], "院士"), (item["changjiang"], "长江学者"))
            if n
        ]
        if leads:
            text += "，以" + "、".join(leads) + "领衔"
        made = []
        if item["standards"]:
            made.append(f"主导制定地方标准{item['standards']}项")
        if item["products"] or item["devices"]:
            things = [
                about(n, unit) + label
                for n, unit, label in ((item["products"], "款", "新产品"), (item["devices"], "款", "新设备"))
                if n
            ]
            made.append("累计研发" + "和".join(things))
        sentences.append(text + ("，" + "，".join(made) if made else "") + "。")
    return sentences


def _pool_sentence(ladder: dict[str, TierCount], place: str, year: int) -> str:
    tech, high = ladder[Tier.TECH_SME], ladder[Tier.HIGH_TECH]
    clauses = []
    if tech.count:
        clauses.append(f"{place}共评价入库科技型中小企业{tech.count}家{change(tech.yoy, verb='同比增长')}")
    if high.count:
        clauses.append(f"高新技术企业达到{high.count}家{change(high.yoy)}")
    return f"{year}年，" + "，".join(clauses) + "。" if clauses else ""


def _ladder_sentence(figures: RegionFigures) -> str:
    ladder = figures.ladder
    clauses = []
    pools = [
        f"{ladder[t].label}{ladder[t].count}家"
        for t in (Tier.HIGH_TECH_CULTIVATION, Tier.RESERVE)
        if ladder[t].count
    ]
    if pools:
        clauses.append("梯度培育库中，" + "、".join(pools))
    strong = [f"{ladder[t].label}{ladder[t].count}家" for t in _STRONG if ladder[t].count]
    if strong:
        clauses.append("“高壮大”企业中有" + "、".join(strong))
    if figures.plans:
        clauses.append(f"科技部门“一企一策”精准指导企业{figures.plans}家")
    return "；".join(clauses) + "。" if clauses else ""


def _challenge_sentence(figures: RegionFigures, place: str, year: int) -> str:
    technical = figures.challenges[Challenge.Kind.TECHNICAL]
    basic = figures.challenges[Challenge.Kind.BASIC]
    if not (technical or basic):
        return ""
    parts = []
    if technical:
        parts.append(f"{technical}个“揭榜挂帅”技术攻关类项目")
    if basic:
        parts.append(f"{basic}个基础研究类项目" if technical else f"{basic}个“揭榜挂帅”基础研究类项目")
    return f"截至{year}年底，{place}正在组织实施" + "和".join(parts) + "。"


def brief_text(region_prefix: str, period: Period) -> str:
    """The brief of program 2 for everything under ``region_prefix`` in ``period``'s year."""
    from countyworks.core.errors import BriefUnavailable

    if period.kind != "year":
        raise BriefUnavailable(
            f"the innovation brief has annual figures only (pools, certificates and platforms at year end);"
            f" {period} is a {period.kind}: ask for --period {period.year}"
        )
    region = Region.objects.filter(code=region_prefix).first()
    if region is None:
        raise BriefUnavailable(f"unknown region {region_prefix!r}")
    with override("zh-hans"):  # a brief is written in Chinese whatever the reader's UI language
        return _compose(region, region_figures(region_prefix=region_prefix, year=period.year), period)


def _compose(region: Region, figures: RegionFigures, period: Period) -> str:
    from countyworks.core.errors import BriefUnavailable

    whole, place = _place(region)
    paragraphs = [
        "".join(
            s
            for s in (_platform_sentence(figures, whole, period.year), *_institution_sentences(figures))
            if s
        ),
        "".join(
            s
            for s in (
                _pool_sentence(figures.ladder, place, period.year),
                _ladder_sentence(figures),
                _challenge_sentence(figures, place, period.year),
            )
            if s
        ),
    ]
    body = [p for p in paragraphs if p]
    if not body:
        raise BriefUnavailable(f"no innovation records for {region.name} ({region.code}) in {period}")
    return f"{region.name}科技创新统计简报（{period.label_zh()}）\n\n" + "\n\n".join(body)
