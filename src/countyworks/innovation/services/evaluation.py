"""The evaluation job of a campaign: evaluate every row, write the results in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation
from countyworks.core.regions import significant_prefix
from countyworks.core.services import audited_save
from countyworks.innovation.bulk import insert_with_history
from countyworks.innovation.models import (
    EnterpriseProfile,
    EnterpriseYearData,
    EvaluationCampaign,
    EvaluationResult,
    InvalidStatus,
)
from countyworks.innovation.services._common import BATCH, organisations_with
from countyworks.innovation.services.campaign_files import (
    CheckedFile,
    campaign_check_file,
    column_labels,
    column_text,
    row_error_zh,
)
from countyworks.rules.engine import FIRST_DATA_ROW


def campaign_evaluate(
    *, campaign: EvaluationCampaign, acting_user: Actor, progress: Callable[..., None] | None = None
) -> dict[str, Any]:
    """Read the campaign's file, evaluate every row and write the results in one transaction.

    Enterprises new to the platform are created (with their profile), each row's figures are
    merged into the enterprise's :class:`EnterpriseYearData`, and one :class:`EvaluationResult`
    per row keeps the evaluated row, the points and the reasons' codes. On any error nothing is
    written and the campaign is marked failed.
    """

    def report(done: int, total: int | None = None) -> None:
        if progress is not None:
            progress(done, total)

    evaluable = (
        EvaluationCampaign.Status.UPLOADED,
        EvaluationCampaign.Status.RUNNING,
        EvaluationCampaign.Status.FAILED,
    )
    if campaign.status not in evaluable:
        raise InvalidStatus(_("当前状态不能评价"))

    try:
        summary = _evaluate(campaign, acting_user, report)
    except Exception:
        EvaluationCampaign.objects.filter(pk=campaign.pk).update(status=EvaluationCampaign.Status.FAILED)
        raise
    return summary


class CampaignFileChanged(ValueError):
    """The stored file no longer passes the checks it passed on upload."""


def _evaluate(campaign: EvaluationCampaign, user: Actor, report: Callable[..., None]) -> dict[str, Any]:
    ruleset = campaign.ruleset()
    checked, errors = campaign_check_file(campaign=campaign, path=Path(campaign.source_file.path))
    if errors or checked is None:
        labels = column_labels(ruleset)
        raise CampaignFileChanged("; ".join(row_error_zh(e, labels) for e in errors[:20]))
    frame = checked.frame
    total = frame.height
    # Progress: evaluation is the first half of the work, the writes the second.
    report(0, 2 * total)
    parts = []
    for start in range(0, total, 20_000):
        parts.append(ruleset.evaluate(frame.slice(start, 20_000)))
        report(min(start + 20_000, total))
    evaluated = pl.concat(parts) if len(parts) > 1 else parts[0]
    # Everything written is prepared column-wise in polars (JSON included), then inserted in bulk.
    fields = [f.name for f in ruleset.fields if f.name in frame.columns]
    declared = frame.select(pl.col(c).cast(pl.String).fill_null("") for c in fields)
    inputs = _json_rows(declared)
    points = [c for c in evaluated.columns if c.startswith("pts_")]
    columns = evaluated.select(
        pl.col("score").round(4).cast(pl.String),
        pl.col("qualified").fill_null(False),
        pl.col("direct").fill_null(False),
        pl.col("failed_conditions").fill_null(""),
        (
            pl.struct([pl.col(p).alias(p.removeprefix("pts_")) for p in points]).struct.json_encode()
            if points
            else pl.lit("{}")  # a rule set of conditions only (小巨人)
        ).alias("points"),
    )
    with transaction.atomic():
        org_ids = _ensure_enterprises(campaign, checked, user)
        _merge_year_data(campaign, org_ids, _json_rows(declared.drop("id")), user)
        report(total + total // 4)
        rows = list(
            zip(
                repeat(campaign.pk),
                org_ids,
                range(FIRST_DATA_ROW, FIRST_DATA_ROW + total),
                repeat(campaign.year),
                repeat(campaign.ruleset_code),
                *(columns.get_column(c).to_list() for c in columns.columns),
                inputs,
                strict=False,
            )
        )
        for start in range(0, total, BATCH):
            insert_with_history(EvaluationResult, RESULT_COLUMNS, rows[start : start + BATCH], user=user)
            report(total + total // 4 + min(start + BATCH, total) * 3 // 4)
        qualified = int(evaluated.get_column("qualified").sum())
        campaign.status = EvaluationCampaign.Status.EVALUATED
        campaign.row_count = total
        campaign.qualified_count = qualified
        audited_save(campaign, acting_user=user, reason=_("评价完成"))
    report(2 * total)
    return {
        "summary": _("共评价 %(total)d 家企业，符合条件 %(qualified)d 家")
        % {"total": total, "qualified": qualified},
        "link": reverse("innovation:campaign-detail", args=[campaign.pk]),
        "rows": total,
        "qualified": qualified,
    }


#: The result columns :func:`_evaluate` writes, in its order.
RESULT_COLUMNS = (
    "campaign",
    "organisation",
    "row_number",
    "year",
    "ruleset_code",
    "score",
    "qualified",
    "direct",
    "failed_conditions",
    "points",
    "inputs",
)


def _json_rows(frame: pl.DataFrame) -> list[str]:
    """Each row of ``frame`` as a JSON object (text), encoded by polars."""
    return frame.select(pl.struct(pl.all()).struct.json_encode()).to_series().to_list()


def _ensure_enterprises(campaign: EvaluationCampaign, checked: CheckedFile, user: Actor) -> list[int]:
    """Each row's organisation id, creating the enterprises (and profiles) new to the platform."""
    org_ids = list(checked.organisation_ids)
    missing = [i for i, pk in enumerate(org_ids) if pk is None]
    if missing:
        ids = column_text(checked.frame, "id")
        names = column_text(checked.frame, "name")
        regions = column_text(checked.frame, "region")
        new = [
            Organisation(
                name=names[i],
                credit_code=ids[i],
                kind=Organisation.Kind.ENTERPRISE,
                region_id=significant_prefix(regions[i]),
            )
            for i in missing
        ]
        created = bulk_create_with_history(
            new, Organisation, batch_size=BATCH, default_user=recorded_user(user)
        )
        for i, org in zip(missing, created, strict=True):
            org_ids[i] = org.pk
    filled = [pk for pk in org_ids if pk is not None]  # every row has its enterprise now
    have_profile = organisations_with(EnterpriseProfile, campaign.region_id, filled)
    profiles = [
        EnterpriseProfile(organisation_id=pk) for pk in dict.fromkeys(filled) if pk not in have_profile
    ]
    if profiles:
        bulk_create_with_history(
            profiles, EnterpriseProfile, batch_size=BATCH, default_user=recorded_user(user)
        )
    return filled


def _merge_year_data(campaign: EvaluationCampaign, org_ids: list[int], data: list[str], user: Actor) -> None:
    """Merge each row's figures (JSON text) into the enterprise's year data: new enterprise-years
    are inserted, existing ones get the declared fields replaced and the others kept."""
    declared = sorted(organisations_with(EnterpriseYearData, campaign.region_id, org_ids, year=campaign.year))
    existing: dict[int, EnterpriseYearData] = {}
    for start in range(0, len(declared), BATCH):
        for item in EnterpriseYearData.objects.filter(
            year=campaign.year, organisation_id__in=declared[start : start + BATCH]
        ):
            existing[item.organisation_id] = item
    new, changed = [], []
    for pk, figures in zip(org_ids, data, strict=True):
        if pk in existing:
            item = existing[pk]
            item.data = {**item.data, **json.loads(figures)}
            item.source_campaign = campaign
            changed.append(item)
        else:
            new.append((pk, campaign.year, figures, campaign.pk))
    for start in range(0, len(new), BATCH):
        insert_with_history(
            EnterpriseYearData,
            ("organisation", "year", "data", "source_campaign"),
            new[start : start + BATCH],
            user=user,
        )
    if changed:
        bulk_update_with_history(
            changed,
            EnterpriseYearData,
            ["data", "source_campaign"],
            batch_size=500,
            default_user=recorded_user(user),
        )
