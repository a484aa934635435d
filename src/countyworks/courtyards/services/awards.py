"""The annual overall evaluation's awards: the top ten of each courtyard, with their points bonus."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from django.db import transaction

from countyworks.core.actors import Actor
from countyworks.core.models import Household
from countyworks.core.services import audited_save
from countyworks.courtyards import selectors
from countyworks.courtyards.models import Award, Courtyard
from countyworks.courtyards.services._common import require_write
from countyworks.courtyards.services.points import points_credit_award


@transaction.atomic
def annual_awards_grant(*, courtyard: Courtyard, year: int, prize: str, acting_user: Actor) -> list[Award]:
    """Award every household ranked in the courtyard's top ten of ``year`` (ties included) and credit
    the village's top-ten bonus; granting again adds only the households not yet awarded
    (docs/rules/courtyard-hygiene.md §4–§6)."""
    require_write(acting_user, courtyard.region_id)
    board = selectors.annual_board(user=acting_user, prefix=courtyard.region_id, year=year)
    top = board.filter(pl.col("top_ten")).sort("rank_courtyard")
    done = set(Award.objects.filter(courtyard=courtyard, year=year).values_list("household_id", flat=True))
    households = Household.objects.in_bulk(top["household"].to_list())
    awards = []
    for row in top.iter_rows(named=True):
        if row["household"] in done:
            continue
        award = audited_save(
            Award(
                courtyard=courtyard,
                year=year,
                household=households[row["household"]],
                rank=row["rank_courtyard"],
                annual_score=Decimal(str(round(row["annual_score"], 3))),
                prize=prize,
            ),
            acting_user=acting_user,
        )
        points_credit_award(award=award, acting_user=acting_user)
        awards.append(award)
    return awards
