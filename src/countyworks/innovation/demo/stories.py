"""Who the demo's enterprises are: the stories of 张家界 and the population of 娄星区."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from countyworks.innovation.demo.figures import (
    LOUXING,
    TRADES_LX,
    TRADES_ZJJ,
    ZJJ_COUNTIES,
    Enterprise,
    Names,
    RowBuilder,
    exact_series,
    ht_exact,
    ht_far,
    ht_near_both,
    ht_near_income,
    ht_near_score,
    ht_pass,
    make_enterprise,
    pct,
    round_down,
    round_up,
    staff_in_band,
    ts_edge_58,
    ts_edge_60,
    ts_low,
    ts_pass,
    ts_staff_zero,
    yes,
)


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


def zhangjiajie_population(names: Names, rng: random.Random) -> list[Enterprise]:
    """Every 张家界 enterprise with its rows: ``rows[(ruleset_code, year)]``."""
    people: list[Enterprise] = []
    for story in ZHANGJIAJIE_STORIES:
        for _n in range(story.count):
            region = rng.choice(ZJJ_COUNTIES)
            growth = (0.17, 0.30) if story.high_tech else (0.0, 0.09)
            ent = make_enterprise(
                names, rng, region, TRADES_ZJJ, big=story.big, first_year=story.first_year, growth=growth
            )
            if story.exact_series:
                exact_series(ent)
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
    main3 = round_down(revenue * pct(rng, 0.82, 0.9))
    main2 = round_down(main3 / Decimal("1.12"))
    main1 = round_down(main2 / Decimal("1.12"))
    rd = round_up(revenue * Decimal("0.055")) if not rd_amount_low else Decimal("95")
    assets = round_down(revenue * Decimal("1.2"))
    employees = ent.employees[2022]
    row = {
        "id": ent.code,
        "name": ent.name,
        "region": ent.region,
        "is_sme": yes(sme),
        "abnormal_listed": "false",
        "prohibited_industry": "false",
        "major_incident": "false",
        "niche_years": str(niche if niche is not None else rng.randint(5, 14)),
        "rd_expense": str(rd),
        "rd_expense_prev": str(round_down(rd * Decimal("0.9"))),
        "revenue": str(revenue),
        "main_revenue_y1": str(main1),
        "main_revenue_y2": str(main2),
        "main_revenue_y3": str(main3),
        "equity_financing_2y": "0",
        "net_profit": str(round_down(revenue * (Decimal("0.01") if weak else Decimal("0.09")))),
        "total_assets": str(assets),
        "total_liabilities": str(round_down(assets * (Decimal("0.8") if weak else Decimal("0.45")))),
        "employees": str(employees),
        "rd_staff": str(staff_in_band(employees, 12, 20)),
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
        "specialized_sme": yes(specialized),
        "rd_ratio_y2": "5.2",
        "rd_ratio_y3": "5.5",
        "rd_total_2y": str(Decimal(spec_row["rd_expense"]) + Decimal(spec_row["rd_expense_prev"])),
        "market_share_pct": market_share,
        "ip_class1_applied": str(ip_applied),
        "info_system": "true",
        "mgmt_certification": "true",
        "key_chain_position": yes(key_chain),
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
    main = round_down(revenue * Decimal("0.9"))
    low = award_low
    return {
        "id": ent.code,
        "name": ent.name,
        "region": ent.region,
        "is_sme": yes(sme),
        "abnormal_listed": yes(listed),
        "prohibited_industry": "false",
        "major_incident": "false",
        "ip_class1": "0" if low else "1",
        "ip_class1_own": "0" if low else "1",
        "ip_class1_high_value": "1" if high_value else "0",
        "ip_class2": "2",
        "rd_expense": str(round_up(revenue * (Decimal("0.005") if low else Decimal("0.0375")))),
        "revenue": str(revenue),
        "main_revenue": str(main),
        "main_revenue_prev": str(round_down(main / Decimal(growth))),
        "total_assets": str(revenue),
        "total_liabilities": str(round_down(revenue * Decimal("0.6"))),
        "strategic_emerging": "true",
        "sci_award_3y": yes(award_low),
        "honour_valid": "false",
        "provincial_rd_institution": "false",
        "equity_financing_3y": "0",
    }


def louxing_population(names: Names, rng: random.Random) -> list[Enterprise]:
    """娄星经济开发区: 28 high-tech applicants (20 pass), 22 专精特新 applicants (16 pass, of which
    10 also pass 小巨人; 4 fail it and one non-专精特新 applies), 18 创新型 applicants (13 pass)."""
    people: list[Enterprise] = []

    def new(**kw: object) -> Enterprise:
        ent = make_enterprise(names, rng, LOUXING, TRADES_LX, **kw)  # type: ignore[arg-type]
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
