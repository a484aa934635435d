"""Campaigns: open one pinned to a rule-set version, upload its file, start the evaluation job."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Region
from countyworks.core.services import audited_save
from countyworks.core.tabular import RowError, identify
from countyworks.innovation.models import EvaluationCampaign, InvalidStatus
from countyworks.innovation.services._common import require_write
from countyworks.innovation.services.campaign_files import campaign_check_file
from countyworks.rules.engine import RuleSet
from countyworks.rules.registry import UnknownRuleSet, known_codes, ruleset_in_force, versions


def campaign_ruleset(ruleset_code: str, year: int) -> RuleSet:
    """The version of ``ruleset_code``'s family a campaign of ``year`` is evaluated with: the one
    in force on the last day of the year (docs/rules/tech-sme-2017.md, "How a version is
    chosen"); a 2021 tech-sme campaign gets tech-sme-2017 (国科发政〔2017〕115号).

    Raises
    ------
    ValidationError
        Unknown rule set, or no version of it in force in ``year``.
    """
    if ruleset_code not in known_codes():
        raise ValidationError({"ruleset_code": _("未知的评价规则 %(code)s") % {"code": ruleset_code}})
    try:
        return ruleset_in_force(ruleset_code, date(year, 12, 31))
    except UnknownRuleSet as exc:
        first = versions(ruleset_code)[0]
        raise ValidationError(
            {
                "year": _("%(year)d年没有有效的%(title)s（最早版本%(date)s起施行）")
                % {"year": year, "title": first.title, "date": f"{first.effective:%Y-%m-%d}"}
            }
        ) from exc


@transaction.atomic
def campaign_create(
    *, region: Region, year: int, ruleset_code: str, title: str = "", acting_user: Actor
) -> EvaluationCampaign:
    """Open a campaign for ``region`` and ``year``, pinned to the version of the rule set in
    force in that year (:func:`campaign_ruleset`); later steps use ``campaign.ruleset()``."""
    require_write(acting_user, region.code)
    ruleset = campaign_ruleset(ruleset_code, year)
    campaign = EvaluationCampaign(
        region=region,
        year=year,
        ruleset_code=ruleset.code,
        ruleset_version=ruleset_version_text(ruleset),
        ruleset_effective=ruleset.effective,
        title=title or f"{region.name}{year}年{ruleset.title.removesuffix('办法')}",
        created_by=recorded_user(acting_user),
    )
    return audited_save(campaign, acting_user=acting_user)


def ruleset_version_text(ruleset: RuleSet) -> str:
    """What a campaign shows as its version: ``tech-sme-2017 (国科发政〔2017〕115号, 2017-05-03)``."""
    return f"{ruleset.code} ({ruleset.document}, {ruleset.effective:%Y-%m-%d})"


def _sniff_ok(suffix: str, head: bytes) -> bool:
    """The file's content matches its extension (by the platform's one sniffer)."""
    kind = identify(head)
    return {".xlsx": kind in ("xlsx", "binary"), ".parquet": kind == "parquet", ".csv": kind == "text"}[
        suffix
    ]


def campaign_upload(
    *, campaign: EvaluationCampaign, upload: UploadedFile, acting_user: Actor
) -> list[RowError]:
    """Check an uploaded file and, only if every row is valid, keep it for the evaluation.

    Returns the row errors (nothing is stored when there is any).
    """
    from django.conf import settings

    require_write(acting_user, campaign.region_id)
    if not campaign.can_move_to(EvaluationCampaign.Status.UPLOADED):
        raise InvalidStatus(_("当前状态不能上传数据"))
    name = Path(upload.name or "upload").name
    suffix = Path(name).suffix.lower()
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        return [RowError(1, "", name, "file too large", _("文件超过 %(mb)d MB 上限") % {"mb": limit})]
    upload.seek(0)
    head = upload.read()
    upload.seek(0)
    if suffix in (".xlsx", ".csv", ".parquet") and not _sniff_ok(suffix, head):
        return [RowError(1, "", name, "content does not match the extension", _("文件内容与扩展名不符"))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        checked, errors = campaign_check_file(campaign=campaign, path=path)
        if errors:
            return errors
        assert checked is not None
        with transaction.atomic(), path.open("rb") as source:
            campaign.source_file.save(
                f"{campaign.year}-{campaign.ruleset_code}{suffix}", File(source), save=False
            )
            campaign.source_name = name
            campaign.row_count = checked.frame.height
            campaign.status = EvaluationCampaign.Status.UPLOADED
            audited_save(
                campaign, acting_user=acting_user, reason=_("上传数据文件 %(name)s") % {"name": name}
            )
    return []


# --- campaigns: evaluation job -----------------------------------------------------------------


def campaign_run(*, campaign: EvaluationCampaign, acting_user: Actor):
    """Start the evaluation as a background job; returns the :class:`~countyworks.core.models.Job`."""
    from countyworks.core.jobs import job_create, job_enqueue

    require_write(acting_user, campaign.region_id)
    if not campaign.can_move_to(EvaluationCampaign.Status.RUNNING):
        raise InvalidStatus(_("当前状态不能开始评价"))
    with transaction.atomic():
        job = job_create(
            kind="innovation.evaluate",
            title=_("评价：%(title)s") % {"title": campaign.title},
            user=recorded_user(acting_user),
            region_id=campaign.region_id,
            total=campaign.row_count,
        )
        campaign.status = EvaluationCampaign.Status.RUNNING
        campaign.job = job
        audited_save(campaign, acting_user=acting_user, reason=_("开始评价"))
    job_enqueue(
        job,
        "innovation.evaluate",
        campaign_id=campaign.pk,
        user_id=acting_user.pk,
    )
    return job
