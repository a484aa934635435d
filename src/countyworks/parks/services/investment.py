"""Investment attraction (招商引资): stage order, size bands and the three rates.

Rules: docs/rules/investment-attraction.md (the Hunan 招商引资 statistics as this platform reads them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor
from countyworks.core.services import audited_save
from countyworks.parks.models import STAGE_DATES, InvestmentLead, LeadTag
from countyworks.parks.services._common import Rate, require_write


@dataclass(frozen=True)
class SizeBand:
    """A size band [lower, upper) in 亿元; ``upper`` None is unbounded."""

    code: str
    label: str | StrPromise
    lower: Decimal
    upper: Decimal | None


#: The bands, highest first: 50亿元以上, 10亿元以上, 亿元以上, 3000万元以上 (docs/rules/investment-attraction.md §3).
SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("50yi", _("50亿元以上"), Decimal(50), None),
    SizeBand("10yi", _("10亿元以上"), Decimal(10), Decimal(50)),
    SizeBand("1yi", _("亿元以上"), Decimal(1), Decimal(10)),
    SizeBand("3000wan", _("3000万元以上"), Decimal("0.3"), Decimal(1)),
)


def size_band(contracted_yi: Decimal) -> SizeBand | None:
    """The one band a project counts in: the highest it reaches (bands are disjoint).

    Parameters
    ----------
    contracted_yi : Decimal
        合同引资 [亿元].

    Returns
    -------
    SizeBand or None
        None below 3000万元.

    Notes
    -----
    "以上" includes the boundary: exactly 50亿 is in the 50亿元以上 band, 49.99亿 in 10亿元以上.

    References
    ----------
    .. [1] 湖南省商务厅 招商引资项目统计口径, 规模分档 50亿元以上/10亿元以上/亿元以上/3000万元以上, as used in
       湖南日报 2023-07-27 (娄星经济开发区: 12 个项目 = 2 + 2 + 8); docs/rules/investment-attraction.md §3.
    """
    for band in SIZE_BANDS:
        if contracted_yi >= band.lower and (band.upper is None or contracted_yi < band.upper):
            return band
    return None


def band_counts(amounts: Iterable[Decimal]) -> dict[str, int]:
    """Projects per band (every band listed, zeros included); see :func:`size_band`.

    References
    ----------
    .. [1] docs/rules/investment-attraction.md §3 (disjoint bands).
    """
    counts = {band.code: 0 for band in SIZE_BANDS}
    for amount in amounts:
        band = size_band(amount)
        if band is not None:
            counts[band.code] += 1
    return counts


@dataclass(frozen=True)
class LeadRates:
    """履约率, 开工率 and 资金到位率 of a set of signed projects."""

    performing: Rate
    started: Rate
    funds: Rate


def lead_rates(leads: Sequence[InvestmentLead], as_of: date) -> LeadRates:
    """The three rates over the projects signed (the caller picks which: e.g. those signed in a period).

    Parameters
    ----------
    leads : sequence of InvestmentLead
        Signed projects (``signed_on`` set).
    as_of : date
        Stages dated after this day do not count yet.

    Returns
    -------
    LeadRates
        履约率 = performing ÷ signed; 开工率 = started ÷ signed; 资金到位率 = funds in place ÷ contracted [亿元].

    References
    ----------
    .. [1] 湖南省商务厅 招商引资"三率" (履约率、开工率、资金到位率), denominators as checked against the
       published figures; docs/rules/investment-attraction.md §2.
    """
    signed = [lead for lead in leads if lead.signed_on is not None and lead.signed_on <= as_of]
    performing = sum(1 for lead in signed if lead.performing_on is not None and lead.performing_on <= as_of)
    started = sum(1 for lead in signed if lead.started_on is not None and lead.started_on <= as_of)
    contracted = sum((lead.contracted_yi for lead in signed), Decimal(0))
    funds = sum((lead.funds_in_place_yi for lead in signed), Decimal(0))
    n = Decimal(len(signed))
    return LeadRates(
        performing=Rate(Decimal(performing), n),
        started=Rate(Decimal(started), n),
        funds=Rate(funds, contracted),
    )


def check_lead(lead: InvestmentLead) -> None:
    """Stage dates in order (same day allowed, as 正威's 签约暨开工), a later stage only after 签约,
    known tags, funds not above the contract, a chain link of the lead's own county.

    Raises
    ------
    ValidationError
        Each problem on its field, in the active language.

    References
    ----------
    .. [1] docs/rules/investment-attraction.md §1 (签约 → 履约 → 落地 → 开工 → 投产 → 达产, each with a date).
    """
    errors: dict[str, list[ValidationError]] = {}
    previous: tuple[str, date] | None = None
    for stage, attr in STAGE_DATES:
        day = getattr(lead, attr)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            errors.setdefault(attr, []).append(
                ValidationError(
                    _(
                        "%(stage)s日期 %(day)s 早于%(before)s日期 %(prev)s：阶段日期须按 洽谈→签约→履约→落地→开工→投产→达产 的顺序"
                    ),
                    params={"stage": stage.label, "day": day, "before": previous[0], "prev": previous[1]},
                    code="stage_order",
                )
            )
        previous = (str(stage.label), day)
    later = [attr for _stage, attr in STAGE_DATES[2:] if getattr(lead, attr) is not None]
    if later and lead.signed_on is None:
        errors.setdefault("signed_on", []).append(
            ValidationError(_("已填写履约及以后阶段的日期，须先填写签约日期"), code="unsigned")
        )
    unknown = [t for t in lead.tags if t not in LeadTag.values]
    if unknown:
        errors.setdefault("tags", []).append(
            ValidationError(
                _("未知的企业类别：%(tags)s"), params={"tags": "、".join(map(str, unknown))}, code="tag"
            )
        )
    link = lead.chain_link if lead.chain_link_id is not None else None
    if link is not None and lead.region_id:
        region = link.chain.region_id
        if not lead.region_id.startswith(region) and not region.startswith(lead.region_id):
            errors.setdefault("chain_link", []).append(
                ValidationError(_("补链环节不属于本县（区）的产业链"), code="foreign_link")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def lead_save(*, lead: InvestmentLead, acting_user: Actor) -> InvestmentLead:
    """Create or change a lead after :func:`check_lead` (via ``full_clean``), audited."""
    require_write(acting_user, lead.region_id)
    return audited_save(lead, acting_user=acting_user)
