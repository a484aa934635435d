"""Organisations imported through 数据导入 › 组织 are on the program's roster at once (issue #10,
point 2): no campaign upload is needed to find, open or export them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from countyworks.core.models import Organisation
from tests.core.test_importing import credit_code, csv_bytes
from tests.core.test_views_data import token_of, upload

pytestmark = pytest.mark.django_db

ROWS = [
    ["名称", "统一社会信用代码", "所在区划", "类型"],
    ["张家界导入甲科技有限公司", credit_code(11, "430802"), "430802", "企业"],
    ["张家界导入乙科技有限公司", credit_code(12, "430802"), "430802", "企业"],
    ["张家界导入丙合作社", credit_code(13, "430802"), "430802", "合作社"],
]


@pytest.fixture
def imported(zjj, login):
    client = login(zjj)
    preview = upload(client, csv_bytes(ROWS))
    done = client.post(f"/data/import/{token_of(preview)}/commit/", {"mode": "all"}, follow=True)
    assert "导入完成" in done.content.decode(), done.content.decode()[-2000:]
    return client


def test_imported_enterprises_are_listed_opened_and_exported(imported):
    page = imported.get(reverse("innovation:enterprise-list"), {"q": "张家界导入"}).content.decode()
    assert "张家界导入甲科技有限公司" in page and "张家界导入乙科技有限公司" in page
    assert "张家界导入丙合作社" not in page  # a cooperative is not an enterprise of this program
    org = Organisation.objects.get(name="张家界导入甲科技有限公司")
    detail = imported.get(reverse("innovation:enterprise-detail", args=[org.pk]))
    assert detail.status_code == 200 and "张家界导入甲科技有限公司" in detail.content.decode()
    export = imported.get(reverse("innovation:enterprise-list"), {"export": "xlsx", "q": "张家界导入"})
    names = [row[1] for row in load_workbook(io.BytesIO(export.content)).active.values]
    assert sorted(names[1:]) == sorted(["张家界导入甲科技有限公司", "张家界导入乙科技有限公司"])


def test_the_api_lists_them_too(imported):
    found = imported.get("/api/v1/innovation/enterprises", {"q": "张家界导入"}).json()
    assert found["count"] == 2


def test_outside_the_area_they_stay_hidden(imported, login, louxing):
    org = Organisation.objects.get(name="张家界导入甲科技有限公司")
    other = login(louxing)
    assert "张家界导入" not in other.get(reverse("innovation:enterprise-list")).content.decode()
    assert other.get(reverse("innovation:enterprise-detail", args=[org.pk])).status_code == 404


def test_an_enterprise_account_sees_only_its_own(login, enterprise_user, enterprise, imported):
    page = login(enterprise_user).get(reverse("innovation:enterprise-list")).content.decode()
    assert enterprise.name in page and "张家界导入" not in page
