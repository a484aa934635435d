"""The audit trail of one object: who changed what, when, before → after (django-simple-history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import models
from django.http import Http404
from django.utils.translation import gettext, pgettext

from countyworks.core.models import Role
from countyworks.core.scoping import SHARED, get_scoped_or_404, has_role

AUDIT_ROLES = (Role.AUDITOR, Role.ADMIN)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    action: str
    reason: str
    changes: list[FieldChange]


def _action_label(history_type: str) -> str:
    """What happened in a history record (simple-history's ``+``, ``~``, ``-``)."""
    labels = {
        "+": pgettext("audit action", "创建"),
        "~": pgettext("audit action", "修改"),
        "-": pgettext("audit action", "删除"),
    }
    return labels.get(history_type, history_type)


def audited_model(label: str) -> type[models.Model]:
    """``app_label.model_name`` → model class, only for models that keep history."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    if not hasattr(model, "history"):
        raise Http404
    return model


def audit_trail(*, user, label: str, pk: str) -> tuple[models.Model, list[AuditEntry]]:
    """The object (scoped to the user) and its history, newest first; auditors and admins only."""
    if not has_role(user, AUDIT_ROLES):
        raise Http404
    model = audited_model(label)
    program = getattr(model, "SCOPE_PROGRAM", SHARED)
    obj = get_scoped_or_404(model._default_manager.all(), user, program, pk=pk)
    history = obj.history  # type: ignore[attr-defined]
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        if older is not None:
            delta = record.diff_against(older)
            changes = [
                FieldChange(
                    _label(model, c.field), _shown(model, c.field, c.old), _shown(model, c.field, c.new)
                )
                for c in delta.changes
            ]
        else:
            changes = [
                FieldChange(
                    _label(model, f.attname), None, _shown(model, f.attname, getattr(record, f.attname))
                )
                for f in model._meta.concrete_fields
                if hasattr(record, f.attname)  # fields excluded from the history are not in the record
            ]
        entries.append(
            AuditEntry(
                at=record.history_date,
                who=str(record.history_user) if record.history_user else gettext("系统"),
                action=_action_label(record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return obj, entries


def _field(model: type[models.Model], attname: str) -> models.Field | None:
    for field in model._meta.concrete_fields:
        if field.attname == attname or field.name == attname:
            return field
    return None


def _label(model: type[models.Model], attname: str) -> str:
    field = _field(model, attname)
    return str(field.verbose_name) if field is not None else attname


def _shown(model: type[models.Model], attname: str, value: object) -> object:
    """A stored value as a person reads it: a choice field's label (``enterprise`` → 企业), else as is."""
    field = _field(model, attname)
    if field is None or not field.choices or value is None:
        return value
    return str(dict(field.flatchoices).get(value, value))
