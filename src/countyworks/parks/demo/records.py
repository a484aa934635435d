"""The raw records of the 娄星经济开发区 demo (431302), as an officer would enter them.

Public bodies and the article's named projects keep their real names (正威国际集团, 爱派尔, 钢城新苑二期,
湖南宏旺, 涟钢); amounts and dates the article does not give are illustrative. Private companies
and persons are invented. Nothing here is a total: the brief counts these rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

D = Decimal
LOUXING = "431302"
PARK = "娄星经济开发区"

#: chain → (lead industry, [(position, link, enterprises above scale, below scale)]). Links with no
#: enterprise or none above scale are the chain's gaps.
CHAINS: dict[str, tuple[bool, list[tuple[str, str, int, int]]]] = {
    "钢铁新材": (
        True,
        [
            ("up", "废钢回收加工", 5, 3),
            ("up", "冶金辅料", 2, 1),
            ("mid", "钢铁冶炼与轧制", 3, 0),
            ("mid", "硅钢与薄板深加工", 6, 2),
            ("down", "电力铜基与装备材料", 4, 1),
            ("down", "精密结构件", 6, 3),
            ("down", "汽车用钢深加工", 0, 0),
        ],
    ),
    "节能环保": (
        False,
        [
            ("up", "固废回收网络", 6, 4),
            ("mid", "固废资源综合利用", 12, 3),
            ("mid", "环保装备制造", 0, 2),
            ("down", "再生建材与产品", 7, 2),
            ("down", "节能环保服务", 3, 1),
        ],
    ),
}
#: Real enterprises placed first in their link (the article's steel chain anchors).
NAMED_ENTERPRISES: dict[tuple[str, str], list[str]] = {
    ("钢铁新材", "钢铁冶炼与轧制"): ["湖南华菱涟源钢铁有限公司"],
    ("钢铁新材", "硅钢与薄板深加工"): ["湖南宏旺新材料科技有限公司"],
}
_STEMS = "鑫泰华盛瑞丰宏达金源恒通楚天湘中明辉永兴德润广博远凯"
_TRADES = {
    "钢铁新材": ("新材料", "金属制品", "钢材加工", "冶金科技"),
    "节能环保": ("环保科技", "再生资源", "节能科技", "资源利用"),
}


def enterprise_name(chain: str, index: int) -> str:
    """An invented company name, deterministic and distinct for each (chain, index) below 100."""
    n = len(_STEMS)
    a, b = _STEMS[index % n], _STEMS[(index // n + index * 7 + 3) % n]
    trade = _TRADES[chain][(index // n) % len(_TRADES[chain])]
    return f"娄底市{a}{b}{trade}有限公司"


#: Leads: (project, investor, tags, chain, link, 亿元, fixed, working, dates: 洽谈, 签约, 履约, 落地, 开工, 投产, 达产).
Lead = tuple[str, str, tuple[str, ...], str, str, Decimal, Decimal, Decimal, tuple[date | None, ...]]
_d = date
LEADS: list[Lead] = [
    (
        "正威娄底电力铜基新材料产业园",
        "正威国际集团有限公司",
        ("world500",),
        "钢铁新材",
        "电力铜基与装备材料",
        D("110"),
        D("6.5"),
        D("1.5"),
        (_d(2023, 5, 8), _d(2023, 7, 10), _d(2023, 7, 10), _d(2023, 7, 10), _d(2023, 7, 10), None, None),
    ),
    (
        "高端装备用特种钢材深加工基地",
        "湘中重工装备集团有限公司",
        ("china500",),
        "钢铁新材",
        "精密结构件",
        D("55"),
        D("4"),
        D("1"),
        (_d(2023, 1, 9), _d(2023, 3, 28), _d(2023, 5, 15), _d(2023, 6, 20), None, None, None),
    ),
    (
        "爱派尔工业互联网+数字化智能制造产业园",
        "爱派尔（湖南）科技有限公司",
        ("leader",),
        "钢铁新材",
        "精密结构件",
        D("15"),
        D("3"),
        D("0.6"),
        (_d(2022, 11, 2), _d(2023, 1, 18), _d(2023, 2, 20), _d(2023, 3, 15), _d(2023, 4, 12), None, None),
    ),
    (
        "固废资源综合利用产业园二期",
        "湖南楚源再生资源集团有限公司",
        ("xiang",),
        "节能环保",
        "固废资源综合利用",
        D("12"),
        D("2"),
        D("0.4"),
        (_d(2022, 12, 5), _d(2023, 2, 16), _d(2023, 3, 30), _d(2023, 4, 18), _d(2023, 6, 6), None, None),
    ),
    (
        "硅钢片精密冲压项目",
        "娄底市恒通硅电科技有限公司",
        (),
        "钢铁新材",
        "硅钢与薄板深加工",
        D("3"),
        D("1"),
        D("0.2"),
        (_d(2023, 1, 3), _d(2023, 2, 10), _d(2023, 3, 1), _d(2023, 3, 20), _d(2023, 5, 5), None, None),
    ),
    (
        "废钢智能破碎分拣中心",
        "湖南金源再生金属有限公司",
        ("xiang",),
        "钢铁新材",
        "废钢回收加工",
        D("2.5"),
        D("0.8"),
        D("0.2"),
        (_d(2023, 2, 1), _d(2023, 3, 6), _d(2023, 4, 2), _d(2023, 4, 20), _d(2023, 6, 18), None, None),
    ),
    (
        "再生骨料绿色建材项目",
        "娄底市瑞丰建材科技有限公司",
        (),
        "节能环保",
        "再生建材与产品",
        D("2"),
        D("0.5"),
        D("0.1"),
        (_d(2023, 2, 12), _d(2023, 4, 11), _d(2023, 5, 9), None, None, None, None),
    ),
    (
        "环保除尘设备制造项目",
        "湖南博远环保装备有限公司",
        ("xiang",),
        "节能环保",
        "环保装备制造",
        D("2"),
        D("0.3"),
        D("0.1"),
        (_d(2023, 3, 3), _d(2023, 4, 26), _d(2023, 6, 8), None, None, None, None),
    ),
    (
        "冶金辅料新材料项目",
        "湖南振兴冶金材料有限公司",
        (),
        "钢铁新材",
        "冶金辅料",
        D("1.8"),
        D("0.4"),
        D("0"),
        (_d(2023, 3, 15), _d(2023, 5, 19), None, None, None, None, None),
    ),
    (
        "合同能源管理服务中心",
        "湖南广源节能服务有限公司",
        (),
        "节能环保",
        "节能环保服务",
        D("1.6"),
        D("0.2"),
        D("0.1"),
        (_d(2023, 4, 6), _d(2023, 6, 2), _d(2023, 6, 25), None, None, None, None),
    ),
    (
        "精密紧固件生产线",
        "娄底市永兴精密制造有限公司",
        (),
        "钢铁新材",
        "精密结构件",
        D("1.5"),
        D("0"),
        D("0"),
        (_d(2023, 4, 20), _d(2023, 6, 16), None, None, None, None, None),
    ),
    (
        "工业固废回收网络建设项目",
        "湖南明辉环境科技有限公司",
        (),
        "节能环保",
        "固废回收网络",
        D("1.1"),
        D("0"),
        D("0"),
        (_d(2023, 5, 10), _d(2023, 6, 28), None, None, None, None, None),
    ),
    # Signed the year before (the steel chain's 2023 production starts).
    (
        "湖南宏旺年产96万吨高牌号硅钢项目",
        "湖南宏旺新材料科技有限公司",
        ("private500",),
        "钢铁新材",
        "硅钢与薄板深加工",
        D("40"),
        D("30"),
        D("6"),
        (
            _d(2021, 3, 1),
            _d(2021, 6, 18),
            _d(2021, 7, 20),
            _d(2021, 8, 10),
            _d(2021, 9, 28),
            _d(2023, 3, 16),
            None,
        ),
    ),
    # Still in talks: targets for the gaps.
    (
        "汽车板激光拼焊项目",
        "华东汽车零部件集团有限公司",
        ("china500",),
        "钢铁新材",
        "汽车用钢深加工",
        D("8"),
        D("0"),
        D("0"),
        (_d(2023, 6, 12), None, None, None, None, None, None),
    ),
]

#: Key projects: (name, lead name or "", kind, owner, 亿元, provincial, city, milestones).
#: Milestone dates given as (kind, planned, actual); ``None`` offsets are relative to today.
Milestones = list[tuple[str, date | int, date | int | None]]
PROJECTS: list[tuple[str, str, str, str, Decimal, bool, bool, Milestones]] = [
    (
        "正威娄底电力铜基新材料产业园",
        "正威娄底电力铜基新材料产业园",
        "industrial",
        "正威国际集团有限公司",
        D("110"),
        True,
        True,
        [
            ("levelling", _d(2023, 7, 10), _d(2023, 7, 10)),
            ("survey", _d(2023, 8, 31), _d(2023, 9, 12)),
            ("foundation", _d(2023, 12, 31), _d(2024, 2, 28)),
            ("structure", -3, None),
            ("completion", 60, None),
        ],
    ),
    (
        "爱派尔工业互联网+数字化智能制造产业园",
        "爱派尔工业互联网+数字化智能制造产业园",
        "industrial",
        "爱派尔（湖南）科技有限公司",
        D("15"),
        False,
        True,
        [
            ("levelling", _d(2023, 5, 31), _d(2023, 6, 10)),
            ("survey", _d(2023, 7, 31), _d(2023, 8, 5)),
            ("foundation", _d(2023, 10, 31), _d(2023, 10, 28)),
            ("structure", _d(2024, 2, 29), _d(2024, 3, 15)),
            ("completion", _d(2024, 5, 31), _d(2024, 5, 28)),
        ],
    ),
    (
        "钢城新苑二期（涟钢周边环境综合整治区域基础设施建设）",
        "",
        "infrastructure",
        "娄底市娄星区人民政府",
        D("9.6"),
        True,
        False,
        [
            ("foundation", _d(2023, 12, 31), _d(2023, 12, 26)),
            ("structure", _d(2024, 8, 31), _d(2024, 9, 20)),
            ("completion", _d(2025, 6, 30), _d(2025, 6, 18)),
        ],
    ),
    (
        "湖南宏旺年产96万吨高牌号硅钢项目",
        "湖南宏旺年产96万吨高牌号硅钢项目",
        "industrial",
        "湖南宏旺新材料科技有限公司",
        D("40"),
        True,
        True,
        [
            ("structure", _d(2022, 6, 30), _d(2022, 7, 15)),
            ("completion", _d(2022, 12, 31), _d(2023, 1, 20)),
            ("production", _d(2023, 3, 31), _d(2023, 3, 16)),
        ],
    ),
    (
        "涟钢1580热轧板线项目",
        "",
        "industrial",
        "湖南华菱涟源钢铁有限公司",
        D("29.8"),
        True,
        True,
        [("completion", _d(2023, 1, 31), _d(2023, 2, 10)), ("production", _d(2023, 3, 31), _d(2023, 3, 28))],
    ),
    (
        "娄星经济开发区创业孵化中心",
        "",
        "infrastructure",
        "娄星经济开发区管理委员会",
        D("3.2"),
        False,
        True,
        [
            ("levelling", _d(2023, 4, 30), _d(2023, 4, 26)),
            ("foundation", -10, -2),
            ("structure", 5, None),
            ("completion", 120, None),
        ],
    ),
]
#: Open problems raised on projects today (问题不过夜): (project, title, category).
PROBLEMS: list[tuple[str, str, str]] = [
    ("正威娄底电力铜基新材料产业园", "主体施工临时用电增容审批", "utilities"),
    ("娄星经济开发区创业孵化中心", "基础施工渣土外运消纳场地协调", "construction"),
]

#: Parcels: (code, category, 亩, location, planned use, identified, [(kind, 亩, day)]).
Parcel = tuple[str, str, Decimal, str, str, date, list[tuple[str, Decimal, date]]]
_IDENT = _d(2022, 12, 20)
PARCELS: list[Parcel] = [
    (
        "LX-PEWG-01",
        "unsupplied",
        D("40.00"),
        "柳青北路以东",
        "工业用地",
        _d(2022, 3, 1),
        [("supplied", D("10.00"), _d(2022, 8, 15)), ("supplied", D("30.00"), _d(2023, 3, 8))],
    ),
    (
        "LX-PEWG-02",
        "unsupplied",
        D("62.50"),
        "滨滨西街以西",
        "工业用地",
        _IDENT,
        [("supplied", D("62.50"), _d(2023, 4, 12))],
    ),
    (
        "LX-PEWG-03",
        "unsupplied",
        D("48.00"),
        "创业大道北",
        "工业用地",
        _IDENT,
        [("supplied", D("35.00"), _d(2023, 5, 20))],
    ),
    (
        "LX-PEWG-04",
        "unsupplied",
        D("55.50"),
        "涟钢路南",
        "仓储用地",
        _IDENT,
        [("withdrawn", D("40.00"), _d(2023, 2, 27))],
    ),
    (
        "LX-PEWG-05",
        "unsupplied",
        D("30.00"),
        "新材料产业园西",
        "工业用地",
        _IDENT,
        [("other", D("22.50"), _d(2023, 6, 9))],
    ),
    ("LX-PEWG-06", "unsupplied", D("30.00"), "五纵路东", "工业用地", _IDENT, []),
    (
        "LX-XZ-01",
        "idle",
        D("18.30"),
        "万宝工业小区",
        "工业用地",
        _IDENT,
        [("fee_restarted", D("18.30"), _d(2023, 3, 30))],
    ),
    (
        "LX-XZ-02",
        "idle",
        D("15.00"),
        "大科园区北",
        "工业用地",
        _IDENT,
        [("recovered", D("15.00"), _d(2023, 4, 25))],
    ),
    (
        "LX-XZ-03",
        "idle",
        D("12.00"),
        "乐坪片区",
        "工业用地",
        _IDENT,
        [("revitalised", D("12.00"), _d(2023, 6, 16))],
    ),
    (
        "LX-DX-01",
        "inefficient",
        D("58.21"),
        "老工业区一片",
        "工业用地",
        _IDENT,
        [("redeveloped", D("45.67"), _d(2023, 4, 6))],
    ),
    (
        "LX-DX-02",
        "inefficient",
        D("46.00"),
        "老工业区二片",
        "工业用地",
        _IDENT,
        [("transferred", D("30.00"), _d(2023, 5, 11))],
    ),
    (
        "LX-DX-03",
        "inefficient",
        D("40.50"),
        "涟滨片区",
        "工业用地",
        _IDENT,
        [("recovered", D("28.00"), _d(2023, 6, 21))],
    ),
    (
        "LX-DX-04",
        "inefficient",
        D("38.00"),
        "万宝片区",
        "工业用地",
        _IDENT,
        [("revitalised", D("20.00"), _d(2023, 6, 28))],
    ),
    ("LX-DX-05", "inefficient", D("30.00"), "大埠桥片区", "工业用地", _IDENT, []),
]

#: Idle factories revitalised: (name, ㎡, day, enterprises brought in).
FACTORIES: list[tuple[str, Decimal, date, list[str]]] = [
    (
        "原娄底市冶金机械厂厂房",
        D("6000"),
        _d(2023, 3, 18),
        ["湖南鼎盛智能装备有限公司", "娄底市联创电气有限公司"],
    ),
    (
        "原湘中建材仓储厂房",
        D("5000"),
        _d(2023, 5, 6),
        ["湖南绿源新能源科技有限公司", "娄底市精工模具有限公司"],
    ),
    ("原涟滨纺织厂厂房", D("4000"), _d(2023, 6, 12), ["湖南星城数码科技有限公司"]),
]

#: The province's 五好园区 results for the park (assessed year, rank, parks in its class, score, title).
ASSESSMENTS: list[tuple[int, int, int, Decimal, str]] = [
    (2020, 91, 120, D("71.20"), ""),
    (2021, 83, 121, D("73.85"), ""),
    (2022, 47, 121, D("82.46"), "娄底市先进园区"),
]
#: 五好园区 indicators: (code, group, dimension, name, unit, weight) — weights are local defaults.
INDICATORS: list[tuple[str, str, str, str, str, Decimal]] = [
    ("plan_focus", "five_good", "规划定位好", "主导产业集中度", "%", D("5")),
    ("plan_land", "five_good", "规划定位好", "土地开发强度", "%", D("5")),
    ("innov_platforms", "five_good", "创新平台好", "省级以上创新平台数", "个", D("5")),
    ("innov_rd", "five_good", "创新平台好", "规上企业研发投入强度", "%", D("5")),
    ("proj_new", "five_good", "产业项目好", "新开工亿元以上项目数", "个", D("5")),
    ("proj_invest", "five_good", "产业项目好", "产业投资增速", "%", D("5")),
    ("inst_reform", "five_good", "体制机制好", "“放管服”事项下放率", "%", D("5")),
    ("inst_market", "five_good", "体制机制好", "市场化运营公司营收", "亿元", D("5")),
    ("image_green", "five_good", "发展形象好", "单位工业增加值能耗下降率", "%", D("5")),
    ("image_safety", "five_good", "发展形象好", "安全生产与生态环境评价", "分", D("5")),
    ("eco_revenue", "economy", "", "技工贸总收入", "亿元", D("5")),
    ("eco_tax", "economy", "", "税收收入", "亿元", D("5")),
    ("eco_mujun", "economy", "", "亩均税收", "万元/亩", D("5")),
    ("eco_output", "economy", "", "规上工业增加值增速", "%", D("5")),
    ("eco_hightech", "economy", "", "高新技术产业增加值占比", "%", D("5")),
    ("eco_export", "economy", "", "进出口总额", "亿美元", D("5")),
    ("eco_fdi", "economy", "", "实际使用外资", "亿美元", D("5")),
    ("eco_domestic", "economy", "", "实际到位内资", "亿元", D("5")),
    ("eco_above", "economy", "", "规模以上工业企业数", "家", D("5")),
    ("eco_jobs", "economy", "", "从业人员数", "万人", D("5")),
]
#: The park's own 2022 values: code → (value, target).
INDICATOR_VALUES: dict[str, tuple[Decimal, Decimal]] = {
    "plan_focus": (D("68.5"), D("70")),
    "plan_land": (D("72.0"), D("75")),
    "innov_platforms": (D("14"), D("15")),
    "innov_rd": (D("2.1"), D("2.5")),
    "proj_new": (D("18"), D("15")),
    "proj_invest": (D("16.2"), D("12")),
    "inst_reform": (D("95"), D("100")),
    "inst_market": (D("6.8"), D("8")),
    "image_green": (D("4.6"), D("3")),
    "image_safety": (D("92"), D("90")),
    "eco_revenue": (D("612"), D("650")),
    "eco_tax": (D("18.6"), D("20")),
    "eco_mujun": (D("21.4"), D("25")),
    "eco_output": (D("9.8"), D("8")),
    "eco_hightech": (D("31.5"), D("35")),
    "eco_export": (D("3.2"), D("4")),
    "eco_fdi": (D("0.46"), D("0.5")),
    "eco_domestic": (D("98"), D("90")),
    "eco_above": (D("156"), D("150")),
    "eco_jobs": (D("3.6"), D("3.5")),
}

#: Infrastructure (产城融合): (name, unit, target, actual, as of, note).
INFRASTRUCTURE: list[tuple[str, str, Decimal, Decimal, date, str]] = [
    (
        "园区路网",
        "%",
        D("100"),
        D("80"),
        _d(2023, 6, 30),
        "柳青北路基本建成通车，核心区“五纵五横”路网基本形成",
    ),
    ("标准厂房", "万平方米", D("100"), D("92.6"), _d(2023, 6, 30), "“百万平方米”标准厂房目标"),
    ("创业孵化中心", "%", D("100"), D("12"), _d(2023, 6, 30), "已开始基础施工"),
]

#: 亩均 differentiated policies by class (local defaults; 反向倒逼 surcharges per the Shandong example).
POLICIES: list[tuple[str, str, str]] = [
    ("A", "优先发展类", "用地、用能、排污指标优先保障；优先推荐申报各级扶持资金与评优评先"),
    ("A", "优先发展类", "新增用地项目优先供地，享受亩均效益奖励资金"),
    ("B", "鼓励提升类", "支持技术改造、兼并重组，就地“换鸟”提升亩均效益"),
    ("C", "监管调控类", "限制新增用地、用能指标；纳入重点帮扶，制定一企一策提升方案"),
    (
        "D",
        "落后整治类",
        "实行差别化电价：连续第1年每千瓦时加价0.05元，第2年0.10元，第3年及以上0.15元（间断重新计算）",
    ),
    ("D", "落后整治类", "不得新增用地，督促通过转让、收回、再开发等方式腾退低效用地"),
    ("T", "不参评", "公用事业企业、投产不满2年企业不参与分类，次年起纳入评价"),
]
