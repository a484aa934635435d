"""The monthly inspection: one per household and month, scored on the sheet that applies to it.

:func:`inspection_submit` is the one write path of the phone form, the API it posts to when the
connection returns, the import and the demo. Everything it refuses is refused before anything is
written, with every reason in Chinese under the field it concerns (``ValidationError`` with a
dict), so the page and the offline form can show the entry again with the messages beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Household
from countyworks.core.services import audited_save
from countyworks.courtyards import scoring
from countyworks.courtyards.models import Inspection, ItemScore, Photo, ScoreSheet, first_of_month
from countyworks.courtyards.services._common import recorded, require_write, today
from countyworks.courtyards.services.photos import photo_check
from countyworks.courtyards.services.points import points_credit_inspection
from countyworks.courtyards.services.sheets import sheet_for, sheet_spec


@dataclass(frozen=True)
class PhotoUpload:
    """A photo sent with an inspection; ``item`` is the code of the deduction it documents ("" for none)."""

    upload: UploadedFile
    item: str = ""


def score_total(sheet: ScoreSheet, points: dict[str, Decimal], violations: int) -> tuple[Decimal, int]:
    """Total after deductions and stars of one household's month, by :func:`scoring.monthly_totals`."""
    spec = sheet_spec(sheet)
    row = {code: [float(points[code])] for code in spec.codes} | {"violations": [violations]}
    scored = scoring.monthly_totals(pl.DataFrame(row), spec).row(0, named=True)
    return Decimal(str(scored["total"])).quantize(Decimal("0.1")), int(scored["stars"])


def _parse_points(
    sheet: ScoreSheet, raw: dict[str, str | Decimal | int | float]
) -> tuple[dict[str, Decimal], dict[str, list[str]]]:
    points: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for item in sheet.items.all():
        value = raw.get(item.code)
        if value is None or str(value).strip() == "":
            errors[item.code] = [_("请为「%(item)s」打分") % {"item": item.label}]
            continue
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            errors[item.code] = [
                _("「%(item)s」的得分“%(value)s”不是数字") % {"item": item.label, "value": value}
            ]
            continue
        if not number.is_finite() or number < 0:
            errors[item.code] = [_("「%(item)s」的得分不能为负数") % {"item": item.label}]
        elif number > item.max_points:
            errors[item.code] = [
                _("「%(item)s」得分 %(value)s 超过该项满分 %(max)s 分")
                % {
                    "item": item.label,
                    "value": f"{number.normalize():f}",
                    "max": f"{item.max_points.normalize():f}",
                }
            ]
        elif number != number.quantize(Decimal("0.1")):
            errors[item.code] = [_("「%(item)s」的得分最多保留一位小数") % {"item": item.label}]
        else:
            points[item.code] = number
    unknown = sorted(set(raw) - {item.code for item in sheet.items.all()})
    if unknown:
        errors["__all__"] = [_("评分表中没有这些评分项：%(codes)s") % {"codes": "、".join(unknown)}]
    return points, errors


@transaction.atomic
def inspection_submit(
    *,
    household: Household,
    month: date,
    points: dict[str, str | Decimal | int | float],
    violations: int = 0,
    notes: str = "",
    photos: list[PhotoUpload] | tuple[PhotoUpload, ...] = (),
    inspected_on: date | None = None,
    client_key: str = "",
    correction: bool = False,
    acting_user: Actor,
) -> Inspection:
    """Record (or, with ``correction``, correct) a household's inspection of ``month``.

    Refused, each with a Chinese message under its field: a month in the future; a second
    inspection of the same household and month (unless it is a correction, or the same entry
    re-sent by the offline form: same ``client_key``, answered with the stored inspection); a
    missing score, a score below 0 or above its item's maximum; a negative violation count; a
    photo that is not a JPEG/PNG image or is too large. A correction keeps the replaced version in
    the inspection's history and credits or debits the points difference (docs/rules/courtyard-hygiene.md §6).
    """
    require_write(acting_user, household.region_id)
    month = first_of_month(month)
    inspected_on = inspected_on or today()
    if client_key:
        resent = Inspection.objects.filter(client_key=client_key).first()
        if resent is not None and resent.household_id == household.pk:
            return resent
    errors: dict[str, list[str]] = {}
    if month > first_of_month(today()):
        errors["month"] = [_("不能登记未来月份（%(month)s）的评比") % {"month": f"{month:%Y年%m月}"}]
    existing = Inspection.objects.select_for_update().filter(household=household, month=month).first()
    if existing is not None and not correction:
        errors["month"] = [
            _("%(household)s %(month)s 已评比（%(total)s 分）；如需更正，请选择“更正”后重新提交")
            % {"household": household.head_name, "month": f"{month:%Y年%m月}", "total": existing.total}
        ]
    if correction and existing is None:
        errors["month"] = [_("该月尚无评比记录，无需更正")]
    sheet = existing.sheet if existing is not None else sheet_for(household.region_id, month)
    if sheet is None:
        raise ValidationError({"__all__": [_("本区域尚未设置评分表，请先设置评分表")]})
    parsed, item_errors = _parse_points(sheet, points)
    errors.update(item_errors)
    if violations < 0:
        errors["violations"] = [_("门前三包违规处数不能为负数")]
    item_codes = {item.code for item in sheet.items.all()}
    checked_photos: list[tuple[PhotoUpload, str, str]] = []
    for photo in photos:
        try:
            mime, digest = photo_check(photo.upload)
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
            continue
        if photo.item and photo.item not in item_codes:
            errors.setdefault("photos", []).append(
                _("照片所属的评分项不存在：%(item)s") % {"item": photo.item}
            )
            continue
        checked_photos.append((photo, mime, digest))
    if errors:
        raise ValidationError(errors)

    total, stars = score_total(sheet, parsed, violations)
    inspection = existing or Inspection(household=household, month=month, sheet=sheet)
    inspection.inspected_on = inspected_on
    inspection.inspector = recorded(acting_user)
    inspection.violations = violations
    inspection.notes = notes
    inspection.total = total
    inspection.stars = stars
    if client_key:
        inspection.client_key = client_key
    audited_save(inspection, acting_user=acting_user, reason=_("更正") if correction else "")
    stored = {score.item.code: score for score in inspection.scores.select_related("item")}
    for item in sheet.items.all():
        score = stored.get(item.code) or ItemScore(inspection=inspection, item=item)
        if score.pk is None or score.points != parsed[item.code]:
            score.points = parsed[item.code]
            audited_save(score, acting_user=acting_user)
    items = {item.code: item for item in sheet.items.all()}
    for photo, mime, digest in checked_photos:
        audited_save(
            Photo(
                inspection=inspection,
                item=items.get(photo.item),
                stage=Photo.Stage.INSPECTION,
                file=photo.upload,
                content_type=mime,
                size=photo.upload.size or 0,
                sha256=digest,
                region_code=household.region_id,
            ),
            acting_user=acting_user,
        )
    points_credit_inspection(inspection=inspection, acting_user=acting_user)
    return inspection
