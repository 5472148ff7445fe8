"""Admin views that took a hostile request for a 500 answer 400 or 404."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, demo_site, login):
    return login("admin@impactlab.example")


class AdminInputTests:
    def test_external_link_chooser_without_a_url_is_a_400(self, client, staff):
        assert client.post("/admin/choose-external-link/").status_code == 400
        response = client.post(
            "/admin/choose-external-link/",
            {"external-link-chooser-url": "https://example.org/"},
        )
        assert response.status_code == 200
        assert response.json()["step"] in {"external_link_chosen", "confirm_page_link"}

    def test_redirect_import_confirm_without_its_fields_is_a_400(self, client, staff):
        assert client.post("/admin/redirects/import/process/").status_code == 400

    def test_redirect_import_confirm_still_needs_permission(
        self, client, demo_site, login
    ):
        login("assessor@impactlab.example")
        response = client.post("/admin/redirects/import/process/")
        assert response.status_code in (302, 403)

    @pytest.mark.parametrize(
        "chooser",
        [
            "images/chooser",
            "documents/chooser",
            "organisation_chooser",
            "pilot_chooser",
        ],
    )
    @pytest.mark.parametrize("bad_id", ["x", "%00", "'\"<script>", "%E2%80%AE"])
    def test_chosen_with_a_non_numeric_id_is_a_404(
        self, client, staff, chooser, bad_id
    ):
        response = client.get(f"/admin/{chooser}/chosen/{bad_id}/")
        assert response.status_code in (400, 404)

    @pytest.mark.parametrize("chooser", ["organisation_chooser", "pilot_chooser"])
    def test_record_choosers_have_no_create_step(self, client, staff, chooser):
        assert client.post(f"/admin/{chooser}/create/").status_code == 404
