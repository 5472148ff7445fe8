"""The admin is one more door to the pilot, metric and contact services: its create,
edit and delete screens save through them, so their rules hold there too (posted to the
real admin URLs as a programme lead, and as staff without the rights), and the
measurement imports are listed and inspected only."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from home import roles
from pilots.models import Contact, ImportJob, Metric, Pilot
from tests.factories.pilots import (
    ContactFactory,
    MeasurementFactory,
    MetricFactory,
    PilotFactory,
    PilotUserFactory,
    PublicBodyFactory,
    programme_lead,
)
from tests.factories.publishing import PartnerPageFactory, indexes, publish
from tests.home.programme import case_study, case_study_index

pytestmark = pytest.mark.django_db
S = Pilot.Status


@pytest.fixture
def lead(client):
    user = programme_lead(email="priya@impactlab.example")
    client.force_login(user)
    return user


@pytest.fixture
def staff_without_rights(client):
    """Staff who may open the admin but hold no pilots permission."""
    user = PilotUserFactory(email="editor@impactlab.example")
    group, _ = Group.objects.get_or_create(name=roles.EDITORS)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    user.groups.add(group)
    client.force_login(user)
    return user


@pytest.fixture
def staff_with_model_rights(client):
    """Staff given the pilots model permissions directly but who are not programme
    leads nor any pilot's lead: Wagtail lets them in, the services turn them away."""
    user = PilotUserFactory(email="intern@impactlab.example")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="pilots",
            codename__in=[
                f"{action}_{model}"
                for action in ("add", "change", "delete", "view")
                for model in ("pilot", "metric", "contact")
            ],
        ),
    )
    client.force_login(user)
    return user


def _form_data(client, url: str, **changes) -> dict:
    """What a browser would send back from the admin form at `url` unchanged, with
    `changes` applied (a value of None drops the field, as an unticked checkbox)."""
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    form = next(
        f for f in soup.find_all("form") if f.get("method", "").lower() == "post"
    )
    data: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "select":
            chosen = [
                o.get("value", "") for o in field.find_all("option", selected=True)
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _field_errors(response, name: str) -> str:
    """The error text Wagtail shows beside one field of the form."""
    soup = BeautifulSoup(response.content, "html.parser")
    wrapper = soup.find(attrs={"data-field-wrapper": True, "id": f"panel-child-{name}"})
    if wrapper is None:
        field = soup.find(attrs={"name": name})
        assert field is not None, f"no field {name}"
        wrapper = field.find_parent(attrs={"data-field-wrapper": True})
    return " ".join(
        e.get_text(" ", strip=True) for e in wrapper.select(".error-message")
    )


def _actions(obj) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(obj)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def _text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def _follow_messages(client, response) -> str:
    assert response.status_code == 302
    return _text(client.get(response["Location"]))


class PilotDoorTests:
    def test_a_lead_creates_a_pilot_in_set_up_through_the_service(self, client, lead):
        council = PublicBodyFactory(name="Dudley Council")
        url = reverse("pilots_pilot:add")
        data = _form_data(
            client,
            url,
            title="Warm homes checks",
            summary="Home visits before winter.",
            lead_organisation=str(council.pk),
            approved_budget="50000",
            spend_to_date="0",
            start_date="2026-01-05",
            planned_end_date="2026-12-31",
            themes="Housing, Prevention",
        )
        data.update(
            {
                "partners-TOTAL_FORMS": "1",
                "partners-0-organisation": str(PublicBodyFactory().pk),
                "partners-0-role": "pilot-site",
                "partners-0-ORDER": "1",
            }
        )
        response = client.post(url, data)
        assert response.status_code == 302, _text(response)[:1500]
        pilot = Pilot.objects.get(title="Warm homes checks")
        assert pilot.status == S.SETTING_UP
        assert pilot.lead_organisation == council
        assert sorted(pilot.themes.names()) == ["Housing", "Prevention"]
        assert pilot.partners.get().role == "pilot-site"
        assert _actions(pilot) == ["wagtail.create"]

    def test_an_edit_saves_through_the_service_and_is_logged(self, client, lead):
        pilot = PilotFactory(title="Fire checks")
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        response = client.post(
            url, _form_data(client, url, title="Targeted fire checks")
        )
        assert response.status_code == 302, _text(response)[:1500]
        pilot.refresh_from_db()
        assert pilot.title == "Targeted fire checks"
        entry = ModelLogEntry.objects.for_instance(pilot).get()
        assert entry.action == "wagtail.edit"
        assert entry.data["changed"] == ["title"]
        assert entry.user == lead

    def test_the_status_is_not_on_the_form(self, client, lead):
        pilot = PilotFactory(status=S.RUNNING)
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        data = _form_data(client, url, status=S.COMPLETED)
        assert client.post(url, data).status_code == 302
        pilot.refresh_from_db()
        assert pilot.status == S.RUNNING

    def test_an_end_before_the_start_is_refused_beside_the_field(self, client, lead):
        pilot = PilotFactory(
            start_date=datetime.date(2025, 6, 1),
            planned_end_date=datetime.date(2026, 6, 1),
        )
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        response = client.post(
            url, _form_data(client, url, planned_end_date="2025-01-31")
        )
        assert response.status_code == 200
        assert "after the start" in _field_errors(response, "planned_end_date")
        pilot.refresh_from_db()
        assert pilot.planned_end_date == datetime.date(2026, 6, 1)

    def test_an_actual_end_for_a_running_pilot_is_refused_beside_the_field(
        self, client, lead
    ):
        pilot = PilotFactory(status=S.RUNNING, actual_end_date=None)
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        response = client.post(
            url, _form_data(client, url, actual_end_date="2025-06-30")
        )
        assert response.status_code == 200
        assert "no actual end date" in _field_errors(response, "actual_end_date")
        pilot.refresh_from_db()
        assert pilot.actual_end_date is None
        assert _actions(pilot) == []

    def test_an_ended_pilot_may_not_end_before_it_started(self, client, lead):
        pilot = PilotFactory(
            status=S.COMPLETED,
            start_date=datetime.date(2025, 1, 1),
            actual_end_date=datetime.date(2025, 12, 31),
        )
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        response = client.post(
            url, _form_data(client, url, actual_end_date="2024-12-31")
        )
        assert response.status_code == 200
        assert "after the start" in _field_errors(response, "actual_end_date")
        pilot.refresh_from_db()
        assert pilot.actual_end_date == datetime.date(2025, 12, 31)

    def test_a_pilot_with_measurements_is_not_deleted(self, client, lead):
        measurement = MeasurementFactory()
        pilot = measurement.metric.pilot
        url = reverse("pilots_pilot:delete", args=[pilot.pk])
        assert client.get(url).status_code == 200
        text = _follow_messages(client, client.post(url))
        assert "Stop the pilot instead" in text
        assert Pilot.objects.filter(pk=pilot.pk).exists()
        assert Metric.objects.filter(pk=measurement.metric_id).exists()

    def test_a_pilot_with_a_published_case_study_is_not_deleted(
        self, client, lead, demo_site
    ):
        pilot = PilotFactory()
        case_study(case_study_index(demo_site), pilot, title="What worked")
        response = client.post(reverse("pilots_pilot:delete", args=[pilot.pk]))
        assert "published case study" in _follow_messages(client, response)
        assert Pilot.objects.filter(pk=pilot.pk).exists()

    def test_a_pilot_entered_by_mistake_is_deleted_and_logged(self, client, lead):
        pilot = PilotFactory()
        MetricFactory(pilot=pilot)  # no measurements yet
        pk = pilot.pk
        response = client.post(reverse("pilots_pilot:delete", args=[pk]))
        assert response.status_code == 302
        assert not Pilot.objects.filter(pk=pk).exists()
        entry = ModelLogEntry.objects.get(
            content_type__model="pilot", object_id=str(pk)
        )
        assert entry.action == "wagtail.delete"
        assert entry.user == lead

    def test_the_workflow_moves_are_header_buttons_on_the_record(self, client, lead):
        pilot = PilotFactory(status=S.SETTING_UP, start_date=None)
        inspect = client.get(reverse("pilots_pilot:inspect", args=[pilot.pk]))
        start_url = reverse("pilots_pilot:transition", args=[pilot.pk, S.RUNNING])
        assert start_url in inspect.content.decode()
        assert "Start the pilot" in _text(inspect)
        assert (
            reverse("pilots_pilot:transition", args=[pilot.pk, S.COMPLETED])
            not in inspect.content.decode()
        )
        assert client.get(start_url).status_code == 200  # the confirmation
        response = client.post(start_url)
        assert response.status_code == 302
        pilot.refresh_from_db()
        assert pilot.status == S.RUNNING
        assert pilot.start_date is not None
        entry = ModelLogEntry.objects.for_instance(pilot).get()
        assert entry.action == "pilots.pilot.transition"
        assert entry.data == {"from": S.SETTING_UP, "to": S.RUNNING}

    def test_a_move_the_workflow_does_not_allow_is_refused(self, client, lead):
        pilot = PilotFactory(status=S.RUNNING)
        url = reverse("pilots_pilot:transition", args=[pilot.pk, S.COMPLETED])
        text = _follow_messages(client, client.post(url))
        assert "cannot go from running to completed" in text
        pilot.refresh_from_db()
        assert pilot.status == S.RUNNING

    def test_stopping_a_pilot_records_its_end(self, client, lead):
        pilot = PilotFactory(status=S.RUNNING, actual_end_date=None)
        client.post(reverse("pilots_pilot:transition", args=[pilot.pk, S.STOPPED]))
        pilot.refresh_from_db()
        assert pilot.status == S.STOPPED
        assert pilot.actual_end_date is not None

    def test_staff_without_rights_are_turned_away(self, client, staff_without_rights):
        pilot = PilotFactory(title="Fire checks")
        for url in (
            reverse("pilots_pilot:add"),
            reverse("pilots_pilot:edit", args=[pilot.pk]),
            reverse("pilots_pilot:delete", args=[pilot.pk]),
            reverse("pilots_pilot:transition", args=[pilot.pk, S.STOPPED]),
        ):
            # Wagtail answers a permission failure in the admin with a redirect to the
            # admin home page and a message, not a bare 403.
            response = client.post(url, {"title": "Taken over"})
            assert response.status_code == 302, url
            assert response["Location"] == reverse("wagtailadmin_home"), url
        pilot.refresh_from_db()
        assert (pilot.title, pilot.status) == ("Fire checks", S.RUNNING)
        assert Pilot.objects.count() == 1

    def test_staff_with_model_rights_only_are_refused_by_the_service(
        self, client, staff_with_model_rights
    ):
        pilot = PilotFactory(title="Fire checks")
        url = reverse("pilots_pilot:edit", args=[pilot.pk])
        response = client.post(url, _form_data(client, url, title="Taken over"))
        assert response.status_code == 200
        assert "Only the pilot's lead or a programme lead" in _text(response)
        pilot.refresh_from_db()
        assert pilot.title == "Fire checks"
        response = client.post(reverse("pilots_pilot:delete", args=[pilot.pk]))
        assert "Only programme leads delete pilots" in _follow_messages(
            client, response
        )
        assert Pilot.objects.filter(pk=pilot.pk).exists()


class MetricDoorTests:
    def test_a_lead_adds_a_metric_through_the_service(self, client, lead):
        pilot = PilotFactory()
        url = reverse("pilots_metric:add")
        data = _form_data(
            client,
            url,
            pilot=str(pilot.pk),
            name="Accidental dwelling fires",
            definition="Fires in homes not started on purpose.",
            unit="fires",
            ascending=None,  # unticked: lower is better
            baseline_value="40",
            baseline_date="2025-01-01",
            target_value="30",
            target_date="2026-01-01",
            data_source="Incident recording system",
            frequency="monthly",
        )
        response = client.post(url, data)
        assert response.status_code == 302, _text(response)[:1500]
        metric = Metric.objects.get(name="Accidental dwelling fires")
        assert metric.ascending is False
        assert _actions(metric) == ["wagtail.create"]

    def test_a_target_worse_than_the_baseline_is_refused(self, client, lead):
        metric = MetricFactory(ascending=False)
        url = reverse("pilots_metric:edit", args=[metric.pk])
        response = client.post(url, _form_data(client, url, target_value="150"))
        assert response.status_code == 200
        assert "better than the baseline" in _field_errors(response, "target_value")

    def test_the_unit_of_a_measured_metric_cannot_change(self, client, lead):
        metric = MeasurementFactory().metric
        url = reverse("pilots_metric:edit", args=[metric.pk])
        response = client.post(url, _form_data(client, url, unit="incidents"))
        assert response.status_code == 200
        assert "would change what they mean" in _field_errors(response, "unit")
        metric.refresh_from_db()
        assert metric.unit == "calls"
        assert _actions(metric) == []

    @pytest.mark.parametrize(
        "changes, field",
        # Turning "higher is better" on needs a target above the baseline, or the
        # form's own check refuses it first.
        [
            ({"ascending": "on", "target_value": "150"}, "ascending"),
            ({"frequency": "quarterly"}, "frequency"),
        ],
    )
    def test_the_direction_and_frequency_of_a_measured_metric_cannot_change(
        self, client, lead, changes, field
    ):
        metric = MeasurementFactory().metric
        url = reverse("pilots_metric:edit", args=[metric.pk])
        response = client.post(url, _form_data(client, url, **changes))
        assert response.status_code == 200
        assert "would change what they mean" in _field_errors(response, field)
        metric.refresh_from_db()
        assert (metric.ascending, metric.frequency) == (False, "monthly")

    def test_other_details_of_a_measured_metric_can_change(self, client, lead):
        metric = MeasurementFactory().metric
        url = reverse("pilots_metric:edit", args=[metric.pk])
        response = client.post(
            url, _form_data(client, url, data_source="Police command data, v2")
        )
        assert response.status_code == 302, _text(response)[:1500]
        metric.refresh_from_db()
        assert metric.data_source == "Police command data, v2"
        assert ModelLogEntry.objects.for_instance(metric).get().data["changed"] == [
            "data_source"
        ]

    def test_a_measured_metric_is_not_deleted(self, client, lead):
        metric = MeasurementFactory().metric
        url = reverse("pilots_metric:delete", args=[metric.pk])
        text = _follow_messages(client, client.post(url))
        assert "1 measurement" in text
        assert Metric.objects.filter(pk=metric.pk).exists()
        assert metric.measurements.count() == 1

    def test_an_unmeasured_metric_is_deleted_and_logged(self, client, lead):
        metric = MetricFactory()
        pk = metric.pk
        response = client.post(reverse("pilots_metric:delete", args=[pk]))
        assert response.status_code == 302
        assert not Metric.objects.filter(pk=pk).exists()
        assert ModelLogEntry.objects.filter(
            content_type__model="metric", object_id=str(pk), action="wagtail.delete"
        ).exists()

    def test_staff_without_rights_are_turned_away(self, client, staff_without_rights):
        metric = MetricFactory()
        for url in (
            reverse("pilots_metric:edit", args=[metric.pk]),
            reverse("pilots_metric:delete", args=[metric.pk]),
        ):
            assert client.post(url, {"unit": "incidents"}).status_code == 302
        metric.refresh_from_db()
        assert metric.unit == "calls"

    def test_staff_with_model_rights_only_are_refused_by_the_service(
        self, client, staff_with_model_rights
    ):
        metric = MetricFactory()
        url = reverse("pilots_metric:edit", args=[metric.pk])
        response = client.post(url, _form_data(client, url, unit="incidents"))
        assert response.status_code == 200
        assert "Only the pilot's lead or a programme lead" in _text(response)
        metric.refresh_from_db()
        assert metric.unit == "calls"


class ContactDoorTests:
    def test_a_lead_adds_a_contact_through_the_service(self, client, lead):
        url = reverse("pilots_contact:add")
        data = _form_data(
            client,
            url,
            name="Aisha Khan",
            email="aisha.khan@dudley.example",
            lawful_basis="public-task",
            lawful_basis_recorded_at="2026-01-05 09:30",
        )
        response = client.post(url, data)
        assert response.status_code == 302, _text(response)[:1500]
        contact = Contact.objects.get(email="aisha.khan@dudley.example")
        assert _actions(contact) == ["wagtail.create"]

    def test_an_edit_is_logged_by_field_name_not_value(self, client, lead):
        contact = ContactFactory(job_title="Service manager")
        url = reverse("pilots_contact:edit", args=[contact.pk])
        response = client.post(url, _form_data(client, url, job_title="Head of Safety"))
        assert response.status_code == 302, _text(response)[:1500]
        contact.refresh_from_db()
        assert contact.job_title == "Head of Safety"
        entry = ModelLogEntry.objects.for_instance(contact).get()
        assert entry.data == {"changed": ["job_title"]}

    def test_an_erased_contact_cannot_be_filled_in_again(self, client, lead):
        contact = ContactFactory()
        client.post(reverse("pilots_contact:erase", args=[contact.pk]))
        url = reverse("pilots_contact:edit", args=[contact.pk])
        response = client.post(
            url, _form_data(client, url, name="Back again", email="back@example.org")
        )
        assert response.status_code == 200
        assert "has been erased" in _text(response)
        contact.refresh_from_db()
        assert contact.email == ""

    def test_a_pilots_lead_contact_is_not_deleted(self, client, lead):
        pilot = PilotFactory(title="Fire checks")
        contact = pilot.lead_contact
        response = client.post(reverse("pilots_contact:delete", args=[contact.pk]))
        text = _follow_messages(client, response)
        assert "leads “Fire checks”" in text
        assert "erase" in text
        assert Contact.objects.filter(pk=contact.pk).exists()

    def test_a_contact_named_on_a_published_partner_page_is_not_deleted(
        self, client, lead, demo_site
    ):
        organisation = PublicBodyFactory()
        contact = ContactFactory(organisation=organisation, is_public=True)
        _, partner_index = indexes(demo_site)
        publish(PartnerPageFactory(parent=partner_index, organisation=organisation))
        response = client.post(reverse("pilots_contact:delete", args=[contact.pk]))
        assert "published partner page" in _follow_messages(client, response)
        assert Contact.objects.filter(pk=contact.pk).exists()

    def test_a_contact_entered_by_mistake_is_deleted_and_leaves_the_log(
        self, client, lead
    ):
        contact = ContactFactory(name="Wrong Person", email="wrong@example.org")
        pk = contact.pk
        url = reverse("pilots_contact:edit", args=[pk])
        client.post(url, _form_data(client, url, job_title="Head of Safety"))
        response = client.post(reverse("pilots_contact:delete", args=[pk]))
        assert response.status_code == 302
        assert not Contact.objects.filter(pk=pk).exists()
        entries = ModelLogEntry.objects.filter(
            content_type__model="contact", object_id=str(pk)
        )
        assert list(entries.order_by("pk").values_list("action", flat=True)) == [
            "wagtail.edit",
            "wagtail.delete",
        ]
        assert not any("Wrong Person" in e.label for e in entries)

    def test_staff_with_model_rights_only_are_refused_by_the_service(
        self, client, staff_with_model_rights
    ):
        contact = ContactFactory(job_title="Service manager")
        url = reverse("pilots_contact:edit", args=[contact.pk])
        response = client.post(url, _form_data(client, url, job_title="Someone else"))
        assert response.status_code == 200
        assert "Only programme leads change contacts" in _text(response)
        response = client.post(reverse("pilots_contact:delete", args=[contact.pk]))
        assert "Only programme leads delete contacts" in _follow_messages(
            client, response
        )
        contact.refresh_from_db()
        assert contact.job_title == "Service manager"


class ImportJobDoorTests:
    @pytest.fixture
    def job(self):
        return ImportJob.objects.create(
            pilot=PilotFactory(),
            filename="march.csv",
            csv_text="metric,period,value\n",
            status=ImportJob.Status.FAILED,
        )

    def test_imports_are_listed_and_inspected(self, client, lead, job):
        index = client.get(reverse("pilots_importjob:index"))
        assert index.status_code == 200
        assert "march.csv" in _text(index) or f"Import {job.pk}" in _text(index)
        inspect = client.get(reverse("pilots_importjob:inspect", args=[job.pk]))
        assert inspect.status_code == 200
        assert "march.csv" in _text(inspect)
        for view in ("new/", f"edit/{job.pk}/", f"delete/{job.pk}/"):
            assert f"/admin/pilots/imports/{view}" not in inspect.content.decode()
            assert f"/admin/pilots/imports/{view}" not in index.content.decode()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_there_are_no_add_edit_or_delete_screens(self, client, lead, job, method):
        for path in ("new/", f"edit/{job.pk}/", f"delete/{job.pk}/"):
            response = getattr(client, method)(
                f"/admin/pilots/imports/{path}", {"filename": "x.csv"}
            )
            assert response.status_code == 404, path
        job.refresh_from_db()
        assert job.filename == "march.csv"
        assert ImportJob.objects.count() == 1
