"""Default office hours and SLA policies: local defaults (no official text fixes them), editable as data."""

from datetime import time
from decimal import Decimal

from django.db import migrations

OFFICE_HOURS = {
    "code": "hunan-county",
    "name": "湖南县级机关作息（默认 08:30–12:00、14:30–17:30）",
    "morning_start": time(8, 30),
    "morning_end": time(12, 0),
    "afternoon_start": time(14, 30),
    "afternoon_end": time(17, 30),
}

POLICIES = [
    {
        "code": "overnight",
        "name": "问题不过夜（当日办结）",
        "description": "娄星区项目工作专班“问题不过夜”：16:00 前提出的问题当个工作日下班前办结，"
        "16:00 后提出的次个工作日下班前办结；2 个工作小时内响应。截止时间与响应时限为平台默认值，可按县修改。",
        "response_kind": "working_hours",
        "response_amount": Decimal("2"),
        "resolution_kind": "same_working_day",
        "resolution_amount": None,
        "cutoff": time(16, 0),
    },
    {
        "code": "service-3d",
        "name": "联盟服务请求（3 个工作日）",
        "description": "产业联盟技术服务、品牌销售等部门受理成员服务请求：4 个工作小时内响应，3 个工作日内办结（平台默认值）。",
        "response_kind": "working_hours",
        "response_amount": Decimal("4"),
        "resolution_kind": "working_days",
        "resolution_amount": Decimal("3"),
        "cutoff": None,
    },
    {
        "code": "alarm-4h",
        "name": "电站告警（4 个工作小时）",
        "description": "储能与新能源电站告警：1 个工作小时内响应，4 个工作小时内处置（平台默认值）。",
        "response_kind": "working_hours",
        "response_amount": Decimal("1"),
        "resolution_kind": "working_hours",
        "resolution_amount": Decimal("4"),
        "cutoff": None,
    },
    {
        "code": "bottleneck-10d",
        "name": "一企一策发展瓶颈（10 个工作日）",
        "description": "科技部门“一企一策”精准指导企业技术需求或发展瓶颈：2 个工作日内响应，10 个工作日内给出办理结果（平台默认值）。",
        "response_kind": "working_days",
        "response_amount": Decimal("2"),
        "resolution_kind": "working_days",
        "resolution_amount": Decimal("10"),
        "cutoff": None,
    },
    {
        "code": "meeting-action",
        "name": "调度会交办事项",
        "description": "调度会纪要交办事项：完成时限以纪要为准；未写时限的按 5 个工作日（平台默认值）。",
        "response_kind": "",
        "response_amount": None,
        "resolution_kind": "working_days",
        "resolution_amount": Decimal("5"),
        "cutoff": None,
    },
]


def forwards(apps, schema_editor):
    OfficeHours = apps.get_model("workflow", "OfficeHours")
    SlaPolicy = apps.get_model("workflow", "SlaPolicy")
    hours, _created = OfficeHours.objects.get_or_create(code=OFFICE_HOURS["code"], defaults=OFFICE_HOURS)
    for policy in POLICIES:
        SlaPolicy.objects.get_or_create(code=policy["code"], defaults={**policy, "office_hours": hours})


def backwards(apps, schema_editor):
    apps.get_model("workflow", "SlaPolicy").objects.filter(code__in=[p["code"] for p in POLICIES]).delete()
    apps.get_model("workflow", "OfficeHours").objects.filter(code=OFFICE_HOURS["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
