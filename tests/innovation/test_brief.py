"""`countyworks brief innovation` end to end after loading the demo: the article's sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countyworks.cli import main
from countyworks.core.demo import load_demo_accounts
from countyworks.core.errors import BriefUnavailable
from countyworks.core.periods import Period
from countyworks.innovation.brief import about, brief_text, change
from countyworks.innovation.demo import load_demo
from tests.conftest import loaded_once

EXPECTED_2022 = (
    "张家界市科技创新统计简报（2022年）\n\n"
    "截至2022年底，全市共建成省级工程技术研究中心2家、重点实验室2家、企业技术中心5家，近3年来登记科技成果150余项。\n\n"
    "2022年，该市共评价入库科技型中小企业304家，同比增长65.2%，高新技术企业达到123家，增长28.1%。"
    "梯度培育库中，高企培育库38家、储备企业28家；“高壮大”企业中有上市后备企业3家；"
    "科技部门“一企一策”精准指导企业5家。"
    "截至2022年底，该市正在组织实施4个“揭榜挂帅”技术攻关类项目和2个基础研究类项目。"
)


_demo_once = loaded_once(load_demo_accounts, load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The accounts and the innovation demo, loaded once for the module."""


def test_cli_prints_the_article_figures(demo, capsys):
    assert main(["brief", "innovation", "--region", "430800", "--period", "2022"]) == 0
    assert capsys.readouterr().out == EXPECTED_2022 + "\n"
    _later_year_names_the_new_rd_institution()
    _county_brief()


def _later_year_names_the_new_rd_institution():
    text = brief_text("4308", Period.parse("2023"))
    assert (
        "张家界市乾坤莓茶工程技术研究中心获省第四批“省级新型研发机构”备案，以2名院士、2名长江学者领衔" in text
    )
    assert "累计研发10余款新产品和6款新设备" in text
    assert "高新技术企业达到123家，与上年持平" in text  # certificates of 2021 are still valid


def _county_brief():
    text = brief_text("431302", Period.parse("2022"))
    assert text.startswith("娄星区科技创新统计简报（2022年）")
    assert "高新技术企业达到20家。" in text
    assert "创新型中小企业13家、专精特新中小企业16家、专精特新“小巨人”企业10家" in text


def test_no_data_exits_1(db, capsys):
    assert main(["brief", "innovation", "--region", "430482", "--period", "2022"]) == 1
    assert "no innovation records for 常宁市" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("n", "unit", "text"),
    [
        (153, "项", "150余项"),
        (150, "项", "150项"),
        (12, "款", "10余款"),
        (6, "款", "6款"),
        (10, "家", "10家"),
    ],
)
def test_about(n, unit, text):
    assert about(n, unit) == text


def test_change():
    assert change(Decimal("65.2"), verb="同比增长") == "，同比增长65.2%"
    assert change(Decimal("-3.0")) == "，下降3.0%"
    assert change(Decimal("0.0")) == "，与上年持平"
    assert change(None) == ""


def test_a_quarter_is_refused_rather_than_titled_over_annual_figures(db, capsys):
    assert main(["brief", "innovation", "--region", "430800", "--period", "2022Q2"]) == 1
    err = capsys.readouterr().err
    assert "annual figures only" in err and "ask for --period 2022" in err
    with pytest.raises(BriefUnavailable, match="2022-06 is a month"):
        brief_text("4308", Period.parse("2022-06"))
