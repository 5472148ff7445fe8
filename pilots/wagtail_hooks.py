from wagtail import hooks

from home.choosers import RecordChooserViewSet

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
