from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as wagtailadmin_account
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home.services import password_reset_token_generator
from home.views import robots_txt

urlpatterns = [
    # For crawlers: every live, public page (Wagtail's sitemap) and what not to crawl.
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # The admin's password reset, with the site's reset tokens (they die on
    # deactivation, sign-in and password change), matched before Wagtail's own.
    path(
        "admin/password_reset/",
        wagtailadmin_account.PasswordResetView.as_view(
            token_generator=password_reset_token_generator
        ),
        name="wagtailadmin_password_reset",
    ),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        wagtailadmin_account.PasswordResetConfirmView.as_view(
            token_generator=password_reset_token_generator
        ),
        name="wagtailadmin_password_reset_confirm",
    ),
    # Wagtail's reports and redirects listings, exporting CSV through the site's
    # formula-safe writer: the same views at the same paths, matched first.
    path("admin/", include("home.admin_csv_urls")),
    # Two Wagtail admin views that 500 on a POST missing their fields, checked first.
    path("admin/", include("home.admin_input_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Accounts, organisation profiles, invitations and notification settings.
    path("", include("home.urls")),
    # Urban Challenges: questions, entries and judging.
    path("", include("challenges.urls")),
    # Pilots: proposals from public servants, measurements from pilot leads.
    path("", include("pilots.urls")),
    # Open data: the API (/api/v1/), its guide (/api/) and downloads.
    path("", include("opendata.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving comes last: it catches every other path.
    path("", include(wagtail_urls)),
]
