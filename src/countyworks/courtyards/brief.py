"""The statistical brief of program 5 (``countyworks brief courtyards --region CODE --period YYYY``).

Every figure is counted from records by :func:`countyworks.courtyards.selectors.area_figures`:
households registered, committee members, inspections of the year, ★5 ratings (星级文明户),
works completed by the year's end, and the top ten of the annual overall evaluation computed
from the monthly inspections by :mod:`countyworks.courtyards.scoring`. The sentences follow the
Hunan Daily report on 邵阳县 (湖南日报 2023-07-27). The region may be the county, a town, a
village or one courtyard (its 14-digit code). Only years are briefed: the annual evaluation is the
point of the brief, and a month's figures under a year's title would mislead.
"""

from __future__ import annotations

from decimal import Decimal

from countyworks.core.actors import SYSTEM
from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Region
from countyworks.core.periods import Period
from countyworks.courtyards import scoring
from countyworks.courtyards.models import Courtyard, Work
from countyworks.courtyards.selectors import AreaFigures, area_figures

#: Removals and new facilities in the order the report lists them, with their measure words.
_REMOVED: tuple[tuple[str, str], ...] = (
    (Work.Kind.DRY_TOILET, "旱厕{n}座"),
    (Work.Kind.HOLLOW_HOUSE, "空心房{n}座"),
)
_BUILT: tuple[tuple[str, str], ...] = (
    (Work.Kind.PAVILION, "修建凉亭{n}座"),
    (Work.Kind.FLOWER_BED, "增建花圃{n}处"),
    (Work.Kind.FENCE, "新扎菜园围栏{n}处"),
)


def _works_sentence(works: dict[str, int]) -> str:
    """ "拆除旱厕12座、空心房2座，修建凉亭1座，增建花圃4处。" from the completed works."""
    removed = [text.format(n=works[kind]) for kind, text in _REMOVED if works.get(kind)]
    parts = ["拆除" + "、".join(removed)] if removed else []
    parts += [text.format(n=works[kind]) for kind, text in _BUILT if works.get(kind)]
    return "，".join(parts) + "。" if parts else ""


def points(value: Decimal) -> str:
    """A score as the report writes it: 90.833, 96.5, 99 (no trailing zeros)."""
    return f"{value.normalize():f}"


def _courtyard_paragraph(courtyard: Courtyard, figures: AreaFigures, year: int) -> str:
    region = courtyard.region
    village = region.parent.name if region.parent else ""
    sentences = [f"{village}{region.name}共{figures.households}户村民"]
    if figures.committee:
        sentences[0] += f"，设院落管理委员会，由村民推举代表{figures.committee}人组成"
    sentences[0] += "。"
    if figures.inspections:
        sentences.append(
            f"{year}年实行门前“三包”，每月开展卫生评比{figures.months}次，共评比{figures.inspections}户次，"
            f"平均得分{figures.average}分，评选“星级文明户”{figures.five_star}户次（{figures.star_households}户）。"
        )
    if figures.top_ten:
        names = "、".join(f"{name}（{points(score)}分）" for _rank, name, score in figures.top_ten)
        tied = f"（含并列共{len(figures.top_ten)}户）" if len(figures.top_ten) > scoring.TOP_RANK else ""
        sentences.append(f"年底总评比，前十名{tied}为{names}，予以奖励。")
    works = _works_sentence(figures.works)
    if works:
        sentences.append(works)
    if figures.assisted:
        sentences.append(
            f"对{figures.assisted}户困难户，村里组织人员上门帮扶{figures.assistance_records}次，不让其在评比中掉队。"
        )
    return "".join(sentences)


def brief_text(region_prefix: str, period: Period) -> str:
    """The brief of the courtyards under ``region_prefix`` for the year ``period``."""
    if period.kind != "year":
        raise BriefUnavailable("the courtyards brief is annual: give a year such as 2023")
    region = Region.objects.filter(code=region_prefix).first()
    if region is None:
        raise BriefUnavailable(f"unknown region {region_prefix!r}")
    year = period.year
    whole = area_figures(user=SYSTEM, prefix=region_prefix, year=year)
    if not whole.courtyards:
        raise BriefUnavailable(f"no courtyards under {region.name} ({region_prefix})")
    paragraphs = []
    if region.level != Region.Level.COURTYARD:
        demonstration = [c for c in whole.courtyards if c.status == Courtyard.Status.DEMONSTRATION]
        paragraphs.append(
            f"截至{year}年底，{region.name}共有美丽庭院创建院落{len(whole.courtyards)}个，"
            f"其中示范院落{len(demonstration)}个，登记农户{whole.households}户。"
        )
    for courtyard in whole.courtyards:
        figures = area_figures(user=SYSTEM, prefix=courtyard.region_id, year=year)
        if figures.inspections or figures.works:
            paragraphs.append(_courtyard_paragraph(courtyard, figures, year))
    upcoming = [
        c.region.name.removesuffix("院落")
        for c in whole.courtyards
        if c.status != Courtyard.Status.DEMONSTRATION
    ]
    if upcoming and region.level != Region.Level.COURTYARD:
        paragraphs.append(
            f"下一步，将在{'、'.join(upcoming)}{len(upcoming)}处聚力打造卫生示范院落，推动从“一处美”向“一片美”提升。"
        )
    return "\n".join(paragraphs)
