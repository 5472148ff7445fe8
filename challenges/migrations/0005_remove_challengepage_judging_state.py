from django.db import migrations, models


class Migration(migrations.Migration):
    """The judging state lives in Judging now (0003, 0004)."""

    dependencies = [
        ("challenges", "0004_judging_state_from_pages"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="challengepage",
            name="judging_state",
        ),
    ]
