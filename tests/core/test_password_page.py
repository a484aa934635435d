"""The password-change pages use the application's own layout, not Django admin's."""


def test_password_change_page_is_the_application_page(login, changning):
    body = login(changning).get("/accounts/password/").content.decode()
    assert 'class="sidenav"' in body and "修改密码" in body
    assert "Django" not in body and "/admin/" not in body


def test_password_change_done_page_is_the_application_page(login, changning):
    body = login(changning).get("/accounts/password/done/").content.decode()
    assert "密码已修改" in body and "Django" not in body
