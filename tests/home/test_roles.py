import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from home import roles
from home.services import roles_sync


@pytest.mark.django_db
class RolesTests:
    def test_groups_exist_after_migrate(self):
        names = set(Group.objects.values_list("name", flat=True))
        assert {roles.PROGRAMME_LEADS, roles.ASSESSORS, roles.EDITORS} <= names

    def test_sync_is_idempotent_and_removes_stray_permissions(self):
        from django.contrib.auth.models import Permission

        editors = Group.objects.get(name=roles.EDITORS)
        stray = Permission.objects.get(codename="delete_image")
        editors.permissions.add(stray)
        before = editors.permissions.count()
        roles_sync()
        roles_sync()
        assert editors.permissions.count() == before - 1
        assert not editors.permissions.filter(pk=stray.pk).exists()

    def test_each_app_adds_its_own_permissions_to_the_roles(self):
        roles_sync()
        leads = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(
                name=roles.PROGRAMME_LEADS
            ).permissions.values_list("content_type__app_label", "codename")
        }
        # Registered by challenges and pilots through `register_role_permissions`.
        assert {"challenges.view_entry", "pilots.change_pilot"} <= leads
        # Decisions go through the judging screens; imports are only read.
        assert "challenges.change_entry" not in leads
        assert "pilots.delete_importjob" not in leads
        assert "pilots.view_importjob" in leads
        assert set(roles.model_permissions()[roles.PROGRAMME_LEADS]) == leads

    def test_programme_lead_can_publish_and_editor_cannot(self, demo_site):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        lead = User.objects.get(email="lead@impactlab.example")
        editor = User.objects.get(email="editor@impactlab.example")
        page = Page.objects.get(slug="about")
        assert page.permissions_for_user(lead).can_publish()
        assert page.permissions_for_user(editor).can_edit()
        assert not page.permissions_for_user(editor).can_publish()


@pytest.mark.django_db
class AdminAccessTests:
    """From the outside: who the Wagtail admin lets in."""

    @pytest.mark.parametrize(
        "email",
        [
            "lead@impactlab.example",
            "editor@impactlab.example",
            "assessor@impactlab.example",
        ],
    )
    def test_staff_roles_reach_the_admin(self, client, demo_site, login, email):
        login(email)
        assert client.get("/admin/").status_code == 200

    @pytest.mark.parametrize(
        "email", ["founder@brightpath.example", "officer@sandwell.example"]
    )
    def test_front_end_accounts_are_kept_out(self, client, demo_site, login, email):
        login(email)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_signed_out_visitor_is_sent_to_sign_in(self, client, demo_site):
        response = client.get("/admin/pages/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_programme_lead_signs_in_with_the_printed_password(self, client, demo_site):
        from home.demo_content import DEMO_PASSWORD

        response = client.post(
            "/admin/login/",
            {"username": "lead@impactlab.example", "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_assessor_cannot_edit_pages(self, client, demo_site, login):
        login("assessor@impactlab.example")
        about = Page.objects.get(slug="about")
        assert client.get(f"/admin/pages/{about.pk}/edit/").status_code in (302, 403)
