"""Data pages: the import page (upload → error preview → import all or only the valid rows) and exports.

Thin: the form checks the upload's size and type, :mod:`countyworks.core.importing` validates and
writes, :mod:`countyworks.core.exporting` builds the files. An upload is staged under
``DATA_DIR/imports`` (outside the served media) under a random token that only the uploader's
session knows; staged files older than a day are removed on the next upload.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from countyworks.core.exporting import export_xlsx
from countyworks.core.import_jobs import rejected_path, staged_path, staging_dir
from countyworks.core.importing import (
    IMPORTERS,
    FileFormat,
    Importer,
    OnExisting,
    Table,
    UnsupportedFile,
    error_report_xlsx,
    importer_template_columns,
    importers_writable_by,
    template_filename,
    template_xlsx,
)
from countyworks.core.jobs import job_create, job_enqueue
from countyworks.core.middleware import active_region
from countyworks.core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_format

SESSION_KEY = "data_imports"
#: Errors listed on the page; the marked xlsx report holds all of them.
PAGE_ERRORS = 200
_STAGING_MAX_AGE_S = 24 * 3600
_SESSION_KEEP = 5

_POLICY_TEXT = {
    OnExisting.UPDATE: gettext_lazy("已存在的记录按文件更新"),
    OnExisting.REJECT: gettext_lazy("已存在且内容不同的行报错（相同的行跳过）"),
}


def _purge_stale(directory: Path) -> None:
    cutoff = time.time() - _STAGING_MAX_AGE_S
    for file in directory.iterdir():
        if file.is_file() and file.stat().st_mtime < cutoff:
            file.unlink(missing_ok=True)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("数据类型"))
    file = forms.FileField(label=gettext_lazy("文件（xlsx 或 csv）"))

    def __init__(self, *args: Any, importers: list[Importer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(imp.kind, imp.label) for imp in importers]
        self.content: bytes = b""
        self.format: FileFormat = "csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(size).1f MB），上限 %(limit).0f MB")
                % {"size": upload.size / 1e6, "limit": settings.UPLOAD_MAX_BYTES / 1e6}
            )
        self.content = upload.read()
        try:
            self.format = table_format(self.content)  # by content, not by the file name
        except UnsupportedFile as exc:
            raise forms.ValidationError(exc.reason_zh) from exc
        return upload


def _kinds_for_page() -> list[dict[str, Any]]:
    return [
        {
            "kind": imp.kind,
            "label": imp.label,
            "columns": [{"zh": c.alias_zh, "name": c.name, "required": c.required} for c in imp.columns],
            "policy": _POLICY_TEXT[imp.on_existing],
            "export_url": reverse("data-export", args=[imp.kind]),
            "template_url": reverse("data-import-template", args=[imp.kind]),
        }
        for imp in IMPORTERS.values()
    ]


@login_required
def data_import(request: HttpRequest) -> HttpResponse:
    """The import page; a POST uploads a file and shows its error preview (nothing is written yet)."""
    writable = importers_writable_by(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, importers=writable)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied
        if form.is_valid():
            importer = IMPORTERS[form.cleaned_data["kind"]]
            try:
                table = importer.read(form.content, form.format)
            except UnsupportedFile as exc:
                form.add_error("file", exc.reason_zh)
            else:
                token = _stage(request, importer, form.cleaned_data["file"].name, form.format, form.content)
                return _render_preview(request, importer, token, table)
    context = {"form": form, "can_import": bool(writable), "kinds": _kinds_for_page()}
    return render(request, "core/import.html", context)


def _stage(request: HttpRequest, importer: Importer, name: str, fmt: FileFormat, content: bytes) -> str:
    directory = staging_dir()
    _purge_stale(directory)
    token = secrets.token_urlsafe(16)
    (directory / f"{token}.{fmt}").write_bytes(content)
    staged = dict(request.session.get(SESSION_KEY, {}))
    staged[token] = {"kind": importer.kind, "name": Path(name).name[:120], "format": fmt}
    request.session[SESSION_KEY] = dict(list(staged.items())[-_SESSION_KEEP:])
    return token


def _staged(request: HttpRequest, token: str) -> tuple[Importer, Table, dict[str, str], Path]:
    """The staged upload of this session's ``token`` (404 for anyone else's or an expired one)."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = staged_path(token, entry["format"]) if entry else None
    if entry is None or path is None or not path.is_file() or entry["kind"] not in IMPORTERS:
        raise Http404
    importer = IMPORTERS[entry["kind"]]
    fmt: FileFormat = "xlsx" if entry["format"] == "xlsx" else "csv"
    return importer, importer.read(path.read_bytes(), fmt), entry, path


def _summary(table: Table, errors: list[Any]) -> dict[str, int]:
    bad = {e.row for e in errors}
    rejected = len(table) if table.header_errors else sum(1 for n in table.row_numbers if n in bad)
    return {"total": len(table), "errors": len(errors), "rejected": rejected, "valid": len(table) - rejected}


def _render_preview(request: HttpRequest, importer: Importer, token: str, table: Table) -> HttpResponse:
    errors = importer.validate(table, request.user)
    entry = request.session[SESSION_KEY][token]
    context = {
        "importer": importer,
        "token": token,
        "file_name": entry["name"],
        "counts": _summary(table, errors),
        "errors": _error_rows(importer, table, errors[:PAGE_ERRORS]),
        "errors_truncated": len(errors) > PAGE_ERRORS,
    }
    return render(request, "core/import_result.html", context)


def _error_rows(importer: Importer, table: Table, errors: list[Any]) -> list[dict[str, Any]]:
    """Each error with its column as the file names it, or by its Chinese header when the file
    lacks the column."""
    chinese = {c.name: c.alias_zh for c in importer.columns}
    rows = []
    for error in errors:
        index = table.columns.get(error.column)
        header = table.headers[index] if index is not None else chinese.get(error.column, error.column)
        rows.append({"row": error.row, "column": header, "value": error.value, "reason": error.reason()})
    return rows


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def data_import_report(request: HttpRequest, token: str) -> HttpResponse:
    """The uploaded file with its bad cells marked red, as xlsx."""
    importer, table, entry, _path = _staged(request, token)
    errors = importer.validate(table, request.user)
    stem = Path(entry["name"]).stem
    return _attachment(error_report_xlsx(table, errors), f"{stem}-{_('错误标记')}.xlsx", XLSX_CONTENT_TYPE)


@login_required
@require_POST
def data_import_commit(request: HttpRequest, token: str) -> HttpResponse:
    """Import the staged file as a background job: ``mode=all`` (only a file without errors) or
    ``mode=valid`` (the valid rows); the job page shows progress and the result."""
    if not importers_writable_by(request.user):
        raise PermissionDenied
    importer, table, entry, _path = _staged(request, token)
    valid_only = request.POST.get("mode") == "valid"
    if not valid_only and importer.validate(table, request.user):
        return _render_preview(request, importer, token, table)
    job = job_create(
        kind="import",
        title=_("导入%(label)s：%(name)s") % {"label": importer.label, "name": entry["name"]},
        user=request.user,
        total=len(table),
    )
    job_enqueue(
        job,
        "import",
        token=token,
        kind=importer.kind,
        fmt=entry["format"],
        name=entry["name"],
        user_id=request.user.pk,
        valid_only=valid_only,
    )
    return redirect("job-detail", pk=job.pk)


@login_required
def data_import_rejected(request: HttpRequest, token: str) -> HttpResponse:
    """The rows an import rejected, in the upload's format, with an ``error`` column."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None:
        raise Http404
    path = rejected_path(token, entry["format"])
    if not path.is_file():
        raise Http404
    stem = Path(entry["name"]).stem
    content_type = XLSX_CONTENT_TYPE if entry["format"] == "xlsx" else CSV_CONTENT_TYPE
    return _attachment(path.read_bytes(), f"{stem}.rejected.{entry['format']}", content_type)


@login_required
def data_import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """A blank xlsx to fill in for ``kind``: Chinese headers, a 填写说明 sheet, drop-down lists."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    content = template_xlsx(importer_template_columns(importer), title=str(importer.label))
    return _attachment(content, template_filename(str(importer.label)), XLSX_CONTENT_TYPE)


@login_required
def data_export(request: HttpRequest, kind: str) -> HttpResponse:
    """What the user may see of ``kind`` (through ``scope``, within the active region) as a re-importable xlsx."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    within = request.GET.get("within") or active_region(request)
    content = export_xlsx(kind, importer.queryset(request.user, within=within))
    filename = f"{importer.label}-{timezone.localdate():%Y%m%d}.xlsx"
    return _attachment(content, filename, XLSX_CONTENT_TYPE)
