"""Wagtail's own listing exports (reports, redirects) through the one CSV writer.

Wagtail's reports export page titles, log labels (entry titles, organisation names)
and user names as CSV without quoting formulas. These patterns serve the same views
with `CsvSafeExportMixin` at the same paths; lab_site/urls.py mounts them just before
Wagtail's admin, so they answer first. Wagtail still owns the URL names, so every
`reverse()` and menu link is unchanged. The CSV safety test walks the URLconf and
fails if an export here, or one Wagtail adds later, is served unquoted.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.contrib.redirects.views import IndexView as RedirectIndexView
from wagtail.utils.urlpatterns import decorate_urlpatterns

from .csv import CsvSafeExportMixin


def _safe(view_class):
    return type(view_class.__name__, (CsvSafeExportMixin, view_class), {})


def _listing(route: str, view_class, name: str) -> list:
    """A listing and its results-only twin, as Wagtail's URLconf declares them.

    Named, because the staff two-factor middleware checks requests by URL name."""
    safe = _safe(view_class)
    return [
        path(route, safe.as_view(), name=f"{name}_formula_safe"),
        path(
            f"{route}results/",
            safe.as_view(results_only=True),
            name=f"{name}_results_formula_safe",
        ),
    ]


# Staff only, with the same check Wagtail's admin URLconf puts on its own views.
urlpatterns = decorate_urlpatterns(
    [
        *_listing("reports/locked/", LockedPagesView, "locked_pages"),
        *_listing("reports/workflow/", WorkflowView, "workflow"),
        *_listing("reports/workflow_tasks/", WorkflowTasksView, "workflow_tasks"),
        *_listing("reports/site-history/", LogEntriesView, "site_history"),
        *_listing("reports/aging-pages/", AgingPagesView, "aging_pages"),
        *_listing("redirects/", RedirectIndexView, "redirects"),
    ],
    require_admin_access,
)
