"""The round-the-clock alarm policy: a station's alarms are handled at night and on holidays.

Counted in natural (wall-clock) hours; the energy app's alarm tickets use it. A local default
(no official text fixes it), editable as data; ``alarm-4h`` (working hours) is kept for counties
whose alarms wait for office hours.
"""

from decimal import Decimal

from django.db import migrations

POLICY = {
    "code": "alarm-24x7",
    "name": "电站告警（全天候，4 个自然小时）",
    "description": "储能与新能源电站告警全天候值守：1 个自然小时内响应，4 个自然小时内处置，"
    "夜间与节假日照常计时（平台默认值）。",
    "response_kind": "natural_hours",
    "response_amount": Decimal("1"),
    "resolution_kind": "natural_hours",
    "resolution_amount": Decimal("4"),
    "cutoff": None,
}


def forwards(apps, schema_editor):
    OfficeHours = apps.get_model("workflow", "OfficeHours")
    SlaPolicy = apps.get_model("workflow", "SlaPolicy")
    hours = OfficeHours.objects.get(code="hunan-county")
    SlaPolicy.objects.get_or_create(code=POLICY["code"], defaults={**POLICY, "office_hours": hours})


def backwards(apps, schema_editor):
    apps.get_model("workflow", "SlaPolicy").objects.filter(code=POLICY["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_holiday_notice")]

    operations = [migrations.RunPython(forwards, backwards)]
