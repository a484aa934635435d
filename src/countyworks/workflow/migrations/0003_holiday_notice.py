"""The State Council's yearly holiday notice as data (HolidayNotice), and the natural-hours SLA kind."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_default_policies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidayNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="日期")),
                (
                    "kind",
                    models.CharField(
                        choices=[("holiday", "放假"), ("workday", "调休上班")],
                        max_length=8,
                        verbose_name="安排",
                    ),
                ),
                ("name", models.CharField(help_text="如 春节、国庆节", max_length=32, verbose_name="节日")),
                (
                    "document",
                    models.CharField(
                        blank=True,
                        help_text="如 国办发明电〔2025〕7号",
                        max_length=64,
                        verbose_name="通知文号",
                    ),
                ),
            ],
            options={
                "verbose_name": "节假日安排",
                "verbose_name_plural": "节假日安排",
                "ordering": ["day"],
            },
        ),
        migrations.AlterField(
            model_name="escalationstep",
            name="window_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="本级处理时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="historicalescalationstep",
            name="window_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="本级处理时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="historicalslapolicy",
            name="resolution_kind",
            field=models.CharField(
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="办结时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="historicalslapolicy",
            name="response_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="响应时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="historicalticket",
            name="due_provisional",
            field=models.BooleanField(
                default=False,
                help_text="时限越过了节假日数据的年份，按法定节假日和周一至周五估算，待国务院放假通知确定",
                verbose_name="时限待定",
            ),
        ),
        migrations.AlterField(
            model_name="slapolicy",
            name="resolution_kind",
            field=models.CharField(
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="办结时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="slapolicy",
            name="response_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("working_hours", "工作小时"),
                    ("working_days", "工作日"),
                    ("same_working_day", "当日办结（问题不过夜）"),
                    ("natural_hours", "自然小时（全天候）"),
                ],
                max_length=20,
                verbose_name="响应时限计法",
            ),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="due_provisional",
            field=models.BooleanField(
                default=False,
                help_text="时限越过了节假日数据的年份，按法定节假日和周一至周五估算，待国务院放假通知确定",
                verbose_name="时限待定",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalHolidayNotice",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("day", models.DateField(db_index=True, verbose_name="日期")),
                (
                    "kind",
                    models.CharField(
                        choices=[("holiday", "放假"), ("workday", "调休上班")],
                        max_length=8,
                        verbose_name="安排",
                    ),
                ),
                ("name", models.CharField(help_text="如 春节、国庆节", max_length=32, verbose_name="节日")),
                (
                    "document",
                    models.CharField(
                        blank=True,
                        help_text="如 国办发明电〔2025〕7号",
                        max_length=64,
                        verbose_name="通知文号",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 节假日安排",
                "verbose_name_plural": "historical 节假日安排",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
