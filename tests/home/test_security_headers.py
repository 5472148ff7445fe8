import base64
import hashlib
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from challenges import services as challenge_services
from challenges.models import EntryAttachment
from home.models import StandardPage
from home.page_cache import HEADER
from tests.challenges.files import PDF
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
    member_of,
)

FOUNDER = "founder@brightpath.example"
DEMO_PASSWORD = "impact-lab-demo-2026"


def is_no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def directives(response) -> dict[str, str]:
    return dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
    )


@pytest.mark.django_db
class SecurityHeaderTests:
    def test_public_page_headers(self, client, demo_site):
        response = client.get("/about/")
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_the_admin_has_its_own_policy(self, client, demo_site, login):
        login("lead@impactlab.example")
        response = client.get("/admin/")
        assert response.status_code == 200
        policy = directives(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self' 'unsafe-inline'"
        assert policy["script-src-attr"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'self'"
        assert policy["base-uri"] == "'self'"
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        # Nothing from another origin: every source is a keyword or a scheme.
        for sources in policy.values():
            for source in sources.split():
                assert source.startswith("'") or source in {"data:", "blob:"}, source
        assert response["X-Frame-Options"] == "DENY"

    def test_the_admin_sign_in_page_has_the_admin_policy(self, client, demo_site):
        response = client.get("/admin/login/")
        assert directives(response)["frame-ancestors"] == "'self'"

    def test_a_preview_has_the_admin_policy_though_it_renders_a_public_page(
        self, client, demo_site, login
    ):
        """Wagtail renders previews through the middleware again with a request for
        the page's own address; the editor frames them, so they need 'self'."""
        login("lead@impactlab.example")
        about = StandardPage.objects.get(slug="about")
        response = client.get(f"/admin/pages/{about.pk}/view_draft/")
        assert response.status_code == 200
        assert about.title in response.content.decode()
        assert directives(response)["frame-ancestors"] == "'self'"

    def test_the_public_site_keeps_the_strict_policy_for_staff(
        self, client, demo_site, login
    ):
        login("lead@impactlab.example")
        response = client.get("/about/")
        policy = directives(response)
        # 'self' and the hash of base.html's one inline script, nothing else.
        script = re.search(
            r"<body[^>]*>\s*<script>([^<]+)</script>", response.content.decode()
        )[1]
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert policy["script-src"] == f"'self' 'sha256-{digest}'"
        assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
class NoStoreTests:
    @pytest.mark.parametrize(
        ("email", "path"),
        [
            (FOUNDER, "/about/"),
            (FOUNDER, "/"),
            (FOUNDER, "/account/"),
            (FOUNDER, "/entries/"),
            ("lead@impactlab.example", "/admin/"),
            ("lead@impactlab.example", "/admin/pages/"),
            ("lead@impactlab.example", "/api/"),
        ],
    )
    def test_every_answer_to_a_signed_in_person_is_no_store(
        self, client, demo_site, login, email, path
    ):
        login(email)
        response = client.get(path)
        assert response.status_code == 200, path
        assert is_no_store(response), response.get("Cache-Control")

    @pytest.mark.parametrize(
        "path", ["/admin/login/", "/account/sign-in/", "/account/password-reset/"]
    )
    def test_private_paths_are_no_store_before_sign_in(self, client, demo_site, path):
        response = client.get(path)
        assert response.status_code == 200
        assert is_no_store(response)

    def test_the_answer_that_sets_the_session_cookie_is_no_store(
        self, client, demo_site
    ):
        response = client.post(
            "/account/sign-in/", {"email": FOUNDER, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert settings.SESSION_COOKIE_NAME in response.cookies
        assert is_no_store(response)

    @pytest.mark.parametrize("path", ["/", "/about/"])
    def test_anonymous_public_pages_keep_their_caching(self, client, demo_site, path):
        cache.clear()
        with override_settings(PAGE_CACHE_SECONDS=300):
            first = client.get(path)
            second = client.get(path)
        cache.clear()
        assert first.status_code == 200
        assert "no-store" not in first.get("Cache-Control", "")
        assert "private" not in first.get("Cache-Control", "")
        assert (first[HEADER], second[HEADER]) == ("miss", "hit")

    def test_open_data_stays_public_for_anonymous_visitors(self, client, demo_site):
        response = client.get("/api/v1/pilots")
        assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.django_db
class PermissionsPolicyTests:
    @pytest.mark.parametrize(
        "path", ["/", "/about/", "/admin/login/", "/api/v1/pilots", "/no-such-page/"]
    )
    def test_every_answer_turns_off_the_features_the_site_does_not_use(
        self, client, demo_site, path
    ):
        policy = {
            item.split("=")[0].strip(): item.split("=")[1].strip()
            for item in client.get(path)["Permissions-Policy"].split(",")
        }
        for feature in (
            "camera",
            "microphone",
            "geolocation",
            "payment",
            "usb",
            "interest-cohort",
            "browsing-topics",
        ):
            assert policy[feature] == "()", feature
        assert policy["fullscreen"] == "(self)"

    def test_a_signed_in_admin_page_carries_it_too(self, client, demo_site, login):
        login("lead@impactlab.example")
        assert "camera=()" in client.get("/admin/")["Permissions-Policy"]


@pytest.fixture
def entry_member(settings, tmp_path, demo_site, client):
    """A start-up member signed in, with a draft entry to attach files to."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    index = ChallengeIndexPageFactory(parent=demo_site)
    index.save_revision().publish()
    challenge = challenge_with_criteria(index, title="Damp and mould")
    user = member_of(BusinessFactory(name="Damp Sense Ltd"))
    entry = challenge_services.entry_start(challenge=challenge, user=user)
    client.force_login(user)
    return entry


def upload(client, entry, size: int):
    content = PDF + b"0" * (size - len(PDF))
    return client.post(
        f"/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("plan.pdf", content, "application/pdf")},
    )


@pytest.mark.django_db
class RequestSizeLimitTests:
    def test_the_default_fits_the_largest_upload_and_a_full_form(self):
        assert settings.REQUEST_MAX_BYTES == (
            settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        assert settings.REQUEST_MAX_BYTES > EntryAttachment.MAX_BYTES

    def test_an_oversized_upload_gets_a_413_page_and_saves_nothing(
        self, client, entry_member
    ):
        response = upload(client, entry_member, settings.REQUEST_MAX_BYTES + 1)
        assert response.status_code == 413
        body = response.content.decode()
        assert "What you sent is too large" in body
        assert "Nothing has been saved" in body
        assert is_no_store(response)
        assert not EntryAttachment.objects.exists()

    def test_a_file_just_over_the_file_limit_still_gets_the_message_by_the_field(
        self, client, entry_member
    ):
        response = upload(client, entry_member, EntryAttachment.MAX_BYTES + 1)
        assert response.status_code == 200
        assert "10 MB" in response.content.decode()
        assert not EntryAttachment.objects.exists()

    def test_an_upload_within_the_limit_is_accepted(self, client, entry_member):
        response = upload(client, entry_member, len(PDF))
        assert response.status_code == 302
        assert EntryAttachment.objects.count() == 1

    def test_the_limit_follows_the_setting(self, client, entry_member, settings):
        settings.REQUEST_MAX_BYTES = len(PDF) // 2
        response = upload(client, entry_member, len(PDF))
        assert response.status_code == 413
        assert not EntryAttachment.objects.exists()

    def test_a_form_body_over_the_field_limit_gets_a_413(self, client, demo_site):
        body = "email=a%40b.example&password=" + "x" * (
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
        )
        response = client.post(
            "/account/sign-in/",
            body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 413
