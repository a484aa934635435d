"""Writes of program 2: campaigns, pools, 一企一策, 揭榜挂帅, platforms and achievements.

One function per use case (``<entity>_<action>``), keyword-only, transactional and audited
(django-simple-history records who changed what). Every function checks that ``acting_user``
may write in the object's area (the access gate, :mod:`countyworks.core.permissions`), so a
view cannot forget it. Rules are never implemented here: campaigns call the official rule
sets of :mod:`countyworks.rules` (``get_ruleset(code).validate/evaluate``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from stdnum.cn import uscc

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation, Person, Region
from countyworks.core.permissions import access_write_region
from countyworks.core.regions import InvalidRegionCode, significant_prefix
from countyworks.core.services import audited_save
from countyworks.core.tabular import RowError, identify
from countyworks.innovation.bulk import insert_with_history
from countyworks.innovation.models import (
    PROGRAM,
    TIERS,
    Achievement,
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengeStatusChange,
    EnterprisePlan,
    EnterpriseProfile,
    EnterpriseYearData,
    EvaluationCampaign,
    EvaluationResult,
    ExpertReview,
    FundingTranche,
    InnovationPlatform,
    InvalidStatus,
    PlanMilestone,
    PlatformExpert,
    PoolMembership,
    Tier,
    TierSpec,
    ruleset_family,
    tier_for_ruleset,
)
from countyworks.rules.engine import FIRST_DATA_ROW, RuleSet
from countyworks.rules.io import UnsupportedFormat, check_format, read_table
from countyworks.rules.registry import UnknownRuleSet, get_ruleset, known_codes, ruleset_in_force, versions

#: Optional columns of a campaign file that describe an enterprise not yet on the platform.
ENTERPRISE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "名称"),
    "region": ("区划代码", "所在区划", "所在区划代码"),
}
#: Rows per batch of bulk writes and per chunk of evaluation (progress granularity).
BATCH = 5_000
#: 高企培育库: tech-sme qualified and the high-tech gap "within reach" — at most this many
#: failed conditions of high-tech-2016 (docs/rules/enterprise-ladder.md §2).
CULTIVATION_MAX_FAILED = 2
#: 储备 (微成长): a tech-sme evaluation that failed only on its score conditions — a compliant
#: enterprise of the right size that more R&D, staff or IP would carry into the pool.
RESERVE_FAILURES = frozenset({"c5_score", "c5_staff_zero"})
#: Pools that are the program's own cultivation lists: left when an enterprise climbs higher.
LOCAL_POOLS = (Tier.RESERVE, Tier.HIGH_TECH_CULTIVATION)


def _require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 2 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理科技创新业务"))


def _today() -> date:
    return timezone.localdate()


# --- campaigns: create, upload, check --------------------------------------------------------


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
    _require_write(acting_user, region.code)
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


def row_error_zh(error: RowError) -> str:
    """A row error in Chinese naming row, column, value and reason (page and job message)."""
    where = _("第%(row)d行") % {"row": error.row} if error.row > 1 else _("表头")
    value = _("，值“%(value)s”") % {"value": error.value} if error.value else ""
    return _("%(where)s，列“%(column)s”%(value)s：%(reason)s") % {
        "where": where,
        "column": error.column,
        "value": value,
        "reason": error.reason_zh,
    }


def _rename_enterprise_columns(frame: pl.DataFrame) -> pl.DataFrame:
    mapping = {}
    for name, aliases in ENTERPRISE_COLUMNS.items():
        for alias in aliases:
            if alias in frame.columns and name not in frame.columns and name not in mapping.values():
                mapping[alias] = name
    return frame.rename(mapping)


def _read(path: Path, ruleset: RuleSet) -> tuple[pl.DataFrame | None, list[RowError]]:
    try:
        check_format(path)
        frame = read_table(path, ruleset)
    except UnsupportedFormat:
        return None, [
            RowError(1, "", "", "unsupported file type", _("文件类型不支持，请上传 xlsx、csv 或 parquet"))
        ]
    except (pl.exceptions.PolarsError, OSError, ValueError, UnicodeDecodeError) as exc:
        return None, [
            RowError(1, "", "", f"cannot read: {exc}", _("无法读取文件：%(error)s") % {"error": exc})
        ]
    return _rename_enterprise_columns(frame), []


@dataclass(frozen=True)
class CheckedFile:
    """A campaign file that passed every check: the frame and each row's enterprise.

    ``organisation_ids[i]`` is the enterprise of row i, or None for an enterprise the
    evaluation will create from the file's ``name`` and ``region`` columns.
    """

    frame: pl.DataFrame
    organisation_ids: list[int | None]


def campaign_check_file(
    *, campaign: EvaluationCampaign, path: Path
) -> tuple[CheckedFile | None, list[RowError]]:
    """Every row error of a campaign file: the rule set's validation, then the enterprises.

    Each ``id`` must be a valid 统一社会信用代码 (GB 32100-2015, checked by python-stdnum),
    appear once, and name an enterprise inside the campaign's region; an enterprise not yet on
    the platform needs ``name`` (企业名称) and ``region`` (区划代码) in the file, the region lying
    inside the campaign's region.
    """
    ruleset = campaign.ruleset()
    frame, errors = _read(path, ruleset)
    if frame is None:
        return None, errors
    if frame.height == 0:
        return None, [RowError(1, "", "", "no data rows", _("文件没有数据行"))]
    errors = ruleset.validate(frame)
    org_ids: list[int | None] = []
    if "id" in frame.columns:
        enterprise_errors, org_ids = _enterprise_errors(campaign, frame)
        errors += enterprise_errors
    if errors:
        order = {f.name: i for i, f in enumerate(ruleset.fields)}
        return None, sorted(errors, key=lambda e: (e.row, order.get(e.column, len(order))))
    return CheckedFile(frame, org_ids), []


def _column_text(frame: pl.DataFrame, name: str) -> list[str]:
    if name not in frame.columns:
        return [""] * frame.height
    return frame.get_column(name).cast(pl.String).fill_null("").str.strip_chars().to_list()


def _enterprise_errors(
    campaign: EvaluationCampaign, frame: pl.DataFrame
) -> tuple[list[RowError], list[int | None]]:
    ids = _column_text(frame, "id")
    names = _column_text(frame, "name")
    regions = _column_text(frame, "region")
    prefix = campaign.region_id
    # The campaign's region in one query, then the few codes registered elsewhere.
    known: dict[str, tuple[int, str]] = {
        code: (pk, region)
        for code, pk, region in Organisation.objects.filter(region__code__startswith=prefix)
        .exclude(credit_code="")
        .values_list("credit_code", "id", "region_id")
    }
    elsewhere = sorted({i for i in ids if i and i not in known})
    for start in range(0, len(elsewhere), BATCH):
        rows = Organisation.objects.filter(credit_code__in=elsewhere[start : start + BATCH]).values_list(
            "credit_code", "id", "region_id"
        )
        known.update({code: (pk, region) for code, pk, region in rows})
    new_regions = {r for r in regions if r}
    region_keys: dict[str, str | None] = {}
    for raw in new_regions:
        try:
            region_keys[raw] = significant_prefix(raw)
        except InvalidRegionCode:
            region_keys[raw] = None
    existing_regions = set(
        Region.objects.filter(code__in=[k for k in region_keys.values() if k]).values_list("code", flat=True)
    )
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    org_ids: list[int | None] = []
    for index, code in enumerate(ids):
        row = index + FIRST_DATA_ROW
        org_ids.append(None)
        if not code:
            continue  # the rule set reports the blank id
        # A registered enterprise's code passed the same check when it was registered.
        if code not in known and not uscc.is_valid(code):
            errors.append(
                RowError(
                    row,
                    "id",
                    code,
                    "invalid 统一社会信用代码 (GB 32100 check digit)",
                    _("统一社会信用代码无效（GB 32100-2015 校验失败）"),
                )
            )
            continue
        if code in first_seen:
            errors.append(
                RowError(
                    row,
                    "id",
                    code,
                    f"duplicate id (first on row {first_seen[code]})",
                    _("企业重复（与第%(row)d行相同）") % {"row": first_seen[code]},
                )
            )
            continue
        first_seen[code] = row
        if code in known:
            pk, region = known[code]
            if not region.startswith(prefix):
                errors.append(
                    RowError(
                        row,
                        "id",
                        code,
                        "enterprise outside the campaign's region",
                        _("企业所在区划 %(region)s 不在本批次评价区域内") % {"region": region},
                    )
                )
            org_ids[index] = pk
            continue
        if not names[index]:
            errors.append(
                RowError(
                    row, "name", "", "new enterprise without a name", _("平台中没有该企业，请填写企业名称")
                )
            )
        raw_region = regions[index]
        key = region_keys.get(raw_region) if raw_region else None
        if not raw_region:
            errors.append(
                RowError(
                    row,
                    "region",
                    "",
                    "new enterprise without a region code",
                    _("平台中没有该企业，请填写所在区划代码"),
                )
            )
        elif key is None or key not in existing_regions:
            errors.append(RowError(row, "region", raw_region, "unknown region code", _("区划代码不存在")))
        elif not key.startswith(prefix):
            errors.append(
                RowError(
                    row,
                    "region",
                    raw_region,
                    "region outside the campaign's region",
                    _("区划不在本批次评价区域内"),
                )
            )
    return errors, org_ids


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

    _require_write(acting_user, campaign.region_id)
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

    _require_write(acting_user, campaign.region_id)
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


def _evaluate(campaign: EvaluationCampaign, user, report: Callable[..., None]) -> dict[str, Any]:
    ruleset = campaign.ruleset()
    checked, errors = campaign_check_file(campaign=campaign, path=Path(campaign.source_file.path))
    if errors or checked is None:
        raise CampaignFileChanged("; ".join(row_error_zh(e) for e in errors[:20]))
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


def _ensure_enterprises(campaign: EvaluationCampaign, checked: CheckedFile, user) -> list[int]:
    """Each row's organisation id, creating the enterprises (and profiles) new to the platform."""
    org_ids = list(checked.organisation_ids)
    missing = [i for i, pk in enumerate(org_ids) if pk is None]
    if missing:
        ids = _column_text(checked.frame, "id")
        names = _column_text(checked.frame, "name")
        regions = _column_text(checked.frame, "region")
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
    have_profile = _organisations_with(EnterpriseProfile, campaign.region_id, org_ids)
    profiles = [
        EnterpriseProfile(organisation_id=pk) for pk in dict.fromkeys(org_ids) if pk not in have_profile
    ]
    if profiles:
        bulk_create_with_history(
            profiles, EnterpriseProfile, batch_size=BATCH, default_user=recorded_user(user)
        )
    return [pk for pk in org_ids if pk is not None]


def _organisations_with(model, region: str, wanted: list[int], **filters: Any) -> set[int]:
    """Which of the ``wanted`` enterprises (all under ``region``) have a ``model`` row with
    ``filters``: one query over the region rather than one ``IN`` list per batch."""
    rows = model.objects.filter(organisation__region__code__startswith=region, **filters).values_list(
        "organisation_id", flat=True
    )
    return set(rows) & set(wanted)


def _merge_year_data(campaign: EvaluationCampaign, org_ids: list[int], data: list[str], user) -> None:
    """Merge each row's figures (JSON text) into the enterprise's year data: new enterprise-years
    are inserted, existing ones get the declared fields replaced and the others kept."""
    declared = sorted(
        _organisations_with(EnterpriseYearData, campaign.region_id, org_ids, year=campaign.year)
    )
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


# --- campaigns: confirmation into the pools -----------------------------------------------------


def default_entry_date(year: int) -> date:
    """Today, or the last day of ``year`` when confirming a past year's campaign."""
    return min(_today(), date(year, 12, 31))


@transaction.atomic
def campaign_confirm(
    *, campaign: EvaluationCampaign, acting_user: Actor, entered_on: date | None = None
) -> dict[str, int]:
    """Confirm an evaluated campaign: qualified enterprises enter the rule set's pool.

    For a tech-sme campaign, enterprises that failed only on the score conditions enter 储备
    (:data:`RESERVE_FAILURES`). Entering a pool leaves the local cultivation pools below it, and
    the 高企培育库 of the region and year is brought up to date
    (:func:`cultivation_pool_refresh`). Returns the number of entries per pool.
    """
    _require_write(acting_user, campaign.region_id)
    if not campaign.can_move_to(EvaluationCampaign.Status.CONFIRMED):
        raise InvalidStatus(_("只有待确认的评价批次才能确认入库"))
    entered_on = entered_on or default_entry_date(campaign.year)
    if entered_on.year != campaign.year:
        raise ValidationError(
            {"entered_on": _("入库日期须在评价年度（%(year)d年）内") % {"year": campaign.year}}
        )
    spec = tier_for_ruleset(campaign.ruleset_code)
    if spec is None:
        raise ValidationError(_("该评价规则没有对应的培育库"))
    results = list(campaign.results.values_list("pk", "organisation_id", "qualified", "failed_conditions"))
    entries: dict[str, int] = {}
    qualified = [(pk, org) for pk, org, ok, _failed in results if ok]
    region = campaign.region_id
    entries[spec.tier] = _enter(spec, qualified, campaign.year, entered_on, acting_user, region)
    if ruleset_family(campaign.ruleset_code) == "tech-sme":
        growing = [
            (pk, org)
            for pk, org, ok, failed in results
            if not ok and set(failed.split(";")) <= RESERVE_FAILURES
        ]
        taken = _organisations_with(
            PoolMembership, region, [o for _p, o in growing], tier=Tier.TECH_SME, year=campaign.year
        )
        entries[Tier.RESERVE] = _enter(
            TIERS[Tier.RESERVE],
            [(pk, o) for pk, o in growing if o not in taken],
            campaign.year,
            entered_on,
            acting_user,
            region,
        )
    campaign.status = EvaluationCampaign.Status.CONFIRMED
    campaign.entered_on = entered_on
    campaign.confirmed_by = recorded_user(acting_user)
    audited_save(campaign, acting_user=acting_user, reason=_("确认入库"))
    entries[Tier.HIGH_TECH_CULTIVATION] = cultivation_pool_refresh(
        region=campaign.region, year=campaign.year, on=entered_on, acting_user=acting_user
    )
    return entries


def _enter(
    spec: TierSpec, rows: list[tuple[int | None, int]], year: int, entered_on: date, user, region: str
) -> int:
    """Create memberships of ``spec.tier`` for (result pk, organisation) pairs of enterprises under
    ``region`` not already in it this year, and close the local pools below it. Returns the number
    of new memberships."""
    orgs = [org for _pk, org in rows]
    already = _organisations_with(PoolMembership, region, orgs, tier=spec.tier, year=year)
    valid_until = spec.valid_until(entered_on, year)
    PoolMembership(entered_on=entered_on, valid_until=valid_until).clean()
    new = [
        (org, spec.tier.value, year, entered_on, valid_until, None, "", pk, "")
        for org, pk in {org: pk for pk, org in rows}.items()
        if org not in already
    ]
    for start in range(0, len(new), BATCH):
        insert_with_history(PoolMembership, MEMBERSHIP_COLUMNS, new[start : start + BATCH], user=user)
    lower = [t for t in LOCAL_POOLS if TIERS[t].rank < spec.rank]
    if lower and new:
        reason = _("升入%(tier)s") % {"tier": spec.tier.label}
        _leave(lower, [row[0] for row in new], entered_on, reason, user, region)
    return len(new)


#: The membership columns :func:`_enter` writes, in its order.
MEMBERSHIP_COLUMNS = (
    "organisation",
    "tier",
    "year",
    "entered_on",
    "valid_until",
    "exited_on",
    "exit_reason",
    "result",
    "note",
)


def _leave(tiers: Iterable[str], orgs: list[int], on: date, reason: str, user, region: str) -> None:
    """Close the memberships of ``orgs`` (under ``region``) in ``tiers`` that are in force on ``on``."""
    climbing = set(orgs)
    leaving = [
        item
        for item in PoolMembership.objects.filter(
            PoolMembership.active_on_q(on),
            tier__in=list(tiers),
            organisation__region__code__startswith=region,
        )
        if item.organisation_id in climbing
    ]
    for item in leaving:
        item.exited_on = on if on > item.entered_on else item.entered_on
        item.exit_reason = reason
    if leaving:
        bulk_update_with_history(
            leaving,
            PoolMembership,
            ["exited_on", "exit_reason"],
            batch_size=500,
            default_user=recorded_user(user),
        )


@transaction.atomic
def cultivation_pool_refresh(*, region: Region, year: int, on: date, acting_user: Actor) -> int:
    """Enter the 高企培育库 of ``year``: enterprises in the 科技型中小企业 pool of that year whose
    latest confirmed high-tech evaluation of that year failed at most
    :data:`CULTIVATION_MAX_FAILED` conditions, and that hold no 高企 certificate on ``on``.

    Returns the number of new entries.
    """
    _require_write(acting_user, region.code)
    under = Q(organisation__region__code__startswith=region.code)
    tech = set(
        PoolMembership.objects.filter(under, tier=Tier.TECH_SME, year=year).values_list(
            "organisation_id", flat=True
        )
    )
    certified = set(
        PoolMembership.objects.filter(under, PoolMembership.active_on_q(on), tier=Tier.HIGH_TECH).values_list(
            "organisation_id", flat=True
        )
    )
    latest: dict[int, tuple[int, bool, str]] = {}
    high_tech_results = (
        EvaluationResult.objects.filter(
            under,
            year=year,
            campaign__status=EvaluationCampaign.Status.CONFIRMED,
            ruleset_code__startswith="high-tech-",
        )
        .order_by("campaign__created_at", "campaign_id")
        .values_list("organisation_id", "pk", "qualified", "failed_conditions")
    )
    for org, pk, ok, failed in high_tech_results:
        latest[org] = (pk, ok, failed)
    rows = [
        (pk, org)
        for org, (pk, ok, failed) in latest.items()
        if org in tech
        and org not in certified
        and not ok
        and len([c for c in failed.split(";") if c]) <= CULTIVATION_MAX_FAILED
    ]
    return _enter(TIERS[Tier.HIGH_TECH_CULTIVATION], rows, year, on, acting_user, region.code)


@transaction.atomic
def pool_enter_by_decision(
    *, organisation: Organisation, tier: str, entered_on: date, note: str, acting_user: Actor
) -> PoolMembership:
    """Enter a pool that no rule set decides (上市后备, or 储备 by an officer's decision)."""
    _require_write(acting_user, organisation.region_id)
    spec = TIERS[tier]
    if spec.ruleset_family is not None or tier == Tier.HIGH_TECH_CULTIVATION:
        raise ValidationError({"tier": _("该库只能通过评价入库")})
    if not note.strip():
        raise ValidationError({"note": _("请说明入库依据")})
    membership = PoolMembership(
        organisation=organisation,
        tier=tier,
        year=entered_on.year,
        entered_on=entered_on,
        valid_until=spec.valid_until(entered_on, entered_on.year),
        note=note,
    )
    return audited_save(membership, acting_user=acting_user, reason=note)


@transaction.atomic
def pool_exit(
    *, membership: PoolMembership, exited_on: date, reason: str, acting_user: Actor
) -> PoolMembership:
    """Take an enterprise out of a pool before its validity ends (e.g. 摘牌, 迁出, 注销)."""
    _require_write(acting_user, membership.organisation.region_id)
    if membership.exited_on is not None:
        raise ValidationError(_("该入库记录已出库"))
    if not reason.strip():
        raise ValidationError({"exit_reason": _("请填写出库原因")})
    membership.exited_on = exited_on
    membership.exit_reason = reason
    return audited_save(membership, acting_user=acting_user, reason=reason)


# --- self-assessment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """A one-row evaluation: the result columns, the reasons and the gap (nothing is stored)."""

    ruleset: RuleSet
    errors: list[RowError]
    result: dict[str, Any] | None
    reasons: list[str]
    gap: list[str]


def self_assess(*, ruleset_code: str, figures: dict[str, Any]) -> Assessment:
    """Evaluate an enterprise's own figures with the same ``evaluate`` a campaign uses."""
    try:
        ruleset = get_ruleset(ruleset_code)
    except UnknownRuleSet as exc:
        raise ValidationError(str(exc)) from exc
    row = {"id": figures.get("id") or "self", **{k: v for k, v in figures.items() if k != "id"}}
    frame = pl.DataFrame([{k: ("" if v is None else str(v)) for k, v in row.items()}])
    errors = ruleset.validate(frame)
    if errors:
        return Assessment(ruleset, errors, None, [], [])
    result = ruleset.evaluate(frame).row(0, named=True)
    return Assessment(ruleset, [], result, ruleset.explain(row), ruleset.gap(row))


# --- 一企一策 ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    organisation: Organisation,
    year: int,
    measures: str,
    tech_needs: str = "",
    bottlenecks: str = "",
    target_tier: str = "",
    officer: Person | None = None,
    acting_user: Actor,
) -> EnterprisePlan:
    """Open a 一企一策 plan for an enterprise."""
    _require_write(acting_user, organisation.region_id)
    plan = EnterprisePlan(
        organisation=organisation,
        year=year,
        target_tier=target_tier,
        tech_needs=tech_needs,
        bottlenecks=bottlenecks,
        measures=measures,
        officer=officer,
    )
    return audited_save(plan, acting_user=acting_user)


@transaction.atomic
def plan_update(*, plan: EnterprisePlan, acting_user: Actor, **changes: Any) -> EnterprisePlan:
    """Change a plan's needs, bottlenecks, measures, officer, target or status."""
    _require_write(acting_user, plan.organisation.region_id)
    allowed = {"tech_needs", "bottlenecks", "measures", "officer", "target_tier", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"plan_update cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(plan, name, value)
    return audited_save(plan, acting_user=acting_user)


@transaction.atomic
def plan_milestone_add(
    *, plan: EnterprisePlan, title: str, due_on: date, acting_user: Actor
) -> PlanMilestone:
    _require_write(acting_user, plan.organisation.region_id)
    return audited_save(PlanMilestone(plan=plan, title=title, due_on=due_on), acting_user=acting_user)


@transaction.atomic
def plan_milestone_complete(*, milestone: PlanMilestone, done_on: date, acting_user: Actor) -> PlanMilestone:
    _require_write(acting_user, milestone.plan.organisation.region_id)
    if milestone.done_on is not None:
        raise ValidationError(_("该节点已完成"))
    milestone.done_on = done_on
    return audited_save(milestone, acting_user=acting_user)


#: How a plan's problem is filed in the workflow: 技术服务, under the workflow's SLA policy for
#: 一企一策 bottlenecks (respond in 2 working days, resolve in 10).
PLAN_TICKET_CATEGORY = "technical"
PLAN_TICKET_POLICY = "bottleneck-10d"


@transaction.atomic
def plan_problem_raise(*, plan: EnterprisePlan, title: str, description: str, acting_user: Actor):
    """A problem met while carrying out a plan becomes a workflow ticket on the plan, owned by the
    plan's officer (or by the first level of the region's escalation chain when it has none)."""
    from countyworks.workflow.services import ticket_open

    _require_write(acting_user, plan.organisation.region_id)
    if not title.strip():
        raise ValidationError({"title": _("请填写问题")})
    return ticket_open(
        subject=plan,
        title=title,
        description=description,
        category=PLAN_TICKET_CATEGORY,
        region=plan.organisation.region_id,
        policy_code=PLAN_TICKET_POLICY,
        owner_person=plan.officer,
        organisation=plan.organisation,
        program=PROGRAM,
        acting_user=acting_user,
    )


# --- 揭榜挂帅 ----------------------------------------------------------------------------------


def _at(day: date | None) -> datetime:
    """The moment recorded for a transition dated ``day`` (09:00 local), or now."""
    if day is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _record_transition(
    challenge: Challenge, old: str, new: str, user, comment: str, day: date | None
) -> None:
    ChallengeStatusChange.objects.create(
        challenge=challenge,
        old_status=old,
        new_status=new,
        actor=recorded_user(user),
        comment=comment[:300],
        at=_at(day),
    )


def _check_move(challenge: Challenge, to_status: str) -> None:
    if not challenge.can_move_to(to_status):
        raise InvalidStatus(
            _("不能从“%(old)s”转为“%(new)s”")
            % {"old": challenge.get_status_display(), "new": Challenge.Status(to_status).label}
        )


def _move(
    challenge: Challenge, to_status: str, user, comment: str = "", day: date | None = None
) -> Challenge:
    _check_move(challenge, to_status)
    old = challenge.status
    challenge.status = to_status
    audited_save(challenge, acting_user=user, reason=comment)
    _record_transition(challenge, old, to_status, user, comment, day)
    return challenge


@transaction.atomic
def challenge_create(
    *,
    region: Region,
    kind: str,
    title: str,
    need: str,
    target_indicators: str,
    budget: Decimal,
    deadline: date,
    issuer: Organisation | None = None,
    acting_user: Actor,
    on: date | None = None,
) -> Challenge:
    """Draft a 揭榜挂帅 project (拟发榜)."""
    _require_write(acting_user, region.code)
    if issuer is not None and not issuer.region_id.startswith(region.code[:4]):
        raise ValidationError({"issuer": _("需求单位不在发榜区域所在市内")})
    challenge = Challenge(
        region=region,
        kind=kind,
        title=title,
        need=need,
        target_indicators=target_indicators,
        budget=budget,
        deadline=deadline,
        issuer=issuer,
    )
    audited_save(challenge, acting_user=acting_user)
    _record_transition(challenge, "", challenge.status, acting_user, _("拟发榜"), on)
    return challenge


@transaction.atomic
def challenge_transition(
    *, challenge: Challenge, to_status: str, acting_user: Actor, comment: str = "", on: date | None = None
) -> Challenge:
    """Move a challenge along :data:`Challenge.PIPELINE` with each step's preconditions.

    发榜 needs a deadline not before the day; 评审 needs at least one application; 验收 needs
    every milestone done. 揭榜 and the acceptance verdict have their own services
    (:func:`challenge_award`, :func:`challenge_accept`).
    """
    _require_write(acting_user, challenge.region_id)
    _check_move(challenge, to_status)
    day = on or _today()
    if to_status == Challenge.Status.PUBLISHED:
        if challenge.deadline < day:
            raise ValidationError(_("揭榜截止日期已过，请先修改截止日期"))
        challenge.published_on = day
    elif to_status == Challenge.Status.REVIEWING:
        if not challenge.applications.exists():
            raise ValidationError(_("尚无团队申请，不能进入评审"))
    elif to_status == Challenge.Status.ACCEPTANCE:
        if not challenge.milestones.exists() or challenge.milestones.filter(done_on__isnull=True).exists():
            raise ValidationError(_("攻关节点未全部完成，不能申请验收"))
    elif to_status in (Challenge.Status.AWARDED, Challenge.Status.ACCEPTED):
        raise ValidationError(_("请使用揭榜或验收操作"))
    return _move(challenge, to_status, acting_user, comment, day)


@transaction.atomic
def challenge_application_submit(
    *,
    challenge: Challenge,
    team_name: str,
    lead_organisation: Organisation,
    members: str,
    proposal: str,
    requested_budget: Decimal,
    submitted_on: date,
    partners: str = "",
    acting_user: Actor,
) -> ChallengeApplication:
    """Record a team's application while the challenge is published and before its deadline."""
    _require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.PUBLISHED:
        raise InvalidStatus(_("只有已发榜的项目才能接受申请"))
    if submitted_on > challenge.deadline:
        raise ValidationError({"submitted_on": _("已过揭榜截止日期")})
    if requested_budget > challenge.budget:
        raise ValidationError({"requested_budget": _("申请经费超过榜单资助金额")})
    application = ChallengeApplication(
        challenge=challenge,
        team_name=team_name,
        lead_organisation=lead_organisation,
        partners=partners,
        members=members,
        proposal=proposal,
        requested_budget=requested_budget,
        submitted_on=submitted_on,
    )
    return audited_save(application, acting_user=acting_user)


@transaction.atomic
def challenge_review_record(
    *,
    application: ChallengeApplication,
    expert_name: str,
    score: Decimal,
    reviewed_on: date,
    comment: str = "",
    acting_user: Actor,
) -> ExpertReview:
    """Record one expert's score (0–100) while the challenge is under review."""
    challenge = application.challenge
    _require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.REVIEWING:
        raise InvalidStatus(_("项目不在专家评审阶段"))
    review = ExpertReview(
        application=application,
        expert_name=expert_name,
        score=score,
        comment=comment,
        reviewed_on=reviewed_on,
    )
    return audited_save(review, acting_user=acting_user)


@transaction.atomic
def challenge_award(
    *, challenge: Challenge, application: ChallengeApplication, acting_user: Actor, on: date | None = None
) -> Challenge:
    """揭榜: award the challenge to a reviewed application."""
    _require_write(acting_user, challenge.region_id)
    if application.challenge_id != challenge.pk:
        raise ValidationError(_("该申请不属于本项目"))
    if not application.reviews.exists():
        raise ValidationError(_("该申请尚无专家评分"))
    challenge.awarded_application = application
    challenge.awarded_on = on or _today()
    comment = _("揭榜团队：%(team)s") % {"team": application.team_name}
    return _move(challenge, Challenge.Status.AWARDED, acting_user, comment, challenge.awarded_on)


@transaction.atomic
def challenge_milestone_add(
    *, challenge: Challenge, title: str, due_on: date, acting_user: Actor
) -> ChallengeMilestone:
    _require_write(acting_user, challenge.region_id)
    if challenge.status not in (Challenge.Status.AWARDED, Challenge.Status.IN_PROGRESS):
        raise InvalidStatus(_("揭榜后才能设置攻关节点"))
    return audited_save(
        ChallengeMilestone(challenge=challenge, title=title, due_on=due_on), acting_user=acting_user
    )


@transaction.atomic
def challenge_milestone_complete(
    *, milestone: ChallengeMilestone, done_on: date, acting_user: Actor
) -> ChallengeMilestone:
    _require_write(acting_user, milestone.challenge.region_id)
    if milestone.done_on is not None:
        raise ValidationError(_("该节点已完成"))
    milestone.done_on = done_on
    return audited_save(milestone, acting_user=acting_user)


@transaction.atomic
def challenge_tranche_add(
    *, challenge: Challenge, amount: Decimal, condition: str, acting_user: Actor
) -> FundingTranche:
    """Add a funding tranche; all tranches together may not exceed the challenge's budget."""
    _require_write(acting_user, challenge.region_id)
    if challenge.awarded_application_id is None:
        raise InvalidStatus(_("揭榜后才能安排经费拨付"))
    planned = sum((t.amount for t in challenge.tranches.all()), Decimal(0))
    if amount <= 0 or planned + amount > challenge.budget:
        raise ValidationError(
            {"amount": _("拨付合计不能超过资助金额 %(budget)s 万元") % {"budget": challenge.budget}}
        )
    seq = challenge.tranches.count() + 1
    return audited_save(
        FundingTranche(challenge=challenge, seq=seq, amount=amount, condition=condition),
        acting_user=acting_user,
    )


@transaction.atomic
def challenge_tranche_pay(*, tranche: FundingTranche, paid_on: date, acting_user: Actor) -> FundingTranche:
    """Release a tranche; tranches are paid in order."""
    challenge = tranche.challenge
    _require_write(acting_user, challenge.region_id)
    if tranche.paid_on is not None:
        raise ValidationError(_("该期经费已拨付"))
    if challenge.tranches.filter(seq__lt=tranche.seq, paid_on__isnull=True).exists():
        raise ValidationError(_("请先拨付前一期经费"))
    tranche.paid_on = paid_on
    return audited_save(tranche, acting_user=acting_user)


@transaction.atomic
def challenge_accept(
    *, challenge: Challenge, passed: bool, notes: str, acting_user: Actor, on: date | None = None
) -> Challenge:
    """验收: a pass closes the project; a fail sends the team back to work (整改)."""
    _require_write(acting_user, challenge.region_id)
    if challenge.status != Challenge.Status.ACCEPTANCE:
        raise InvalidStatus(_("项目不在验收阶段"))
    if not notes.strip():
        raise ValidationError({"acceptance_notes": _("请填写验收意见")})
    challenge.acceptance_notes = notes
    day = on or _today()
    if passed:
        challenge.accepted_on = day
        return _move(challenge, Challenge.Status.ACCEPTED, acting_user, notes, day)
    failed = _("验收未通过：%(notes)s") % {"notes": notes}
    return _move(challenge, Challenge.Status.IN_PROGRESS, acting_user, failed, day)


# --- platforms and achievements -----------------------------------------------------------------


@transaction.atomic
def platform_create(
    *,
    name: str,
    kind: str,
    level: str,
    host: Organisation,
    recognised_on: date,
    batch: int | None = None,
    field: str = "",
    acting_user: Actor,
) -> InnovationPlatform:
    """Register an innovation platform at its host's region."""
    _require_write(acting_user, host.region_id)
    platform = InnovationPlatform(
        name=name,
        kind=kind,
        level=level,
        batch=batch,
        host=host,
        region_id=host.region_id,
        recognised_on=recognised_on,
        field=field,
    )
    return audited_save(platform, acting_user=acting_user)


@transaction.atomic
def platform_expert_add(
    *, platform: InnovationPlatform, person: Person, honour: str, acting_user: Actor
) -> PlatformExpert:
    _require_write(acting_user, platform.region_id)
    return audited_save(
        PlatformExpert(platform=platform, person=person, honour=honour), acting_user=acting_user
    )


@transaction.atomic
def achievement_create(
    *,
    kind: str,
    title: str,
    achieved_on: date,
    region: Region,
    reference: str = "",
    organisation: Organisation | None = None,
    platform: InnovationPlatform | None = None,
    acting_user: Actor,
) -> Achievement:
    """Register an achievement (科技成果登记, a standard led, a new product or device)."""
    _require_write(acting_user, region.code)
    if organisation is not None and not organisation.region_id.startswith(region.code):
        raise ValidationError({"organisation": _("完成单位不在所选区划内")})
    achievement = Achievement(
        kind=kind,
        title=title,
        achieved_on=achieved_on,
        reference=reference,
        region=region,
        organisation=organisation,
        platform=platform,
    )
    return audited_save(achievement, acting_user=acting_user)
