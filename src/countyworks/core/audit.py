"""The audit trail: who changed what, when, field by field before → after (django-simple-history).

* :func:`audit_trail` is the history of one object.
* :func:`audit_log` is the searchable log of every audited model for auditors and administrators:
  one filtered query per history model, combined with ``UNION ALL`` and paginated in the database,
  each history model restricted to the viewer's region through :func:`~countyworks.core.scoping.scope_q`
  (an auditor of 湖南 sees 湖南 only). Only the rows of the page being shown are then resolved into
  words: field labels, choice labels, related objects, the person with their role.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from simple_history.utils import get_history_model_for_model

from countyworks.core.actors import Actor
from countyworks.core.models import Role
from countyworks.core.scoping import SHARED, get_scoped_or_404, has_role, scope_q
from countyworks.core.selectors import person_label

AUDIT_ROLES = (Role.AUDITOR, Role.ADMIN)
#: Rows per page of the audit log.
PAGE_SIZE = 50
#: Characters of a structured (JSON) value shown in the log.
#: Rows resolved at a time when the whole filtered log is exported.
_EXPORT_CHUNK = 500


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    action: str
    reason: str
    changes: list[FieldChange]
    object_label: str = ""
    model_label: str = ""
    url: str = ""


@dataclass(frozen=True)
class AuditFilters:
    """What the auditor narrowed the log to; empty values filter nothing."""

    user: str = ""  # part of the account or the person's name
    model: str = ""  # ``app_label.model_name``
    region: str = ""  # official division code prefix (inside the viewer's own reach)
    date_from: date | None = None
    date_to: date | None = None


def _action_label(history_type: str) -> str:
    """What happened in a history record (simple-history's ``+``, ``~``, ``-``)."""
    labels = {
        "+": pgettext("audit action", "创建"),
        "~": pgettext("audit action", "修改"),
        "-": pgettext("audit action", "删除"),
    }
    return labels.get(history_type, history_type)


def audited_models() -> list[type[models.Model]]:
    """Every model that keeps a history, in app order."""
    return [m for m in apps.get_models() if _keeps_history(m)]


def _keeps_history(model: type[models.Model]) -> bool:
    """Registered with simple-history (a model may have an unrelated field called ``history``)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def audited_model_choices() -> list[tuple[str, str]]:
    """(``app_label.model_name``, name in words) for the log's model filter."""
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in audited_models()]


def audited_model(label: str) -> type[models.Model]:
    """``app_label.model_name`` → model class, only for models that keep history."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    if not _keeps_history(model):
        raise Http404
    return model


# --- Values in words ----------------------------------------------------------------------------------


class _Words:
    """Turns stored values into what an official reads: choice labels, related objects by name,
    是/否, local times. Related objects are fetched once per model for all the rows being shown."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[object]] = defaultdict(set)
        self._found: dict[type[models.Model], dict[object, models.Model]] = {}

    def want(self, model_field: models.Field | None, value: object) -> None:
        if isinstance(model_field, models.ForeignKey) and value not in (None, ""):
            self._wanted[model_field.related_model].add(value)

    def fetch(self) -> None:
        for model, pks in self._wanted.items():
            self._found[model] = model._default_manager.in_bulk(list(pks))

    def say(self, model_field: models.Field | None, value: object) -> str:
        if value is None or value == "":
            return "—"
        if model_field is not None and isinstance(model_field, models.ForeignKey):
            related = self._found.get(model_field.related_model, {}).get(value)
            return str(related) if related is not None else gettext("%(pk)s（已删除）") % {"pk": value}
        if isinstance(model_field, models.JSONField):
            # structured data (a 96-step plan, a parameter set) has machine keys, not words: its size
            size = len(value) if isinstance(value, dict | list) else 1
            return gettext("结构化数据（%(n)d 项）") % {"n": size}
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.FileField):
            # the stored path is storage layout (``courtyards/2023/06/…``): the file's own name
            return gettext("文件 %(name)s") % {"name": PurePosixPath(str(value)).name}
        if isinstance(value, bool):
            return gettext("是") if value else gettext("否")
        if isinstance(value, datetime):
            return (
                f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
                if timezone.is_aware(value)
                else f"{value:%Y-%m-%d %H:%M}"
            )
        if isinstance(value, list | tuple | set):
            return "、".join(str(v) for v in value) or "—"
        return str(value)


def _field(model: type[models.Model], name: str) -> models.Field | None:
    for f in model._meta.get_fields():
        if getattr(f, "attname", None) == name or f.name == name:
            return f  # type: ignore[return-value]
    return None


def _label(model: type[models.Model], name: str) -> str:
    """The field's name in words; a relation left unnamed is called after the model it points to."""
    f = _field(model, name)
    if f is None:
        return name
    label = str(getattr(f, "verbose_name", name))
    related = getattr(f, "related_model", None)
    if label == f.name.replace("_", " ") and related is not None:
        return str(related._meta.verbose_name)
    return label


def _raw_changes(model: type[models.Model], record, older) -> list[tuple[str, object, object]]:
    """(field name, before, after) of one history record against the one before it."""
    if older is not None:
        return [(c.field, c.old, c.new) for c in record.diff_against(older).changes]
    if record.history_type == "-":
        return []
    return [
        (f.name, None, getattr(record, f.attname))
        for f in model._meta.concrete_fields
        # what someone entered: not the key, nor values the database derives (GeneratedField)
        if f.editable
        and not f.primary_key
        and hasattr(record, f.attname)
        and getattr(record, f.attname) not in (None, "")
    ]


def _entries(model: type[models.Model], pairs, words: _Words, labels: dict[object, str]) -> list[tuple]:
    """Plan the entries of (record, older) pairs: register related values, return what to word later."""
    planned = []
    for record, older in pairs:
        raw = _raw_changes(model, record, older)
        for name, before, after in raw:
            f = _field(model, name)
            words.want(f, before)
            words.want(f, after)
        user = record.history_user
        key = user.pk if user is not None else None
        if key not in labels:
            labels[key] = person_label(user) if user is not None else gettext("系统")
        planned.append((record, raw, labels[key]))
    return planned


def _worded(model, planned, words: _Words) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=record.history_date,
            who=who,
            action=_action_label(record.history_type),
            reason=record.history_change_reason or "",
            changes=[
                FieldChange(
                    _label(model, name), words.say(_field(model, name), b), words.say(_field(model, name), a)
                )
                for name, b, a in raw
            ],
        )
        for record, raw, who in planned
    ]


# --- One object ---------------------------------------------------------------------------------------


def audit_trail(*, user: Actor, label: str, pk: str) -> tuple[models.Model, list[AuditEntry]]:
    """The object (scoped to the user) and its history, newest first; auditors and admins only."""
    if not has_role(user, AUDIT_ROLES):
        raise Http404
    model = audited_model(label)
    program = getattr(model, "SCOPE_PROGRAM", SHARED)
    obj = get_scoped_or_404(model._default_manager.all(), user, program, pk=pk)
    meta: Any = model._meta  # simple_history adds the manager's name to the model's options
    history = getattr(obj, meta.simple_history_manager_attribute)
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id"))
    pairs = [(record, records[i + 1] if i + 1 < len(records) else None) for i, record in enumerate(records)]
    words = _Words()
    planned = _entries(model, pairs, words, {})
    words.fetch()
    return obj, _worded(model, planned, words)


# --- The log ------------------------------------------------------------------------------------------


def _history_query(model: type[models.Model], user, filters: AuditFilters):
    """The filtered, region-scoped history rows of one model as (history_date, history_id, model)."""
    historical = get_history_model_for_model(model)
    program = getattr(model, "SCOPE_PROGRAM", SHARED)
    if filters.region and getattr(model, "SCOPE_REGION", "region__code") is None:
        return None  # national reference data belongs to no region
    rows = historical._default_manager.filter(scope_q(model, user, program, "read", filters.region or None))
    if filters.user:
        rows = rows.filter(
            Q(history_user__username__icontains=filters.user)
            | Q(history_user__first_name__icontains=filters.user)
            | Q(history_user__last_name__icontains=filters.user)
        )
    if filters.date_from:
        rows = rows.filter(history_date__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(history_date__date__lte=filters.date_to)
    return (
        rows.order_by()
        .annotate(audit_model=Value(model._meta.label_lower, output_field=CharField()))
        .values_list("history_date", "history_id", "audit_model")
    )


def audit_log_rows(*, user, filters: AuditFilters):
    """Every history row the viewer may read that matches ``filters``, newest first: one query
    (``UNION ALL`` of one filtered query per history model), sliced by the database."""
    if not has_role(user, AUDIT_ROLES):
        raise Http404
    if filters.model:
        models_ = [audited_model(filters.model)]
    else:
        models_ = audited_models()
    parts = [q for q in (_history_query(m, user, filters) for m in models_) if q is not None]
    if not parts:
        return []
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-history_date", "-history_id")


def resolve_rows(rows: list[tuple]) -> list[AuditEntry]:
    """(history_date, history_id, model label) rows → worded entries, in the same order.

    Per history model present: one query for the records (with the acting user) and, through a
    subquery, the id of each record's predecessor; one for the predecessors; one for the live objects.
    """
    by_model: dict[str, list[int]] = defaultdict(list)
    for _at, history_id, label in rows:
        by_model[label].append(history_id)
    words = _Words()
    labels: dict[object, str] = {}
    planned: dict[tuple[str, int], tuple] = {}
    for label, ids in by_model.items():
        model = apps.get_model(label)
        historical = get_history_model_for_model(model)
        pk_name = model._meta.pk.attname
        older = (
            historical._default_manager.filter(**{pk_name: OuterRef(pk_name)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        records = list(
            historical._default_manager.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(older_id=Subquery(older))
        )
        olders = historical._default_manager.in_bulk([r.older_id for r in records if r.older_id])
        live = model._default_manager.in_bulk([getattr(r, pk_name) for r in records])
        pairs = [(r, olders.get(r.older_id)) for r in records]
        for (record, _older), plan in zip(pairs, _entries(model, pairs, words, labels), strict=True):
            pk = getattr(record, pk_name)
            obj = live.get(pk)
            name = str(obj) if obj is not None else gettext("%(pk)s（已删除）") % {"pk": pk}
            url = reverse("audit-object", args=[label, pk]) if obj is not None else ""
            planned[(label, record.history_id)] = (model, plan, name, url)
    words.fetch()
    entries = []
    for _at, history_id, label in rows:
        model, plan, name, url = planned[(label, history_id)]
        (entry,) = _worded(model, [plan], words)
        entries.append(replace(entry, object_label=name, model_label=str(model._meta.verbose_name), url=url))
    return entries


def audit_log_page(*, user, filters: AuditFilters, page: str | int | None) -> tuple[Page, list[AuditEntry]]:
    """One page of the log: the paginator counts and slices in the database."""
    paginated = Paginator(audit_log_rows(user=user, filters=filters), PAGE_SIZE).get_page(page)
    return paginated, resolve_rows(list(paginated.object_list))


def audit_log_all(*, user, filters: AuditFilters) -> Iterator[AuditEntry]:
    """Every entry matching ``filters`` (the export), resolved a chunk at a time."""
    rows = audit_log_rows(user=user, filters=filters)
    start = 0
    while True:
        chunk = list(rows[start : start + _EXPORT_CHUNK])
        if not chunk:
            return
        yield from resolve_rows(chunk)
        start += _EXPORT_CHUNK
