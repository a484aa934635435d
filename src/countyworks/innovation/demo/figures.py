"""The demo's raw material: seeded numbers, invented names, enterprises and the rows they declare."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from stdnum.cn import uscc

from countyworks.core.models import Organisation

SEED = 20230727  # the article's date: 湖南日报 2023-07-27
ZHANGJIAJIE = "4308"
ZJJ_COUNTIES = ("430802", "430811", "430821", "430822")
LOUXING = "431302"
CENT = Decimal("0.01")


# --- numbers --------------------------------------------------------------------------------------


def round_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_CEILING)


def round_down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def pct(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def staff_in_band(employees: int, low: int, high: int) -> int:
    """The fewest staff with low% ≤ staff/employees < high% (employees large enough)."""
    staff = math.ceil(employees * low / 100)
    if staff * 100 >= high * employees:
        raise ValueError(f"no whole number of staff in [{low}%, {high}%) of {employees}")
    return staff


def yes(flag: bool) -> str:
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
TRADES_ZJJ = (
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
TRADES_LX = (
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


class Names:
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


def make_enterprise(
    names: Names,
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
    base_assets = round_down(base_revenue * pct(own, 0.35, 0.5))
    staff = own.randint(560, 900) if big else own.randint(45, 300)
    for year in range(2019, 2023):
        if year > 2019:
            base_revenue = round_down(base_revenue * (1 + pct(own, *growth)))
            base_assets = round_down(base_assets * (1 + pct(own, *growth)))
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
        "total_assets": str(round_down(revenue * pct(rng, 0.6, 1.05))),
        "total_cost": str(round_down(revenue * pct(rng, 0.84, 0.95))),
        "resident": "true",
        "prohibited_industry": "false",
        "major_incident": "false",
        "abnormal_listed": "false",
        "high_tech_cert": "false",
        "national_award_top3": "false",
        "provincial_rd_institution": "false",
        "led_standard": "false",
    }
    row.update({k: yes(v) for k, v in flags.items()})
    return row


def ts_pass(ent: Enterprise, year: int, *, rd_floor: float = 4.2, **flags: bool) -> dict[str, str]:
    """Score ≥ 60 with margin: staff ≥ 20% (≥ 12), R&D/revenue ≥ 4% (≥ 30), IP ≥ 18."""
    rng = ent.rng
    row = _ts_common(ent, year, **flags)
    employees = ent.employees[year]
    row["tech_staff"] = str(math.ceil(employees * rng.choice((21, 24, 27, 32, 38)) / 100))
    rd_pct = max(Decimal(str(rd_floor)), Decimal(str(rng.choice((4.4, 5.3, 5.8, 6.2, 7.1)))))
    row["rd_expense"] = str(round_up(ent.revenue[year] * rd_pct / 100))
    if rng.random() < 0.45:
        row["ip_class1"], row["ip_class2"] = str(rng.randint(1, 3)), str(rng.randint(0, 6))
    else:
        row["ip_class1"], row["ip_class2"] = "0", str(rng.randint(3, 8))
    return row


def ts_low(ent: Enterprise, year: int, **flags: bool) -> dict[str, str]:
    """Score 24–30 (< 60, c5_score): staff 15–20% (8), R&D 2.4% (10), Ⅱ类 1–2 (6–12)."""
    row = _ts_common(ent, year, **flags)
    row["tech_staff"] = str(staff_in_band(ent.employees[year], 15, 20))
    row["rd_expense"] = str(round_up(ent.revenue[year] * Decimal("2.4") / 100))
    row["ip_class1"], row["ip_class2"] = "0", str(ent.rng.randint(1, 2))
    return row


def ts_edge_58(ent: Enterprise, year: int) -> dict[str, str]:
    """58 points, one band short: staff 25% (16) + R&D exactly 4% (30) + Ⅱ类×2 (12) → c5_score."""
    row = _ts_common(ent, year)
    row["tech_staff"] = str(staff_in_band(ent.employees[year], 25, 30))
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
    row["tech_staff"] = str(staff_in_band(ent.employees[year], 5, 10))
    row["rd_expense"] = str(round_up(ent.revenue[year] * Decimal("6.5") / 100))
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
    rd = {y: round_up(ent.revenue[y] * Decimal(str(rd_pct)) / 100) for y in (year - 2, year - 1)}
    rd[year] = Decimal(ts["rd_expense"])
    total_income = round_down(ent.revenue[year] * Decimal("1.03"))
    ip, conversion, management = (rng.randint(lo, hi) for lo, hi in experts)
    return {
        "id": ent.code,
        "registration_date": ent.founded.isoformat(),
        "application_date": date(year, 6, 30).isoformat(),
        "core_ip_owned": yes(core_ip),
        "in_supported_field": yes(field_ok),
        "major_incident": "false",
        "employees": ts["employees"],
        "tech_staff": ts["tech_staff"],
        **{f"revenue_y{i}": str(ent.revenue[year - 3 + i]) for i in (1, 2, 3)},
        **{f"rd_y{i}": str(rd[year - 3 + i]) for i in (1, 2, 3)},
        "rd_domestic": str(round_down(sum(rd.values(), Decimal(0)) * Decimal("0.92"))),
        "hightech_income": str(round_down(total_income * pct(rng, *share))),
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


def exact_series(ent: Enterprise) -> None:
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


def org_by_code(code: str):
    return Organisation.objects.get(credit_code=code)


def government(name: str, region: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name, region_id=region, defaults={"kind": Organisation.Kind.GOVERNMENT}
    )
    return org
