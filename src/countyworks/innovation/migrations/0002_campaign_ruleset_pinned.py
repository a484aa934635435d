"""Pin every campaign not yet pinned to the rule-set version in force at the end of its year.

Campaigns used to take the latest version until the evaluation stamped ``ruleset_effective``;
now :func:`countyworks.innovation.services.campaign_create` pins it at creation.  Campaigns
already evaluated keep the version they were evaluated with; the others (draft, uploaded,
failed) are pinned as a new campaign of their year would be.  A year with no version in force
is left unpinned: ``EvaluationCampaign.ruleset()`` then refuses it.
"""

from datetime import date

from django.db import migrations


def pin(apps, schema_editor):
    from countyworks.rules.registry import UnknownRuleSet, ruleset_in_force

    Campaign = apps.get_model("innovation", "EvaluationCampaign")
    for campaign in Campaign.objects.filter(ruleset_effective__isnull=True):
        try:
            ruleset = ruleset_in_force(campaign.ruleset_code, date(campaign.year, 12, 31))
        except UnknownRuleSet:
            continue
        campaign.ruleset_code = ruleset.code
        campaign.ruleset_version = f"{ruleset.code} ({ruleset.document}, {ruleset.effective:%Y-%m-%d})"
        campaign.ruleset_effective = ruleset.effective
        campaign.save(update_fields=["ruleset_code", "ruleset_version", "ruleset_effective"])


class Migration(migrations.Migration):
    dependencies = [("innovation", "0001_initial")]

    operations = [migrations.RunPython(pin, migrations.RunPython.noop)]
