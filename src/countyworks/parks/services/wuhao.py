"""五好园区: the province's results, the rank change and the bottom-5 warning.

Rules: docs/rules/wuhao-parks.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from countyworks.core.actors import Actor
from countyworks.core.services import audited_save
from countyworks.parks.models import ParkAssessment
from countyworks.parks.services._common import require_write

#: A park in the last five of its class two years running is de-listed.
BOTTOM = 5


def rank_change(previous: int | None, current: int) -> int | None:
    """Places gained: previous rank − current rank (83 → 47 is +36, "前进36位"); None without a previous year.

    References
    ----------
    .. [1] 湖南省 省级及以上产业园区综合评价 (五好园区), ranks within each class; the article's
       "前进36位，位列47名" (湖南日报 2023-07-27); docs/rules/wuhao-parks.md §2.
    """
    return None if previous is None else previous - current


def in_bottom(rank: int, parks_in_class: int, bottom: int = BOTTOM) -> bool:
    """Whether ``rank`` is among the last ``bottom`` of ``parks_in_class`` parks.

    References
    ----------
    .. [1] docs/rules/wuhao-parks.md §3 (倒数5名, two years running → 退出).
    """
    return rank > parks_in_class - bottom


@dataclass(frozen=True)
class AssessmentRow:
    """One year of a park's result with its change and warnings."""

    assessment: ParkAssessment
    change: int | None
    bottom: bool
    delist_risk: bool


def assessment_trend(assessments: Sequence[ParkAssessment]) -> list[AssessmentRow]:
    """Each year of one park (oldest first) with the change on the year before, the bottom-5 flag and
    the de-listing risk (bottom 5 this year and the year before).

    References
    ----------
    .. [1] docs/rules/wuhao-parks.md §2–§3.
    """
    rows: list[AssessmentRow] = []
    previous: ParkAssessment | None = None
    for item in sorted(assessments, key=lambda a: a.year):
        consecutive = previous is not None and previous.year == item.year - 1
        bottom = in_bottom(item.rank, item.parks_in_class)
        prev_bottom = (
            consecutive and previous is not None and in_bottom(previous.rank, previous.parks_in_class)
        )
        rows.append(
            AssessmentRow(
                item,
                rank_change(previous.rank if consecutive and previous is not None else None, item.rank),
                bottom,
                bottom and prev_bottom,
            )
        )
        previous = item
    return rows


@transaction.atomic
def assessment_save(*, assessment: ParkAssessment, acting_user: Actor) -> ParkAssessment:
    require_write(acting_user, assessment.region_id)
    return audited_save(assessment, acting_user=acting_user)
