"""Fixtures of program 2: officers of 张家界, an enterprise user, campaign files, uploads in tmp."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import uscc

from countyworks.core.models import Organisation, Region, Role
from countyworks.innovation import services
from countyworks.innovation.models import EnterpriseProfile, EvaluationCampaign
from tests.conftest import make_user

#: The worked-example base of docs/rules/tech-sme-2022.md §7: employees 100, revenue 3000, assets 2500,
#: cost 2600, compliant. With tech_staff 25, rd 120 and Ⅱ类×3: 16 + 30 + 18 = 64, qualified.
TECH_SME_ROW: dict[str, Any] = {
    "employees": "100",
    "tech_staff": "25",
    "revenue": "3000",
    "total_assets": "2500",
    "rd_expense": "120",
    "total_cost": "2600",
    "ip_class1": "0",
    "ip_class2": "3",
    "resident": "true",
    "prohibited_industry": "false",
    "major_incident": "false",
    "abnormal_listed": "false",
}


def credit(n: int, region: str = "430802") -> str:
    """A valid 统一社会信用代码 numbered ``n``."""
    body = f"91{region}{n:09d}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded campaign files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def zjj(db):
    """张家界市 officer (all programs)."""
    return make_user("zjj_officer", Role.OFFICER, "4308")


@pytest.fixture
def zjj_leader(db):
    """张家界市 leader: reads everything, writes nothing."""
    return make_user("zjj_leader", Role.LEADER, "4308")


@pytest.fixture
def city(db) -> Region:
    return Region.objects.get(code="4308")


@pytest.fixture
def enterprise(db) -> Organisation:
    """An enterprise of 永定区 on the program's roster."""
    org = Organisation.objects.create(
        name="张家界测试莓茶科技有限公司", credit_code=credit(1), region_id="430802"
    )
    EnterpriseProfile.objects.create(organisation=org, registration_date=date(2015, 3, 1))
    return org


@pytest.fixture
def enterprise_user(enterprise):
    """The enterprise's own account: a Role.ENTERPRISE grant bound to the organisation."""
    return make_user("firm", Role.ENTERPRISE, "430802", organisation=enterprise)


def csv_upload(rows: list[dict[str, Any]], name: str = "data.csv") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pl.DataFrame(rows).write_csv(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="text/csv")


def xlsx_upload(
    rows: list[dict[str, Any]], headers: dict[str, str] | None = None, name: str = "data.xlsx"
) -> SimpleUploadedFile:
    """An Excel file, optionally with Chinese headers (``headers`` maps field → header)."""
    from openpyxl import Workbook

    headers = headers or {}
    book = Workbook()
    sheet = book.active
    columns = list(rows[0])
    sheet.append([headers.get(c, c) for c in columns])
    for row in rows:
        sheet.append([row[c] for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def tech_row(n: int, **changes: Any) -> dict[str, Any]:
    """A tech-sme row for enterprise ``n`` (new to the platform: name and region included)."""
    return {"id": credit(n), "name": f"测试企业{n}有限公司", "region": "430802", **TECH_SME_ROW, **changes}


@pytest.fixture
def evaluated_campaign(zjj, city) -> Callable[..., EvaluationCampaign]:
    """Create, upload and evaluate a campaign of ``rows`` (returns it, evaluated)."""

    def _make(
        rows: list[dict[str, Any]], *, year: int = 2022, ruleset: str = "tech-sme-2022"
    ) -> EvaluationCampaign:
        campaign = services.campaign_create(region=city, year=year, ruleset_code=ruleset, acting_user=zjj)
        errors = services.campaign_upload(campaign=campaign, upload=csv_upload(rows), acting_user=zjj)
        assert errors == [], [str(e) for e in errors]
        services.campaign_run(campaign=campaign, acting_user=zjj)
        campaign.refresh_from_db()
        assert campaign.status == EvaluationCampaign.Status.EVALUATED, campaign.job.message
        return campaign

    return _make
