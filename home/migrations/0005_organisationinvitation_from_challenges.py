# OrganisationInvitation comes from challenges (challenges.0006_organisationinvitation_
# moves_to_home). State only: the model keeps its table, challenges_organisationinvitation,
# with every row. Its content type follows it, so its permissions and the log entries
# about invitations keep pointing at it.

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_home(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if ContentType.objects.filter(app_label='home', model='organisationinvitation').exists():
        return
    ContentType.objects.filter(
        app_label='challenges', model='organisationinvitation'
    ).update(app_label='home')


def content_type_to_challenges(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if ContentType.objects.filter(
        app_label='challenges', model='organisationinvitation'
    ).exists():
        return
    ContentType.objects.filter(app_label='home', model='organisationinvitation').update(
        app_label='challenges'
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('home', '0004_jobs_and_notifications'),
        ('challenges', '0006_organisationinvitation_moves_to_home'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OrganisationInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254)),
                        ('token', models.CharField(default=secrets.token_urlsafe, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='home.organisation')),
                    ],
                    options={
                        'db_table': 'challenges_organisationinvitation',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_home, content_type_to_challenges),
    ]
