import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.challenges import BusinessFactory, member_of

pytestmark = pytest.mark.django_db


class NulByteTests:
    def test_nul_in_an_invitation_link_is_a_400_with_a_page(self, client, demo_site):
        response = client.get("/account/invitations/abc%00def/")
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()

    def test_nul_in_the_query_string_is_a_400(self, client, demo_site):
        assert client.get("/search/?q=%00").status_code == 400
        assert client.get("/search/", {"q": "a\x00b"}).status_code == 400
        assert client.get("/about/?q=fine").status_code == 200

    def test_nul_in_an_url_encoded_form_value_is_a_400(self, client, demo_site):
        response = client.post(
            "/account/sign-in/",
            "email=a%00%40b.example&password=x",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 400

    def test_nul_in_a_multipart_field_is_a_400_but_not_in_a_file(
        self, client, demo_site
    ):
        member = member_of(BusinessFactory(name="Guard Ltd"))
        client.force_login(member)
        upload = SimpleUploadedFile("notes.csv", b"a,b\x00c\n", "text/csv")
        response = client.post(
            "/account/organisation/", {"name": "Guard\x00 Ltd", "file": upload}
        )
        assert response.status_code == 400
        upload.seek(0)
        response = client.post(
            "/account/organisation/", {"name": "Guard Ltd", "file": upload}
        )
        assert response.status_code != 400


class HugeIdTests:
    @pytest.mark.parametrize("huge", [2**63, 10**30])
    def test_an_id_beyond_bigint_is_a_404(self, client, demo_site, login, huge):
        login("founder@brightpath.example")
        assert client.get(f"/challenge-questions/{huge}/").status_code == 404
        assert client.post(f"/challenge-interest/{huge}/").status_code == 404

    def test_the_largest_bigint_is_looked_up_without_error(
        self, client, demo_site, login
    ):
        login("founder@brightpath.example")
        response = client.get(f"/challenge-questions/{2**63 - 1}/")
        assert response.status_code == 404
