"""The program contract: every installed program conforms, and a new one plugs in with one app
directory and one line in settings (docs/adding-a-program.md)."""

from __future__ import annotations

import types
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import resolve, reverse

from countyworks import cli
from countyworks.api.urls import api
from countyworks.core.briefs import brief_text
from countyworks.core.errors import BriefUnavailable
from countyworks.core.home import collect_tiles
from countyworks.core.indicators import Indicator, all_indicators
from countyworks.core.jobs import UnknownJob, job_run_inline
from countyworks.core.models import Organisation
from countyworks.core.navigation import nav_for
from countyworks.core.periods import Period
from countyworks.core.profiles import organisation_profile
from countyworks.core.programs import (
    HOOKS,
    NavItem,
    ProgramConfig,
    demo_order,
    installed_programs,
    program_api_routers,
    program_urlpatterns,
)
from countyworks.workflow.milestones import milestone_providers

PROGRAMS = installed_programs()


def test_the_installed_programs_are_the_programs_setting():
    assert [config.name for config in PROGRAMS] == settings.PROGRAMS
    assert cli.settings_programs() == settings.PROGRAMS  # what the CLI reads without Django set up
    assert [config.label for config in PROGRAMS] == [
        "workflow",
        "innovation",
        "energy",
        "parks",
        "alliances",
        "courtyards",
    ]


@pytest.mark.parametrize("config", PROGRAMS, ids=lambda c: c.label)
def test_every_program_declares_every_hook_and_each_resolves(config):
    assert config.undeclared_hooks() == []
    assert config.url_prefix.endswith("/") and not config.url_prefix.startswith("/")
    for name in HOOKS:
        value = config.hook(name)
        if name in ("nav_items", "milestones", "jobs"):
            assert value is not None
    if config.urls:
        assert config.hook("urls").app_name == config.label
    if config.cli_commands:
        assert callable(config.hook("cli_commands").register)
    for name in (
        "brief",
        "home_tiles",
        "demo_loader",
        "demo_services",
        "organisation_profile",
        "village_profile",
    ):
        assert getattr(config, name) is None or callable(config.hook(name))
    assert all(isinstance(item, NavItem) for item in config.hook("nav_items"))
    assert all(callable(provider) for provider in config.hook("milestones"))
    assert all(callable(job) for job in config.hook("jobs").values())
    assert all(isinstance(indicator, Indicator) for indicator in config.hook("indicators"))


#: Hook → the module name a program conventionally gives it.
CONVENTIONAL_MODULES = {
    "urls": "urls",
    "api_router": "api",
    "cli_commands": "cli",
    "brief": "brief",
    "import_kinds": "import_kinds",
    "tasks": "tasks",
}


@pytest.mark.parametrize("config", PROGRAMS, ids=lambda c: c.label)
def test_no_program_module_is_left_unplugged(config):
    """A module such as ``<app>/import_kinds.py`` next to ``import_kinds = None`` would silently do
    nothing (the shell discovers nothing by name), so the hook must name it."""
    import importlib.util

    for hook, module in CONVENTIONAL_MODULES.items():
        if importlib.util.find_spec(f"{config.name}.{module}") is not None:
            assert getattr(config, hook) is not None, f"{config.label}: {module}.py exists, {hook} is None"


@pytest.mark.parametrize("config", [c for c in PROGRAMS if c.urls], ids=lambda c: c.label)
def test_urls_are_mounted_and_nav_items_resolve(config):
    for item in config.hook("nav_items"):
        url = reverse(item.url_name)
        assert url.startswith(f"/{config.url_prefix}")
        assert resolve(url).namespace == config.label


@pytest.mark.parametrize("config", [c for c in PROGRAMS if c.api_router], ids=lambda c: c.label)
def test_api_router_is_in_the_openapi_schema(config):
    paths = api.get_openapi_schema()["paths"]
    assert any(p.startswith(f"/api/v1/{config.label}/") for p in paths)


@pytest.mark.parametrize("config", [c for c in PROGRAMS if c.cli_commands], ids=lambda c: c.label)
def test_cli_commands_appear_in_help(config):
    import argparse

    own = argparse.ArgumentParser().add_subparsers()
    config.hook("cli_commands").register(own)
    help_text = cli.build_parser().format_help()
    assert own.choices and all(name in help_text for name in own.choices)


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("workflow", "has no brief"),
        ("nope", "unknown program"),
    ],
)
def test_brief_of_a_program_without_one_exits_1(capsys, program, message):
    assert cli.main(["brief", program, "--region", "430800", "--period", "2022"]) == 1
    assert message in capsys.readouterr().err


def test_the_brief_of_a_program_left_out_of_the_settings_says_it_is_not_installed(monkeypatch):
    import countyworks.core.briefs as briefs

    monkeypatch.setattr(briefs, "program", lambda label: None)
    with pytest.raises(BriefUnavailable, match="program 'courtyards' is not installed"):
        briefs.brief_text("courtyards", "430523", Period.parse("2023"))


def test_the_brief_help_lists_the_installed_programs_with_a_brief(capsys):
    with pytest.raises(SystemExit):
        cli.main(["brief", "--help"])
    assert "an installed program: innovation, energy, parks" in capsys.readouterr().out


def test_a_broken_hook_fails_at_startup_with_the_program_name():
    import tests.fake_program as module
    from tests.fake_program.apps import FakeProgramConfig

    class Broken(FakeProgramConfig):
        label = "broken"
        brief = "tests.fake_program.hooks.no_such_function"

    with pytest.raises(ImproperlyConfigured, match="program 'broken': hook brief"):
        Broken("tests.fake_program", module).ready()

    class Undeclared(ProgramConfig):
        label = "undeclared"
        url_prefix = "undeclared/"
        urls = None

    with pytest.raises(ImproperlyConfigured, match="program 'undeclared' does not declare api_router"):
        Undeclared("tests.fake_program", module).ready()


def test_a_new_program_plugs_in_with_one_app_and_one_settings_line(changning, capsys):
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.fake_program"]):
        fake = installed_programs()[-1]
        assert fake.label == "fake_program"
        root = types.ModuleType("fake_root_urlconf")  # the URL map's program part, rebuilt
        root.urlpatterns = program_urlpatterns()
        with override_settings(ROOT_URLCONF=root):
            assert reverse("fake_program:home") == "/fake/"
            entry = {"label": "Fake", "url": "/fake/", "icon": "★", "program": "shared", "active": False}
            assert entry in nav_for(changning)
        assert ("/fake_program/", fake.hook("api_router")) in program_api_routers()
        assert brief_text("fake_program", "430800", Period.parse("2023")) == "fake brief of 4308 for 2023"
        assert "fake tile" in [tile["label"] for tile in collect_tiles(changning, None)]
        company = Organisation.objects.create(name="画像测试企业", region_id="430482")
        profile = organisation_profile(user=changning, organisation_id=company.pk)
        assert [s.title for s in profile.sections if s.program == "fake_program"] == ["fake section"]
        assert profile.timeline[0].text == "fake event of 画像测试企业"
        company.delete()
        labels = [config.label for config in demo_order(installed_programs())]
        assert labels.index("fake_program") > labels.index("innovation")
        assert fake.hook("milestones")[0] in milestone_providers()
        assert job_run_inline("fake_program.count", description="count", upto=3) == {"counted": 3}
        indicator = all_indicators()["fake_program.organisations"]
        assert indicator.value("", Period.parse("2023")) is None  # nothing to measure yet
        Organisation.objects.create(name="测试企业", region_id="430482")
        assert indicator.value("", Period.parse("2023")) == Organisation.objects.count() == 1
        assert "fake-hello" in cli.build_parser().format_help()
        assert cli.main(["fake-hello"]) == 0
        assert capsys.readouterr().out == "hello from the fake program\n"
    assert "fake_program" not in [config.label for config in installed_programs()]
    with pytest.raises(UnknownJob):
        job_run_inline("fake_program.count", description="count", upto=3)


def test_indicator_codes_carry_the_program_label():
    import tests.fake_program as module
    from tests.fake_program.apps import FakeProgramConfig

    class Foreign(FakeProgramConfig):
        label = "foreign"

    with pytest.raises(ImproperlyConfigured, match="indicator codes must start with 'foreign.'"):
        Foreign("tests.fake_program", module).hook("indicators")


def test_a_ratio_indicator_is_a_weighted_mean_and_none_without_a_denominator():
    period = Period.parse("2023")
    top = {"430482": 1, "431302": 2}
    bottom = {"430482": 1, "431302": 3}
    rate = Indicator(
        "x.rate", "率", "%", "year", "weighted_mean", lambda p, _: top, lambda p, _: bottom, scale=100
    )
    assert rate.value("43", period) == Decimal(75)  # 3 / 4, not the mean of 100 % and 66.7 %
    empty = Indicator("x.rate", "率", "%", "year", "weighted_mean", lambda p, _: {}, lambda p, _: {})
    assert empty.value("43", period) is None


def test_demo_order_puts_a_program_after_the_ones_it_names():
    import tests.fake_program as module
    from tests.fake_program.apps import FakeProgramConfig

    class Cyclic(FakeProgramConfig):
        label = "cyclic"
        demo_after = ("cyclic",)

    with pytest.raises(ImproperlyConfigured, match="cycle"):
        demo_order([Cyclic("tests.fake_program", module)])

    class Orphan(FakeProgramConfig):
        label = "orphan"
        demo_after = ("parks",)

    with pytest.raises(ImproperlyConfigured, match="'parks', not installed"):
        demo_order([Orphan("tests.fake_program", module)])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--data-dir", "/tmp/before", "backup", "out.zip"], "/tmp/before"),
        (["backup", "out.zip", "--data-dir", "/tmp/after"], "/tmp/after"),
        (["demo", "--data-dir", "/tmp/after", "--load-only"], "/tmp/after"),
        (
            ["--data-dir", "/tmp/before", "evaluate", "tech-sme-2022", "in.csv", "--data-dir", "/tmp/after"],
            "/tmp/after",
        ),
    ],
)
def test_data_dir_is_accepted_before_or_after_the_subcommand(argv, expected):
    assert cli.build_parser().parse_args(argv).data_dir == expected


def test_data_dir_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("COUNTYWORKS_DATA_DIR", "/tmp/from-env")
    assert cli.build_parser().parse_args(["backup", "out.zip"]).data_dir == "/tmp/from-env"


def test_shell_runs_django_with_the_project_settings(capsys):
    code = "from django.conf import settings; print(settings.ROOT_URLCONF, len(settings.PROGRAMS))"
    assert cli.main(["shell", "-c", code]) == 0
    assert capsys.readouterr().out == f"countyworks.urls {len(settings.PROGRAMS)}\n"
