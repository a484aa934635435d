"""Loading the demo: each campaign uploaded, evaluated and confirmed as an officer would."""

from __future__ import annotations

import io
import random
from datetime import date

import polars as pl
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Program, Region
from countyworks.core.program_regions import region_program_set
from countyworks.innovation import services
from countyworks.innovation.demo.challenges import load_challenges, load_plans
from countyworks.innovation.demo.figures import (
    LOUXING,
    SEED,
    ZHANGJIAJIE,
    Enterprise,
    Names,
    org_by_code,
)
from countyworks.innovation.demo.platforms import load_achievements, load_platforms
from countyworks.innovation.demo.stories import (
    louxing_population,
    zhangjiajie_population,
)
from countyworks.innovation.models import (
    EnterpriseProfile,
    EvaluationCampaign,
    Tier,
)


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
    # Named as an officer names the file (the page shows the name as uploaded).
    upload = SimpleUploadedFile(f"{campaign.title}.csv", _campaign_file(rows), content_type="text/csv")
    errors = services.campaign_upload(campaign=campaign, upload=upload, acting_user=user)
    if errors:
        raise ValueError("demo campaign file rejected: " + "; ".join(map(str, errors[:5])))
    services.campaign_evaluate(campaign=campaign, acting_user=user)
    campaign.refresh_from_db()
    services.campaign_confirm(campaign=campaign, acting_user=user, entered_on=entered_on, closes_year=True)
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
    names = Names(rng)
    with transaction.atomic():
        zjj_user = _officer("zhangjiajie")
        lx_user = _officer("louxing")
        zjj = Region.objects.get(code=ZHANGJIAJIE)
        louxing = Region.objects.get(code=LOUXING)
        for region in (zjj, louxing):
            region_program_set(acting_user=SYSTEM, region=region, program=Program.INNOVATION, enabled=True)
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
        _showcase(lx_user)
        _listing_reserve(people, zjj_user)
        platforms = load_platforms(people, names, rng, zjj_user)
        load_achievements(people, platforms, rng, zjj_user)
        load_challenges(people, names, rng, zjj_user)
        load_plans(people, names, rng, zjj_user)


def _showcase(user) -> None:
    """The profiles' showcase enterprise (core/demo_showcase.py), the first 娄星 高企 applicant: a
    2023 一企一策 towards 专精特新 with its officer and milestones, and a problem met carrying it out
    (a workflow ticket)."""
    from countyworks.core.demo_showcase import showcase_enterprise
    from countyworks.core.models import Person

    company = showcase_enterprise()
    if company is None:
        return
    officer = Person.objects.create(
        name="彭卫东", region_id=LOUXING, title="娄星区科技和工业信息化局高新科科长"
    )
    plan = services.plan_create(
        organisation=company,
        year=2023,
        target_tier=Tier.SPECIALIZED_SME,
        tech_needs="新能源汽车轻量化铝合金压铸件工艺",
        bottlenecks="研发人员不足，检测设备依赖外协",
        measures="对接湖南大学汽车车身先进设计制造国家重点实验室；申报省级企业技术中心；协调园区公共检测平台。",
        officer=officer,
        acting_user=user,
    )
    for title, due, done in (
        ("签订校企合作协议", date(2023, 5, 31), date(2023, 5, 20)),
        ("建成压铸工艺实验线", date(2023, 12, 31), date(2024, 1, 18)),
        ("提交专精特新中小企业申报", date(2024, 10, 31), None),
    ):
        step = services.plan_milestone_add(plan=plan, title=title, due_on=due, acting_user=user)
        if done:
            services.plan_milestone_complete(milestone=step, done_on=done, acting_user=user)
    services.plan_problem_raise(
        plan=plan,
        title="压铸工艺实验线缺少2名材料工程师",
        category="talent",
        description="企业反映招聘材料成型专业工程师困难，请人社部门协助对接高校毕业生。",
        acting_user=user,
    )


def _listing_reserve(people: list[Enterprise], user) -> None:
    """Three 高企 of 张家界 taken into the 上市后备 list by decision of the city."""
    for ent in people[:3]:
        services.pool_enter_by_decision(
            organisation=org_by_code(ent.code),
            tier=Tier.LISTING_RESERVE,
            entered_on=date(2022, 11, 20),
            note="市上市后备企业资源库（市金融办、科技局联合推荐）",
            acting_user=user,
        )
