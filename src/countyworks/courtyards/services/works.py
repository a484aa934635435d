"""Improvement works of a courtyard (旱厕 and 空心房 removed, pavilions, flower beds, fences)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Household
from countyworks.core.services import audited_save
from countyworks.courtyards.models import Courtyard, Photo, Work
from countyworks.courtyards.services._common import require_write
from countyworks.courtyards.services.photos import photo_check


@transaction.atomic
def work_create(
    *,
    courtyard: Courtyard,
    kind: str,
    title: str,
    household: Household | None = None,
    cost_yuan: Decimal = Decimal(0),
    labour_days: Decimal = Decimal(0),
    acting_user: Actor,
) -> Work:
    require_write(acting_user, courtyard.region_id)
    if cost_yuan < 0 or labour_days < 0:
        raise ValidationError(_("费用和投工不能为负数"))
    return audited_save(
        Work(
            courtyard=courtyard,
            kind=kind,
            title=title,
            household=household,
            cost_yuan=cost_yuan,
            labour_days=labour_days,
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def work_set_status(*, work: Work, status: str, completed_on: date | None = None, acting_user: Actor) -> Work:
    """Move a work to 施工中 or 已完成 (a completed work needs its completion date)."""
    require_write(acting_user, work.courtyard.region_id)
    if status == Work.Status.DONE and completed_on is None:
        raise ValidationError({"completed_on": [_("请填写完成日期")]})
    work.status = status
    work.completed_on = completed_on if status == Work.Status.DONE else None
    return audited_save(work, acting_user=acting_user)


@transaction.atomic
def work_photo_add(*, work: Work, stage: str, upload: UploadedFile, acting_user: Actor) -> Photo:
    """A before or after photo of a work, checked like inspection photos."""
    require_write(acting_user, work.courtyard.region_id)
    if stage not in (Photo.Stage.BEFORE, Photo.Stage.AFTER):
        raise ValidationError(_("请选择改造前或改造后"))
    mime, digest = photo_check(upload)
    return audited_save(
        Photo(
            work=work,
            stage=stage,
            file=upload,
            content_type=mime,
            size=upload.size or 0,
            sha256=digest,
            region_code=work.courtyard.region_id,
        ),
        acting_user=acting_user,
    )
