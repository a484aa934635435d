"""The import page: upload checks, the Chinese error preview, import all / only valid rows, scoping."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from countyworks.core.models import Organisation

from .test_importing import bad_check_digit, credit_code, csv_bytes, snapshot, xlsx_bytes


def upload(client, content: bytes, name: str = "orgs.csv", kind: str = "organisations"):
    return client.post("/data/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def token_of(response) -> str:
    return re.search(r"/data/import/([\w-]+)/commit/", response.content.decode()).group(1)


GOOD = [
    ["名称", "统一社会信用代码", "所在区划"],
    ["甲公司", credit_code(1), "430482"],
    ["乙公司", credit_code(2), "430482"],
]


def test_page_lists_kinds_and_export_links(login, changning):
    response = login(changning).get("/data/import/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "上传并检查" in content
    assert 'href="/data/export/households/"' in content
    assert "所在村/院落" in content


def test_read_only_users_see_exports_but_cannot_upload(login, hunan):
    client = login(hunan)
    assert "上传并检查" not in client.get("/data/import/").content.decode()
    assert upload(client, csv_bytes(GOOD)).status_code == 403


def test_clean_upload_previews_then_imports_everything(login, changning):
    client = login(changning)
    before = snapshot()
    preview = upload(client, xlsx_bytes(GOOD), name="名单.xlsx")
    content = preview.content.decode()
    assert "检查通过" in content and 'value="all"' in content and 'value="valid"' not in content
    assert snapshot() == before  # the preview writes nothing
    done = client.post(f"/data/import/{token_of(preview)}/commit/", {"mode": "all"}, follow=True)
    assert done.redirect_chain[-1][0].startswith("/jobs/")
    assert "导入完成" in done.content.decode()
    assert Organisation.objects.filter(name__in=["甲公司", "乙公司"]).count() == 2


def test_bad_upload_shows_chinese_errors_and_offers_only_valid_rows(login, changning):
    client = login(changning)
    rows = [
        *GOOD,
        ["丙公司", bad_check_digit(credit_code(3)), "430482"],
        ["丁公司", credit_code(4), "431302"],
    ]
    before = snapshot()
    preview = upload(client, csv_bytes(rows))
    content = preview.content.decode()
    assert "第4行" in content and "第5行" in content
    assert "统一社会信用代码" in content and "区域 431302 不在您的管辖范围内" in content
    assert 'value="all"' not in content and "仅导入有效行" in content
    token = token_of(preview)

    report = client.get(f"/data/import/{token}/report.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert sheet["B4"].fill.fgColor.rgb == "00FFC7CE"

    # "all" on a file with errors writes nothing and shows the errors again.
    again = client.post(f"/data/import/{token}/commit/", {"mode": "all"})
    assert "第4行" in again.content.decode()
    assert snapshot() == before

    done = client.post(f"/data/import/{token}/commit/", {"mode": "valid"}, follow=True)
    assert "未导入 2 行" in done.content.decode()
    assert Organisation.objects.filter(name__in=["甲公司", "乙公司"]).count() == 2
    assert not Organisation.objects.filter(name__in=["丙公司", "丁公司"]).exists()
    link = re.search(r'href="(/data/import/[\w-]+/rejected/)"', done.content.decode()).group(1)
    rejected = client.get(link)
    assert rejected["Content-Type"].startswith("text/csv")
    lines = rejected.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "名称,统一社会信用代码,所在区划,error"
    assert [line.split(",")[0] for line in lines[1:]] == ["丙公司", "丁公司"]


def test_another_user_cannot_reach_an_upload(login, changning, louxing, client):
    preview = upload(login(changning), csv_bytes(GOOD))
    token = token_of(preview)
    login(louxing)
    assert client.get(f"/data/import/{token}/report.xlsx").status_code == 404
    assert client.post(f"/data/import/{token}/commit/", {"mode": "all"}).status_code == 404
    assert not Organisation.objects.filter(name="甲公司").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "orgs.csv", "二进制文件"),
        (b"\xd0\xcf\x11\xe0\x00\x00", "orgs.xls", "不支持旧版 .xls 格式"),
        (b"PK\x03\x04not really a zip", "orgs.xlsx", "文件已损坏"),
    ],
)
def test_upload_type_is_checked_by_content(login, changning, content, name, message):
    response = upload(login(changning), content, name=name)
    assert message in response.content.decode()


def test_upload_size_is_capped(login, changning, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = upload(login(changning), csv_bytes(GOOD * 10))
    assert "文件过大" in response.content.decode()


def test_nav_shows_the_import_page(login, changning):
    content = login(changning).get("/jobs/").content.decode()
    assert re.search(r'<a href="/data/import/"[^>]*>[^<]*数据导入</a>', content)
