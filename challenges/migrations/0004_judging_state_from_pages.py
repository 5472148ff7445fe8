"""Copy each challenge's judging state from its page's live row into its Judging row.

A challenge whose state is not "not started" gets a Judging row if it has none (with
the model's defaults); one still "not started" needs none, since no row reads as not
started. The page revisions keep their old "judging_state" key: Wagtail ignores keys
that are no longer fields, so they are left as they were.

Reversible: going back copies Judging.state onto the page field that 0005's reversal
puts back; the Judging rows made here stay (they hold only defaults and the state).
"""

from django.db import migrations

NOT_STARTED = "not_started"


def pages_to_judging(apps, schema_editor):
    ChallengePage = apps.get_model("challenges", "ChallengePage")
    Judging = apps.get_model("challenges", "Judging")
    using = schema_editor.connection.alias
    states = (
        ChallengePage.objects.using(using)
        .exclude(judging_state=NOT_STARTED)
        .values_list("pk", "judging_state")
    )
    for page_id, state in states:
        updated = (
            Judging.objects.using(using)
            .filter(challenge_id=page_id)
            .update(state=state)
        )
        if not updated:
            Judging.objects.using(using).create(challenge_id=page_id, state=state)


def judging_to_pages(apps, schema_editor):
    ChallengePage = apps.get_model("challenges", "ChallengePage")
    Judging = apps.get_model("challenges", "Judging")
    using = schema_editor.connection.alias
    rows = (
        Judging.objects.using(using)
        .exclude(state=NOT_STARTED)
        .values_list("challenge_id", "state")
    )
    for page_id, state in rows:
        ChallengePage.objects.using(using).filter(pk=page_id).update(
            judging_state=state
        )


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0003_judging_state"),
    ]

    operations = [
        migrations.RunPython(pages_to_judging, judging_to_pages, elidable=False),
    ]
