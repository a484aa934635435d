"""Corrections of readings: the sampling period kept with each reading (rollups are rebuilt from raw
data), and the superseded values of corrected readings (``energy_measurementversion``).

On PostgreSQL the column is added to the partitioned ``energy_measurement`` and so to every partition.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("energy", "0002_measurement_partitions"),
    ]

    operations = [
        migrations.AddField(
            model_name="measurement",
            name="period_s",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.CreateModel(
            name="MeasurementVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ts", models.DateTimeField()),
                ("value", models.FloatField(verbose_name="原值")),
                ("period_s", models.PositiveIntegerField(null=True)),
                ("superseded_at", models.DateTimeField(verbose_name="被更正时间")),
                (
                    "point",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="energy.point",
                    ),
                ),
            ],
            options={
                "verbose_name": "测量值更正记录",
                "verbose_name_plural": "测量值更正记录",
                "indexes": [models.Index(fields=["point", "ts"], name="energy_measver_point_ts")],
            },
        ),
    ]
