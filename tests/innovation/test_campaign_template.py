"""A campaign's upload template (issue #10, point 18): Chinese headers from the rule set's fields,
a 填写说明 sheet, 是/否 drop-downs; filled in, it uploads as it is, and errors name the Chinese
column."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from countyworks.innovation import services
from countyworks.rules.registry import get_ruleset
from tests.innovation.conftest import TECH_SME_ROW, credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(zjj, city):
    return services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)


def _filled(book: openpyxl.Workbook, rows: list[dict[str, str]]) -> SimpleUploadedFile:
    """The template with ``rows`` typed in under its Chinese headers (keyed by English name)."""
    ruleset = get_ruleset("tech-sme-2022")
    by_header = {"统一社会信用代码": "id", "企业名称": "name", "区划代码": "region"} | {
        f.label: f.name for f in ruleset.fields
    }
    data = book["数据"]
    headers = [c.value for c in next(data.iter_rows(max_row=1))]
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            data.cell(row=r, column=c, value=row.get(by_header[header]))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("填好的模板.xlsx", buffer.getvalue())


def _template(client, campaign) -> openpyxl.Workbook:
    response = client.get(reverse("innovation:campaign-template", args=[campaign.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_template_has_chinese_headers_notes_and_yes_no_lists(zjj, login, campaign):
    client = login(zjj)
    page = client.get(reverse("innovation:campaign-detail", args=[campaign.pk])).content.decode()
    assert reverse("innovation:campaign-template", args=[campaign.pk]) in page
    book = _template(client, campaign)
    headers = [c.value for c in next(book["数据"].iter_rows(max_row=1))]
    assert headers[:3] == ["统一社会信用代码", "企业名称", "区划代码"] and "科技人员数" in headers
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["科技人员数"][1] == "tech_staff" and notes["科技人员数"][2] == "是"
    assert "6 位" in notes["区划代码"][3]
    resident = openpyxl.utils.get_column_letter(headers.index("境内注册居民企业") + 1)
    assert any(str(v.sqref).startswith(f"{resident}2:") for v in book["数据"].data_validations.dataValidation)


def test_a_filled_in_template_uploads_and_errors_name_the_chinese_column(zjj, login, campaign):
    client = login(zjj)
    yes_no = {k: ("是" if v == "true" else "否" if v == "false" else v) for k, v in TECH_SME_ROW.items()}
    good = {"id": credit(1), "name": "模板测试企业", "region": "430802", **yes_no}
    bad = {**good, "id": credit(2), "tech_staff": "999"}
    upload = reverse("innovation:campaign-upload", args=[campaign.pk])
    refused = client.post(upload, {"file": _filled(_template(client, campaign), [good, bad])}, follow=True)
    assert "第3行，列“科技人员数”，值“999”" in refused.content.decode()
    typo = {**good, "id": credit(3)[:-1] + "X"}
    wrong_id = client.post(upload, {"file": _filled(_template(client, campaign), [typo])}, follow=True)
    assert "第2行，列“统一社会信用代码”" in wrong_id.content.decode()
    done = client.post(upload, {"file": _filled(_template(client, campaign), [good])}, follow=True)
    assert "文件校验通过，共 1 家企业" in done.content.decode()


def test_a_refused_upload_offers_the_file_back_with_its_bad_cells_marked(zjj, login, campaign):
    client = login(zjj)
    yes_no = {k: ("是" if v == "true" else "否" if v == "false" else v) for k, v in TECH_SME_ROW.items()}
    good = {"id": credit(1), "name": "模板测试企业", "region": "430802", **yes_no}
    bad = {**good, "id": credit(2), "tech_staff": "999"}
    upload = reverse("innovation:campaign-upload", args=[campaign.pk])
    report_url = reverse("innovation:campaign-upload-report", args=[campaign.pk])
    assert client.get(report_url).status_code == 404  # nothing refused yet
    refused = client.post(upload, {"file": _filled(_template(client, campaign), [good, bad])}, follow=True)
    assert report_url in refused.content.decode()
    response = client.get(report_url)
    assert response.status_code == 200
    assert "%E9%94%99%E8%AF%AF%E6%A0%87%E8%AE%B0" in response["Content-Disposition"]  # 错误标记
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    staff = headers.index("科技人员数")
    cell = sheet.cell(row=3, column=staff + 1)
    assert cell.value == "999" and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "科技人员数大于职工总数" in cell.comment.text
    assert headers[-1] == "错误说明" and "科技人员数" in sheet.cell(row=3, column=len(headers)).value
    assert sheet.cell(row=2, column=staff + 1).fill.fgColor.rgb in (None, "00000000")
    listing = [row for row in book["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1]) for r in listing] == [(3, "科技人员数")]
    # only the session that uploaded gets it back; a valid upload clears it
    other = Client()
    other.force_login(zjj, backend="django.contrib.auth.backends.ModelBackend")
    assert other.get(report_url).status_code == 404
    client.post(upload, {"file": _filled(_template(client, campaign), [good])})
    assert client.get(report_url).status_code == 404


def test_the_marked_report_of_an_english_csv_names_the_cell_by_field(zjj, campaign):
    from tests.innovation.conftest import csv_upload, tech_row

    upload = csv_upload([tech_row(1), tech_row(2, rd_expense="-5")])
    errors = services.campaign_upload(campaign=campaign, upload=upload, acting_user=zjj)
    upload.seek(0)
    report = services.campaign_error_report(
        campaign=campaign, data=upload.read(), name="data.csv", errors=errors
    )
    sheet = openpyxl.load_workbook(io.BytesIO(report)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=3, column=headers.index("rd_expense") + 1)
    assert cell.value == "-5" and "研发费用总额不能为负数" in cell.comment.text
