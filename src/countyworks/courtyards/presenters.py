"""Page data of program 5: results as rows with names and words, charts, the public board's rule.

The public board's rule (docs/rules/courtyard-hygiene.md §5): a household flagged for assistance
that is not in the top ten is never listed by name in a ranking; it is listed with the help it
received. Every ranking on the pages goes through :func:`board`, so no page can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Count
from django.utils.translation import gettext as _

from countyworks.core.charts import Option, bar_chart, line_chart
from countyworks.core.models import Household
from countyworks.courtyards import scoring
from countyworks.courtyards.models import Assistance

STAR_WORDS = {0: "无星", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def stars_label(stars: int) -> str:
    """★★★★☆ with the number in words (never a bare code)."""
    if not stars:
        return _("未评星")
    return "★" * stars + _("（%(n)s星）") % {"n": stars}


def points_text(value: float | Decimal | None) -> str:
    """A score without trailing zeros: 90.833, 96.5, 99."""
    if value is None:
        return "—"
    return f"{Decimal(str(round(float(value), 3))).normalize():f}"


@dataclass(frozen=True)
class BoardRow:
    rank: int | None
    household: Household
    score: str
    stars: str = ""
    months: int | None = None
    top_ten: bool = False
    village_rank: int | None = None
    town_rank: int | None = None
    prize: str = ""


@dataclass(frozen=True)
class HelpedRow:
    household: Household
    help_count: int
    last_help: str


@dataclass
class Board:
    """A ranking as shown: ranked rows, households listed with their help instead, unranked rows."""

    rows: list[BoardRow] = field(default_factory=list)
    helped: list[HelpedRow] = field(default_factory=list)
    unranked: list[BoardRow] = field(default_factory=list)


def _help_rows(households: list[Household]) -> list[HelpedRow]:
    counts = dict(
        Assistance.objects.filter(household__in=households)
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    last = {
        a.household_id: a.description
        for a in Assistance.objects.filter(household__in=households).order_by("helped_on", "id")
    }
    return [HelpedRow(h, counts.get(h.pk, 0), last.get(h.pk, "")) for h in households]


def board(
    frame: pl.DataFrame,
    *,
    rank_column: str,
    score_column: str,
    names: dict[int, Household],
    assisted: set[int],
    prizes: dict[int, str] | None = None,
    public: bool = False,
) -> Board:
    """Rows of a monthly or annual ranking; assisted households outside the top ten become help rows.

    ``public`` (the 公示 notice): only the top ten is listed — never the bottom of a ranking.
    """
    result = Board()
    helped: list[Household] = []
    for row in frame.sort([rank_column, "household"], nulls_last=True).iter_rows(named=True):
        rank = row[rank_column]
        household = names[row["household"]]
        top = rank is not None and rank <= scoring.TOP_RANK
        if row["household"] in assisted and not top:
            helped.append(household)
            continue
        shown = BoardRow(
            rank=rank,
            household=household,
            score=points_text(row[score_column]),
            stars=stars_label(row["stars"]) if "stars" in row else "",
            months=row.get("months_scored"),
            top_ten=top,
            village_rank=row.get("rank_village"),
            town_rank=row.get("rank_town"),
            prize=(prizes or {}).get(row["household"], ""),
        )
        if rank is None:
            if not public:
                result.unranked.append(shown)
        elif top or not public:
            result.rows.append(shown)
    result.helped = _help_rows(helped)
    return result


def _month_label(month: str) -> str:
    """``2023-03`` as the chart's axis label (3月 / 3)."""
    return _("%(month)s月") % {"month": int(month[5:])}


def progress_chart(months: list[str], series: dict[str, list[float | None]]) -> Option:
    """Average monthly score of each courtyard (or household) over the year."""
    return line_chart(_("月度卫生评比平均分"), [_month_label(m) for m in months], series, unit=_("分"))


def stars_chart(frame: pl.DataFrame, months: list[str]) -> Option:
    """Households by stars, month by month (stacked counts)."""
    counts = frame.group_by(["month", "stars"]).len()
    series: dict[str, list[float | int | None]] = {}
    for stars in (5, 4, 3, 2, 1, 0):
        own = dict(counts.filter(pl.col("stars") == stars).select("month", "len").iter_rows())
        series[STAR_WORDS[stars]] = [own.get(m, 0) for m in months]
    option = bar_chart(_("各星级户数"), [_month_label(m) for m in months], series, unit=_("户"))
    for entry in option["series"]:
        entry["stack"] = "stars"
    return option


def home_tiles(summaries: list[Any], month: date, url: str) -> list[dict[str, object]]:
    """Tiles of the home page: the latest month's average score and ★5 households, with the comparison chart."""
    inspected = sum(s.inspected for s in summaries)
    if not inspected:
        return []
    label = f"{month:%Y-%m}"
    index = month.month - 1
    averages = [s.monthly_average[index] for s in summaries]
    scored = [(s, a) for s, a in zip(summaries, averages, strict=True) if a is not None]
    mean = sum(a * s.inspected for s, a in scored) / inspected
    chart = bar_chart(
        _("各院落 %(month)s 平均分") % {"month": label},
        [s.courtyard.region.name for s, _a in scored],
        {_("平均分"): [a for _s, a in scored]},
        unit=_("分"),
    )
    return [
        {
            "label": _("美丽庭院月度评比平均分"),
            "value": points_text(round(mean, 1)),
            "unit": _("分"),
            "note": _("%(month)s，%(n)s户参评") % {"month": label, "n": inspected},
            "url": url,
            "chart": chart,
        },
        {
            "label": _("星级文明户（五星）"),
            "value": sum(s.five_star for s in summaries),
            "unit": _("户"),
            "note": label,
            "url": url,
            "chart": None,
        },
    ]
