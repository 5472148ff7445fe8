import pytest


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

    def test_admin_is_outside_the_strict_policy(self, client, demo_site, login):
        login("lead@impactlab.example")
        response = client.get("/admin/")
        assert response.status_code == 200
        assert "Content-Security-Policy" not in response
        assert response["X-Frame-Options"] == "DENY"
