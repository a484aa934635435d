"""Workflow fixtures: two counties, each with posts held by named users and an escalation chain.

娄星区 (431302): 工作专班 → 分管领导 → 县领导 (问题不过夜); 常宁市 (430482): 联盟部门 → 支部书记 → 指导员.
Times are Asia/Shanghai; deadlines are pinned against chinese-calendar's 2023 and 2024 calendars.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from countyworks.core.models import Organisation, Person, Program, Role, RoleGrant
from countyworks.workflow.models import EscalationChain, EscalationStep, Post, SlaKind
from countyworks.workflow.working_calendar import notices_changed


@pytest.fixture(autouse=True)
def fresh_holiday_notices():
    """Holiday notice data is read once per process and kept a minute: each test starts from the database."""
    notices_changed()
    yield
    notices_changed()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created with passwords; the default PBKDF2 costs ~0.3 s per user on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, region: str | None = None, role: str = Role.OFFICER):
    user = get_user_model().objects.create_user(username=username)
    if region is not None:
        RoleGrant.objects.create(user=user, role=role, region_id=region)
    return user


def _county(code: str, users: dict[str, object], names: tuple[str, str, str], chain_code: str, program: str):
    unit = Organisation.objects.create(
        name=f"{code} 牵头单位", region_id=code, kind=Organisation.Kind.GOVERNMENT
    )
    government = Organisation.objects.create(
        name=f"{code} 人民政府", region_id=code, kind=Organisation.Kind.GOVERNMENT
    )
    posts = []
    for level, (name, user) in enumerate(zip(names, users.values(), strict=True)):
        person = Person.objects.filter(user=user).first() or Person.objects.create(
            name=f"{name}负责人", region_id=code, user=user, organisation=unit if level == 0 else government
        )
        post = Post.objects.create(name=name, region_id=code, organisation=unit if level == 0 else government)
        post.holders.add(person)
        posts.append(post)
    chain = EscalationChain.objects.create(
        code=chain_code, name=" → ".join(names), region_id=code, program=program
    )
    steps = [
        EscalationStep.objects.create(chain=chain, level=0, title=names[0], post=posts[0]),
        EscalationStep.objects.create(
            chain=chain,
            level=1,
            title=names[1],
            post=posts[1],
            window_kind=SlaKind.WORKING_DAYS,
            window_amount=1,
        ),
        EscalationStep.objects.create(
            chain=chain,
            level=2,
            title=names[2],
            post=posts[2],
            window_kind=SlaKind.WORKING_DAYS,
            window_amount=2,
        ),
    ]
    subject = Organisation.objects.create(name=f"{code} 项目企业", region_id=code)
    return SimpleNamespace(
        unit=unit, government=government, posts=posts, chain=chain, steps=steps, subject=subject, users=users
    )


@pytest.fixture
def world(louxing, changning):
    """Posts, chains and subjects in 娄星区 and 常宁市; ``louxing``/``changning`` hold the level-0 posts."""
    lx = _county(
        "431302",
        {"member": louxing, "deputy": _user("lx_deputy", "431302"), "leader": _user("lx_leader", "431302")},
        ("工作专班", "分管领导", "县领导"),
        "lx-parks",
        Program.PARKS,
    )
    cn = _county(
        "430482",
        {
            "member": changning,
            "deputy": _user("cn_secretary", "430482"),
            "leader": _user("cn_instructor", "430482"),
        },
        ("联盟部门", "支部书记", "指导员"),
        "cn-alliance",
        Program.ALLIANCES,
    )
    return SimpleNamespace(lx=lx, cn=cn)
