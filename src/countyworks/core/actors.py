"""Who acts: a signed-in user, or :data:`SYSTEM` — the platform itself.

Jobs, the CLI, the demo loaders and the telemetry path write records on nobody's behalf. They
pass :data:`SYSTEM` explicitly as ``acting_user`` (never ``None``): it reaches every region of
every program (:func:`countyworks.core.scoping.reaches`) and is recorded as "系统" in the history
(``history_user`` empty). A view never passes it; it passes ``request.user``. See
``docs/permissions.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias, final

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@final
class SystemActor:
    """The platform acting on its own (one instance: :data:`SYSTEM`)."""

    is_authenticated: Final = False
    pk: Final = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "系统"


#: The one system actor.
SYSTEM: Final = SystemActor()

#: What every service accepts as ``acting_user``.
Actor: TypeAlias = "User | SystemActor"


def recorded_user(actor: Actor) -> User | None:
    """The account to store in a "by whom" column: the user, or ``None`` for :data:`SYSTEM`."""
    return None if isinstance(actor, SystemActor) else actor
