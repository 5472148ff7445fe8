"""The audit log: sensitive actions are recorded in Wagtail's log, programme
leads can read it (Reports → Site history) and nobody can change it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.log_actions import LogContext
from wagtail.models import ModelLogEntry, PageLogEntry

from challenges.models import Entry
from home import roles
from home.models import User
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
)
from tests.factories.pilots import ContactFactory

pytestmark = pytest.mark.django_db

SITE_HISTORY = "wagtailadmin_reports:site_history"


@pytest.fixture
def lead(demo_site, login):
    return login("lead@impactlab.example")


@pytest.fixture
def challenge(demo_site):
    index = ChallengeIndexPageFactory(parent=demo_site)
    index.save_revision().publish()
    return challenge_with_criteria(index, title="Damp and mould", slug="damp")


def _site_history(client) -> str:
    response = client.get(reverse(SITE_HISTORY))
    assert response.status_code == 200
    return response.content.decode()


class WhoCanReadItTests:
    def test_a_programme_lead_opens_the_site_history(self, client, lead):
        assert client.get(reverse(SITE_HISTORY)).status_code == 200

    @pytest.mark.parametrize(
        "email", ["founder@brightpath.example", "officer@sandwell.example"]
    )
    def test_front_end_accounts_are_kept_out(self, client, demo_site, login, email):
        login(email)
        response = client.get(reverse(SITE_HISTORY))
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/admin/login/" in response["Location"]

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, demo_site):
        response = client.get(reverse(SITE_HISTORY))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class NobodyCanChangeItTests:
    def _all_routes(self, resolver=None, prefix=""):
        resolver = resolver or get_resolver()
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from self._all_routes(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or ""

    def test_no_route_edits_or_deletes_a_log_entry(self):
        routes = list(self._all_routes())
        assert any("site-history" in path for path, _ in routes)  # the walk works
        for path, name in routes:
            text = f"{path} {name}".lower()
            if re.search(r"(log.?entr|site.?history|audit)", text):
                assert not re.search(r"(edit|delete|remove|update|change)", text), text

    def test_posting_to_the_report_changes_nothing(self, client, lead, challenge):
        before = list(PageLogEntry.objects.values_list("pk", "action"))
        for method in (client.post, client.delete, client.put):
            response = method(reverse(SITE_HISTORY))
            assert response.status_code in (403, 405)
        assert list(PageLogEntry.objects.values_list("pk", "action")) == before

    def test_no_role_holds_a_permission_on_log_entries(self, demo_site):
        for group in Group.objects.filter(name__in=roles.MODEL_PERMISSIONS):
            assert not group.permissions.filter(
                content_type__model__in=["modellogentry", "pagelogentry"]
            ).exists()


class SensitiveActionsAreLoggedTests:
    def test_entries_csv_export_is_logged_on_the_challenge(
        self, client, lead, challenge
    ):
        for i in range(3):
            Entry.objects.create(
                challenge=challenge,
                organisation=BusinessFactory(),
                title=f"Entry {i}",
                status=Entry.Status.SUBMITTED,
            )
        response = client.get(reverse("challenge-entries:index") + "?export=csv")
        assert response.status_code == 200
        b"".join(response.streaming_content)
        entry = PageLogEntry.objects.get(action="challenges.entries.export")
        assert entry.page_id == challenge.pk
        assert entry.user_id == lead.pk
        assert entry.data["rows"] == 3
        assert entry.data["format"] == "csv"
        assert "Export entries" in _site_history(client)

    def test_contact_export_and_erasure_are_logged(self, client, lead, demo_site):
        contact = ContactFactory(name="Priya Quartermaine")
        response = client.get(reverse("pilots_contact:export", args=[contact.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        client.post(reverse("pilots_contact:erase", args=[contact.pk]))
        actions = list(
            ModelLogEntry.objects.for_instance(contact)
            .order_by("timestamp", "pk")
            .values_list("action", "user_id")
        )
        assert ("pilots.contact.export", lead.pk) in actions
        assert actions[-1] == ("pilots.contact.erase", lead.pk)
        history = _site_history(client)
        assert "Export contact&#x27;s personal data" in history
        assert "Erase contact" in history

    def test_role_changes_in_the_user_editor_are_logged_with_before_and_after(
        self, client, demo_site, login
    ):
        admin = login("admin@impactlab.example")
        editor = User.objects.get(email="editor@impactlab.example")
        leads = Group.objects.get(name=roles.PROGRAMME_LEADS)
        editors = Group.objects.get(name=roles.EDITORS)
        response = client.post(
            reverse("wagtailusers_users:edit", args=[editor.pk]),
            {
                "username": editor.username,
                "email": editor.email,
                "first_name": editor.first_name,
                "last_name": editor.last_name,
                "is_active": "on",
                "groups": [leads.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        entries = ModelLogEntry.objects.for_instance(editor).filter(
            action="home.user.groups_change", user=admin
        )
        added = entries.get(data__added__isnull=False)
        removed = entries.get(data__removed__isnull=False)
        assert added.data["added"] == [roles.PROGRAMME_LEADS]
        assert removed.data["removed"] == [roles.EDITORS]
        assert editors.user_set.filter(pk=editor.pk).exists() is False
        # A programme lead reads it in the site history.
        login("lead@impactlab.example")
        assert "Change roles" in _site_history(client)

    def test_becoming_a_superuser_is_logged(self, demo_site):
        editor = User.objects.get(email="editor@impactlab.example")
        admin = User.objects.get(email="admin@impactlab.example")
        with LogContext(user=admin):
            editor.is_superuser = True
            editor.save()
        entry = ModelLogEntry.objects.for_instance(editor).get(
            action="home.user.access_change"
        )
        assert entry.data == {
            "before": {"is_superuser": False},
            "after": {"is_superuser": True},
        }
        assert entry.user_id == admin.pk

    def test_confirming_an_email_address_is_not_an_access_change(self, db):
        user = User.objects.create(
            username="new@x.example", email="new@x.example", is_active=False
        )
        user.is_active = True
        user.save(update_fields=["is_active"])
        assert not ModelLogEntry.objects.filter(action="home.user.access_change")

    def test_role_permission_changes_by_a_person_are_logged(self, demo_site):
        admin = User.objects.get(email="admin@impactlab.example")
        editors = Group.objects.get(name=roles.EDITORS)
        permission = Permission.objects.get(codename="delete_image")
        with LogContext(user=admin):
            editors.permissions.add(permission)
        entry = ModelLogEntry.objects.for_instance(editors).get(
            action="home.group.permissions_change"
        )
        assert entry.data == {"added": ["wagtailimages.delete_image"]}
        assert entry.user_id == admin.pk

    def test_the_role_sync_after_migrate_is_not_logged(self, demo_site):
        from home.services import roles_sync

        Group.objects.get(name=roles.EDITORS).permissions.clear()
        roles_sync()
        assert not ModelLogEntry.objects.filter(action="home.group.permissions_change")
