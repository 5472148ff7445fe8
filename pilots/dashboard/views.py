"""Wagtail admin: the programme dashboard for programme leads (and superusers).

/admin/programme-dashboard/ shows the figures of `pilots.dashboard.selectors` as bar charts with a
table beside each; /admin/programme-dashboard/export.csv downloads them. Both sit behind
Wagtail's admin login; anyone else with admin access is refused (Wagtail turns the
PermissionDenied into a redirect to the admin home with a message). A menu item and a
panel on the admin home page link to it, for programme leads only.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.roles import is_programme_lead

from .charts import Bar, bar_chart_svg
from .selectors import (
    LIST_LIMIT,
    MEASUREMENT_GRACE_DAYS,
    dashboard_csv,
    pipeline_counts,
    programme_dashboard,
)

METRIC_MODIFIERS = {"on_track": "good", "off_track": "bad", "not_measured": "neutral"}


def _require_lead(request) -> None:
    if not is_programme_lead(request.user):
        raise PermissionDenied


def _chart(chart_id: str, title: str, figures, modifiers=None) -> str:
    bars = [Bar(f.label, f.value, (modifiers or {}).get(f.key, "")) for f in figures]
    # Built from escaped text and numbers only (pilots.dashboard.charts).
    return mark_safe(bar_chart_svg(chart_id=chart_id, title=title, bars=bars))  # noqa: S308


class ProgrammeDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "pilots/admin/programme_dashboard.html"
    page_title = "Programme dashboard"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require_lead(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        dashboard = programme_dashboard()
        return super().get_context_data(
            dashboard=dashboard,
            pipeline_chart=_chart(
                "pipeline-chart", "The pipeline, stage by stage", dashboard.pipeline
            ),
            status_chart=_chart(
                "status-chart", "Pilots by status", dashboard.pilots_by_status
            ),
            theme_chart=_chart(
                "theme-chart", "Pilots by theme", dashboard.pilots_by_theme
            ),
            metric_chart=_chart(
                "metric-chart",
                "Metrics of running and evaluating pilots",
                dashboard.metric_status,
                METRIC_MODIFIERS,
            ),
            list_limit=LIST_LIMIT,
            grace_days=MEASUREMENT_GRACE_DAYS,
            export_url=reverse("programme_dashboard_export"),
            **kwargs,
        )


def programme_dashboard_export(request):
    _require_lead(request)
    dashboard = programme_dashboard()
    response = HttpResponse(dashboard_csv(dashboard), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="programme-dashboard-{dashboard.as_of.isoformat()}.csv"'
    )
    return response


class ProgrammeDashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return is_programme_lead(request.user)


class ProgrammeDashboardPanel(Component):
    """The pipeline in brief on the Wagtail admin home page, for programme leads."""

    name = "programme_dashboard"
    template_name = "pilots/admin/programme_dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["pipeline"] = pipeline_counts()
        context["dashboard_url"] = reverse("programme_dashboard")
        return context
