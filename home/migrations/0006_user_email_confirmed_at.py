# Users learn when their address was confirmed. Existing accounts that are active, or
# that have ever signed in, count as confirmed (from when they last signed in, else
# when they joined); an inactive account that never signed in is a sign-up still
# awaiting confirmation and stays empty.

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce


def mark_existing_confirmed(apps, schema_editor):
    User = apps.get_model("home", "User")
    User.objects.filter(Q(is_active=True) | Q(last_login__isnull=False)).update(
        email_confirmed_at=Coalesce(F("last_login"), F("date_joined"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_organisationinvitation_from_challenges"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="email confirmed at"
            ),
        ),
        migrations.RunPython(mark_existing_confirmed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="email confirmed at",
            ),
        ),
    ]
