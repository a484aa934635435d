"""Ticket attachments, checked by content and size."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.services import audited_save
from countyworks.core.tabular import identify
from countyworks.workflow.models import (
    Attachment,
    Ticket,
)
from countyworks.workflow.services.common import require_write_ticket

#: extension → (MIME type, what :func:`countyworks.core.tabular.identify` must find in the content).
#: Types are checked by content, not only by name.
ATTACHMENT_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "WORKFLOW_ATTACHMENT_MAX_BYTES", settings.UPLOAD_MAX_BYTES))


def _sniff(upload: UploadedFile) -> str:
    """The MIME type of ``upload`` if its extension is accepted and its content matches, else raise."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("不支持的附件类型 .%(ext)s；可上传：%(allowed)s"),
            params={"ext": extension or "?", "allowed": "、".join(sorted(ATTACHMENT_TYPES))},
            code="attachment_type",
        )
    mime, expected = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    content = upload.read()  # at most the attachment size limit; an OOXML file is told by its parts
    upload.seek(0)
    if identify(content) != expected:
        raise ValidationError(
            _("附件「%(name)s」的内容与扩展名 .%(ext)s 不符"),
            params={"name": name, "ext": extension},
            code="attachment_content",
        )
    return mime


@transaction.atomic
def ticket_attachment_add(*, ticket: Ticket, upload: UploadedFile, acting_user: Actor) -> Attachment:
    """Attach a file: PDF, image or Office document, checked by content, at most the configured size."""
    require_write_ticket(acting_user, ticket)
    limit = attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("附件不能超过 %(mb)s MB"), params={"mb": f"{limit / 1024 / 1024:g}"}, code="attachment_size"
        )
    mime = _sniff(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        ticket=ticket,
        file=upload,
        name=(upload.name or "")[-128:],
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=recorded_user(acting_user),
    )
    return audited_save(attachment, acting_user=acting_user)
