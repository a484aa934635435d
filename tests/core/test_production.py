"""`countyworks serve` refuses a demo, empty or weak secret key, DEBUG and demo accounts with the demo
password; its workers send HSTS and secure cookies."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model

from countyworks.cli import main
from countyworks.core.demo_accounts import DEMO_PASSWORD
from countyworks.core.production import production_problems


@pytest.mark.django_db
def test_demo_secret_and_passwords_are_refused(settings):
    settings.SECRET_KEY = settings.DEMO_SECRET_KEY
    get_user_model().objects.create_user("hunan", password=DEMO_PASSWORD)
    problems = production_problems()
    assert any("SECRET_KEY" in p for p in problems)
    assert any("hunan" in p for p in problems)


@pytest.mark.django_db
def test_clean_configuration_passes(settings):
    settings.SECRET_KEY = "a-real-secret-" * 4
    settings.DEBUG = False
    get_user_model().objects.create_user("hunan", password="a-strong-password-2026")
    assert production_problems() == []


@pytest.mark.django_db
def test_serve_exits_1_with_the_reason(capsys, settings):
    settings.SECRET_KEY = settings.DEMO_SECRET_KEY
    assert main(["serve"]) == 1
    assert "SECRET_KEY is the demo key" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x", "short-but-not-demo-key", "a" * 60])
def test_a_short_or_repetitive_secret_key_is_refused(settings, key):
    settings.SECRET_KEY = key
    assert any("SECRET_KEY is too weak" in p for p in production_problems())


def _run_cli(env_overrides: dict[str, str], *args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COUNTYWORKS_DATA_DIR": str(tmp_path), **env_overrides}
    env.pop("PYTEST_VERSION", None)
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "countyworks.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_an_empty_secret_key_is_a_clear_error_not_a_traceback(tmp_path):
    result = _run_cli({"SECRET_KEY": ""}, "serve", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "at least 50 characters" in result.stderr
    assert "Traceback" not in result.stderr


_SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_PROXY_SSL_HEADER]))"
)


_SECURITY_ENV = {
    "PYTEST_VERSION",
    "COUNTYWORKS_SERVE",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "TRUSTED_PROXY_COUNT",
}


def _settings_under(env_overrides: dict[str, str], tmp_path) -> list:
    env = {k: v for k, v in os.environ.items() if k not in _SECURITY_ENV}
    env.update(
        COUNTYWORKS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="countyworks.settings", **env_overrides
    )
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", _SHOW], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout)


def test_serve_workers_send_hsts_with_secure_cookies_behind_the_tls_proxy(tmp_path):
    hsts, session_secure, csrf_secure, proxy_header = _settings_under(
        {"COUNTYWORKS_SERVE": "1", "TRUSTED_PROXY_COUNT": "1"}, tmp_path
    )
    assert hsts >= 180 * 24 * 3600 and session_secure and csrf_secure
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Outside serve (demo, tests) nothing changes, and without a trusted proxy its header is not believed.
    assert _settings_under({}, tmp_path) == [0, False, False, None]


def test_serve_starts_gunicorn_in_serve_mode(monkeypatch):
    calls = []
    monkeypatch.setattr("countyworks.core.commands._migrate", lambda: None)
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr("countyworks.core.production.production_problems", lambda: [])
    monkeypatch.setattr("subprocess.call", lambda command, env: calls.append(env) or 0)
    assert main(["serve"]) == 0
    assert calls and calls[0]["COUNTYWORKS_SERVE"] == "1"


@pytest.mark.django_db
def test_hsts_header_on_https_requests_from_the_trusted_proxy(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
