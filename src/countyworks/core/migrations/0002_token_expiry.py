"""API tokens expire: ``expires_at`` (required). Tokens issued before this migration never expired;
they get the configured lifetime (``API_TOKEN_TTL_DAYS``) from the moment of the upgrade, so no
integration breaks on the day of the upgrade."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="有效期至"),
        ),
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="有效期至"),
        ),
    ]
