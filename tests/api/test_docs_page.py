"""The interactive API documentation is served from the site's own static files (intranet, CSP)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_api_docs_page_loads_swagger_from_own_static_files(client, changning, login):
    login(changning)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts, "the page loads Swagger UI"
    for url in scripts + styles:
        assert url.startswith("/static/"), f"{url} is not served by the site itself"
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among the static files"
    assert "<script>" not in html, "no inline script: the CSP allows scripts from 'self' only"
