"""Demo 揭榜挂帅 projects and 一企一策 plans of 张家界."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from countyworks.core.models import Organisation, Person, Region
from countyworks.innovation import services
from countyworks.innovation.demo.figures import (
    ZHANGJIAJIE,
    Enterprise,
    Names,
    credit_code,
    government,
    org_by_code,
)
from countyworks.innovation.demo.stories import (
    ZHANGJIAJIE_STORIES,
)
from countyworks.innovation.models import (
    Challenge,
    Tier,
)

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


def load_challenges(people: list[Enterprise], names: Names, rng: random.Random, user) -> None:
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
    issuers = [org_by_code(ent.code) for ent in people[11:20]]
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


def load_plans(people: list[Enterprise], names: Names, rng: random.Random, user) -> None:
    """一企一策 for five enterprises of the 高企培育库, each with an officer of the 科技局."""
    bureau = government("张家界市科学技术局", ZHANGJIAJIE)
    officers = [
        Person.objects.create(name=names.person(), region_id=ZHANGJIAJIE, organisation=bureau, title=title)
        for title in ("高新科科长", "成果转化科副科长")
    ]
    cultivated = [ent for ent, story in _story_of(people) if story.startswith("2022年高企培育库")][:5]
    for index, ent in enumerate(cultivated):
        need, bottleneck = _NEEDS[index]
        plan = services.plan_create(
            organisation=org_by_code(ent.code),
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
