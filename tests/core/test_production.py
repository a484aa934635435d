"""`countyworks serve` refuses the demo secret key, DEBUG and demo accounts with the demo password."""

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
