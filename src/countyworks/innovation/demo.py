"""Demo data of program 2: raw enterprise records that the official rule sets turn into the pools.

Nothing here types a count. The loader generates (seeded, deterministic) the figures enterprises
declared, uploads them as campaign files, evaluates them with the rule sets and confirms the
results, exactly as an officer would; the article's figures then come out of the evaluations:

- 张家界市 (4308): 184 科技型中小企业 in 2021 and 304 in 2022 (+65.2%), 96 and 123 高新技术企业
  (+28.1%; 高企 certificates last three years, so 2022 counts 2021's 96 and the 27 certified in 2022);
- 娄星区 (431302): 20 高企, 10 专精特新"小巨人", 13 创新型中小企业 in 2022.

Each enterprise follows a *story* over the two years (:data:`ZHANGJIAJIE_STORIES`): a comfortable
pass, a pass exactly at a band edge, a low score rescued by a direct-confirmation flag, or a
failure for a real reason (size, compliance, industry, a score below 60, no tech-staff points).
``tests/innovation/test_demo.py`` checks every count by evaluating the stored files again.

Private companies and persons have invented names; public bodies keep their real names
(张家界市科学技术局, the 乾坤莓茶工程技术研究中心 of the article). 统一社会信用代码 are generated
with valid check digits (python-stdnum). Dates of events the article does not date are illustrative.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import polars as pl
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from stdnum.cn import uscc

from countyworks.core.models import Organisation, Person, Region
from countyworks.innovation import services
from countyworks.innovation.models import (
    Achievement,
    Challenge,
    EnterpriseProfile,
    EvaluationCampaign,
    InnovationPlatform,
    PlatformExpert,
    Tier,
)

SEED = 20230727  # the article's date: 湖南日报 2023-07-27
ZHANGJIAJIE = "4308"
ZJJ_COUNTIES = ("430802", "430811", "430821", "430822")
LOUXING = "431302"
CENT = Decimal("0.01")


# --- numbers --------------------------------------------------------------------------------------


def _up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_CEILING)


def _down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def _staff_in_band(employees: int, low: int, high: int) -> int:
    """The fewest staff with low% ≤ staff/employees < high% (employees large enough)."""
    staff = math.ceil(employees * low / 100)
    if staff * 100 >= high * employees:
        raise ValueError(f"no whole number of staff in [{low}%, {high}%) of {employees}")
    return staff


def _yes(flag: bool) -> str:
    return "true" if flag else "false"


def credit_code(rng: random.Random, region: str, kind: str = "91") -> str:
    """A 统一社会信用代码 with a valid GB 32100 check digit: 登记管理部门/类别 + 区划 + 主体标识."""
    body = f"{kind}{region}{rng.randrange(10**8, 10**9)}"
    return body + uscc.calc_check_digit(body)


# --- names -------------------------------------------------------------------------------------------

_PLACES = {
    "430802": ("张家界", "永定", "天门", "大庸", "官黎坪", "崇文"),
    "430811": ("武陵源", "索溪", "天子山", "协合", "中湖", "金鞭"),
    "430821": ("慈利", "零阳", "江垭", "溪口", "五雷", "通津"),
    "430822": ("桑植", "澧源", "八大公山", "刘家坪", "洪家关", "利福塔"),
    "431302": ("娄底", "娄星", "乐坪", "大科", "万宝", "涟滨"),
}
_WORDS = (
    "湘茗",
    "云朝",
    "金鼎",
    "宏源",
    "鑫达",
    "瑞丰",
    "华武",
    "绿源",
    "恒远",
    "博信",
    "永盛",
    "嘉禾",
    "天晟",
    "九溪",
    "新源",
    "长青",
    "聚力",
    "明扬",
    "和信",
    "创达",
    "德润",
    "兴旺",
    "致远",
    "汇通",
)
_TRADES_ZJJ = (
    "莓茶科技",
    "生物科技",
    "杜仲开发",
    "大鲵生物",
    "旅游科技",
    "食品",
    "药业",
    "茶业",
    "农业科技",
    "智能科技",
    "文化创意",
    "环保科技",
    "信息技术",
    "新材料",
)
_TRADES_LX = (
    "新材料",
    "钢构",
    "机械制造",
    "电子科技",
    "再生资源",
    "精密铸造",
    "电气",
    "智能装备",
    "环保科技",
    "汽车零部件",
)
_SURNAMES = "向覃田龙彭张李王刘陈杨黄周吴谭罗邓曾胡唐"
_GIVEN = (
    "志远",
    "建华",
    "晓燕",
    "海波",
    "丽君",
    "国庆",
    "文斌",
    "秀英",
    "俊杰",
    "明辉",
    "春梅",
    "德胜",
    "立新",
    "小红",
    "振宇",
    "雅琴",
    "光明",
    "思源",
    "永红",
    "卫东",
)


class _Names:
    """Unique invented company and person names, deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def company(self, region: str, trades: tuple[str, ...]) -> str:
        while True:
            place = self.rng.choice(_PLACES[region])
            form = self.rng.choice(("有限公司", "有限公司", "有限责任公司", "股份有限公司"))
            name = f"{place}{self.rng.choice(_WORDS)}{self.rng.choice(trades)}{form}"
            if name not in self.used:
                self.used.add(name)
                return name

    def person(self) -> str:
        while True:
            name = self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name


# --- enterprises and their yearly figures ---------------------------------------------------------------


@dataclass
class Enterprise:
    """One generated enterprise: identity, founding date and its yearly base figures."""

    code: str
    name: str
    region: str
    founded: date
    rng: random.Random
    employees: dict[int, int] = field(default_factory=dict)
    revenue: dict[int, Decimal] = field(default_factory=dict)
    net_assets: dict[int, Decimal] = field(default_factory=dict)
    rows: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)


def _enterprise(
    names: _Names,
    rng: random.Random,
    region: str,
    trades: tuple[str, ...],
    *,
    big: bool = False,
    first_year: int = 2019,
    growth: tuple[float, float] = (0.17, 0.30),
) -> Enterprise:
    name = names.company(region, trades)
    own = random.Random(f"{SEED}-{name}")
    founded = date(own.randint(2006, first_year - 2), own.randint(1, 12), own.randint(1, 28))
    ent = Enterprise(credit_code(own, region), name, region, founded, own)
    base_revenue = Decimal(own.randint(26000, 52000) if big else own.randint(900, 7500))
    base_assets = _down(base_revenue * _pct(own, 0.35, 0.5))
    staff = own.randint(560, 900) if big else own.randint(45, 300)
    for year in range(2019, 2023):
        if year > 2019:
            base_revenue = _down(base_revenue * (1 + _pct(own, *growth)))
            base_assets = _down(base_assets * (1 + _pct(own, *growth)))
            staff += own.randint(0, 12)
        ent.revenue[year], ent.net_assets[year], ent.employees[year] = base_revenue, base_assets, staff
    return ent


# tech-sme-2022 rows (docs/rules/tech-sme-2022.md): each archetype fixes the bands the row falls in.


def _ts_common(ent: Enterprise, year: int, **flags: bool) -> dict[str, str]:
    rng = ent.rng
    revenue = ent.revenue[year]
    row = {
        "id": ent.code,
        "name": ent.name,
        "region": ent.region,
        "employees": str(ent.employees[year]),
        "revenue": str(revenue),
        "total_assets": str(_down(revenue * _pct(rng, 0.6, 1.05))),
        "total_cost": str(_down(revenue * _pct(rng, 0.84, 0.95))),
        "resident": "true",
        "prohibited_industry": "false",
        "major_incident": "false",
        "abnormal_listed": "false",
        "high_tech_cert": "false",
        "national_award_top3": "false",
        "provincial_rd_institution": "false",
        "led_standard": "false",
    }
    row.update({k: _yes(v) for k, v in flags.items()})
    return row


def ts_pass(ent: Enterprise, year: int, *, rd_floor: float = 4.2, **flags: bool) -> dict[str, str]:
    """Score ≥ 60 with margin: staff ≥ 20% (≥ 12), R&D/revenue ≥ 4% (≥ 30), IP ≥ 18."""
    rng = ent.rng
    row = _ts_common(ent, year, **flags)
    employees = ent.employees[year]
    row["tech_staff"] = str(math.ceil(employees * rng.choice((21, 24, 27, 32, 38)) / 100))
    rd_pct = max(Decimal(str(rd_floor)), Decimal(str(rng.choice((4.4, 5.3, 5.8, 6.2, 7.1)))))
    row["rd_expense"] = str(_up(ent.revenue[year] * rd_pct / 100))
    if rng.random() < 0.45:
        row["ip_class1"], row["ip_class2"] = str(rng.randint(1, 3)), str(rng.randint(0, 6))
    else:
        row["ip_class1"], row["ip_class2"] = "0", str(rng.randint(3, 8))
    return row


def ts_low(ent: Enterprise, year: int, **flags: bool) -> dict[str, str]:
    """Score 24–30 (< 60, c5_score): staff 15–20% (8), R&D 2.4% (10), Ⅱ类 1–2 (6–12)."""
    row = _ts_common(ent, year, **flags)
    row["tech_staff"] = str(_staff_in_band(ent.employees[year], 15, 20))
    row["rd_expense"] = str(_up(ent.revenue[year] * Decimal("2.4") / 100))
    row["ip_class1"], row["ip_class2"] = "0", str(ent.rng.randint(1, 2))
    return row


def ts_edge_58(ent: Enterprise, year: int) -> dict[str, str]:
    """58 points, one band short: staff 25% (16) + R&D exactly 4% (30) + Ⅱ类×2 (12) → c5_score."""
    row = _ts_common(ent, year)
    row["tech_staff"] = str(_staff_in_band(ent.employees[year], 25, 30))
    row["rd_expense"] = str(ent.revenue[year] * 4 / 100)
    row["ip_class1"], row["ip_class2"] = "0", "2"
    return row


def ts_edge_60(ent: Enterprise, year: int) -> dict[str, str]:
    """Exactly 60 (the pass mark passes): staff exactly 10% (4) + R&D exactly 6% (50) + Ⅱ类×1 (6)."""
    employees = 10 * math.ceil(ent.employees[year] / 10)
    revenue = Decimal(50 * math.ceil(ent.revenue[year] / 50))
    ent.employees[year], ent.revenue[year] = employees, revenue
    row = _ts_common(ent, year)
    row["tech_staff"] = str(employees // 10)
    row["rd_expense"] = str(revenue * 6 / 100)
    row["ip_class1"], row["ip_class2"] = "0", "1"
    return row


def ts_staff_zero(ent: Enterprise, year: int) -> dict[str, str]:
    """80 points but tech staff below 10% (0 points) → c5_staff_zero."""
    row = _ts_common(ent, year)
    row["tech_staff"] = str(_staff_in_band(ent.employees[year], 5, 10))
    row["rd_expense"] = str(_up(ent.revenue[year] * Decimal("6.5") / 100))
    row["ip_class1"], row["ip_class2"] = "1", "0"
    return row


# high-tech-2016 rows (docs/rules/high-tech-2016.md), built on the tech-sme row of the same year.


def _ht_row(
    ent: Enterprise,
    year: int,
    *,
    core_ip: bool = True,
    field_ok: bool = True,
    share: tuple[float, float] = (0.65, 0.85),
    experts: tuple[tuple[int, int], ...] = ((24, 28), (22, 26), (14, 18)),
    rd_pct: float = 5.8,
) -> dict[str, str]:
    rng = ent.rng
    ts = ent.rows[("tech-sme-2022", year)]
    rd = {y: _up(ent.revenue[y] * Decimal(str(rd_pct)) / 100) for y in (year - 2, year - 1)}
    rd[year] = Decimal(ts["rd_expense"])
    total_income = _down(ent.revenue[year] * Decimal("1.03"))
    ip, conversion, management = (rng.randint(lo, hi) for lo, hi in experts)
    return {
        "id": ent.code,
        "registration_date": ent.founded.isoformat(),
        "application_date": date(year, 6, 30).isoformat(),
        "core_ip_owned": _yes(core_ip),
        "in_supported_field": _yes(field_ok),
        "major_incident": "false",
        "employees": ts["employees"],
        "tech_staff": ts["tech_staff"],
        **{f"revenue_y{i}": str(ent.revenue[year - 3 + i]) for i in (1, 2, 3)},
        **{f"rd_y{i}": str(rd[year - 3 + i]) for i in (1, 2, 3)},
        "rd_domestic": str(_down(sum(rd.values(), Decimal(0)) * Decimal("0.92"))),
        "hightech_income": str(_down(total_income * _pct(rng, *share))),
        "total_income": str(total_income),
        **{f"net_assets_y{i}": str(ent.net_assets[year - 3 + i]) for i in (1, 2, 3)},
        "ip_pts": str(ip),
        "conversion_pts": str(conversion),
        "rd_mgmt_pts": str(management),
    }


def ht_pass(ent: Enterprise, year: int) -> dict[str, str]:
    """All eight conditions; innovation score ≥ 72 (experts ≥ 60, growth 15–35% → 12–16)."""
    return _ht_row(ent, year)


def ht_near_score(ent: Enterprise, year: int) -> dict[str, str]:
    """Only c7_innovation fails (score ≤ 67)."""
    return _ht_row(ent, year, experts=((16, 20), (15, 19), (9, 12)))


def ht_near_income(ent: Enterprise, year: int) -> dict[str, str]:
    """Only c6_hightech_income fails (50–58% of total income)."""
    return _ht_row(ent, year, share=(0.50, 0.58))


def ht_near_both(ent: Enterprise, year: int) -> dict[str, str]:
    """c6 and c7 fail: still within reach (高企培育库)."""
    return _ht_row(ent, year, share=(0.50, 0.58), experts=((16, 20), (15, 19), (9, 12)))


def ht_far(ent: Enterprise, year: int) -> dict[str, str]:
    """Far from it: no core IP, outside the supported fields, low income share and score."""
    return _ht_row(
        ent, year, core_ip=False, field_ok=False, share=(0.30, 0.45), experts=((8, 14), (6, 12), (4, 8))
    )


def _exact_series(ent: Enterprise) -> None:
    """Revenue 2000/2600/3380 and net assets 1000/1300/1690 in 2020–2022: both growth rates are
    exactly 30% (8 points each), so the expert scores decide the innovation score exactly."""
    ent.revenue.update(
        {2019: Decimal("1600.00"), 2020: Decimal(2000), 2021: Decimal(2600), 2022: Decimal(3380)}
    )
    ent.net_assets.update({2019: Decimal(800), 2020: Decimal(1000), 2021: Decimal(1300), 2022: Decimal(1690)})


def ht_exact(points: int) -> Callable[[Enterprise, int], dict[str, str]]:
    """An innovation score of exactly ``points`` (71 passes, 70 fails c7 only)."""

    def build(ent: Enterprise, year: int) -> dict[str, str]:
        row = _ht_row(ent, year)
        row.update(ip_pts="24", conversion_pts="20", rd_mgmt_pts=str(points - 24 - 20 - 16))
        return row

    return build


RowBuilder = Callable[[Enterprise, int], dict[str, str]]


@dataclass(frozen=True)
class Story:
    """``count`` enterprises with the same rows per (rule set, year); ``None`` = no row."""

    label: str
    count: int
    tech_sme: dict[int, RowBuilder]
    high_tech: dict[int, RowBuilder] = field(default_factory=dict)
    big: bool = False
    exact_series: bool = False
    first_year: int = 2021


def _with(builder: Callable[..., dict[str, str]], **kw: object) -> RowBuilder:
    return lambda ent, year: builder(ent, year, **kw)


HT_RD = 5.8  # high-tech applicants keep R&D above 5.5% of revenue every year

#: The 张家界 population. Tech-sme qualified: 2021 = 92+27+20+40+5 = 184; 2022 = 92+27+38+40+107 = 304.
#: High-tech qualified: 2021 = 92+4 = 96; 2022 = 27 (+ the 96 still certified = 123).
ZHANGJIAJIE_STORIES: tuple[Story, ...] = (
    Story(
        "高企（2021年认定，已持证）",
        70,
        {
            2021: _with(ts_pass, rd_floor=HT_RD, high_tech_cert=True),
            2022: _with(ts_pass, rd_floor=HT_RD, high_tech_cert=True),
        },
        {2021: ht_pass},
    ),
    Story(
        "高企（2021年首次认定）",
        22,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD, high_tech_cert=True)},
        {2021: ht_pass},
    ),
    Story(
        "高企（规模超过科技型中小企业上限）",
        4,
        {
            2021: _with(ts_pass, rd_floor=HT_RD, high_tech_cert=True),
            2022: _with(ts_pass, rd_floor=HT_RD, high_tech_cert=True),
        },
        {2021: ht_pass},
        big=True,
    ),
    Story(
        "培育库→2022年认定高企",
        26,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD)},
        {2021: ht_near_score, 2022: ht_pass},
    ),
    Story(
        "培育库→2022年认定高企（创新能力恰为71分）",
        1,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD)},
        {2021: ht_near_score, 2022: ht_exact(71)},
        exact_series=True,
    ),
    Story(
        "2022年高企培育库（创新能力不足）",
        9,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD)},
        {2022: ht_near_score},
    ),
    Story(
        "2022年高企培育库（创新能力恰为70分）",
        1,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD)},
        {2022: ht_exact(70)},
        exact_series=True,
    ),
    Story(
        "2022年高企培育库（高新收入占比不足）",
        10,
        {2021: _with(ts_pass, rd_floor=HT_RD), 2022: _with(ts_pass, rd_floor=HT_RD)},
        {2022: ht_near_income},
    ),
    Story(
        "2022年新入库并进入高企培育库",
        10,
        {2022: _with(ts_pass, rd_floor=HT_RD)},
        {2022: ht_near_score},
        first_year=2022,
    ),
    Story(
        "2022年新入库并进入高企培育库（两项不足）",
        8,
        {2022: _with(ts_pass, rd_floor=HT_RD)},
        {2022: ht_near_both},
        first_year=2022,
    ),
    Story("科技型中小企业（连续入库）", 22, {2021: ts_pass, 2022: ts_pass}),
    Story(
        "科技型中小企业（申报高企未通过）", 12, {2021: ts_pass, 2022: ts_pass}, {2021: ht_far, 2022: ht_far}
    ),
    Story(
        "科技型中小企业（主导制定标准直接确认）",
        4,
        {2021: _with(ts_low, led_standard=True), 2022: _with(ts_low, led_standard=True)},
    ),
    Story(
        "科技型中小企业（省级研发机构直接确认）",
        2,
        {
            2021: _with(ts_low, provincial_rd_institution=True),
            2022: _with(ts_low, provincial_rd_institution=True),
        },
    ),
    Story("储备→2022年入库（研发投入增加）", 35, {2021: ts_low, 2022: ts_pass}),
    Story("储备→2022年入库（引进科技人员）", 10, {2021: ts_staff_zero, 2022: ts_pass}),
    Story("2022年新入库", 55, {2022: ts_pass}, first_year=2022),
    Story("2022年新入库（申报高企未通过）", 4, {2022: ts_pass}, {2022: ht_far}, first_year=2022),
    Story("2022年新入库（恰为60分）", 3, {2022: ts_edge_60}, first_year=2022),
    Story("2022年出库（列入经营异常名录）", 5, {2021: ts_pass, 2022: _with(ts_pass, abnormal_listed=True)}),
    Story("规模超标", 5, {2021: ts_pass, 2022: ts_pass}, big=True),
    Story(
        "重大事故或失信",
        6,
        {2021: _with(ts_pass, major_incident=True), 2022: _with(ts_pass, major_incident=True)},
    ),
    Story(
        "限制类行业",
        4,
        {2021: _with(ts_pass, prohibited_industry=True), 2022: _with(ts_pass, prohibited_industry=True)},
    ),
    Story("非居民企业", 1, {2021: _with(ts_pass, resident=False), 2022: _with(ts_pass, resident=False)}),
    Story("储备（两年得分不足）", 4, {2021: ts_low, 2022: ts_low}),
    Story("2022年新申报（得分不足）", 17, {2022: ts_low}, first_year=2022),
    Story("2022年新申报（差一档：58分）", 3, {2022: ts_edge_58}, first_year=2022),
    Story("2022年新申报（科技人员不足10%）", 4, {2022: ts_staff_zero}, first_year=2022),
    Story("2022年新申报（规模超标）", 3, {2022: ts_pass}, big=True, first_year=2022),
    Story(
        "2022年新申报（列入经营异常名录）", 2, {2022: _with(ts_pass, abnormal_listed=True)}, first_year=2022
    ),
    Story("2022年新申报（限制类行业）", 1, {2022: _with(ts_pass, prohibited_industry=True)}, first_year=2022),
)


def zhangjiajie_population(names: _Names, rng: random.Random) -> list[Enterprise]:
    """Every 张家界 enterprise with its rows: ``rows[(ruleset_code, year)]``."""
    people: list[Enterprise] = []
    for story in ZHANGJIAJIE_STORIES:
        for _n in range(story.count):
            region = rng.choice(ZJJ_COUNTIES)
            growth = (0.17, 0.30) if story.high_tech else (0.0, 0.09)
            ent = _enterprise(
                names, rng, region, _TRADES_ZJJ, big=story.big, first_year=story.first_year, growth=growth
            )
            if story.exact_series:
                _exact_series(ent)
            for year, builder in story.tech_sme.items():
                ent.rows[("tech-sme-2022", year)] = builder(ent, year)
            for year, builder in story.high_tech.items():
                ent.rows[("high-tech-2016", year)] = builder(ent, year)
            people.append(ent)
    return people


# 娄星区 park portfolio (rule sets high-tech-2016 to little-giant-2022, docs/rules/README.md), 2022.


def _lx_specialized(
    ent: Enterprise,
    *,
    rd_amount_low: bool = False,
    niche: int | None = None,
    sme: bool = True,
    weak: bool = False,
) -> dict[str, str]:
    """专精特新中小企业 row: the worked example of docs/rules/specialized-sme-2022.md §6 (76 points), scaled to the enterprise."""
    rng = ent.rng
    revenue = ent.revenue[2022]
    main3 = _down(revenue * _pct(rng, 0.82, 0.9))
    main2 = _down(main3 / Decimal("1.12"))
    main1 = _down(main2 / Decimal("1.12"))
    rd = _up(revenue * Decimal("0.055")) if not rd_amount_low else Decimal("95")
    assets = _down(revenue * Decimal("1.2"))
    employees = ent.employees[2022]
    row = {
        "id": ent.code,
        "name": ent.name,
        "region": ent.region,
        "is_sme": _yes(sme),
        "abnormal_listed": "false",
        "prohibited_industry": "false",
        "major_incident": "false",
        "niche_years": str(niche if niche is not None else rng.randint(5, 14)),
        "rd_expense": str(rd),
        "rd_expense_prev": str(_down(rd * Decimal("0.9"))),
        "revenue": str(revenue),
        "main_revenue_y1": str(main1),
        "main_revenue_y2": str(main2),
        "main_revenue_y3": str(main3),
        "equity_financing_2y": "0",
        "net_profit": str(_down(revenue * (Decimal("0.01") if weak else Decimal("0.09")))),
        "total_assets": str(assets),
        "total_liabilities": str(_down(assets * (Decimal("0.8") if weak else Decimal("0.45")))),
        "employees": str(employees),
        "rd_staff": str(_staff_in_band(employees, 12, 20)),
        "chain_role": "none" if weak else "basic",
        "digital_level": "1" if weak else "2",
        "quality_award": "false",
        "iso9001": "true",
        "own_brand": "true",
        "standard_drafting": "false",
        "local_pts": str(rng.randint(2, 4) if weak else rng.randint(8, 12)),
        "ip_class1": "0" if weak else "2",
        "ip_class1_own": "0" if weak else "1",
        "ip_class1_high_value": "0",
        "ip_class2": "3",
        "rd_institution": "none" if weak else "provincial",
    }
    return row


def _lx_little_giant(
    ent: Enterprise,
    spec_row: dict[str, str],
    *,
    specialized: bool = True,
    market_share: str = "14.5",
    key_chain: bool = True,
    ip_applied: int = 3,
) -> dict[str, str]:
    """专精特新"小巨人" row (conditions only), consistent with the 专精特新 row."""
    return {
        "id": ent.code,
        **{
            k: spec_row[k]
            for k in (
                "is_sme",
                "abnormal_listed",
                "prohibited_industry",
                "major_incident",
                "niche_years",
                "revenue",
                "main_revenue_y1",
                "main_revenue_y2",
                "main_revenue_y3",
                "equity_financing_2y",
                "total_assets",
                "total_liabilities",
                "employees",
                "rd_staff",
                "own_brand",
                "rd_institution",
            )
        },
        "specialized_sme": _yes(specialized),
        "rd_ratio_y2": "5.2",
        "rd_ratio_y3": "5.5",
        "rd_total_2y": str(Decimal(spec_row["rd_expense"]) + Decimal(spec_row["rd_expense_prev"])),
        "market_share_pct": market_share,
        "ip_class1_applied": str(ip_applied),
        "info_system": "true",
        "mgmt_certification": "true",
        "key_chain_position": _yes(key_chain),
        "priority_field": "true",
        "national_award_top3_3y": "false",
        "maker_china_top50": "false",
    }


def _lx_innovative(
    ent: Enterprise,
    *,
    growth: str = "1.125",
    listed: bool = False,
    sme: bool = True,
    award_low: bool = False,
    high_value: bool = False,
) -> dict[str, str]:
    """创新型中小企业 row: the worked example of docs/rules/innovative-sme-2022.md §7 (80 points), scaled."""
    revenue = ent.revenue[2022]
    main = _down(revenue * Decimal("0.9"))
    low = award_low
    return {
        "id": ent.code,
        "name": ent.name,
        "region": ent.region,
        "is_sme": _yes(sme),
        "abnormal_listed": _yes(listed),
        "prohibited_industry": "false",
        "major_incident": "false",
        "ip_class1": "0" if low else "1",
        "ip_class1_own": "0" if low else "1",
        "ip_class1_high_value": "1" if high_value else "0",
        "ip_class2": "2",
        "rd_expense": str(_up(revenue * (Decimal("0.005") if low else Decimal("0.0375")))),
        "revenue": str(revenue),
        "main_revenue": str(main),
        "main_revenue_prev": str(_down(main / Decimal(growth))),
        "total_assets": str(revenue),
        "total_liabilities": str(_down(revenue * Decimal("0.6"))),
        "strategic_emerging": "true",
        "sci_award_3y": _yes(award_low),
        "honour_valid": "false",
        "provincial_rd_institution": "false",
        "equity_financing_3y": "0",
    }


def louxing_population(names: _Names, rng: random.Random) -> list[Enterprise]:
    """娄星经济开发区: 28 high-tech applicants (20 pass), 22 专精特新 applicants (16 pass, of which
    10 also pass 小巨人; 4 fail it and one non-专精特新 applies), 18 创新型 applicants (13 pass)."""
    people: list[Enterprise] = []

    def new(**kw: object) -> Enterprise:
        ent = _enterprise(names, rng, LOUXING, _TRADES_LX, **kw)  # type: ignore[arg-type]
        people.append(ent)
        return ent

    # High-tech applicants declare their staff and R&D on the same base as a tech-sme row (not
    # evaluated in 娄星, which ran no tech-sme campaign in the demo).
    ht_builders: list[RowBuilder] = [*[ht_pass] * 20, *[ht_near_score] * 5, *[ht_far] * 3]
    for builder in ht_builders:
        ent = new()
        ent.rows[("tech-sme-2022", 2022)] = ts_pass(ent, 2022, rd_floor=HT_RD)
        row = builder(ent, 2022)
        del ent.rows[("tech-sme-2022", 2022)]
        ent.rows[("high-tech-2016", 2022)] = {**row, "name": ent.name, "region": ent.region}
    little_giant_failures: list[dict[str, object]] = [
        {"market_share": "6.0"},
        {"key_chain": False},
        {"ip_applied": 1},
        {"niche_years": "2"},
    ]
    for index in range(16):
        ent = new()
        # 小巨人 candidates have 营业收入 ≥ 1亿元 (the 3% R&D route of the 新 conditions).
        ent.revenue[2022] = Decimal(rng.randint(10500, 19000) if index < 14 else rng.randint(3000, 9000))
        spec = _lx_specialized(ent)
        ent.rows[("specialized-sme-2022", 2022)] = spec
        if index < 10:
            ent.rows[("little-giant-2022", 2022)] = _lx_little_giant(ent, spec)
        elif index < 14:
            failure = little_giant_failures[index - 10]
            niche = failure.pop("niche_years", None)
            base = {**spec, "niche_years": niche} if niche else spec
            ent.rows[("little-giant-2022", 2022)] = _lx_little_giant(ent, base, **failure)  # type: ignore[arg-type]
    specialized_failures: list[dict[str, object]] = [
        {"rd_amount_low": True},
        {"rd_amount_low": True},
        {"niche": 1},
        {"sme": False},
        {"weak": True},
        {"weak": True},
    ]
    for index, failure in enumerate(specialized_failures):
        ent = new()
        spec = _lx_specialized(ent, **failure)  # type: ignore[arg-type]
        ent.rows[("specialized-sme-2022", 2022)] = spec
        if index == len(specialized_failures) - 1:  # applies for 小巨人 without being 专精特新
            ent.rows[("little-giant-2022", 2022)] = _lx_little_giant(ent, spec, specialized=False)
    plain: dict[str, object] = {}
    high_value: dict[str, object] = {"high_value": True}
    award_low: dict[str, object] = {"award_low": True}
    innovative: list[dict[str, object]] = (
        [plain] * 9
        + [high_value] * 2
        + [award_low] * 2
        + [
            {"growth": "0.95"},
            {"growth": "0.9"},
            {"listed": True},
            {"sme": False},
            {"award_low": True, "sme": False},
        ]
    )
    for failure in innovative:
        ent = new()
        ent.rows[("innovative-sme-2022", 2022)] = _lx_innovative(ent, **failure)  # type: ignore[arg-type]
    return people


# --- loading -----------------------------------------------------------------------------------------------


def _campaign_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows).write_csv(buffer)
    return buffer.getvalue()


def run_campaign(
    *,
    region: Region,
    year: int,
    ruleset_code: str,
    rows: list[dict[str, str]],
    entered_on: date,
    user,
    title: str = "",
) -> EvaluationCampaign:
    """Upload ``rows`` as a campaign file, evaluate it and confirm it (the officer's three steps)."""
    campaign = services.campaign_create(
        region=region, year=year, ruleset_code=ruleset_code, title=title, acting_user=user
    )
    upload = SimpleUploadedFile(f"{ruleset_code}-{year}.csv", _campaign_file(rows), content_type="text/csv")
    errors = services.campaign_upload(campaign=campaign, upload=upload, acting_user=user)
    if errors:
        raise ValueError("demo campaign file rejected: " + "; ".join(map(str, errors[:5])))
    services.campaign_evaluate(campaign=campaign, acting_user=user)
    campaign.refresh_from_db()
    services.campaign_confirm(campaign=campaign, acting_user=user, entered_on=entered_on)
    return campaign


def _rows(people: list[Enterprise], key: tuple[str, int]) -> list[dict[str, str]]:
    return [ent.rows[key] for ent in people if key in ent.rows]


def _officer(username: str):
    from countyworks.core.demo import load_demo_accounts

    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        load_demo_accounts()
        user = User.objects.get(username=username)
    return user


def _profiles(people: list[Enterprise], parks: dict[str, str], user) -> None:
    """Founding dates and parks on the profiles the campaigns created."""
    by_code = {ent.code: ent for ent in people}
    profiles = list(
        EnterpriseProfile.objects.filter(organisation__credit_code__in=list(by_code)).select_related(
            "organisation"
        )
    )
    for profile in profiles:
        ent = by_code[profile.organisation.credit_code]
        profile.registration_date = ent.founded
        profile.park = parks.get(ent.region, "")
    bulk_update_with_history(profiles, EnterpriseProfile, ["registration_date", "park"], default_user=user)


def load_demo() -> None:
    """Load program 2's demo data (idempotent: skipped when 张家界's campaigns exist)."""
    if EvaluationCampaign.objects.filter(region_id=ZHANGJIAJIE).exists():
        return
    rng = random.Random(SEED)
    names = _Names(rng)
    with transaction.atomic():
        zjj_user = _officer("zhangjiajie")
        lx_user = _officer("louxing")
        zjj = Region.objects.get(code=ZHANGJIAJIE)
        louxing = Region.objects.get(code=LOUXING)
        people = zhangjiajie_population(names, rng)
        for year in (2021, 2022):
            run_campaign(
                region=zjj,
                year=year,
                ruleset_code="tech-sme-2022",
                entered_on=date(year, 9, 30),
                rows=_rows(people, ("tech-sme-2022", year)),
                user=zjj_user,
                title=f"张家界市{year}年科技型中小企业评价入库",
            )
            run_campaign(
                region=zjj,
                year=year,
                ruleset_code="high-tech-2016",
                entered_on=date(year, 12, 15),
                rows=_rows(people, ("high-tech-2016", year)),
                user=zjj_user,
                title=f"张家界市{year}年高新技术企业认定",
            )
        _profiles(people, {"430802": "张家界高新技术产业开发区"}, zjj_user)
        lx_people = louxing_population(names, rng)
        for code, entered, title in (
            ("high-tech-2016", date(2022, 12, 15), "娄星区2022年高新技术企业认定"),
            ("specialized-sme-2022", date(2022, 10, 31), "娄星区2022年专精特新中小企业认定"),
            ("little-giant-2022", date(2022, 11, 30), "娄星区2022年专精特新“小巨人”企业推荐"),
            ("innovative-sme-2022", date(2022, 10, 31), "娄星区2022年创新型中小企业评价"),
        ):
            run_campaign(
                region=louxing,
                year=2022,
                ruleset_code=code,
                entered_on=entered,
                rows=_rows(lx_people, (code, 2022)),
                user=lx_user,
                title=title,
            )
        _profiles(lx_people, {LOUXING: "娄星经济开发区"}, lx_user)
        _listing_reserve(people, zjj_user)
        platforms = _platforms(people, names, rng, zjj_user)
        _achievements(people, platforms, rng, zjj_user)
        _challenges(people, names, rng, zjj_user)
        _plans(people, names, rng, zjj_user)


def _org(code: str):
    return Organisation.objects.get(credit_code=code)


def _listing_reserve(people: list[Enterprise], user) -> None:
    """Three 高企 of 张家界 taken into the 上市后备 list by decision of the city."""
    for ent in people[:3]:
        services.pool_enter_by_decision(
            organisation=_org(ent.code),
            tier=Tier.LISTING_RESERVE,
            entered_on=date(2022, 11, 20),
            note="市上市后备企业资源库（市金融办、科技局联合推荐）",
            acting_user=user,
        )


def _gov(name: str, region: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name, region_id=region, defaults={"kind": Organisation.Kind.GOVERNMENT}
    )
    return org


def _platforms(
    people: list[Enterprise], names: _Names, rng: random.Random, user
) -> dict[str, InnovationPlatform]:
    """乾坤莓茶工程技术研究中心 (省第四批新型研发机构, 2 院士 + 2 长江学者), 2 provincial engineering
    centres, 2 key labs and 5 enterprise technology centres."""
    centre_org, _created = Organisation.objects.get_or_create(
        name="张家界市乾坤莓茶工程技术研究中心",
        region_id="430802",
        defaults={"kind": Organisation.Kind.INSTITUTE, "industry_code": "7320"},
    )
    institute, _created = Organisation.objects.get_or_create(
        name="张家界武陵山特色生物资源研究院",
        region_id="430802",
        defaults={"kind": Organisation.Kind.INSTITUTE, "credit_code": credit_code(rng, "430802", "12")},
    )
    hosts = [_org(ent.code) for ent in people[3:11]]
    P = InnovationPlatform
    specs = [
        (
            "张家界市乾坤莓茶工程技术研究中心",
            P.Kind.NEW_RD_INSTITUTION,
            4,
            date(2023, 6, 28),
            centre_org,
            "莓茶育种、精深加工与功能成分",
        ),
        (
            "湖南省莓茶精深加工工程技术研究中心",
            P.Kind.ENGINEERING_CENTRE,
            None,
            date(2019, 11, 8),
            hosts[0],
            "莓茶精深加工",
        ),
        (
            "湖南省杜仲资源综合利用工程技术研究中心",
            P.Kind.ENGINEERING_CENTRE,
            None,
            date(2021, 10, 15),
            hosts[1],
            "杜仲胶与杜仲叶提取",
        ),
        (
            "湖南省武陵山区特色生物资源利用重点实验室",
            P.Kind.KEY_LAB,
            None,
            date(2018, 12, 20),
            institute,
            "特色生物资源",
        ),
        (
            "湖南省大鲵保护与利用重点实验室",
            P.Kind.KEY_LAB,
            None,
            date(2020, 12, 18),
            institute,
            "大鲵繁育与疾病防控",
        ),
        *(
            (
                f"{hosts[i].name.removesuffix('有限公司').removesuffix('股份').removesuffix('有限责任公司')}省级企业技术中心",
                P.Kind.ENTERPRISE_TECH_CENTRE,
                None,
                date(2016 + i, 9, 1),
                hosts[i],
                "",
            )
            for i in range(2, 7)
        ),
    ]
    created: dict[str, InnovationPlatform] = {}
    for name, kind, batch, day, host, topic in specs:
        created[name] = services.platform_create(
            name=name,
            kind=kind,
            level=P.Level.PROVINCIAL,
            batch=batch,
            host=host,
            recognised_on=day,
            field=topic,
            acting_user=user,
        )
    centre = created["张家界市乾坤莓茶工程技术研究中心"]
    for honour in (PlatformExpert.Honour.ACADEMICIAN,) * 2 + (PlatformExpert.Honour.CHANGJIANG,) * 2:
        title = "中国工程院院士" if honour == PlatformExpert.Honour.ACADEMICIAN else "教育部长江学者特聘教授"
        person = Person.objects.create(name=names.person(), region_id="430802", title=title)
        services.platform_expert_add(platform=centre, person=person, honour=honour, acting_user=user)
    return created


_ACHIEVEMENT_TOPICS = ("莓茶", "杜仲", "大鲵", "猕猴桃", "蜂蜜", "葛根", "景区", "茶叶", "中药材", "食用菌")
_ACHIEVEMENT_KINDS = (
    "种植技术规程",
    "加工工艺",
    "品质检测方法",
    "综合利用技术",
    "病虫害绿色防控技术",
    "数字化管理系统",
    "功能成分提取技术",
    "标准化生产技术",
)


def _achievements(
    people: list[Enterprise], platforms: dict[str, InnovationPlatform], rng: random.Random, user
) -> None:
    """153 registered achievements in 2020–2022 and, for 乾坤, standards, products and devices."""
    centre = platforms["张家界市乾坤莓茶工程技术研究中心"]
    orgs = list(Organisation.objects.filter(credit_code__in=[e.code for e in people[:120]]))
    items: list[Achievement] = []
    serial = 0
    for year, count in ((2020, 46), (2021, 51), (2022, 56)):
        for _n in range(count):
            serial += 1
            org = rng.choice(orgs)
            items.append(
                Achievement(
                    kind=Achievement.Kind.REGISTRATION,
                    title=f"{rng.choice(_ACHIEVEMENT_TOPICS)}{rng.choice(_ACHIEVEMENT_KINDS)}研究与应用",
                    achieved_on=date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                    reference=f"9432{year}Y{serial:04d}",
                    region_id=org.region_id,
                    organisation=org,
                )
            )
    standards = (
        "张家界莓茶 第1部分：术语",
        "张家界莓茶 第2部分：种植技术规程",
        "张家界莓茶 第3部分：加工技术规程",
        "张家界莓茶 第4部分：产品质量要求",
    )
    for i, title in enumerate(standards):
        items.append(
            Achievement(
                kind=Achievement.Kind.STANDARD,
                title=f"湖南省地方标准《{title}》",
                achieved_on=date(2021 + i // 2, 3 + 4 * (i % 2), 15),
                region_id="430802",
                organisation=centre.host,
                platform=centre,
            )
        )
    products = (
        "莓茶速溶粉",
        "莓茶含片",
        "莓茶饮料",
        "莓茶牙膏",
        "莓茶面膜",
        "二氢杨梅素胶囊",
        "莓茶挂面",
        "莓茶冻干粉",
        "莓茶酒",
        "莓茶精油皂",
        "莓茶宠物饲料",
        "莓茶袋泡茶",
    )
    for i, title in enumerate(products):
        items.append(
            Achievement(
                kind=Achievement.Kind.PRODUCT,
                title=title,
                region_id="430802",
                achieved_on=date(2020 + i % 3, 5 + i % 6, 10),
                organisation=centre.host,
                platform=centre,
            )
        )
    devices = (
        "莓茶连续杀青机",
        "莓茶智能揉捻机",
        "莓茶低温干燥设备",
        "莓茶提香机",
        "莓茶色选机",
        "二氢杨梅素提取装置",
    )
    for i, title in enumerate(devices):
        items.append(
            Achievement(
                kind=Achievement.Kind.DEVICE,
                title=title,
                region_id="430802",
                achieved_on=date(2020 + i % 3, 8, 20),
                organisation=centre.host,
                platform=centre,
            )
        )
    bulk_create_with_history(items, Achievement, batch_size=500, default_user=user)


_CHALLENGES = (
    (
        Challenge.Kind.TECHNICAL,
        "莓茶饲料添加剂关键技术攻关",
        "莓茶提取物在畜禽饲料中的稳定添加与功效评价",
        "饲料添加剂配方2个\n养殖试验增重率提高5%以上\n申请发明专利2件",
        Decimal("200"),
    ),
    (
        Challenge.Kind.TECHNICAL,
        "杜仲胶高效提取与纯化技术攻关",
        "杜仲胶提取收率低、纯度不足制约产业化",
        "提取收率≥12%\n纯度≥95%\n建成中试线1条",
        Decimal("300"),
    ),
    (
        Challenge.Kind.TECHNICAL,
        "大鲵人工繁育疾病绿色防控技术攻关",
        "人工繁育大鲵幼苗成活率低、病害频发",
        "幼苗成活率提高至85%以上\n形成防控技术规程1项",
        Decimal("150"),
    ),
    (
        Challenge.Kind.TECHNICAL,
        "景区客流智能预警与疏导系统研发",
        "旅游旺季核心景区客流拥堵、预警滞后",
        "客流预测准确率≥90%\n在2个景区示范应用",
        Decimal("250"),
    ),
    (
        Challenge.Kind.BASIC,
        "莓茶二氢杨梅素降糖作用机理研究",
        "莓茶主要功能成分的作用机理不清",
        "阐明作用通路1条\n发表高水平论文3篇",
        Decimal("100"),
    ),
    (
        Challenge.Kind.BASIC,
        "武陵山区大鲵种质资源遗传多样性研究",
        "大鲵野生种群与养殖种群遗传背景不清",
        "建立种质资源库1个\n完成群体遗传结构分析",
        Decimal("120"),
    ),
)
_TEAMS = ("湘西科技大学", "湖南生物工程研究院", "武陵山区特色资源研究所", "长沙理工科技学院")


def _challenges(people: list[Enterprise], names: _Names, rng: random.Random, user) -> None:
    """4 技术攻关类 and 2 基础研究类 projects under way since 2022, one accepted in 2022 and one
    published in 2023, each through the real steps (发榜, 申请, 评审, 揭榜, 节点, 拨付, 验收)."""
    region = Region.objects.get(code=ZHANGJIAJIE)
    universities = []
    for name in _TEAMS:
        org, _created = Organisation.objects.get_or_create(
            name=name,
            region_id="430802" if "武陵" in name else "4301",
            defaults={
                "kind": Organisation.Kind.UNIVERSITY
                if "大学" in name or "学院" in name
                else Organisation.Kind.INSTITUTE,
                "credit_code": credit_code(rng, "430100", "12"),
            },
        )
        universities.append(org)
    issuers = [_org(ent.code) for ent in people[11:20]]
    plans = [
        *_CHALLENGES,
        (Challenge.Kind.TECHNICAL, "猕猴桃采后保鲜技术攻关", "采后损耗率高", "损耗率降低30%", Decimal("80")),
        (
            Challenge.Kind.TECHNICAL,
            "葛根全粉低温加工技术攻关",
            "葛根粉加工能耗高、风味损失",
            "能耗降低20%\n形成生产线1条",
            Decimal("120"),
        ),
    ]
    for index, (kind, title, need, targets, budget) in enumerate(plans):
        year = 2020 if index == 6 else 2023 if index == 7 else 2022
        start = date(year, 3, 1)
        challenge = services.challenge_create(
            region=region,
            kind=kind,
            title=title,
            need=need,
            target_indicators=targets,
            budget=budget,
            deadline=start + timedelta(days=45),
            issuer=issuers[index],
            acting_user=user,
            on=start - timedelta(days=10),
        )
        services.challenge_transition(
            challenge=challenge,
            to_status=Challenge.Status.PUBLISHED,
            acting_user=user,
            comment="面向社会公开发榜",
            on=start,
        )
        if index == 7:
            continue
        applications = []
        for team in rng.sample(universities, 2):
            leader = names.person()
            applications.append(
                services.challenge_application_submit(
                    challenge=challenge,
                    team_name=f"{team.name}{leader}团队",
                    lead_organisation=team,
                    members=f"{leader}，教授，项目负责人\n{names.person()}，副教授，技术骨干\n{names.person()}，工程师，中试",
                    proposal=f"围绕“{title}”开展联合攻关，分三阶段实施。",
                    requested_budget=budget,
                    submitted_on=start + timedelta(days=20),
                    partners=issuers[index].name,
                    acting_user=user,
                )
            )
        services.challenge_transition(
            challenge=challenge,
            to_status=Challenge.Status.REVIEWING,
            acting_user=user,
            on=start + timedelta(days=50),
        )
        for application in applications:
            for expert in ("评审专家甲", "评审专家乙", "评审专家丙"):
                services.challenge_review_record(
                    application=application,
                    expert_name=expert,
                    score=Decimal(rng.randint(72, 93)),
                    reviewed_on=start + timedelta(days=55),
                    acting_user=user,
                )
        best = max(applications, key=lambda a: sum(r.score for r in a.reviews.all()))
        awarded = start + timedelta(days=60)
        services.challenge_award(challenge=challenge, application=best, acting_user=user, on=awarded)
        milestones = [
            services.challenge_milestone_add(
                challenge=challenge, title=step, due_on=awarded + timedelta(days=days), acting_user=user
            )
            for step, days in (
                ("完成技术方案与实验设计", 90),
                ("完成中试或关键实验", 360),
                ("提交验收材料", 640),
            )
        ]
        tranches = [
            services.challenge_tranche_add(
                challenge=challenge, amount=budget * share, condition=cond, acting_user=user
            )
            for share, cond in (
                (Decimal("0.4"), "签订任务书后"),
                (Decimal("0.3"), "中期评估通过"),
                (Decimal("0.3"), "验收通过"),
            )
        ]
        services.challenge_transition(
            challenge=challenge,
            to_status=Challenge.Status.IN_PROGRESS,
            acting_user=user,
            comment="签订任务书",
            on=awarded + timedelta(days=10),
        )
        services.challenge_tranche_pay(
            tranche=tranches[0], paid_on=awarded + timedelta(days=15), acting_user=user
        )
        services.challenge_milestone_complete(
            milestone=milestones[0], done_on=awarded + timedelta(days=85), acting_user=user
        )
        if index == 6:  # the 2020 project: finished and accepted in 2022
            for milestone in milestones[1:]:
                services.challenge_milestone_complete(
                    milestone=milestone, done_on=milestone.due_on, acting_user=user
                )
            services.challenge_tranche_pay(
                tranche=tranches[1], paid_on=awarded + timedelta(days=200), acting_user=user
            )
            services.challenge_transition(
                challenge=challenge,
                to_status=Challenge.Status.ACCEPTANCE,
                acting_user=user,
                on=awarded + timedelta(days=650),
            )
            services.challenge_accept(
                challenge=challenge,
                passed=True,
                notes="各项指标达到榜单要求，同意通过验收。",
                acting_user=user,
                on=awarded + timedelta(days=680),
            )
            services.challenge_tranche_pay(
                tranche=tranches[2], paid_on=awarded + timedelta(days=690), acting_user=user
            )


_NEEDS = (
    ("莓茶速溶粉生产线自动化改造", "缺少精深加工技术人员，研发投入不足"),
    ("杜仲叶提取物纯度提升", "高新技术产品收入占比不足60%"),
    ("大鲵养殖尾水处理", "知识产权数量少，缺少发明专利"),
    ("景区票务系统国产化适配", "研发组织管理制度不健全"),
    ("莓茶饮料保质期延长", "融资渠道窄，中试资金不足"),
)


def _plans(people: list[Enterprise], names: _Names, rng: random.Random, user) -> None:
    """一企一策 for five enterprises of the 高企培育库, each with an officer of the 科技局."""
    bureau = _gov("张家界市科学技术局", ZHANGJIAJIE)
    officers = [
        Person.objects.create(name=names.person(), region_id=ZHANGJIAJIE, organisation=bureau, title=title)
        for title in ("高新科科长", "成果转化科副科长")
    ]
    cultivated = [ent for ent, story in _story_of(people) if story.startswith("2022年高企培育库")][:5]
    for index, ent in enumerate(cultivated):
        need, bottleneck = _NEEDS[index]
        plan = services.plan_create(
            organisation=_org(ent.code),
            year=2022,
            target_tier=Tier.HIGH_TECH,
            tech_needs=need,
            bottlenecks=bottleneck,
            officer=officers[index % 2],
            acting_user=user,
            measures="对接高校院所开展联合攻关；指导规范研发费用归集；组织知识产权布局培训；协助申报高企。",
        )
        for step, day in (
            ("完成研发费用专账归集", date(2022, 12, 31)),
            ("新增发明专利申请2件", date(2023, 6, 30)),
            ("提交高新技术企业认定申请", date(2023, 7, 31)),
        ):
            milestone = services.plan_milestone_add(plan=plan, title=step, due_on=day, acting_user=user)
            if day.year == 2022:
                services.plan_milestone_complete(
                    milestone=milestone, done_on=date(2022, 12, 20), acting_user=user
                )


def _story_of(people: list[Enterprise]) -> Iterator[tuple[Enterprise, str]]:
    index = 0
    for story in ZHANGJIAJIE_STORIES:
        for _n in range(story.count):
            yield people[index], story.label
            index += 1
