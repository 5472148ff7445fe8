"""The Organisations admin saves through the organisation services, as the start-up's
profile form does: the same rules either way, and a delete is refused while anything
refers to the organisation. Posted to the real admin URLs as a signed-in user."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from home import roles
from home.models import Organisation, OrganisationInvitation
from tests.factories.challenges import (
    BusinessFactory,
    UserFactory,
    member_of,
    programme_lead,
)
from tests.factories.pilots import PilotFactory, ProposalFactory, PublicBodyFactory

pytestmark = pytest.mark.django_db


def _add_url() -> str:
    return reverse("organisations:add")


def _form(**changes) -> dict:
    data = {
        "name": "Dudley Council",
        "slug": "dudley-council",
        "org_type": Organisation.Type.COUNCIL,
        "org_id": "",
        "companies_house_number": "",
        "website": "",
        "local_authority_area": "dudley",
        "size": "",
        "description": "",
        "logo": "",
    }
    data.update(changes)
    return data


def _form_of(organisation: Organisation, **changes) -> dict:
    data = _form(
        name=organisation.name,
        slug=organisation.slug,
        org_type=organisation.org_type,
        org_id=organisation.org_id,
        companies_house_number=organisation.companies_house_number,
        website=organisation.website,
        local_authority_area=organisation.local_authority_area,
        size=organisation.size,
        description=organisation.description,
    )
    data.update(changes)
    return data


def _refused(response) -> bool:
    """Wagtail's answer to a staff user without the permission: back to the admin's
    dashboard, with "Sorry, you do not have permission to access this area."."""
    return response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_home"
    )


@pytest.fixture
def lead(client):
    user = programme_lead(email="lead-admin@impactlab.example")
    client.force_login(user)
    return user


class OrganisationAdminCreateTests:
    def test_a_lead_adds_an_organisation_without_joining_it(self, client, lead):
        response = client.post(_add_url(), _form())
        assert response.status_code == 302, response.content.decode()[:2000]
        organisation = Organisation.objects.get(slug="dudley-council")
        assert organisation.org_type == Organisation.Type.COUNCIL
        assert not organisation.memberships.exists()
        assert ModelLogEntry.objects.filter(
            object_id=str(organisation.pk), action="wagtail.create", user=lead
        ).exists()

    def test_the_profile_forms_rules_hold(self, client, lead):
        response = client.post(
            _add_url(),
            _form(
                name="HomeSense Ltd",
                slug="homesense",
                org_type=Organisation.Type.BUSINESS,
                companies_house_number="SC123456",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        organisation = Organisation.objects.get(slug="homesense")
        assert organisation.companies_house_number == "SC123456"
        assert organisation.org_id == "GB-COH-SC123456"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"name": ""}, "name"),
            ({"slug": "taken"}, "slug"),
            ({"companies_house_number": "123"}, "companies_house_number"),
            ({"org_id": "GB-COH-00000001"}, "org_id"),
        ],
    )
    def test_refused_input_saves_nothing(self, client, lead, changes, field):
        BusinessFactory(slug="taken", org_id="GB-COH-00000001")
        before = Organisation.objects.count()
        response = client.post(_add_url(), _form(**changes))
        assert response.status_code == 200
        assert "error-message" in response.content.decode()
        assert field in response.context["form"].errors or (
            response.context["form"].non_field_errors()
        )
        assert Organisation.objects.count() == before

    def test_without_the_permission_nothing_is_created(self, client):
        editor = UserFactory(email="editor-test@impactlab.example")
        editor.groups.add(Group.objects.get(name=roles.EDITORS))
        client.force_login(editor)
        response = client.post(_add_url(), _form())
        assert _refused(response)
        assert not Organisation.objects.filter(slug="dudley-council").exists()

    def test_a_start_up_account_never_reaches_the_screen(self, client):
        client.force_login(member_of(BusinessFactory()))
        response = client.post(_add_url(), _form())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
        assert not Organisation.objects.filter(slug="dudley-council").exists()


class OrganisationAdminEditTests:
    def test_a_lead_changes_an_organisation(self, client, lead):
        organisation = PublicBodyFactory(name="Old Name", org_id="GB-LAE-DUD")
        response = client.post(
            reverse("organisations:edit", args=[organisation.pk]),
            _form_of(organisation, name="Dudley Metropolitan Borough Council"),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        organisation.refresh_from_db()
        assert organisation.name == "Dudley Metropolitan Borough Council"
        assert organisation.org_id == "GB-LAE-DUD"

    def test_a_slug_another_organisation_has_is_refused(self, client, lead):
        BusinessFactory(slug="taken")
        organisation = PublicBodyFactory(slug="mine")
        response = client.post(
            reverse("organisations:edit", args=[organisation.pk]),
            _form_of(organisation, slug="taken"),
        )
        assert response.status_code == 200
        assert "slug" in response.context["form"].errors
        organisation.refresh_from_db()
        assert organisation.slug == "mine"

    def test_without_the_permission_nothing_changes(self, client):
        organisation = PublicBodyFactory(name="Kept")
        assessor = UserFactory(email="assessor-test@impactlab.example")
        assessor.groups.add(Group.objects.get(name=roles.ASSESSORS))
        client.force_login(assessor)
        response = client.post(
            reverse("organisations:edit", args=[organisation.pk]),
            _form_of(organisation, name="Changed"),
        )
        assert _refused(response)
        organisation.refresh_from_db()
        assert organisation.name == "Kept"


class OrganisationAdminDeleteTests:
    def _delete(self, client, organisation):
        return client.post(reverse("organisations:delete", args=[organisation.pk]))

    def test_an_unused_organisation_goes_with_its_invitations(self, client, lead):
        organisation = BusinessFactory()
        OrganisationInvitation.objects.create(
            organisation=organisation, email="new@startup.example"
        )
        response = self._delete(client, organisation)
        assert response.status_code == 302
        assert response["Location"] == reverse("organisations:index")
        assert not Organisation.objects.filter(pk=organisation.pk).exists()
        assert not OrganisationInvitation.objects.exists()
        assert ModelLogEntry.objects.filter(
            object_id=str(organisation.pk), action="wagtail.delete", user=lead
        ).exists()

    @pytest.mark.parametrize(
        ("make_use", "named"),
        [
            (lambda o: member_of(o), "1 organisation membership"),
            (lambda o: ProposalFactory(lead_organisation=o), "1 pilot proposal"),
            (lambda o: PilotFactory(lead_organisation=o), "1 pilot"),
        ],
    )
    def test_refused_while_anything_refers_to_it(self, client, lead, make_use, named):
        organisation = PublicBodyFactory(name="Busy Council")
        make_use(organisation)
        response = self._delete(client, organisation)
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "organisations:edit", args=[organisation.pk]
        )
        assert Organisation.objects.filter(pk=organisation.pk).exists()
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        assert shown == [f"Busy Council cannot be deleted while it has {named}"]

    def test_without_the_permission_nothing_is_deleted(self, client):
        organisation = BusinessFactory()
        editor = UserFactory(email="editor-del@impactlab.example")
        editor.groups.add(Group.objects.get(name=roles.EDITORS))
        client.force_login(editor)
        assert _refused(self._delete(client, organisation))
        assert Organisation.objects.filter(pk=organisation.pk).exists()
