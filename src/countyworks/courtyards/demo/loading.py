"""Loading the demo in bulk (with history rows), idempotently: nothing is added once 下南冲院落 exists."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Household, Program, Region
from countyworks.core.program_regions import region_program_set
from countyworks.courtyards import scoring, services
from countyworks.courtyards.models import (
    Assistance,
    CommitteeMember,
    Courtyard,
    Duty,
    HouseholdProfile,
    Inspection,
    ItemScore,
    PointsEntry,
    PointsRule,
    ScoreSheet,
    ShopItem,
    Work,
)

COUNTY = "430523"
TOWN = "430523104"  # 金称市镇 (illustrative code)
VILLAGE = "430523104201"  # 三星村 (illustrative code)
XIANANCHONG = "43052310420101"
YEAR = 2023
SEED = 20230725
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class CourtyardPlan:
    code: str
    name: str
    households: int
    status: str
    started_on: date
    first_month: int  # first month of YEAR with inspections


PLANS = (
    CourtyardPlan(XIANANCHONG, "下南冲院落", 54, Courtyard.Status.DEMONSTRATION, date(2022, 6, 1), 1),
    CourtyardPlan("43052310420102", "南冲院落", 30, Courtyard.Status.BUILDING, date(2023, 8, 1), 9),
    CourtyardPlan("43052310420103", "响联院落", 26, Courtyard.Status.BUILDING, date(2023, 8, 1), 9),
    CourtyardPlan("43052310420104", "青联院落", 22, Courtyard.Status.BUILDING, date(2023, 8, 1), 10),
)

_FAMILIES = "吕乐银刘罗邓肖周谢唐蒋曾陈"
_GIVEN = (
    "德顺 春生 桂兰 建国 冬梅 秋生 志明 福田 满堂 玉珍 长青 水生 早春 金凤 国华 继红 树林 "
    "桂芳 永康 光明 海清 云峰 冬生 庆丰 新民 爱华 田生 荷花 石桥 禾青 松柏 立新 茂林 秀英"
).split()
#: The household in difficulty of 下南冲院落 (invented name; circumstances as the report gives them).
DIFFICULTY_HEAD = "吕德顺"
DIFFICULTY_CIRCUMSTANCES = "妻子患病，家中5个小孩和1位老人需照顾，时常忙不过来搞卫生"


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_FAMILIES) + rng.choice(_GIVEN)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _regions() -> None:
    wanted = [
        Region(code=TOWN, name="金称市镇", level=Region.Level.TOWN, parent_id=COUNTY),
        Region(code=VILLAGE, name="三星村", level=Region.Level.VILLAGE, parent_id=TOWN),
        *(Region(code=p.code, name=p.name, level=Region.Level.COURTYARD, parent_id=VILLAGE) for p in PLANS),
    ]
    existing = set(Region.objects.filter(code__in=[r.code for r in wanted]).values_list("code", flat=True))
    bulk_create_with_history([r for r in wanted if r.code not in existing], Region)


def _month_scores(rng: random.Random, quality: float, count: int) -> list[tuple[list[int], int]]:
    """Items in points (20 less 1–5 for each of up to three problems found) and 三包 violations."""
    months = []
    for _ in range(count):
        items = [
            20 - sum(rng.choice((1, 2, 3, 5)) for _ in range(3) if rng.random() > quality) for _ in range(5)
        ]
        violations = int(rng.random() > quality + 0.2)
        months.append((items, violations))
    return months


def _inspections(
    plan: CourtyardPlan, households: list[Household], sheet: ScoreSheet, rng: random.Random
) -> list[Inspection]:
    codes = [code for code, _max in scoring.DEFAULT_SHEET.items]
    items = {item.code: item for item in sheet.items.all()}
    rows: list[dict[str, object]] = []
    for index, household in enumerate(households):
        quality = 0.55 + 0.43 * rng.random()
        months = list(range(plan.first_month, 13))
        if plan.code == XIANANCHONG and index in (
            7,
            31,
        ):  # moved back in spring: fewer than 10 months, unranked
            months = months[4:]
        scored = _month_scores(rng, quality, len(months))
        for month, (points, violations) in zip(months, scored, strict=True):
            if (
                household.head_name == DIFFICULTY_HEAD
            ):  # behind until the village helped in April, then improved
                points = [10, 10, 15, 10, 10] if month < 5 else [20, 15, 20, 15, 20]
                violations = 1 if month < 5 else 0
            rows.append(
                {
                    "household": household.pk,
                    "month": month,
                    **dict(zip(codes, points, strict=True)),
                    "violations": violations,
                }
            )
    frame = scoring.monthly_totals(pl.DataFrame(rows), scoring.DEFAULT_SHEET)
    inspections = [
        Inspection(
            household_id=row["household"],
            month=date(YEAR, row["month"], 1),
            sheet=sheet,
            inspected_on=date(YEAR, row["month"], 25),
            violations=row["violations"],
            notes="门前三包违规1处" if row["violations"] else "",
            total=Decimal(str(row["total"])).quantize(Decimal("0.1")),
            stars=row["stars"],
        )
        for row in frame.iter_rows(named=True)
    ]
    created = bulk_create_with_history(inspections, Inspection, batch_size=1000)
    scores = [
        ItemScore(inspection=inspection, item=items[code], points=Decimal(row[code]))
        for inspection, row in zip(created, frame.iter_rows(named=True), strict=True)
        for code in codes
    ]
    bulk_create_with_history(scores, ItemScore, batch_size=2000)
    return created


def _ledger(inspections: list[Inspection], points_per_star: int) -> None:
    """Credit each month's stars in month order (the running balance of each household)."""
    balances: dict[int, int] = {}
    entries = []
    for inspection in sorted(inspections, key=lambda i: (i.month, i.household_id)):
        if not inspection.stars:
            continue
        points = inspection.stars * points_per_star
        balances[inspection.household_id] = balances.get(inspection.household_id, 0) + points
        entries.append(
            PointsEntry(
                household_id=inspection.household_id,
                kind=PointsEntry.Kind.INSPECTION,
                points=points,
                balance=balances[inspection.household_id],
                inspection=inspection,
                note=f"{inspection.month:%Y-%m} 评比 {inspection.stars} 星",
                created_at=datetime.combine(inspection.inspected_on, time(18), tzinfo=SHANGHAI),
            )
        )
    bulk_create_with_history(entries, PointsEntry, batch_size=1000)


def _works(courtyard: Courtyard, households: list[Household]) -> None:
    works = [
        Work(
            courtyard=courtyard,
            kind=Work.Kind.DRY_TOILET,
            title=f"拆除{household.head_name}家旱厕",
            household=household,
            status=Work.Status.DONE,
            completed_on=date(2022, 7, 1) + timedelta(days=9 * n),
            cost_yuan=Decimal(600),
            labour_days=Decimal(2),
        )
        for n, household in enumerate(households[2:50:4])
    ]
    works += [
        Work(
            courtyard=courtyard,
            kind=Work.Kind.HOLLOW_HOUSE,
            title=f"拆除{name}空心房",
            status=Work.Status.DONE,
            completed_on=day,
            cost_yuan=Decimal(4500),
            labour_days=Decimal(15),
        )
        for name, day in (("院落东头", date(2022, 9, 20)), ("老屋场", date(2022, 10, 18)))
    ]
    works.append(
        Work(
            courtyard=courtyard,
            kind=Work.Kind.PAVILION,
            title="院落凉亭",
            status=Work.Status.DONE,
            completed_on=date(2022, 12, 10),
            cost_yuan=Decimal(36000),
            labour_days=Decimal(60),
        )
    )
    works += [
        Work(
            courtyard=courtyard,
            kind=Work.Kind.FLOWER_BED,
            title=f"村道两旁花圃（{side}）",
            status=Work.Status.DONE,
            completed_on=date(2023, 3, 12 + n),
            cost_yuan=Decimal(2800),
            labour_days=Decimal(8),
        )
        for n, side in enumerate(("东段", "西段", "南段", "北段"))
    ]
    works.append(
        Work(
            courtyard=courtyard, kind=Work.Kind.FENCE, title="院落入口竹篱笆", status=Work.Status.IN_PROGRESS
        )
    )
    bulk_create_with_history(works, Work)


def _assistance(household: Household) -> None:
    records = [
        Assistance(
            household=household,
            helped_on=date(2023, 4, 15),
            kind=Assistance.Kind.REPAIR,
            description="上门修好房屋安全防护栏",
            helpers="村支两委、帮扶工作队",
            labour_days=Decimal(4),
            amount_yuan=Decimal(800),
        ),
        Assistance(
            household=household,
            helped_on=date(2023, 4, 22),
            kind=Assistance.Kind.REPAIR,
            description="重建伙房",
            helpers="院落管理委员会组织村民投工",
            labour_days=Decimal(12),
            amount_yuan=Decimal(3200),
        ),
        Assistance(
            household=household,
            helped_on=date(2023, 4, 23),
            kind=Assistance.Kind.CLEANING,
            description="室内外全部清扫一遍，杂物归整",
            helpers="院落管理委员会、志愿者6人",
            labour_days=Decimal(3),
        ),
    ]
    bulk_create_with_history(records, Assistance)


@transaction.atomic
def load_demo() -> None:
    """Load 邵阳县's courtyards (idempotent)."""
    county = Region.objects.get(code=COUNTY)
    region_program_set(acting_user=SYSTEM, region=county, program=Program.COURTYARDS, enabled=True)
    if Courtyard.objects.filter(region_id=XIANANCHONG).exists():
        return
    rng = random.Random(SEED)
    _regions()
    sheet = services.default_sheet_create(
        region=Region.objects.get(code=COUNTY), effective_from=date(2022, 6, 1), acting_user=SYSTEM
    )
    services.sheet_extend(
        base=sheet,
        region=Region.objects.get(code=VILLAGE),
        effective_from=date(2024, 1, 1),
        extra_items=[
            ("toilet_clean", "厕所卫生", Decimal(10), "厕所不洁每处扣5分"),
            ("family_ethos", "家风家训", Decimal(10), "无家训上墙扣5分"),
        ],
        star_cuts=[(5, Decimal(108)), (4, Decimal(96)), (3, Decimal(84)), (2, Decimal(72)), (1, Decimal(60))],
        acting_user=SYSTEM,
    )
    rule = PointsRule(region_id=VILLAGE, effective_from=date(2022, 6, 1), points_per_star=2, top_ten_bonus=20)
    bulk_create_with_history([rule], PointsRule)
    courtyards = bulk_create_with_history(
        [
            Courtyard(
                region_id=p.code,
                status=p.status,
                started_on=p.started_on,
                description="首批美丽庭院建设试点" if p.code == XIANANCHONG else "三星村下一批卫生示范院落",
            )
            for p in PLANS
        ],
        Courtyard,
    )
    taken = {DIFFICULTY_HEAD}
    all_inspections: list[Inspection] = []
    for plan, courtyard in zip(PLANS, courtyards, strict=True):
        names = _names(rng, plan.households, taken)
        if plan.code == XIANANCHONG:
            names[40] = DIFFICULTY_HEAD
        households = bulk_create_with_history(
            [
                Household(
                    region_id=plan.code,
                    head_name=name,
                    members=8 if name == DIFFICULTY_HEAD else rng.randint(2, 6),
                    house_label=f"{n + 1:02d}号",
                )
                for n, name in enumerate(names)
            ],
            Household,
        )
        bulk_create_with_history(
            [
                HouseholdProfile(
                    household=h,
                    needs_assistance=h.head_name == DIFFICULTY_HEAD,
                    circumstances=DIFFICULTY_CIRCUMSTANCES if h.head_name == DIFFICULTY_HEAD else "",
                    flagged_on=date(2023, 4, 10) if h.head_name == DIFFICULTY_HEAD else None,
                )
                for h in households
            ],
            HouseholdProfile,
        )
        bulk_create_with_history(
            [
                Duty(household=h, kind=kind, area=area)
                for h in households
                for kind, area in (
                    (Duty.Kind.HYGIENE, "房前屋后及门前道路"),
                    (Duty.Kind.GREENERY, "门前菜园、花木"),
                    (Duty.Kind.ORDER, "门前柴火、杂物、车辆摆放"),
                )
            ],
            Duty,
            batch_size=1000,
        )
        roles = (
            CommitteeMember.Role.CHAIR,
            CommitteeMember.Role.VICE_CHAIR,
            CommitteeMember.Role.INSPECTOR,
            CommitteeMember.Role.INSPECTOR,
            CommitteeMember.Role.MEMBER,
        )
        members = [h for h in households if h.head_name != DIFFICULTY_HEAD][:: max(1, plan.households // 5)][
            :5
        ]
        bulk_create_with_history(
            [
                CommitteeMember(
                    courtyard=courtyard, name=h.head_name, role=role, household=h, elected_on=plan.started_on
                )
                for h, role in zip(members, roles, strict=False)
            ],
            CommitteeMember,
        )
        all_inspections += _inspections(plan, households, sheet, rng)
        if plan.code == XIANANCHONG:
            _works(courtyard, households)
            _assistance(next(h for h in households if h.head_name == DIFFICULTY_HEAD))
    _ledger(all_inspections, rule.points_per_star)
    shop = [
        ShopItem(region_id=VILLAGE, name=name, points_price=price, stock=stock)
        for name, price, stock in (
            ("香皂", 10, 60),
            ("毛巾", 15, 40),
            ("洗衣粉", 20, 50),
            ("食用油", 60, 20),
            ("大米10斤", 80, 15),
        )
    ]
    bulk_create_with_history(shop, ShopItem)
    services.annual_awards_grant(
        courtyard=courtyards[0], year=YEAR, prize="“星级文明户”牌匾及生活用品一套", acting_user=SYSTEM
    )
    xianan = Household.objects.filter(region_id=XIANANCHONG).order_by("id")
    for household, item, quantity in (
        (xianan[0], shop[2], 1),
        (xianan[3], shop[3], 1),
        (xianan[10], shop[0], 2),
    ):
        services.points_redeem(
            household=household, item=item, quantity=quantity, acting_user=SYSTEM, on=date(2024, 1, 8)
        )
    _showcase_ticket()


def _showcase_ticket() -> None:
    """A problem of 三星村's works raised as a workflow ticket to the village's clerk (the village
    profile's tickets, docs/profiles.md)."""
    from countyworks.core.models import Person
    from countyworks.workflow.services import ticket_open

    work = (
        Work.objects.filter(courtyard__region__code__startswith=VILLAGE)
        .exclude(status=Work.Status.DONE)
        .first()
    )
    if work is None:
        return
    clerk = Person.objects.create(name="曾庆华", region_id=VILLAGE, title="三星村村委会主任")
    ticket_open(
        subject=work,
        title=f"{work.title}：施工材料款待拨付",
        category="funding",
        region=work.courtyard.region_id,
        policy_code="overnight",
        owner_person=clerk,
        program=Program.COURTYARDS,
        acting_user=SYSTEM,
        description="镇财政所尚未拨付本批改造的材料补助，施工队暂停。",
    )
