"""The dashboard's figures in the Django cache, keyed by a version of the parks data.

:func:`countyworks.parks.selectors.park_figures` counts everything from records (several
aggregates over every parcel, disposal and lead of the area: about half a second with 100,000
parcels). The pages that show it (the dashboard, the land page, the home tiles) take it from the
cache instead, under a key that holds a *data version*; any change to the records the figures count
gives a new version, so a page never shows figures older than the records (docs/benchmarks.md,
"Park dashboard and project list on PostgreSQL"). The brief and the indicators keep counting
directly.

The version has two parts:

- the latest audit row (simple-history ``history_id``) of each model the figures read, in one
  query: it moves with every audited create, update and delete, is shared by every process through
  the database (a per-process cache stays correct), and goes back with a rolled-back transaction;
- a stamp in the cache, replaced on every save, delete or many-to-many change of those models, at
  once and again when the transaction commits: it closes the one gap of the first part, a
  transaction that committed after a later-numbered one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

STAMP_KEY = "parks:data-stamp"
#: Cached figures live this long at most (a day ends: "today" is part of the key anyway).
TIMEOUT_S = 6 * 3600

T = TypeVar("T")


def watched_models() -> list[type[models.Model]]:
    """The models whose records the cached figures count (and the names they show)."""
    from countyworks.core.models import Organisation
    from countyworks.parks.models import (
        Chain,
        ChainEnterprise,
        ChainLink,
        DisposalAction,
        FactoryRevitalisation,
        InvestmentLead,
        Parcel,
        ParkAssessment,
    )

    return [
        InvestmentLead,
        Parcel,
        DisposalAction,
        FactoryRevitalisation,
        Chain,
        ChainLink,
        ChainEnterprise,
        ParkAssessment,
        Organisation,
    ]


def _stamp() -> str:
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(STAMP_KEY) or "none"
    return str(stamp)


def data_changed(**_: Any) -> None:
    """A watched record changed: a new stamp now, and another once the transaction commits."""
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None))


def data_version() -> str:
    """The current version of the parks data (one query and one cache read)."""
    quote = connection.ops.quote_name
    tables = [quote(model.history.model._meta.db_table) for model in watched_models()]  # type: ignore[attr-defined]
    parts = ", ".join(f"(SELECT MAX(history_id) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        row = cursor.fetchone()
    return _stamp() + ":" + ".".join(str(v or 0) for v in row)


def cached(name: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the cache for this data version, day and language."""
    full_key = ":".join(
        ["parks", name, data_version(), timezone.localdate().isoformat(), translation.get_language() or ""]
        + [str(part) for part in key]
    )
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=TIMEOUT_S)
    return value


def connect_signals() -> None:
    """Replace the stamp on every change of a watched model (called from the app's ``ready``)."""
    for model in watched_models():
        post_save.connect(data_changed, sender=model, dispatch_uid=f"parks-figures-save-{model.__name__}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"parks-figures-delete-{model.__name__}")
    from countyworks.parks.models import FactoryRevitalisation

    m2m_changed.connect(
        data_changed,
        sender=FactoryRevitalisation.enterprises.through,
        dispatch_uid="parks-figures-factory-enterprises",
    )
