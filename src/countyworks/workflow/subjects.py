"""What a ticket may be raised against: an explicit list of types, each scoped by region.

A ticket shows its subject's name to everyone who can read the ticket, so a subject must be an
object the person raising it can read. Every type is registered with the program its reads are
checked under (:func:`countyworks.core.scoping.scope`, through the model's ``SCOPE_REGION`` —
its own ``region`` or the region of a related object). Anything else — a notification, an agenda
line, a token, a user, a type nobody registered — is refused whatever its id, so the answer tells
nothing about which ids exist.

Each program declares its types in the program contract (``ticket_subjects`` of its
:class:`~countyworks.core.programs.ProgramConfig`, e.g. ``("innovation.EnterprisePlan",)``); they are
scoped under that program. The registry is built from the installed programs on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from countyworks.core.scoping import SHARED, Action, scope


@dataclass(frozen=True)
class SubjectType:
    """One type tickets may be raised against, and the program its reads are scoped under."""

    label: str  # app_label.model, as the API names it
    model: type[models.Model]
    program: str

    def visible(self, user, action: Action = "read") -> QuerySet:
        return scope(self.model._default_manager.all(), user, self.program, action)


_REGISTRY: dict[str, SubjectType] = {}


def register_ticket_subject(model: type[models.Model], *, program: str = SHARED) -> None:
    """Allow tickets against ``model``; refuses a model without a region to scope it by."""
    region_path = getattr(model, "SCOPE_REGION", "region__code")
    if region_path is None:
        raise ImproperlyConfigured(f"{model._meta.label}: reference data (SCOPE_REGION = None) has no area")
    try:
        model._default_manager.filter(**{f"{region_path}__startswith": ""})
    except FieldError as exc:
        raise ImproperlyConfigured(
            f"{model._meta.label} cannot be a ticket subject: no region at {region_path!r}"
        ) from exc
    label = model._meta.label_lower
    _REGISTRY[label] = SubjectType(label=label, model=model, program=program)


def _registry() -> dict[str, SubjectType]:
    if not _REGISTRY:
        from countyworks.core.programs import installed_programs

        for config in installed_programs():
            for model in config.hook("ticket_subjects"):
                register_ticket_subject(model, program=config.scope_code)
    return _REGISTRY


def ticket_subject_types() -> dict[str, SubjectType]:
    """The registered types by label (a copy)."""
    return dict(_registry())


def subject_type_get(label: str) -> SubjectType:
    """The registered type called ``label`` (``app_label.model``), else a ValidationError."""
    kind = _registry().get(label.lower())
    if kind is None:
        raise ValidationError(
            _("不能对“%(type)s”类对象提出工单，可选：%(allowed)s"),
            code="subject_type",
            params={"type": label, "allowed": "、".join(sorted(_registry()))},
        )
    return kind


def subject_type_of(subject: models.Model) -> SubjectType:
    return subject_type_get(subject._meta.label_lower)
