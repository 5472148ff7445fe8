from django.db import migrations, models


class Migration(migrations.Migration):
    """Judging gets its own state field; 0004 copies the pages' values into it and
    0005 removes the page field, so the state is no longer page content."""

    dependencies = [
        ("challenges", "0002_judging"),
    ]

    operations = [
        migrations.AddField(
            model_name="judging",
            name="state",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "Judging in progress"),
                    ("awarded", "Winners announced"),
                ],
                default="not_started",
                max_length=20,
            ),
        ),
    ]
