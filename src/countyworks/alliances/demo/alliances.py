"""The two alliances of the report: 新河鱼产业联盟 (新河镇) and 塔山瑶族乡餐饮民宿联盟.

Public bodies keep their real names; members, buyers and persons are invented (the 新河 branch's
secretary, department head and guide are the workflow demo's persons, whose chain and posts the
alliance reuses). Orders come from Guangdong at a price above the local market, as the report says.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from countyworks.alliances import services
from countyworks.alliances.models import (
    Activity,
    Alliance,
    BuyerOrder,
    Capacity,
    ChainLink,
    Department,
    Grade,
    Member,
    Product,
    ServiceCategory,
)
from countyworks.core.actors import SYSTEM
from countyworks.core.models import Organisation, Person, Program, Region
from countyworks.workflow import services as workflow
from countyworks.workflow.models import EscalationChain, EscalationStep, Post, SlaKind, Status

from .regions import TASHAN, XINHE

PRODUCTS = (
    ("grass-carp", "草鱼", "斤"),
    ("silver-carp", "鲢鱼", "斤"),
    ("bighead-carp", "鳙鱼", "斤"),
    ("mandarin-fish", "鳜鱼", "斤"),
    ("fish-feed", "鱼饲料", "吨"),
    ("fish-fry", "鱼苗", "万尾"),
    ("homestay-room", "民宿客房", "间夜"),
    ("yao-banquet", "瑶家宴", "桌"),
)
_SURNAMES = "唐李王刘陈谢邓曾罗彭周蒋雷欧阳廖"
_GIVEN = "建华明辉国强志军海平勇春林伟德福贵兰英红梅桂芳"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(2))


def load_products() -> dict[str, Product]:
    for code, name, unit in PRODUCTS:
        Product.objects.get_or_create(code=code, defaults={"name": name, "unit": unit})
    return {p.code: p for p in Product.objects.all()}


def _post(name: str, region: str, organisation: Organisation, holder: Person) -> Post:
    post, _ = Post.objects.get_or_create(name=name, region_id=region, defaults={"organisation": organisation})
    post.holders.add(holder)
    return post


def _person(name: str, region: str, title: str, organisation: Organisation | None) -> Person:
    person, _ = Person.objects.get_or_create(
        name=name, region_id=region, defaults={"title": title, "organisation": organisation}
    )
    return person


def _chain(code: str, name: str, region: str, levels: list[tuple[str, Post]]) -> EscalationChain:
    """The alliance's chain 联盟部门 → 支部书记 (1 working day) → 指导员 (2 working days)."""
    existing = EscalationChain.objects.filter(code=code).first()
    if existing is not None:
        return existing
    chain = EscalationChain.objects.create(code=code, name=name, region_id=region, program=Program.ALLIANCES)
    for level, (title, post) in enumerate(levels):
        EscalationStep.objects.create(
            chain=chain,
            level=level,
            title=title,
            post=post,
            window_kind=SlaKind.WORKING_DAYS if level else "",
            window_amount=level if level else None,
        )
    return chain


def _org(name: str, region: str, kind: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(name=name, region_id=region, defaults={"kind": kind})
    return org


def _guide_of_changning(town: Organisation) -> Person:
    """Without the workflow demo: the 新河 guide is the ``changning`` account's person, as there."""
    person = _person("邓文静", XINHE, "联盟指导员", town)
    user = get_user_model().objects.filter(username="changning", person__isnull=True).first()
    if person.user_id is None and user is not None:
        person.user = user
        person.save(update_fields=["user"])
    return person


def _holder(post_name: str) -> Person | None:
    post = Post.objects.filter(name=post_name).first()
    return post.holders.first() if post is not None else None


@dataclass(frozen=True)
class Founding:
    """An alliance to found: its name, the short name its posts carry, its town, industry and chain."""

    name: str
    short: str
    town: str
    level: str  # 镇 or 乡: whose party committee the guide sits on
    industry: str
    founded_on: date
    chain_code: str


def _found(
    spec: Founding,
    villages: list[Region],
    orgs: tuple[Organisation, Organisation, Organisation],
    people: tuple[Person, Person, Person, Person],
) -> Alliance:
    """The alliance with its branch, its two departments' posts and its chain 部门 → 书记 → 指导员."""
    branch, body, town = orgs
    secretary, guide, tech_head, sales_head = people
    tech = _post(f"{spec.short}技术服务部", spec.town, body, tech_head)
    sales = _post(f"{spec.short}品牌销售部", spec.town, body, sales_head)
    chain = _chain(
        spec.chain_code,
        f"{spec.short}：联盟部门 → 支部书记 → 指导员",
        spec.town,
        [
            ("联盟部门", tech),
            ("支部书记", _post(f"{spec.short}党支部书记", spec.town, branch, secretary)),
            ("指导员", _post(f"{spec.short}指导员（{spec.level}党委委员）", spec.town, town, guide)),
        ],
    )
    alliance = services.alliance_create(
        name=spec.name,
        town=Region.objects.get(code=spec.town),
        industry=spec.industry,
        villages=villages,
        branch_name=f"{spec.name}党支部",
        secretary=secretary,
        guide=guide,
        founded_on=spec.founded_on,
        acting_user=SYSTEM,
    )
    alliance.chain = chain
    alliance.save(update_fields=["chain"])
    _departments(alliance, {"技术服务": tech, "品牌销售": sales})
    return alliance


def load_xinhe(villages: list[Region], products: dict[str, Product], rng: random.Random) -> Alliance:
    """新河鱼产业联盟: fish farmers, fry and feed suppliers, a processor, cold-chain logistics, sales."""
    branch = _org("新河鱼产业联盟党支部", XINHE, Organisation.Kind.PARTY_BRANCH)
    body = _org("新河鱼产业联盟", XINHE, Organisation.Kind.OTHER)
    town = _org("中共常宁市新河镇委员会", XINHE, Organisation.Kind.GOVERNMENT)
    secretary = _holder("新河鱼联盟党支部书记") or _person("李国平", XINHE, "专职党支部书记", branch)
    guide = _holder("新河鱼联盟指导员（镇党委委员）") or _guide_of_changning(town)
    tech_head = _holder("新河鱼联盟技术服务部") or _person("唐志刚", XINHE, "技术服务部负责人", body)
    alliance = _found(
        Founding(
            "新河鱼产业联盟",
            "新河鱼联盟",
            XINHE,
            "镇",
            "新河鱼（淡水鱼养殖）",
            date(2023, 3, 18),
            "changning-xinheyu",
        ),
        villages,
        (branch, body, town),
        (secretary, guide, tech_head, _person("谢春林", XINHE, "品牌销售部负责人", body)),
    )
    specs: list[tuple[str, str, str, tuple[str, ...]]] = [
        (
            "常宁市渔丰水产养殖专业合作社",
            Organisation.Kind.COOPERATIVE,
            ChainLink.BREEDING,
            ("grass-carp", "bighead-carp"),
        ),
        (
            "新河镇河湾家庭农场",
            Organisation.Kind.FAMILY_FARM,
            ChainLink.BREEDING,
            ("grass-carp", "silver-carp"),
        ),
        ("常宁市新河鱼苗繁育场", Organisation.Kind.ENTERPRISE, ChainLink.INPUTS, ("fish-fry",)),
        ("常宁市丰源饲料有限公司", Organisation.Kind.ENTERPRISE, ChainLink.INPUTS, ("fish-feed",)),
        ("常宁市新河鱼食品加工厂", Organisation.Kind.ENTERPRISE, ChainLink.PROCESSING, ()),
        ("常宁市顺达冷链物流有限公司", Organisation.Kind.ENTERPRISE, ChainLink.LOGISTICS, ()),
        ("新河鱼电商销售中心", Organisation.Kind.ENTERPRISE, ChainLink.SALES, ()),
    ]
    for index in range(24):
        fish = rng.sample(["grass-carp", "silver-carp", "bighead-carp"], k=rng.choice([1, 2]))
        kind = Organisation.Kind.FAMILY_FARM if index % 3 == 0 else Organisation.Kind.INDIVIDUAL
        label = "家庭农场" if kind == Organisation.Kind.FAMILY_FARM else "养鱼户"
        specs.append((f"{_name(rng)}{label}", kind, ChainLink.BREEDING, tuple(fish)))
    members = _members(alliance, villages, specs, products, rng, spread_km=8)
    _fish_capacities(members, products, rng)
    _fish_orders(alliance, products)
    services.orders_allocate(alliance=alliance, acting_user=SYSTEM)
    _confirm_and_deliver(alliance)
    _activities(
        alliance,
        [
            (Activity.Kind.MEETING, date(2023, 3, 18), "联盟成立大会暨党支部成立", 56),
            (Activity.Kind.TRAINING, date(2023, 4, 12), "健康养殖与鱼病防治培训", 48),
            (Activity.Kind.VISIT, date(2023, 5, 9), "指导员走访养殖大户收集诉求", 12),
            (Activity.Kind.SERVICE, date(2023, 6, 6), "技术服务部上门水质检测", 9),
            (Activity.Kind.MEETING, date(2023, 7, 3), "“新河鱼”区域品牌与广东订单对接会", 35),
            (Activity.Kind.TRAINING, date(2023, 7, 20), "活鱼长途运输增氧保鲜培训", 31),
        ],
    )
    return alliance


def load_tashan(villages: list[Region], products: dict[str, Product], rng: random.Random) -> Alliance:
    """塔山瑶族乡餐饮民宿联盟: homestays, farm restaurants and a tourism company."""
    branch = _org("塔山瑶族乡餐饮民宿联盟党支部", TASHAN, Organisation.Kind.PARTY_BRANCH)
    body = _org("塔山瑶族乡餐饮民宿联盟", TASHAN, Organisation.Kind.OTHER)
    town = _org("中共常宁市塔山瑶族乡委员会", TASHAN, Organisation.Kind.GOVERNMENT)
    secretary = _person("彭志远", TASHAN, "专职党支部书记", branch)
    guide = _person("盘海燕", TASHAN, "联盟指导员（乡党委委员）", town)
    alliance = _found(
        Founding(
            "塔山瑶族乡餐饮民宿联盟",
            "塔山餐饮民宿联盟",
            TASHAN,
            "乡",
            "餐饮民宿（瑶族风情旅游）",
            date(2023, 4, 6),
            "changning-tashan",
        ),  # fmt: skip
        villages,
        (branch, body, town),
        (
            secretary,
            guide,
            _person("赵丽华", TASHAN, "技术服务部负责人", body),
            _person("盘建国", TASHAN, "品牌销售部负责人", body),
        ),
    )
    specs: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("常宁市塔山瑶乡文化旅游开发有限公司", Organisation.Kind.ENTERPRISE, ChainLink.SALES, ()),
    ]
    for index in range(14):
        lodging = index % 2 == 0
        label = "山居民宿" if lodging else "瑶家农家乐"
        specs.append(
            (
                f"{_name(rng)}{label}",
                Organisation.Kind.INDIVIDUAL,
                ChainLink.LODGING if lodging else ChainLink.CATERING,
                ("homestay-room",) if lodging else ("yao-banquet",),
            )
        )
    members = _members(alliance, villages, specs, products, rng, spread_km=6)
    rows = []
    for member, codes in members:
        for code in codes:
            per_month = rng.randint(60, 180) if code == "homestay-room" else rng.randint(20, 60)
            rows += [
                _capacity(member, products[code], Grade.FIRST, month, per_month) for month in range(6, 13)
            ]
    bulk_create_with_history(rows, Capacity, batch_size=1000)
    orders = [
        (
            "TS-2023-01",
            "衡阳市湘南旅行社有限公司",
            "衡阳",
            "homestay-room",
            120,
            18000,
            16000,
            (7, 20),
            (60, 70),
        ),
        (
            "TS-2023-02",
            "长沙市潇湘研学旅行有限公司",
            "长沙",
            "homestay-room",
            300,
            17500,
            16000,
            (8, 1),
            (80, 230),
        ),
        (
            "TS-2023-03",
            "长沙市潇湘研学旅行有限公司",
            "长沙",
            "yao-banquet",
            40,
            88000,
            80000,
            (8, 1),
            (80, 230),
        ),
    ]
    _orders(alliance, products, orders, freight=Decimal(0))
    services.orders_allocate(alliance=alliance, acting_user=SYSTEM, fair_share=True)
    _activities(
        alliance,
        [
            (Activity.Kind.MEETING, date(2023, 4, 6), "联盟成立暨党支部成立大会", 28),
            (Activity.Kind.TRAINING, date(2023, 5, 16), "民宿服务规范与食品安全培训", 25),
            (Activity.Kind.VISIT, date(2023, 6, 21), "指导员走访民宿经营户", 8),
        ],
    )
    return alliance


def _departments(alliance: Alliance, posts: dict[str, Post]) -> None:
    for department in Department.objects.filter(alliance=alliance):
        department.post = posts.get(department.name)
        department.save(update_fields=["post"])


def _members(
    alliance: Alliance,
    villages: list[Region],
    specs: list[tuple[str, str, str, tuple[str, ...]]],
    products: dict[str, Product],
    rng: random.Random,
    spread_km: int,
) -> list[tuple[Member, tuple[str, ...]]]:
    out: list[tuple[str, ...]] = []
    rows = []
    for name, kind, link, codes in specs:
        village = rng.choice(villages)
        org = _org(name, village.code, kind)
        rows.append(
            Member(
                alliance=alliance,
                organisation=org,
                chain_link=link,
                village=village,
                joined_on=alliance.founded_on,
                x_km=Decimal(rng.randint(0, spread_km * 100)) / 100,
                y_km=Decimal(rng.randint(0, spread_km * 100)) / 100,
            )
        )
        out.append(codes)
    saved = bulk_create_with_history(rows, Member)
    for member, codes in zip(saved, out, strict=True):
        member.products.set([products[c] for c in codes])
    return list(zip(saved, out, strict=True))


def _capacity(
    member: Member, product: Product, grade: str, month: int, quantity: int, need: bool = False
) -> Capacity:
    start = date(2023, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Capacity(
        member=member,
        product=product,
        grade=grade,
        direction=Capacity.Direction.NEED if need else Capacity.Direction.SUPPLY,
        starts_on=start,
        ends_on=end,
        quantity=Decimal(quantity),
    )


def _fish_capacities(
    members: list[tuple[Member, tuple[str, ...]]], products: dict[str, Product], rng: random.Random
) -> None:
    """Monthly supply June–December 2023; farmers need fry and feed, which the suppliers make (本地配套)."""
    rows = []
    for member, codes in members:
        for code in codes:
            for month in range(6, 13):
                if code in ("fish-feed", "fish-fry"):
                    rows.append(
                        _capacity(
                            member, products[code], Grade.FIRST, month, 40 if code == "fish-feed" else 30
                        )
                    )
                    continue
                grade = Grade.PREMIUM if rng.random() < 0.3 else Grade.FIRST
                rows.append(_capacity(member, products[code], grade, month, rng.randint(20, 120) * 100))
        if member.chain_link == ChainLink.BREEDING:
            rows.append(
                _capacity(member, products["fish-feed"], Grade.FIRST, 7, rng.randint(1, 4), need=True)
            )
            rows.append(_capacity(member, products["fish-fry"], Grade.FIRST, 9, rng.randint(1, 3), need=True))
    bulk_create_with_history(rows, Capacity, batch_size=1000)


_GUANGDONG = {"广州": (-60, -420), "深圳": (40, -520), "佛山": (-80, -430), "东莞": (10, -480)}


def _fish_orders(alliance: Alliance, products: dict[str, Product]) -> None:
    """Guangdong wholesalers' orders, priced above the local market (the report's "价钱比本地还高")."""
    orders = [
        (
            "XH-2023-061",
            "广州市穗禾水产贸易有限公司",
            "广州",
            "grass-carp",
            30000,
            780,
            650,
            (6, 10),
            _GUANGDONG["广州"],
        ),
        (
            "XH-2023-062",
            "深圳市鹏城鲜活水产有限公司",
            "深圳",
            "bighead-carp",
            18000,
            920,
            760,
            (6, 20),
            _GUANGDONG["深圳"],
        ),
        (
            "XH-2023-071",
            "佛山市顺鲜农产品配送有限公司",
            "佛山",
            "grass-carp",
            42000,
            800,
            660,
            (7, 5),
            _GUANGDONG["佛山"],
        ),
        (
            "XH-2023-072",
            "广州市穗禾水产贸易有限公司",
            "广州",
            "silver-carp",
            25000,
            560,
            480,
            (7, 15),
            _GUANGDONG["广州"],
        ),
        (
            "XH-2023-073",
            "东莞市粤湘水产批发有限公司",
            "东莞",
            "grass-carp",
            36000,
            790,
            660,
            (7, 26),
            _GUANGDONG["东莞"],
        ),
        (
            "XH-2023-081",
            "深圳市鹏城鲜活水产有限公司",
            "深圳",
            "grass-carp",
            60000,
            810,
            670,
            (8, 8),
            _GUANGDONG["深圳"],
        ),
        (
            "XH-2023-082",
            "广州市穗禾水产贸易有限公司",
            "广州",
            "mandarin-fish",
            3000,
            3600,
            3000,
            (8, 10),
            _GUANGDONG["广州"],
        ),
        (
            "XH-2023-091",
            "佛山市顺鲜农产品配送有限公司",
            "佛山",
            "bighead-carp",
            26000,
            930,
            770,
            (9, 4),
            _GUANGDONG["佛山"],
        ),
        (
            "XH-2023-092",
            "东莞市粤湘水产批发有限公司",
            "东莞",
            "grass-carp",
            400000,
            800,
            670,
            (9, 18),
            _GUANGDONG["东莞"],
        ),
        (
            "XH-2023-101",
            "衡阳市雁城农贸市场经营管理有限公司",
            "衡阳",
            "silver-carp",
            15000,
            520,
            480,
            (10, 9),
            (40, 60),
        ),
    ]
    _orders(alliance, products, orders, freight=Decimal("0.06"))


def _orders(alliance: Alliance, products: dict[str, Product], specs: list, freight: Decimal) -> None:
    rows = []
    for code, buyer, place, product, quantity, price, local, (month, day), (x, y) in specs:
        start = date(2023, month, day)
        rows.append(
            BuyerOrder(
                alliance=alliance,
                code=code,
                buyer=buyer,
                destination=place,
                product=products[product],
                grade=Grade.FIRST,
                quantity=Decimal(quantity),
                price_fen=price,
                local_price_fen=local,
                window_start=start,
                window_end=start + timedelta(days=10),
                x_km=Decimal(x),
                y_km=Decimal(y),
                freight_fen_per_km=freight,
            )
        )
    bulk_create_with_history(rows, BuyerOrder)


def _confirm_and_deliver(alliance: Alliance) -> None:
    """Members confirmed the orders due before the report; those due by mid-July are delivered and paid."""
    for order in alliance.orders.filter(window_start__lt=date(2023, 7, 25)).prefetch_related("allocations"):
        for allocation in order.allocations.all():
            services.allocation_confirm(allocation=allocation, acting_user=SYSTEM)
            if order.window_end <= date(2023, 7, 20):
                services.delivery_record(
                    allocation=allocation,
                    delivered_on=order.window_end,
                    quantity=allocation.quantity,
                    paid_fen=int(allocation.quantity * order.price_fen),
                    paid_on=order.window_end + timedelta(days=7),
                    acting_user=SYSTEM,
                )


def _activities(alliance: Alliance, rows: list[tuple[str, date, str, int]]) -> None:
    for kind, held_on, title, participants in rows:
        services.activity_add(
            alliance=alliance,
            kind=kind,
            held_on=held_on,
            title=title,
            participants=participants,
            acting_user=SYSTEM,
        )


_REQUESTS = [
    # (alliance index, member index, category, title, days ago, steps)
    (0, 0, ServiceCategory.TECHNOLOGY, "活鱼长途运输增氧设备选型指导", 1, ()),
    (0, 1, ServiceCategory.SALES, "申请使用“新河鱼”区域品牌包装", 9, ()),
    (0, 9, ServiceCategory.TECHNOLOGY, "鱼塘水质偏肥，请求上门检测", 3, (Status.IN_PROGRESS,)),
    (0, 12, ServiceCategory.FINANCE, "扩建鱼塘小额信贷申请指导", 14, (Status.IN_PROGRESS, Status.PENDING)),
    (0, 15, ServiceCategory.RESOURCES, "冷库共享使用协调", 20, (Status.IN_PROGRESS, Status.PENDING)),
    (1, 2, ServiceCategory.SALES, "民宿客房上架线上平台", 6, ()),
    (1, 3, ServiceCategory.TECHNOLOGY, "瑶家菜标准化制作培训", 12, (Status.IN_PROGRESS, Status.PENDING)),
]


def load_requests(alliances: list[Alliance]) -> None:
    """Members' service requests on the workflow, some overdue (escalated), some rated."""
    now = timezone.now()
    for index, member_index, category, title, days_ago, steps in _REQUESTS:
        member = list(alliances[index].members.order_by("pk"))[member_index]
        request = services.service_request_open(
            member=member,
            category=category,
            title=title,
            acting_user=SYSTEM,
            opened_at=now - timedelta(days=days_ago),
        )
        assert request.ticket is not None
        for step, status in enumerate(steps):
            workflow.ticket_transition(
                ticket=request.ticket,
                to_status=status,
                acting_user=SYSTEM,
                comment="已办理，请确认。" if status == Status.PENDING else "",
                at=now - timedelta(days=days_ago - 1 - step),
            )
        if steps and steps[-1] == Status.PENDING and days_ago > 15:
            request.ticket.refresh_from_db()
            services.service_request_rate(
                request=request, rating=5, comment="服务及时，问题已解决", acting_user=SYSTEM
            )
    for days_back in range(14, -1, -1):
        workflow.tickets_escalate_overdue(now=now - timedelta(days=days_back))
