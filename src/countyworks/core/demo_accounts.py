"""The demo accounts (demo mode only): listed on the login page and in the README.

``countyworks serve`` refuses to start while any of them still has :data:`DEMO_PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

DEMO_PASSWORD = "countyworks-demo"  # noqa: S105 - published demo credential, refused by `serve`


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str | None  # official division code; None = nationwide
    program: str
    label: str  # Chinese; marked with gettext_noop, translated where shown (login page)
    name: str  # the invented person's full name, shown in the header and on tickets (family name first)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "admin", None, "", gettext_noop("系统管理员 · 全国"), "周立新"),
    DemoAccount("hunan", "leader", "430000", "", gettext_noop("省级领导 · 湖南省（只读）"), "刘卫东"),
    DemoAccount("changning", "officer", "430482", "", gettext_noop("项目主管 · 常宁市"), "谭志刚"),
    DemoAccount("zhangjiajie", "officer", "430800", "", gettext_noop("项目主管 · 张家界市"), "向红梅"),
    DemoAccount("yuanjiang", "officer", "430981", "", gettext_noop("项目主管 · 沅江市"), "曹建华"),
    DemoAccount("louxing", "officer", "431302", "", gettext_noop("项目主管 · 娄底市娄星区"), "李国平"),
    DemoAccount("shaoyang", "officer", "430523", "", gettext_noop("项目主管 · 邵阳县"), "陈晓燕"),
    DemoAccount(
        "auditor", "auditor", "430000", "", gettext_noop("审计员 · 湖南省（只读 + 审计记录）"), "彭淑芬"
    ),
)
