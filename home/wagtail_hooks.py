from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import page_cache
from .choosers import RecordChooserViewSet
from .job_views import TaskFailurePermissionPolicy, task_failure_viewset
from .models import TaskFailure
from .views import organisation_viewset


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return organisation_viewset


@hooks.register("register_admin_viewset")
def register_organisation_chooser():
    return RecordChooserViewSet(
        "organisation_chooser",
        model="home.Organisation",
        search_field="name",
        extra_columns=(("get_org_type_display", "Type"),),
        icon="group",
        choose_one_text="Choose an organisation",
        choose_another_text="Choose another organisation",
    )


register_permission_policy(TaskFailure, TaskFailurePermissionPolicy(TaskFailure))


@hooks.register("register_admin_viewset")
def register_task_failure_viewset():
    return task_failure_viewset


@hooks.register("before_serve_page")
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    page_cache.mark_cacheable(page, request)


# The programme dashboard (issue 6): programme leads and superusers only.
@hooks.register("register_admin_urls")
def register_programme_dashboard_urls():
    from django.urls import path

    from .dashboard_views import ProgrammeDashboardView, programme_dashboard_export

    return [
        path(
            "programme-dashboard/",
            ProgrammeDashboardView.as_view(),
            name="programme_dashboard",
        ),
        path(
            "programme-dashboard/export.csv",
            programme_dashboard_export,
            name="programme_dashboard_export",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_programme_dashboard_menu_item():
    from django.urls import reverse_lazy

    from .dashboard_views import ProgrammeDashboardMenuItem

    return ProgrammeDashboardMenuItem(
        "Programme dashboard",
        reverse_lazy("programme_dashboard"),
        icon_name="table",
        order=50,
    )


@hooks.register("construct_homepage_panels")
def add_programme_dashboard_panel(request, panels):
    from pilots.selectors import user_is_programme_lead

    from .dashboard_views import ProgrammeDashboardPanel

    if user_is_programme_lead(user=request.user):
        panels.append(ProgrammeDashboardPanel())


# Security (issue 11): the second-factor screens and the audit-log actions.
from . import security_hooks  # noqa: E402, F401
