"""Acceptance 2: no private field or draft record leaves through the API or a download.

The allow-list below classifies EVERY field of every model the open data reads: a new
model field fails `test_every_model_field_is_classified` until someone decides whether
it is published. Responses are then checked two ways: their keys must be in the
endpoint's allow-list (and a key named after a model field must be a published field of
that model), and no value planted as private in the `world` fixture (each contains
"SECRET") may appear anywhere in any body.
"""

import csv
import io
import json

import pytest
from django.db import models

from challenges.models import ChallengePage
from home.models import Organisation
from pilots.models import Contact, Measurement, Metric, Pilot, PilotPartner

from .conftest import SECRET, world_from

# Every test here reads the same world: built once for the module.
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


# model -> (published fields, withheld fields). Together they must name every field.
FIELDS = {
    Pilot: (
        {
            "id",
            "title",
            "summary",
            "lead_organisation",
            "lead_contact",
            "status",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "approved_budget",
            "spend_to_date",
            "evidence_level",
            "evidence_justification",
            "evidence_next_level",
            "end_decision",
            "end_decision_reasons",
            "adopters",
            "themes",
            "partners",
            "metrics",
            "tagged_items",
        },
        # proposal: the private proposal; milestones, imports: internal; dates: audit.
        # index_entries: Wagtail's search index rows. case_studies: published pages,
        # which the page API (/api/v2/) serves under its own allow-list.
        {
            "case_studies",
            "proposal",
            "milestones",
            "imports",
            "created_at",
            "updated_at",
            "index_entries",
        },
    ),
    Metric: (
        {
            "id",
            "pilot",
            "name",
            "definition",
            "unit",
            "ascending",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "data_source",
            "frequency",
            "measurements",
        },
        {"owner"},  # a contact, maybe private
    ),
    Measurement: (
        {"id", "metric", "period", "value", "provisional"},
        {"note", "recorded_by", "created_at"},  # free text and who typed it: internal
    ),
    Organisation: (
        {
            "id",
            "name",
            "slug",
            "org_type",
            "org_id",
            "companies_house_number",
            "website",
            "local_authority_area",
            "size",
            "description",
        },
        {
            "logo",
            "members",
            "memberships",
            "created_at",
            "updated_at",
            # Reverse relations: read only to decide whether it is published.
            "contacts",
            "led_proposals",
            "proposal_partnerships",
            "led_pilots",
            "pilot_partnerships",
            "adopted_pilots",
            "challenges_held",
            "entries",
            "invitations",
            "interests",
            "challenge_interests",
            "clarifications",
            "partner_page",  # a page: /api/v2/ serves it under its own allow-list
        },
    ),
    Contact: (
        {"id", "name", "job_title", "organisation"},
        {
            "email",
            "phone",
            "is_public",
            "lawful_basis",
            "lawful_basis_recorded_at",
            "user",
            "erased_at",
            "created_at",
            "updated_at",
            "pilots_led",
            "metrics_owned",
            "index_entries",
        },
    ),
    PilotPartner: ({"id", "pilot", "organisation", "role"}, set()),
}

# The JSON keys each endpoint's records may carry (nested objects by their own key).
REF = {"id", "slug", "name"}
CONTACT = {"id", "name", "job_title", "organisation"}
PILOT = {
    "id",
    "title",
    "summary",
    "status",
    "status_label",
    "themes",
    "lead_organisation",
    "lead_contact",
    "partners",
    "adopters",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "currency",
    "approved_budget",
    "spend_to_date",
    "evidence_level",
    "evidence_level_label",
    "evidence_justification",
    "evidence_next_level",
    "end_decision",
    "end_decision_reasons",
}
MEASUREMENT = {"period", "period_end", "value", "provisional"}
METRIC = {
    "id",
    "pilot_id",
    "pilot_title",
    "name",
    "definition",
    "unit",
    "ascending",
    "frequency",
    "data_source",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "latest_value",
    "latest_period",
    "change_from_baseline",
    "change_percent",
    "progress",
    "progress_percent",
    "on_track",
    "measurements",
}
ORGANISATION = {
    "id",
    "slug",
    "name",
    "org_type",
    "org_type_label",
    "org_id",
    "companies_house_number",
    "website",
    "local_authority_area",
    "local_authority_area_label",
    "size",
    "description",
}
MEASUREMENT_ROW = MEASUREMENT | {
    "id",
    "pilot_id",
    "pilot_title",
    "metric_id",
    "metric_name",
    "unit",
}
PAGE = {
    "licence",
    "count",
    "page",
    "page_size",
    "num_pages",
    "next",
    "previous",
    "results",
}

# endpoint -> (record keys, model whose field names the keys must respect)
LIST_ENDPOINTS = {
    "/api/v1/pilots": (PILOT, Pilot),
    "/api/v1/metrics": (METRIC, Metric),
    "/api/v1/measurements": (MEASUREMENT_ROW, Measurement),
    "/api/v1/organisations": (ORGANISATION, Organisation),
    "/api/v1/contacts": (CONTACT, Contact),
}
NESTED = {
    "lead_organisation": REF,
    "organisation": REF,
    "lead_contact": CONTACT,
    "partners": {"organisation", "role", "role_label"},
    "adopters": REF,
    "measurements": MEASUREMENT,
    "metrics": METRIC,
    "licence": {"name", "url"},
}
DOWNLOADS = [
    "/open-data/pilots.csv",
    "/open-data/metrics.csv",
    "/open-data/measurements.csv",
    "/open-data/challenges.csv",
    "/open-data/360giving.json",
    "/open-data/360giving.csv",
    "/open-data/iati-results.json",
    "/open-data/iati-activities.xml",
]
CSV_MODELS = {
    "/open-data/pilots.csv": Pilot,
    "/open-data/metrics.csv": Metric,
    "/open-data/measurements.csv": Measurement,
    "/open-data/challenges.csv": ChallengePage,
}
# Challenge page fields a download may carry; entries are never read for their text.
CHALLENGE_PUBLISHED = {
    "id",
    "title",
    "url",
    "summary",
    "status",
    "themes",
    "holders",
    "funding_amount",
    "opens_at",
    "closes_at",
    "decision_expected",
}


def _check_keys(record: dict, allowed: set[str], where: str) -> None:
    extra = set(record) - allowed
    assert not extra, f"{where}: unexpected keys {sorted(extra)}"
    for key, value in record.items():
        shape = NESTED.get(key)
        if shape is None or value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                _check_keys(item, shape, f"{where}.{key}")


class AllowListTests:
    @pytest.mark.parametrize("model", list(FIELDS), ids=lambda m: m.__name__)
    def test_every_model_field_is_classified(self, model):
        published, withheld = FIELDS[model]
        assert not published & withheld
        names = set()
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignObjectRel):
                names.add(field.get_accessor_name())
            else:
                names.add(field.name)
        unclassified = names - published - withheld
        assert not unclassified, (
            f"{model.__name__} has fields nobody has classified as published or "
            f"withheld: {sorted(unclassified)}. Add them to FIELDS in this test."
        )

    @pytest.mark.parametrize("path", list(LIST_ENDPOINTS))
    def test_record_keys_are_published_fields(self, path):
        allowed, model = LIST_ENDPOINTS[path]
        _published, withheld = FIELDS[model]
        # A key named like a model field must be a published field of that model.
        assert not allowed & withheld, sorted(allowed & withheld)


@pytest.mark.django_db
class PrivateDataTests:
    def _walk_api(self, client) -> list[tuple[str, str]]:
        bodies = []
        for path, (allowed, _model) in LIST_ENDPOINTS.items():
            response = client.get(path, {"page_size": 100})
            assert response.status_code == 200, path
            data = response.json()
            assert set(data) == PAGE
            assert data["count"] == len(data["results"]) > 0, path
            for record in data["results"]:
                _check_keys(record, allowed, path)
            bodies.append((path, response.content.decode()))
            if path == "/api/v1/pilots":
                for record in data["results"]:
                    detail = client.get(f"/api/v1/pilots/{record['id']}")
                    assert detail.status_code == 200
                    _check_keys(
                        detail.json(), PILOT | {"licence", "metrics"}, "pilot detail"
                    )
                    bodies.append((f"pilot {record['id']}", detail.content.decode()))
            if path == "/api/v1/organisations":
                for record in data["results"]:
                    detail = client.get(f"/api/v1/organisations/{record['slug']}")
                    assert detail.status_code == 200
                    _check_keys(detail.json(), ORGANISATION | {"licence"}, "org")
                    bodies.append((record["slug"], detail.content.decode()))
        bodies.extend(self._walk_pages_api(client))
        return bodies

    def _walk_pages_api(self, client) -> list[tuple[str, str]]:
        """Wagtail's API v2: every listed page, in full (`fields=*` where typed)."""
        bodies, offset, total = [], 0, None
        while total is None or offset < total:
            response = client.get("/api/v2/pages/", {"limit": 20, "offset": offset})
            assert response.status_code == 200
            data = response.json()
            total = data["meta"]["total_count"]
            bodies.append((f"/api/v2/pages/ at {offset}", response.content.decode()))
            for item in data["items"]:
                detail = client.get(f"/api/v2/pages/{item['id']}/")
                assert detail.status_code == 200
                bodies.append((f"page {item['id']}", detail.content.decode()))
                typed = client.get(
                    "/api/v2/pages/", {"type": item["meta"]["type"], "fields": "*"}
                )
                bodies.append(
                    (f"{item['meta']['type']} listing", typed.content.decode())
                )
            offset += 20
        assert total > 0, "the page API listed nothing: the walk would prove nothing"
        return bodies

    def test_no_private_value_in_any_response(self, client, world):
        bodies = self._walk_api(client)
        for path in DOWNLOADS:
            response = client.get(path)
            assert response.status_code == 200, path
            bodies.append((path, response.content.decode()))
        for where, body in bodies:
            assert SECRET not in body, f"private data in {where}"
            assert "@council.example" not in body, f"an email address in {where}"
            assert "0121 496" not in body, f"a phone number in {where}"

    def test_the_walk_sees_the_published_records(self, client, world):
        """Guards the test above: the walk reads real, non-empty data."""
        text = "\n".join(body for _where, body in self._walk_api(client))
        for expected in (
            "Fewer repeat calls",
            "Pat Public",
            "Winner Ltd",
            "Repeat calls",
        ):
            assert expected in text
        grants = client.get("/open-data/360giving.json").json()["grants"]
        assert {g["recipientOrganization"][0]["name"] for g in grants} >= {
            "Sandwell Test Council",
            "Winner Ltd",
        }

    def test_draft_pilot_and_draft_only_organisation_are_404(self, client, world):
        assert client.get(f"/api/v1/pilots/{world['draft'].pk}").status_code == 404
        assert client.get("/api/v1/organisations/secret-draft-org").status_code == 404
        assert client.get("/api/v1/organisations/secret-loser").status_code == 404
        # The same filter on status cannot reveal pilots being set up either.
        response = client.get("/api/v1/pilots", {"status": "setting-up"})
        assert response.json()["count"] == 0

    @pytest.mark.parametrize("path", list(CSV_MODELS))
    def test_csv_columns_are_published_fields(self, client, world, path):
        reader = csv.reader(io.StringIO(client.get(path).content.decode()))
        header = set(next(reader))
        model = CSV_MODELS[path]
        if model is ChallengePage:
            allowed = CHALLENGE_PUBLISHED | {"currency", "winners", "amount_per_winner"}
        else:
            _published, withheld = FIELDS[model]
            allowed = {
                "/open-data/pilots.csv": PILOT | {"lead_organisation_id"},
                "/open-data/metrics.csv": METRIC,
                "/open-data/measurements.csv": MEASUREMENT_ROW,
            }[path]
            assert not header & withheld
        assert header <= allowed, sorted(header - allowed)

    def test_public_lead_contact_shows_name_not_email(self, client, world):
        data = client.get(f"/api/v1/pilots/{world['completed'].pk}").json()
        assert data["lead_contact"]["name"] == "Pat Public"
        assert set(data["lead_contact"]) == CONTACT
        private_lead = client.get(f"/api/v1/pilots/{world['running'].pk}").json()
        assert private_lead["lead_contact"] is None
        assert json.dumps(private_lead).count("Repeat calls") >= 1
