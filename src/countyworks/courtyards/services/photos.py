"""Photos of inspections and works: images only (checked by content), at most :data:`PHOTO_MAX_BYTES`.

The inspection page resizes photos on the phone before upload (1280 px, JPEG), so a genuine photo
is far below the cap; the cap stops an unresized original or a file that is not a photo.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from countyworks.core.tabular import identify

#: The largest photo accepted [bytes].
PHOTO_MAX_BYTES = 3 * 1024 * 1024
#: What :func:`countyworks.core.tabular.identify` finds in an accepted photo → its MIME type.
PHOTO_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


def photo_check(upload: UploadedFile) -> tuple[str, str]:
    """The MIME type and SHA-256 of an acceptable photo; a ValidationError in Chinese otherwise."""
    name = upload.name or _("照片")
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("照片「%(name)s」太大（%(size)s MB），不能超过 %(max)s MB，请压缩后重新上传"),
            params={
                "name": name,
                "size": f"{(upload.size or 0) / 1024 / 1024:.1f}",
                "max": f"{PHOTO_MAX_BYTES / 1024 / 1024:g}",
            },
            code="photo_size",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    kind = identify(content)
    if kind not in PHOTO_TYPES:
        raise ValidationError(
            _("文件「%(name)s」不是照片（只接受 JPEG 或 PNG 图片）"), params={"name": name}, code="photo_type"
        )
    return PHOTO_TYPES[kind], hashlib.sha256(content).hexdigest()
