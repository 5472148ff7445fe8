from django.urls import path, reverse_lazy
from wagtail import hooks

from home.choosers import RecordChooserViewSet
from home.roles import PROGRAMME_LEADS, is_programme_lead
from home.status_tags import StatusTags

from .dashboard.views import (
    ProgrammeDashboardMenuItem,
    ProgrammeDashboardPanel,
    ProgrammeDashboardView,
    programme_dashboard_export,
)
from .home_page import home_page_context
from .metrics import IMPROVED, OUTCOME_LABELS, WORSENED
from .models import PilotProposal
from .services.contacts import contacts_retention_purge
from .viewsets import pilots_viewset_group


@hooks.register("register_log_actions")
def register_pilot_log_actions(actions):
    actions.register_action(
        "pilots.proposal.submit", "Submit proposal", "Submitted the proposal"
    )
    actions.register_action(
        "pilots.proposal.review_start", "Start review", "Started reviewing the proposal"
    )
    actions.register_action(
        "pilots.proposal.approve", "Approve proposal", "Approved the proposal"
    )
    actions.register_action(
        "pilots.proposal.request_changes",
        "Request changes",
        "Asked for changes to the proposal",
    )
    actions.register_action(
        "pilots.proposal.decline", "Decline proposal", "Declined the proposal"
    )
    actions.register_action(
        "pilots.pilot.create_from_proposal",
        "Create pilot from proposal",
        "Created the pilot from its approved proposal",
    )
    actions.register_action(
        "pilots.pilot.transition",
        "Change pilot status",
        "Moved the pilot to another status",
    )
    actions.register_action(
        "pilots.measurements.import", "Import measurements", "Imported measurements"
    )
    actions.register_action(
        "pilots.contact.erase", "Erase contact", "Erased the contact's personal data"
    )


@hooks.register("register_admin_viewset")
def register_pilots_viewsets():
    return pilots_viewset_group


@hooks.register("register_admin_viewset")
def register_pilot_chooser():
    return RecordChooserViewSet(
        "pilot_chooser",
        model="pilots.Pilot",
        search_field="title",
        extra_columns=(
            ("lead_organisation", "Lead organisation"),
            ("get_status_display", "Status"),
        ),
        select_related=("lead_organisation",),
        icon="site",
        choose_one_text="Choose a pilot",
        choose_another_text="Choose another pilot",
    )


# The programme dashboard: programme leads and superusers only.
@hooks.register("register_admin_urls")
def register_programme_dashboard_urls():
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
    return ProgrammeDashboardMenuItem(
        "Programme dashboard",
        reverse_lazy("programme_dashboard"),
        icon_name="table",
        order=50,
    )


@hooks.register("construct_homepage_panels")
def add_programme_dashboard_panel(request, panels):
    if is_programme_lead(request.user):
        panels.append(ProgrammeDashboardPanel())


@hooks.register("construct_home_page_context")
def add_home_page_sections(request, context):
    context.update(home_page_context())


@hooks.register("register_retention_purge")
def register_contacts_retention_purge():
    return "contacts_anonymised", contacts_retention_purge


@hooks.register("register_status_tags")
def register_pilots_status_tags():
    return [
        StatusTags(
            kind="proposal",
            choices=PilotProposal.Status.choices,
            colours={
                PilotProposal.Status.DRAFT: "grey",
                PilotProposal.Status.UNDER_REVIEW: "purple",
                PilotProposal.Status.APPROVED: "green",
                PilotProposal.Status.CHANGES_REQUESTED: "orange",
                PilotProposal.Status.DECLINED: "red",
            },
            default="blue",
        ),
        StatusTags(
            kind="outcome",
            choices=OUTCOME_LABELS.items(),
            colours={IMPROVED: "green", WORSENED: "red"},
            default="grey",
        ),
    ]


@hooks.register("register_role_permissions")
def register_pilots_role_permissions():
    """Leads manage proposals, pilots, metrics, measurements and contacts (the screens
    save through the services, which hold the rules); imports they only read."""
    records = ["pilot", "pilotproposal", "metric", "measurement", "contact"]
    return {
        PROGRAMME_LEADS: [
            f"pilots.{action}_{record}"
            for record in records
            for action in ("add", "change", "delete", "view")
        ]
        + ["pilots.view_importjob"]
    }
