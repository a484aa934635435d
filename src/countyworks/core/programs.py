"""The program contract: how a program app plugs into the shell (docs/adding-a-program.md).

A program's AppConfig subclasses :class:`ProgramConfig` and declares every hook in :data:`HOOKS`,
``None`` (or an empty tuple/dict) when it has none. A hook is a dotted path, resolved when the app
is ready so a broken one stops the process at startup with the program's name, or the object itself
(a method of the config, a tuple of :class:`NavItem`). The shell — the CLI, the URL map, the API,
the home page, the navigation, the brief registry, the demo loader and the job runner — loops over
:func:`installed_programs` and names no program.

This module imports no model: ``apps.py`` files import it at module level.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise as StrPromise
from django.utils.module_loading import import_string

from countyworks.core.indicators import Indicator

#: Every hook a program declares, in the order docs/adding-a-program.md explains them.
HOOKS: tuple[str, ...] = (
    "urls",  # module with ``app_name`` and ``urlpatterns``, mounted under ``url_prefix``
    "api_router",  # a ninja ``Router``, mounted under /api/v1/<label>/
    "cli_commands",  # module exposing ``register(subparsers)`` (imported by the CLI, Django not set up)
    "brief",  # ``brief_text(region_prefix, period) -> str`` for ``countyworks brief <label>``
    "nav_items",  # tuple of NavItem
    "home_tiles",  # ``(user, within) -> list[dict]``
    "demo_loader",  # ``() -> None``, idempotent; after the programs named in ``demo_after``
    "demo_services",  # ``() -> None``: started next to the demo server (e.g. a simulator)
    "milestones",  # tuple of providers of dated items for meeting agendas
    "import_kinds",  # module registering importers with countyworks.core.importing.register
    "tasks",  # the module of the program's huey tasks (periodic ones register when it is imported)
    "jobs",  # {job kind: job function} run by countyworks.core.jobs
    "ticket_subjects",  # labels of the models tickets may be raised against (each scoped by region)
    "backup_notes",  # ``() -> dict`` written into a backup's manifest under the program's label
    "before_restore",  # ``(notes) -> None`` run by a restore after the flush, before the load
    "indicators",  # a tuple of countyworks.core.indicators.Indicator (or a dotted path to one)
    "organisation_profile",  # ``(user, organisation) -> list[core.profiles.ProfileSection]`` (企业画像)
    "village_profile",  # ``(user, village region) -> list[core.profiles.ProfileSection]`` (村情画像)
)

#: Hooks holding a collection: declared empty rather than None.
COLLECTION_HOOKS = frozenset({"nav_items", "milestones", "jobs", "ticket_subjects", "indicators"})
#: Hooks resolved by the CLI before Django is set up, not in :meth:`ProgramConfig.ready`.
CLI_HOOKS = frozenset({"cli_commands"})


@dataclass(frozen=True)
class NavItem:
    """One navigation entry; ``program`` is the program code whose reach shows it (``shared``: all)."""

    label: str | StrPromise
    url_name: str
    program: str = "shared"  # countyworks.core.scoping.SHARED (scoping imports the models)
    icon: str = "•"
    #: Only users holding one of these roles see the entry (empty: everyone who reaches ``program``).
    roles: tuple[str, ...] = ()


class ProgramConfig(AppConfig):
    """The AppConfig of a program app. Subclasses set ``url_prefix``, ``demo_after`` and every hook."""

    #: Not an app's config itself: an ``apps.py`` that imports it still has one default config.
    default = False

    #: Where the program's pages live, e.g. ``"<label>/"``.
    url_prefix: ClassVar[str]
    #: Labels of the programs whose demo data must be loaded before this one's.
    demo_after: ClassVar[tuple[str, ...]] = ()
    #: The program code its objects are scoped under (countyworks.core.scoping); the label by default.
    scope_program: ClassVar[str | None] = None

    urls: ClassVar[str | None]
    api_router: ClassVar[str | None]
    cli_commands: ClassVar[str | None]
    brief: ClassVar[str | Callable[..., str] | None]
    nav_items: ClassVar[tuple[NavItem, ...]]
    home_tiles: ClassVar[str | Callable[..., list[dict[str, Any]]] | None]
    demo_loader: ClassVar[str | Callable[[], None] | None]
    demo_services: ClassVar[str | Callable[[], None] | None]
    milestones: ClassVar[tuple[str, ...]]
    import_kinds: ClassVar[str | None]
    tasks: ClassVar[str | None]
    jobs: ClassVar[dict[str, str]]
    ticket_subjects: ClassVar[tuple[str, ...]]
    backup_notes: ClassVar[str | Callable[[], dict[str, Any]] | None]
    before_restore: ClassVar[str | Callable[[dict[str, Any]], None] | None]
    indicators: ClassVar[str | tuple[Indicator, ...]]
    organisation_profile: ClassVar[str | Callable[..., list[Any]] | None]
    village_profile: ClassVar[str | Callable[..., list[Any]] | None]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def __init__(self, app_name: str, app_module: Any) -> None:
        super().__init__(app_name, app_module)
        self._resolved: dict[str, Any] = {}

    @property
    def scope_code(self) -> str:
        """The program code reads of this program's objects are scoped under."""
        return self.scope_program or self.label

    def undeclared_hooks(self) -> list[str]:
        """The hooks (and ``url_prefix``) this program's class does not declare."""
        return [name for name in ("url_prefix", *HOOKS) if not hasattr(self, name)]

    def ready(self) -> None:
        """Check the declaration and import every hook: a broken program fails at startup, loudly."""
        missing = self.undeclared_hooks()
        if missing:
            raise ImproperlyConfigured(f"program {self.label!r} does not declare {', '.join(missing)}")
        for name in HOOKS:
            if name not in CLI_HOOKS:
                self.hook(name)

    def hook(self, name: str) -> Any:
        """The resolved hook: modules and objects named by dotted paths are imported once."""
        if name not in self._resolved:
            self._resolved[name] = self._resolve(name, getattr(self, name))
        return self._resolved[name]

    def _resolve(self, name: str, value: Any) -> Any:
        try:
            if name in ("urls", "cli_commands", "import_kinds", "tasks"):
                return None if value is None else importlib.import_module(value)
            if name == "milestones":
                return tuple(_object(path) for path in value)
            if name == "jobs":
                return {kind: _object(path) for kind, path in value.items()}
            if name == "ticket_subjects":
                return tuple(apps.get_model(label) for label in value)
            if name == "indicators":
                return self._checked_indicators(tuple(_object(value)))
            return _object(value)
        except Exception as exc:  # any failure importing a hook names the program and the hook
            raise ImproperlyConfigured(f"program {self.label!r}: hook {name} = {value!r}: {exc}") from exc

    def _checked_indicators(self, indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        """Codes are ``<label>.<name>`` and unique, so no two programs' indicators collide."""
        codes = [indicator.code for indicator in indicators]
        foreign = [code for code in codes if not code.startswith(f"{self.label}.")]
        if foreign:
            raise ValueError(f"indicator codes must start with {self.label + '.'!r}: {', '.join(foreign)}")
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate indicator codes: {sorted(c for c in codes if codes.count(c) > 1)}")
        return indicators


def _object(value: Any) -> Any:
    return import_string(value) if isinstance(value, str) else value


def installed_programs() -> list[ProgramConfig]:
    """The installed programs, in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if isinstance(config, ProgramConfig)]


def program(label: str) -> ProgramConfig | None:
    """The installed program with this label, or None."""
    return next((config for config in installed_programs() if config.label == label), None)


def demo_order(programs: list[ProgramConfig]) -> list[ProgramConfig]:
    """``programs`` with every program after those in its ``demo_after`` (otherwise in the given order)."""
    by_label = {config.label: config for config in programs}
    ordered: list[ProgramConfig] = []
    visiting: set[str] = set()

    def visit(config: ProgramConfig) -> None:
        if config in ordered:
            return
        if config.label in visiting:
            raise ImproperlyConfigured(f"program {config.label!r}: demo_after forms a cycle")
        visiting.add(config.label)
        for label in config.demo_after:
            if label not in by_label:
                raise ImproperlyConfigured(
                    f"program {config.label!r}: demo_after names {label!r}, not installed"
                )
            visit(by_label[label])
        visiting.discard(config.label)
        ordered.append(config)

    for config in programs:
        visit(config)
    return ordered


def program_urlpatterns() -> list[Any]:
    """``path(url_prefix, include(urls))`` for every installed program with pages."""
    from django.urls import include, path

    return [
        path(config.url_prefix, include(config.hook("urls")))
        for config in installed_programs()
        if config.urls
    ]


def program_api_routers() -> list[tuple[str, Any]]:
    """``(prefix, router)`` for every installed program with an API."""
    return [
        (f"/{config.label}/", config.hook("api_router"))
        for config in installed_programs()
        if config.api_router
    ]
