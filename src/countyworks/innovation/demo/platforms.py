"""Demo platforms (with their experts) and achievements of 张家界."""

from __future__ import annotations

import random
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from countyworks.core.models import Organisation, Person
from countyworks.innovation import services
from countyworks.innovation.demo.figures import (
    Enterprise,
    Names,
    credit_code,
    org_by_code,
)
from countyworks.innovation.models import (
    Achievement,
    InnovationPlatform,
    PlatformExpert,
)


def load_platforms(
    people: list[Enterprise], names: Names, rng: random.Random, user
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
    hosts = [org_by_code(ent.code) for ent in people[3:11]]
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


def load_achievements(
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
