"""Reads of program 5, each scoped to the viewer (:mod:`countyworks.core.scoping`).

Monthly and annual results are computed by :mod:`countyworks.courtyards.scoring` from the stored
inspections of the area (one query, then polars), the same functions the batch command runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse

from countyworks.core.models import Household, Region
from countyworks.core.scoping import Viewer, get_scoped_or_404, reaches, scope
from countyworks.courtyards import scoring
from countyworks.courtyards.models import (
    PROGRAM,
    Assistance,
    Award,
    Courtyard,
    HouseholdProfile,
    Inspection,
    PointsEntry,
    Redemption,
    ShopItem,
    Work,
)

#: Columns of the frame every result is computed from.
_FRAME_SCHEMA = {
    "household": pl.Int64,
    "courtyard": pl.String,
    "month": pl.String,
    "total": pl.Float64,
    "stars": pl.Int8,
}


def courtyard_list(*, user: Viewer, within: str | None = None) -> QuerySet[Courtyard]:
    return scope(Courtyard.objects.select_related("region", "region__parent"), user, PROGRAM, within=within)


def courtyard_get(*, user: Viewer, code: str) -> Courtyard:
    return get_scoped_or_404(
        Courtyard.objects.select_related("region", "region__parent"), user, PROGRAM, region_id=code
    )


def household_get(*, user: Viewer, pk: int) -> Household:
    """A household of a courtyard the viewer reaches (404 otherwise)."""
    return get_scoped_or_404(
        Household.objects.select_related("region", "courtyard_profile").filter(
            region__level=Region.Level.COURTYARD
        ),
        user,
        PROGRAM,
        pk=pk,
    )


def households_of(courtyard: Courtyard) -> list[Household]:
    return list(
        Household.objects.filter(region_id=courtyard.region_id)
        .select_related("courtyard_profile")
        .order_by("house_label", "id")
    )


def assisted_ids(household_ids: Iterable[int]) -> set[int]:
    """Which of the households the village flags for assistance."""
    return set(
        HouseholdProfile.objects.filter(
            household_id__in=list(household_ids), needs_assistance=True
        ).values_list("household_id", flat=True)
    )


def results_frame(*, user: Viewer, prefix: str, start: date, end: date) -> pl.DataFrame:
    """Stored inspections under ``prefix`` with months in [start, end): household, courtyard, month, total, stars."""
    rows = (
        scope(Inspection.objects.all(), user, PROGRAM, within=prefix)
        .filter(month__gte=start, month__lt=end)
        .values_list("household_id", "household__region_id", "month", "total", "stars")
    )
    return pl.DataFrame(
        [(h, c, f"{m:%Y-%m}", float(t), s) for h, c, m, t, s in rows], schema=_FRAME_SCHEMA, orient="row"
    )


def monthly_board(*, user: Viewer, prefix: str, month: date) -> pl.DataFrame:
    """One month's totals, stars and competition ranks within courtyard, village and town."""
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    frame = results_frame(user=user, prefix=prefix[:9], start=month, end=end)
    ranked = scoring.monthly_ranks(frame)
    return ranked.filter(pl.col("courtyard").str.starts_with(prefix)).sort(
        ["courtyard", "rank_courtyard", "household"]
    )


def annual_board(*, user: Viewer, prefix: str, year: int) -> pl.DataFrame:
    """The annual overall evaluation of ``year`` for the households under ``prefix``.

    Ranks within village and town count every household of that village and town the viewer reaches.
    """
    frame = results_frame(user=user, prefix=prefix[:9], start=date(year, 1, 1), end=date(year + 1, 1, 1))
    return scoring.annual_results(frame).filter(pl.col("courtyard").str.starts_with(prefix))


def latest_month(*, user: Viewer, within: str | None = None) -> date | None:
    found = (
        scope(Inspection.objects.all(), user, PROGRAM, within=within)
        .order_by("-month")
        .values_list("month", flat=True)
    )
    return found.first()


def household_names(ids: Iterable[int]) -> dict[int, Household]:
    return {h.pk: h for h in Household.objects.filter(pk__in=list(ids))}


@dataclass(frozen=True)
class CourtyardSummary:
    """One column of the side-by-side comparison of courtyards."""

    courtyard: Courtyard
    households: int
    inspected: int
    average: Decimal | None
    five_star: int
    works_done: int
    months: list[str]
    monthly_average: list[float | None]

    @property
    def participation(self) -> Decimal | None:
        """Households inspected in the latest month ÷ households, in %."""
        if not self.households:
            return None
        return (Decimal(self.inspected) * 100 / self.households).quantize(Decimal("0.1"))


def comparison(*, user: Viewer, within: str | None, year: int) -> list[CourtyardSummary]:
    """Every reached courtyard's participation, average score, ★5 households and completed works in ``year``."""
    courtyards = list(courtyard_list(user=user, within=within))
    if not courtyards:
        return []
    frame = results_frame(user=user, prefix=within or "", start=date(year, 1, 1), end=date(year + 1, 1, 1))
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    household_counts = dict(
        Household.objects.filter(region_id__in=[c.region_id for c in courtyards])
        .values_list("region_id")
        .annotate(n=Count("id"))
    )
    works = dict(
        Work.objects.filter(courtyard__in=courtyards, status=Work.Status.DONE, completed_on__year__lte=year)
        .values_list("courtyard__region_id")
        .annotate(n=Count("id"))
    )
    by_month = frame.group_by(["courtyard", "month"]).agg(
        pl.col("total").mean().alias("avg"), pl.len().alias("n")
    )
    summaries = []
    for courtyard in courtyards:
        own = by_month.filter(pl.col("courtyard") == courtyard.region_id)
        averages = dict(zip(own["month"].to_list(), own["avg"].to_list(), strict=True))
        counts = dict(zip(own["month"].to_list(), own["n"].to_list(), strict=True))
        scored = frame.filter(pl.col("courtyard") == courtyard.region_id)
        last = max(counts) if counts else None
        summaries.append(
            CourtyardSummary(
                courtyard=courtyard,
                households=household_counts.get(courtyard.region_id, 0),
                inspected=counts.get(last, 0) if last else 0,
                average=Decimal(str(scored["total"].mean())).quantize(Decimal("0.1"))
                if scored.height
                else None,
                five_star=scored.filter((pl.col("month") == last) & (pl.col("stars") == 5)).height
                if last
                else 0,
                works_done=works.get(courtyard.region_id, 0),
                months=months,
                monthly_average=[round(averages[m], 1) if m in averages else None for m in months],
            )
        )
    return summaries


def household_inspections(household: Household) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(household=household)
        .select_related("sheet")
        .prefetch_related("scores__item", "photos")
    )


def ledger(household: Household) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(household=household).order_by("-id")


def assistance_of(household: Household) -> QuerySet[Assistance]:
    return Assistance.objects.filter(household=household)


def assistance_list(*, user: Viewer, within: str | None = None) -> QuerySet[Assistance]:
    return scope(
        Assistance.objects.select_related("household", "household__region"), user, PROGRAM, within=within
    )


def work_list(*, user: Viewer, within: str | None = None) -> QuerySet[Work]:
    return scope(
        Work.objects.select_related("courtyard__region", "household").prefetch_related("photos"),
        user,
        PROGRAM,
        within=within,
    )


def shop_items(*, user: Viewer, within: str | None = None) -> QuerySet[ShopItem]:
    return scope(ShopItem.objects.select_related("region"), user, PROGRAM, within=within)


def redemptions(*, user: Viewer, within: str | None = None) -> QuerySet[Redemption]:
    return scope(Redemption.objects.select_related("household", "item"), user, PROGRAM, within=within)


def balances(household_ids: Iterable[int]) -> dict[int, int]:
    """Each household's balance: the balance of its last ledger line."""
    ids = list(household_ids)
    last = PointsEntry.objects.filter(household_id__in=ids).values("household_id").annotate(last=Max("id"))
    entries = PointsEntry.objects.filter(id__in=[row["last"] for row in last]).values_list(
        "household_id", "balance"
    )
    return dict(entries)


def prizes(*, user: Viewer, prefix: str, year: int) -> dict[int, str]:
    """household id → the prize of its top-ten award of ``year``."""
    awards = scope(Award.objects.all(), user, PROGRAM, within=prefix).filter(year=year)
    return dict(awards.values_list("household_id", "prize"))


# --- figures for the brief, the indicators and the home tiles (the platform's own reach) ---------


@dataclass(frozen=True)
class AreaFigures:
    """What the brief says about an area and a year, every figure counted from records."""

    courtyards: list[Courtyard]
    households: int
    committee: int
    inspections: int
    months: int
    average: Decimal | None
    five_star: int
    star_households: int
    works: dict[str, int]
    top_ten: list[tuple[int, str, Decimal]]
    assisted: int
    assistance_records: int


def area_figures(*, user: Viewer, prefix: str, year: int) -> AreaFigures:
    """Households, committee, inspections, stars, works completed by the year's end, and the top ten."""
    courtyards = list(courtyard_list(user=user, within=prefix))
    codes = [c.region_id for c in courtyards]
    households = Household.objects.filter(region_id__in=codes)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    inspections = scope(Inspection.objects.all(), user, PROGRAM, within=prefix).filter(
        month__gte=start, month__lt=end
    )
    agg = inspections.aggregate(n=Count("id"), total=Sum("total"), months=Count("month", distinct=True))
    works = dict(
        scope(Work.objects.all(), user, PROGRAM, within=prefix)
        .filter(status=Work.Status.DONE, completed_on__lt=end)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    annual = annual_board(user=user, prefix=prefix, year=year)
    top = annual.filter(pl.col("top_ten")).sort(["rank_courtyard", "household"])
    names = household_names(top["household"].to_list())
    assisted = HouseholdProfile.objects.filter(household__region_id__in=codes, needs_assistance=True)
    return AreaFigures(
        courtyards=courtyards,
        households=households.count(),
        committee=sum(c.committee.count() for c in courtyards),
        inspections=agg["n"],
        months=agg["months"],
        average=(agg["total"] / agg["n"]).quantize(Decimal("0.1")) if agg["n"] else None,
        five_star=inspections.filter(stars=5).count(),
        star_households=inspections.filter(stars=5).values("household").distinct().count(),
        works=works,
        top_ten=[
            (
                row["rank_courtyard"],
                names[row["household"]].head_name,
                Decimal(str(round(row["annual_score"], 3))),
            )
            for row in top.iter_rows(named=True)
        ],
        assisted=assisted.count(),
        assistance_records=Assistance.objects.filter(
            household__region_id__in=codes, helped_on__lt=end
        ).count(),
    )


def home_tiles(*, user: Viewer, within: str | None = None) -> list[dict[str, object]]:
    """The latest month's average score and ★5 households of the viewer's courtyards, with a chart."""
    from countyworks.courtyards.presenters import home_tiles as present

    if not reaches(user, PROGRAM):
        return []
    month = latest_month(user=user, within=within)
    if month is None:
        return []
    summaries = comparison(user=user, within=within, year=month.year)
    return present(summaries, month, reverse("courtyards:home"))


def inspected_ids(courtyard: Courtyard, month: date) -> set[int]:
    """The courtyard's households already inspected in ``month``."""
    return set(
        Inspection.objects.filter(household__region_id=courtyard.region_id, month=month).values_list(
            "household_id", flat=True
        )
    )


def household_choices(*, user: Viewer, within: str | None = None) -> list[Household]:
    """Every courtyard household the viewer reaches (for the shop's redemption form)."""
    return list(
        scope(Household.objects.filter(region__level=Region.Level.COURTYARD), user, PROGRAM, within=within)
        .select_related("region")
        .order_by("region_id", "house_label", "id")[:2000]
    )


def work_get(*, user: Viewer, pk: int) -> Work:
    return get_scoped_or_404(Work.objects.select_related("courtyard__region"), user, PROGRAM, pk=pk)


@dataclass(frozen=True)
class WorkTotal:
    kind: str
    label: str
    done: int
    open: int
    cost_yuan: Decimal


def work_totals(works: QuerySet[Work]) -> list[WorkTotal]:
    """Per kind of work: completed, not yet completed, and the cost of the completed ones."""
    rows = (
        works.order_by()
        .values("kind")
        .annotate(
            done=Count("id", filter=Q(status=Work.Status.DONE)),
            open=Count("id", filter=~Q(status=Work.Status.DONE)),
            cost=Sum("cost_yuan", filter=Q(status=Work.Status.DONE)),
        )
    )
    labels = dict(Work.Kind.choices)
    return [
        WorkTotal(r["kind"], str(labels[r["kind"]]), r["done"], r["open"], r["cost"] or Decimal(0))
        for r in sorted(rows, key=lambda r: list(labels).index(r["kind"]))
    ]


def household_counts(codes: list[str]) -> dict[str, int]:
    """Households registered in each courtyard."""
    return dict(
        Household.objects.filter(region_id__in=codes).values_list("region_id").annotate(n=Count("id"))
    )


def inspection_exists(client_key: str) -> bool:
    """Whether the offline form's entry ``client_key`` is already stored (a re-sent entry)."""
    return bool(client_key) and Inspection.objects.filter(client_key=client_key).exists()
