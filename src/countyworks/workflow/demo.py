"""Workflow demo data: 娄星区 park-project problems under 问题不过夜, 常宁市 alliance service requests.

Public entities keep their real names from the seed article (爱派尔工业互联网+数字化智能制造产业园,
正威娄底电力铜基新材料产业园, 钢城新苑二期, 新河鱼联盟, 塔山瑶族乡餐饮民宿联盟); every private person and
private business is invented. Subjects are Organisation rows until the parks and alliances apps
bring their own models. Everything goes through the services, and the escalation job is replayed
over the last weeks, so the timelines read as they would in production. Idempotent: skipped once
the 娄星 chain exists.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from countyworks.core.actors import SYSTEM, Actor
from countyworks.core.models import Organisation, Person, Program, Region
from countyworks.workflow import services
from countyworks.workflow.models import (
    Category,
    EscalationChain,
    EscalationStep,
    MeetingSeries,
    Notification,
    Post,
    Priority,
    SlaKind,
    SlaPolicy,
    Status,
    StatusChange,
    Ticket,
)
from countyworks.workflow.working_calendar import WorkingCalendar, working_day

LOUXING = "431302"
CHANGNING = "430482"
XINHE = "430482100"  # 新河镇 (the code the test fixtures use as well)

_CALENDAR = WorkingCalendar()


def _org(name: str, region: str, kind: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(name=name, region_id=region, defaults={"kind": kind})
    return org


def _person(
    name: str, region: str, title: str, organisation: Organisation | None = None, user=None
) -> Person:
    if user is not None:
        existing = Person.objects.filter(user=user).first()
        if existing is not None:
            return existing
    person, _created = Person.objects.get_or_create(
        name=name, region_id=region, defaults={"title": title, "organisation": organisation, "user": user}
    )
    return person


def _post(name: str, region: str, organisation: Organisation, *holders: Person) -> Post:
    post, _created = Post.objects.get_or_create(
        name=name, region_id=region, defaults={"organisation": organisation}
    )
    post.holders.add(*holders)
    return post


def _chain(
    code: str, name: str, region: str, program: str, levels: list[tuple[str, Post, str, int]]
) -> EscalationChain:
    chain = EscalationChain.objects.create(code=code, name=name, region_id=region, program=program)
    for level, (title, post, kind, amount) in enumerate(levels):
        EscalationStep.objects.create(
            chain=chain,
            level=level,
            title=title,
            post=post,
            window_kind=kind if level else "",
            window_amount=amount if level else None,
        )
    return chain


def _working_moment(now: datetime, working_days_back: int, at: time) -> datetime:
    """``at`` on the working day ``working_days_back`` working days before the latest one not after now."""
    local = timezone.localtime(now)
    day = local.date()
    while not working_day(day)[0] or datetime.combine(day, at, tzinfo=local.tzinfo) > local:
        day -= timedelta(days=1)
    for _ in range(working_days_back):
        day -= timedelta(days=1)
        while not working_day(day)[0]:
            day -= timedelta(days=1)
    return datetime.combine(day, at, tzinfo=local.tzinfo)


def _open(spec: dict[str, Any], now: datetime, handler: Actor, **common: Any) -> Ticket:
    """A ticket taken in from the task force's WeChat group (the platform is the actor), then handled."""
    opened = _working_moment(now, spec["back"], spec["at"])
    ticket = services.ticket_open(
        subject=spec["subject"],
        title=spec["title"],
        description=spec.get("description", ""),
        category=spec["category"],
        priority=spec.get("priority", Priority.NORMAL),
        opened_at=opened,
        acting_user=SYSTEM,
        **common,
    )
    moment = opened
    for status, hours, comment in spec.get("steps", ()):
        moment = min(moment + timedelta(hours=hours), now - timedelta(minutes=5))
        services.ticket_transition(
            ticket=ticket, to_status=status, comment=comment, acting_user=handler, at=moment
        )
    for body in spec.get("comments", ()):
        services.ticket_comment_add(ticket=ticket, body=body, acting_user=handler)
    return ticket


_LOUXING_CURRENT: list[dict[str, Any]] = [
    {
        "subject": "aipaier",
        "title": "地质详勘进场道路临时占道审批",
        "category": Category.APPROVAL,
        "back": 0,
        "at": time(9, 10),
        "description": "爱派尔项目地质详勘钻机进场需临时占用滨滨西街辅道约 120 米，请协调交警、城管办理临时占道手续。",
        "steps": [(Status.IN_PROGRESS, 0.5, "")],
        "comments": ["已与区交警大队对接，下午现场踏勘。"],
    },
    {
        "subject": "aipaier",
        "title": "场平施工临时用电增容",
        "category": Category.UTILITIES,
        "back": 1,
        "at": time(15, 20),
        "priority": Priority.HIGH,
        "description": "土地平整阶段夜间施工用电负荷不足，需临时增容 630kVA，请协调供电公司。",
    },
    {
        "subject": "zhengwei",
        "title": "铜基新材料产业园一期用地红线核对",
        "category": Category.LAND,
        "back": 3,
        "at": time(10, 0),
        "priority": Priority.URGENT,
        "description": "正威项目一期用地红线与园区控规道路存在约 0.8 亩重叠，需自然资源部门核对并出具意见。",
        "steps": [(Status.IN_PROGRESS, 1, "")],
    },
    {
        "subject": "gangcheng",
        "title": "地下结构施工夜间作业许可",
        "category": Category.APPROVAL,
        "back": 1,
        "at": time(9, 0),
        "description": "钢城新苑二期为确保年底完成地下结构，申请夜间连续浇筑作业许可。",
        "steps": [(Status.IN_PROGRESS, 0.3, ""), (Status.PENDING, 5, "已办理夜间施工许可证，请项目部确认。")],
    },
    {
        "subject": "incubator",
        "title": "标准厂房基础施工图审查意见反馈",
        "category": Category.CONSTRUCTION,
        "back": 4,
        "at": time(14, 40),
        "steps": [
            (Status.IN_PROGRESS, 0.5, ""),
            (Status.PENDING, 2, "审图意见已反馈设计院。"),
            (Status.RESOLVED, 1, ""),
        ],
    },
    {
        "subject": "zhengwei",
        "title": "供应链项目办公用房过渡安排",
        "category": Category.OTHER,
        "back": 2,
        "at": time(16, 30),
        "steps": [(Status.RETURNED, 1, "请补充办公人数与入驻时间后重新提交。")],
    },
]

_CHANGNING_CURRENT: list[dict[str, Any]] = [
    {
        "subject": "yufeng",
        "title": "活鱼长途运输增氧设备技术指导",
        "category": Category.TECHNICAL,
        "back": 1,
        "at": time(10, 30),
        "description": "发往广东的活鱼运输途中损耗偏高，请联盟技术服务部指导车载增氧与水温控制。",
        "steps": [(Status.IN_PROGRESS, 2, "")],
    },
    {
        "subject": "yufeng",
        "title": "广东订单包装箱统一印制“新河鱼”区域品牌标识",
        "category": Category.MARKET,
        "back": 5,
        "at": time(9, 40),
        "description": "新增外地订单较多，申请联盟品牌销售部统一设计印制包装。",
    },
    {
        "subject": "hewan",
        "title": "鱼苗病害检测送样",
        "category": Category.TECHNICAL,
        "back": 6,
        "at": time(15, 0),
        "steps": [(Status.IN_PROGRESS, 3, "")],
    },
    {
        "subject": "tashan_inn",
        "title": "民宿消防安全检查预约",
        "category": Category.POLICY,
        "back": 2,
        "at": time(11, 0),
        "steps": [(Status.IN_PROGRESS, 1, ""), (Status.PENDING, 6, "已联系乡消防专干，检查时间待确认。")],
    },
]

_HISTORY_TITLES = {
    "louxing": [
        ("施工用水接驳", Category.UTILITIES),
        ("规划许可变更咨询", Category.APPROVAL),
        ("临时堆场用地协调", Category.LAND),
        ("渣土运输路线报备", Category.APPROVAL),
        ("项目贷款贴息申报", Category.FUNDING),
        ("技术工人招聘对接", Category.TALENT),
        ("环评批复进度跟踪", Category.APPROVAL),
        ("周边村民诉求协调", Category.OTHER),
        ("燃气管线迁改", Category.UTILITIES),
        ("消防设计审查", Category.CONSTRUCTION),
    ],
    "changning": [
        ("鱼塘水质检测", Category.TECHNICAL),
        ("冷链仓储对接", Category.MARKET),
        ("电商直播培训报名", Category.MARKET),
        ("饲料集中采购议价", Category.MARKET),
        ("鱼病防治上门指导", Category.TECHNICAL),
        ("小额信贷申请指导", Category.FUNDING),
        ("民宿客房线上平台上架", Category.MARKET),
        ("农家乐食品经营许可咨询", Category.POLICY),
    ],
}


class _Common(TypedDict):
    """What a county's demo tickets share: passed as keywords to :func:`_history` and :func:`_open`."""

    region: str
    policy_code: str
    chain: EscalationChain
    program: str


def _history(
    rng: random.Random,
    now: datetime,
    subjects: list[Organisation],
    titles,
    count: int,
    handler,
    *,
    region: str,
    policy_code: str,
    chain: EscalationChain,
    program: str,
) -> None:
    """Closed tickets of the last six months, some late: the statistics page's material, loaded in bulk.

    Their end state and status changes are written directly (with their history rows): replaying
    hundreds of old tickets through the services would only re-send notifications nobody reads.
    """
    policy = SlaPolicy.objects.select_related("office_hours").get(code=policy_code)
    first = chain.steps.select_related("post").get(level=0)
    first_post = first.post
    assert first_post is not None, "the demo chains' first step is a post"
    subject_type = ContentType.objects.get_for_model(Organisation)
    tickets: list[Ticket] = []
    changes: list[list[tuple[str, str, datetime, str]]] = []
    for index in range(count):
        subject = subjects[index % len(subjects)]
        title, category = titles[rng.randrange(len(titles))]
        opened = _working_moment(
            now, rng.randint(8, 125), time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        )
        response, resolution = policy.deadlines(opened)
        started = opened + timedelta(minutes=rng.randint(10, 180))
        steps: list[tuple[str, str, datetime, str]] = [
            ("", Status.NEW, opened, ""),
            (Status.NEW, Status.IN_PROGRESS, started, ""),
        ]
        solved = None
        if rng.random() < 0.06:
            closed = started + timedelta(hours=1)
            steps.append((Status.IN_PROGRESS, Status.CLOSED, closed, "重复提交，并入同类工单办理。"))
            status = Status.CLOSED
        else:
            span = resolution.at - started
            late = rng.random() < 0.18
            solved = started + (
                span * rng.uniform(0.2, 0.9) if not late else span + timedelta(hours=rng.randint(2, 60))
            )
            closed = solved + timedelta(hours=rng.randint(1, 20))
            steps += [
                (Status.IN_PROGRESS, Status.PENDING, solved, "已办理完毕。"),
                (Status.PENDING, Status.RESOLVED, closed, ""),
            ]
            status = Status.RESOLVED
        tickets.append(
            Ticket(
                subject_type=subject_type,
                subject_id=str(subject.pk),
                region_id=region,
                program=program,
                title=title,
                category=category,
                status=status,
                owner_post=first_post,
                unit_id=first_post.organisation_id,
                policy=policy,
                chain=chain,
                created_at=opened,
                updated_at=closed,
                response_due=response.at if response else None,
                resolution_due=resolution.at,
                due_provisional=resolution.provisional,
                responded_at=started,
                resolved_at=solved,
                closed_at=closed,
            )
        )
        changes.append(steps)
    created = bulk_create_with_history(
        tickets, Ticket, default_user=handler, default_change_reason="历史工单导入"
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                ticket=ticket,
                from_status=old,
                to_status=new,
                actor=None if not old else handler,
                at=at,
                comment=comment,
            )
            for ticket, steps in zip(created, changes, strict=True)
            for old, new, at, comment in steps
        ]
    )


@transaction.atomic
def load_workflow_demo() -> None:
    """Create the demo chains, posts, tickets and the 娄星 weekly 调度会 (idempotent)."""
    if EscalationChain.objects.filter(code="louxing-parks").exists():
        return
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["admin", "louxing", "changning"])
    }
    admin = users.get("admin")
    now = timezone.now()
    rng = random.Random(20230725)  # the article's date: a fixed seed, the same demo every time

    # 娄星区: the park's task force, the deputy in charge, the county leadership.
    zone = _org("娄星经济开发区管理委员会", LOUXING, Organisation.Kind.GOVERNMENT)
    district = _org("娄底市娄星区人民政府", LOUXING, Organisation.Kind.GOVERNMENT)
    subjects = {
        "aipaier": _org("爱派尔工业互联网+数字化智能制造产业园", LOUXING, Organisation.Kind.ENTERPRISE),
        "zhengwei": _org("正威娄底电力铜基新材料产业园", LOUXING, Organisation.Kind.ENTERPRISE),
        "gangcheng": _org(
            "钢城新苑二期（涟钢周边环境综合整治区域基础设施建设）", LOUXING, Organisation.Kind.OTHER
        ),
        "incubator": _org("娄星经济开发区创业孵化中心", LOUXING, Organisation.Kind.OTHER),
    }
    task_force = _post(
        "重点项目工作专班",
        LOUXING,
        zone,
        _person("刘建军", LOUXING, "专班组长", zone),
        _person("罗海涛", LOUXING, "专班成员", zone, users.get("louxing")),
    )
    deputy = _post(
        "分管副区长（重点项目）", LOUXING, district, _person("陈晓峰", LOUXING, "副区长", district)
    )
    leaders = _post("区委、区政府主要领导", LOUXING, district, _person("王振华", LOUXING, "区长", district))
    louxing_chain = _chain(
        "louxing-parks",
        "娄星区重点项目：工作专班 → 分管领导 → 县领导",
        LOUXING,
        Program.PARKS,
        [
            ("工作专班", task_force, "", 0),
            ("分管领导", deputy, SlaKind.WORKING_DAYS, 1),
            ("县领导", leaders, SlaKind.WORKING_DAYS, 2),
        ],
    )

    # 常宁市: an alliance department, the alliance's party secretary, the town's 指导员.
    Region.objects.get_or_create(
        code=XINHE, defaults={"name": "新河镇", "level": "town", "parent_id": CHANGNING}
    )
    alliance = _org("新河鱼产业联盟", XINHE, Organisation.Kind.OTHER)
    branch = _org("新河鱼产业联盟党支部", XINHE, Organisation.Kind.PARTY_BRANCH)
    town = _org("中共常宁市新河镇委员会", XINHE, Organisation.Kind.GOVERNMENT)
    members = {
        "yufeng": _org("常宁市渔丰水产养殖专业合作社", XINHE, Organisation.Kind.COOPERATIVE),
        "hewan": _org("新河镇河湾家庭农场", XINHE, Organisation.Kind.FAMILY_FARM),
        "tashan_inn": _org("塔山瑶族乡山居民宿", CHANGNING, Organisation.Kind.INDIVIDUAL),
    }
    service = _post(
        "新河鱼联盟技术服务部", XINHE, alliance, _person("唐志刚", XINHE, "技术服务部负责人", alliance)
    )
    secretary = _post(
        "新河鱼联盟党支部书记", XINHE, branch, _person("李国平", XINHE, "专职党支部书记", branch)
    )
    instructor = _post(
        "新河鱼联盟指导员（镇党委委员）",
        XINHE,
        town,
        _person("邓文静", CHANGNING, "联盟指导员", town, users.get("changning")),
    )
    changning_chain = _chain(
        "changning-xinheyu",
        "新河鱼联盟：联盟部门 → 支部书记 → 指导员",
        XINHE,
        Program.ALLIANCES,
        [
            ("联盟部门", service, "", 0),
            ("支部书记", secretary, SlaKind.WORKING_DAYS, 1),
            ("指导员", instructor, SlaKind.WORKING_DAYS, 2),
        ],
    )

    louxing_user = users.get("louxing") or admin
    changning_user = users.get("changning") or admin
    # The handlers act through the services (permission checks): the core demo's accounts must exist.
    assert louxing_user is not None and changning_user is not None, "load the core demo first"
    louxing_common: _Common = {
        "region": LOUXING,
        "policy_code": "overnight",
        "chain": louxing_chain,
        "program": Program.PARKS,
    }
    changning_common: _Common = {
        "region": XINHE,
        "policy_code": "service-3d",
        "chain": changning_chain,
        "program": Program.ALLIANCES,
    }
    _history(
        rng, now, list(subjects.values()), _HISTORY_TITLES["louxing"], 90, louxing_user, **louxing_common
    )
    _history(
        rng,
        now,
        list(members.values())[:2],
        _HISTORY_TITLES["changning"],
        45,
        changning_user,
        **changning_common,
    )

    for spec in _LOUXING_CURRENT:
        _open({**spec, "subject": subjects[spec["subject"]]}, now, louxing_user, **louxing_common)
    for spec in _CHANGNING_CURRENT:
        region = members[spec["subject"]].region_id
        _open(
            {**spec, "subject": members[spec["subject"]]},
            now,
            changning_user,
            **{**changning_common, "region": region},
        )
    # Replay the periodic escalation job over the last working days (at 18:00 each), then run it now.
    for days_back in range(7, 0, -1):
        services.tickets_escalate_overdue(now=_working_moment(now, days_back, time(18, 0)))
    services.tickets_escalate_overdue(now=now)

    # 每周固定调度: every Monday 09:00; last week's meeting with its minutes, and the next one's agenda.
    series = MeetingSeries.objects.create(
        title="娄星区重点项目工作专班周调度会",
        region_id=LOUXING,
        program=Program.PARKS,
        chain=louxing_chain,
        weekday=MeetingSeries.Weekday.MONDAY,
        start_time=time(9, 0),
        location="娄星经济开发区管委会三楼会议室",
        chair=deputy.holders.first(),
    )
    last = services.meeting_schedule_next(series=series, now=now - timedelta(days=7))
    if last.scheduled_at < now:
        services.meeting_generate_agenda(
            meeting=last, acting_user=louxing_user, now=last.scheduled_at - timedelta(hours=16)
        )
        services.meeting_minutes_record(
            meeting=last,
            summary="会议听取了爱派尔、正威、钢城新苑二期等项目推进情况汇报，逐项调度了专班收集的问题。",
            decisions=[
                "爱派尔项目土地平整和地质详勘同步推进，确保明年5月竣工验收。",
                "正威项目用地红线问题由自然资源部门一周内出具意见。",
            ],
            actions=[
                services.ActionSpec(
                    title="正威项目用地红线核对意见",
                    owner_post=task_force,
                    due_at=_CALENDAR.add_working_days(now, 2).at,
                ),
                services.ActionSpec(
                    title="柳青北路配套管网接驳方案",
                    owner_post=task_force,
                    due_at=_CALENDAR.add_working_days(now, 4).at,
                ),
            ],
            acting_user=louxing_user,
            chair=str(series.chair or ""),
            attendees="区发改局、区自然资源局、区住建局、国网娄星供电公司、娄星经济开发区管委会、各项目企业负责人",
        )
    upcoming = services.meeting_schedule_next(series=series, now=now)
    services.meeting_generate_agenda(
        meeting=upcoming, acting_user=louxing_user
    )  # with the action items above
    # What happened before the last two working days has been read.
    Notification.objects.filter(created_at__lt=_working_moment(now, 2, time(8, 30))).update(read_at=now)
