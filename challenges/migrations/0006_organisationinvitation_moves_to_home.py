# OrganisationInvitation moves to home (home.0005_organisationinvitation_from_challenges).
# State only: the table, challenges_organisationinvitation, and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('challenges', '0005_remove_challengepage_judging_state'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='OrganisationInvitation'),
            ],
            database_operations=[],
        ),
    ]
