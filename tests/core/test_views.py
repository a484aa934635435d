"""The web shell: login, home, region switcher, language, tokens, security headers."""

import pytest
from django.urls import reverse

from countyworks.core.demo_accounts import DEMO_ACCOUNTS


def test_login_page_is_chinese_and_lists_demo_accounts(client, settings):
    settings.DEMO_MODE = True
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录县域发展工作台" in body
    for account in DEMO_ACCOUNTS:
        assert account.username in body


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_the_users_area(login, changning):
    response = login(changning).get("/")
    assert response.status_code == 200
    assert "常宁市" in response.content.decode()


def test_security_headers_and_csp(login, changning):
    response = login(changning).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_loads_anything_from_outside(login, changning):
    body = login(changning).get("/").content.decode()
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body


def test_region_switch_limited_to_grants(login, changning):
    client = login(changning)
    client.post(reverse("region-switch"), {"region": "430482100"})
    assert client.session["active_region"] == "430482100"
    client.post(reverse("region-switch"), {"region": "431302"})
    assert client.session["active_region"] == "430482100"


def test_english_switch(login, changning):
    client = login(changning)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in body


@pytest.mark.django_db
def test_api_token_flow(client, changning):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "changning", "password": "test-password-123"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listing = client.get("/api/v1/core/organisations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listing.status_code == 200
    bad = client.post(
        "/api/v1/auth/token", {"username": "changning", "password": "wrong"}, content_type="application/json"
    )
    assert bad.status_code == 401


@pytest.mark.django_db
def test_revoked_token_is_refused(client, changning):
    from countyworks.core.services import api_token_create, api_token_revoke

    token, raw = api_token_create(user=changning)
    assert client.get("/api/v1/core/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(token=token)
    assert client.get("/api/v1/core/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert token.key_hash != raw and raw not in token.key_hash


def test_tokens_page_creates_and_shows_once(login, changning):
    client = login(changning)
    import re

    response = client.post(reverse("tokens"), {"name": "数据对接"})
    raw = re.search(r'id="new-token">(cw_[\w-]+)<', response.content.decode()).group(1)
    assert len(raw) > 40
    assert raw not in client.get(reverse("tokens")).content.decode()


def test_password_change_is_inside_the_app_shell(login, changning):
    """修改密码 used to fall through to Django admin's template: no app menus, and its 首页 link led
    to the admin login, which refuses an official who is not staff."""
    client = login(changning)
    body = client.get(reverse("password_change")).content.decode()
    assert 'class="sidenav"' in body and "region-switch" in body
    assert "/admin/" not in body
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-password-123",
            "new_password1": "Xq7-county-2026",
            "new_password2": "Xq7-county-2026",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "密码已修改" in body and 'class="sidenav"' in body and "/admin/" not in body


def test_header_shows_the_name_with_the_role(login, changning):
    changning.first_name = "谭志刚"
    changning.save()
    body = login(changning).get("/").content.decode()
    assert '谭志刚 <span class="user-role">项目主管</span>' in body


def test_person_label_puts_the_role_beside_the_name(changning, auditor):
    from countyworks.core.selectors import person_label
    from tests.conftest import make_user

    changning.first_name = "谭志刚"
    assert person_label(changning) == "谭志刚（项目主管）"
    assert person_label(auditor) == "auditor（审计员）"
    assert person_label(make_user("nobody")) == "nobody"


def test_the_menu_has_one_workflow_entry_and_the_jobs_page(login, changning):
    body = login(changning).get("/workflow/overdue/").content.decode()
    sidenav = body.split('class="sidenav"')[1].split("</nav>")[0]
    assert sidenav.count("/workflow/") == 1 and "逾期督办" not in sidenav
    assert 'href="/jobs/"' in sidenav
    # the workflow entry is highlighted on every workflow page, not only the ticket list
    assert 'href="/workflow/tickets/" class="active"' in sidenav


def test_demo_accounts_have_names(db):
    from django.contrib.auth import get_user_model

    from countyworks.core.demo import load_demo_accounts

    load_demo_accounts()
    users = get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    names = {u.username: u.get_full_name() for u in users}
    assert names["louxing"] == "李国平" and names["auditor"] == "彭淑芬"
    assert len(set(names.values())) == len(DEMO_ACCOUNTS)
