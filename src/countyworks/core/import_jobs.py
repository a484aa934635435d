"""Imports run from the web page as background jobs: staged uploads and the job function.

The page stages an upload under ``DATA_DIR/imports`` (outside the served media) under a random
token only the uploader's session knows; committing it enqueues :func:`run_staged_import`, whose
progress and result the job page (/jobs/<id>/) shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from countyworks.core.importing import IMPORTERS, FileFormat, rejected_rows_file
from countyworks.core.jobs import Progress


def staging_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def staged_path(token: str, fmt: str) -> Path:
    return staging_dir() / f"{token}.{fmt}"


def rejected_path(token: str, fmt: str) -> Path:
    return staging_dir() / f"{token}.rejected.{fmt}"


def run_staged_import(
    *, progress: Progress, token: str, kind: str, fmt: FileFormat, name: str, user_id: int, valid_only: bool
) -> dict[str, Any]:
    """Import a staged upload (job function); the result names the counts and the rejected-rows file."""
    importer = IMPORTERS[kind]
    path = staged_path(token, fmt)
    table = importer.read(path.read_bytes(), fmt)
    user = get_user_model().objects.get(pk=user_id)
    result = importer.import_rows(
        table,
        acting_user=user,
        valid_only=valid_only,
        reason=_("网页导入：%(name)s") % {"name": name},
        progress=progress,
    )
    counts = {
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }
    if result.errors and not valid_only:
        return {"summary": _("文件有错误，未导入任何数据；请返回导入页面查看错误清单。"), "counts": counts}
    summary = (
        _(
            "导入完成：新增 %(created)d 条，更新 %(updated)d 条，未变化 %(unchanged)d 条，未导入 %(rejected)d 行。"
            "每条记录的变更已记入审计日志。"
        )
        % counts
    )
    outcome: dict[str, Any] = {"summary": summary, "counts": counts}
    if result.rejected:
        rejected_path(token, fmt).write_bytes(rejected_rows_file(table, result.errors, language="zh"))
        outcome["link"] = reverse("data-import-rejected", args=[token])
        outcome["link_label"] = _("下载未导入的行（格式与原文件相同，修正后可重新导入）")
    else:
        path.unlink(missing_ok=True)
    return outcome
