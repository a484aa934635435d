"""Campaigns say whether they complete their year; campaigns confirmed before this field existed
were headlined as complete years, so they are marked as closing their year."""

from django.db import migrations, models


def confirmed_closed_their_year(apps, schema_editor):
    Campaign = apps.get_model("innovation", "EvaluationCampaign")
    Campaign.objects.filter(status="confirmed").update(closes_year=True)


class Migration(migrations.Migration):
    dependencies = [
        ("innovation", "0002_campaign_ruleset_pinned"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluationcampaign",
            name="closes_year",
            field=models.BooleanField(default=False, verbose_name="年度评价已完成"),
        ),
        migrations.AddField(
            model_name="historicalevaluationcampaign",
            name="closes_year",
            field=models.BooleanField(default=False, verbose_name="年度评价已完成"),
        ),
        migrations.RunPython(confirmed_closed_their_year, migrations.RunPython.noop),
    ]
