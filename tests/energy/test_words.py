"""Energy pages show words, not codes (issue #10, the crawl's known defects): measurement points by
name, factor sets by name, the wind-shear formula without identifiers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

#: What the browser crawl (tests/e2e/test_crawl.py) calls a raw code.
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_station_page_names_measurement_points_without_their_codes(login, yuanjiang_officer, storage):
    html = login(yuanjiang_officer).get(reverse("energy:station", args=["xinwan-ess"])).content.decode()
    text = visible_text(html)
    assert not SNAKE_CASE.findall(text), SNAKE_CASE.findall(text)
    assert "SOC_pct" not in text and 'title="测点编码 SOC_pct"' in html


def test_statistics_page_names_factor_sets(login, yuanjiang_officer, wind):
    text = visible_text(login(yuanjiang_officer).get(reverse("energy:statistics")).content.decode())
    assert "mee-nbs-2023-national" not in text and "mee-grid-2022" not in text
    assert "2023 年全国电力平均排放因子" in text


def test_resource_page_writes_the_shear_formula_with_words(login, yuanjiang_officer):
    params = {"calc": "wind", "mean_speed": "2.44", "ref_height": "10", "hub_height": "129", "alpha": "0.2"}
    params |= {"k": "2", "turbine": "E-141/4200", "losses": "0.15", "turbines": "1"}
    html = login(yuanjiang_officer).get(reverse("energy:resource"), params).content.decode()
    text = visible_text(html)
    assert "风切变" in text and not SNAKE_CASE.findall(text), SNAKE_CASE.findall(text)
    assert "v<sub>轮毂</sub> = v<sub>参考</sub>" in html
