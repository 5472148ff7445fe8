"""Staff screens: entries (filter, inspect, CSV export) and clarifications (answer,
publish, merge). Both go through the services; the admin forms only collect input."""

from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from home.audit import ExportAuditMixin
from home.csv import CsvSafeIndexView
from home.forms import add_service_errors
from home.roles import PROGRAMME_LEADS, is_assessor, is_programme_lead
from home.status_tags import StatusTags

from . import services
from .judging import selectors as judging_selectors
from .judging.admin import (
    ConflictOfInterestViewSet,
    JudgingViewSet,
    ViewOnlyPermissionPolicy,
)
from .models import Assessment, ChallengePage, ChallengeStatus, Clarification, Entry

# Entries are read-only here: list, inspect and export. Status and feedback change
# only through the entry and judging services, which check the rules and audit.
register_permission_policy(Entry, ViewOnlyPermissionPolicy(Entry))


class ClarificationEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.clarification_update(
            clarification=self.form.instance,
            by=self.request.user,
            question=data["question"],
            answer=data.get("answer", ""),
            status=data["status"],
            merged_into=data.get("merged_into"),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ClarificationViewSet(ModelViewSet):
    model = Clarification
    icon = "help"
    menu_label = "Clarifications"
    edit_view_class = ClarificationEditView
    list_display = ["question", "challenge", "status", "asked_at", "published_at"]
    list_filter = ["status", "challenge"]
    search_fields = ["question", "answer"]
    form_fields = ["question", "answer", "status", "merged_into"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Clarification.objects.select_related("challenge")


class EntryInspectView(generic.InspectView):
    def get_attachments_display_value(self):
        # Served by the permission-checked download view, never from a public URL.
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> ({})',
                (
                    (
                        reverse("attachment_download", args=[a.pk]),
                        a.original_name,
                        filesizeformat(a.size),
                    )
                    for a in self.object.attachments.all()
                ),
            )
            or "None"
        )

    def get_field_label(self, field_name, field):
        if field_name == "pilot_proposal":
            return "Pilot proposal"
        if field_name == "attachments":
            return "Attachments"
        if field_name == "judging":
            return "Judging"
        return super().get_field_label(field_name, field)

    def get_judging_display_value(self):
        """Scores, assessors and the decision live on the judging screens."""
        if self.object.status in (Entry.Status.DRAFT, Entry.Status.WITHDRAWN):
            return (
                f"Not judged: the entry is {self.object.get_status_display().lower()}."
            )
        if not is_programme_lead(self.request.user):
            return "Programme leads see the scores and decide on the judging screens."
        return format_html(
            '<a href="{}">Scores, assessors and decision</a>',
            reverse("judging:entry", args=[self.object.pk]),
        )

    def get_pilot_proposal_display_value(self):
        """A successful entry becomes a pilot proposal in one step, linked to it."""
        proposal = self.object.pilot_proposals.first()
        if proposal is not None:
            return format_html(
                '<a href="{}">{}</a> ({})',
                reverse("pilot_proposals:edit", args=[proposal.pk]),
                proposal.title,
                proposal.get_status_display(),
            )
        if self.object.status != Entry.Status.SUCCESSFUL:
            return "Only a successful entry can become a pilot proposal."
        return format_html(
            '<form method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="button">Create a pilot proposal from this '
            "entry</button></form>",
            reverse("pilot_proposals:create_from_entry", args=[self.object.pk]),
            get_token(self.request),
        )


class EntryIndexView(ExportAuditMixin, CsvSafeIndexView):
    """Every CSV/XLSX export is logged on each challenge it covers."""

    export_log_action = "challenges.entries.export"

    def export_log_targets(self, queryset):
        return list(ChallengePage.objects.filter(pk__in=queryset.values("challenge")))

    def export_log_rows(self, queryset, target) -> int:
        return queryset.filter(challenge=target).count()


class EntryViewSet(ModelViewSet):
    model = Entry
    index_view_class = EntryIndexView
    inspect_view_class = EntryInspectView
    icon = "form"
    menu_label = "Entries"
    list_display = ["title", "organisation", "challenge", "status", "submitted_at"]
    list_filter = ["challenge", "status"]
    search_fields = ["title", "summary"]
    form_fields = ["status"]  # required by ModelViewSet; the policy lets nobody edit
    inspect_view_enabled = True
    inspect_view_fields = [
        "challenge",
        "organisation",
        "status",
        "judging",
        "submitted_at",
        "title",
        "summary",
        "solution",
        "evidence",
        "pilot_plan",
        "cost_estimate",
        "team",
        "declaration_eligibility",
        "declaration_data_protection",
        "feedback",
        "feedback_released",
        "attachments",
        "pilot_proposal",
    ]
    list_export = [
        "pk",
        "challenge",
        "organisation",
        "status",
        "submitted_at",
        "title",
        "summary",
        "solution",
        "evidence",
        "pilot_plan",
        "cost_estimate",
        "team",
    ]
    export_headings = {"pk": "Reference"}
    export_filename = "challenge-entries"
    copy_view_enabled = False

    def get_queryset(self, request):
        return Entry.objects.select_related("challenge", "organisation")


class ChallengesViewSetGroup(ViewSetGroup):
    menu_label = "Urban Challenges"
    menu_icon = "pick"
    menu_order = 150
    items = (
        EntryViewSet("challenge-entries"),
        ClarificationViewSet("challenge-clarifications"),
        # Judging: the panel sheet and the conflicts register, for leads.
        JudgingViewSet("judging"),
        ConflictOfInterestViewSet("judging-conflicts"),
    )


@hooks.register("register_admin_viewset")
def register_challenges_viewsets():
    return ChallengesViewSetGroup()


@hooks.register("register_retention_purge")
def register_entry_drafts_purge():
    return "draft_entries", services.entry_drafts_purge


@hooks.register("register_status_tags")
def register_challenge_status_tags():
    return [
        StatusTags(
            kind="challenge",
            choices=ChallengeStatus.choices,
            colours={
                ChallengeStatus.UPCOMING: "blue",
                ChallengeStatus.OPEN: "green",
                ChallengeStatus.AWARDED: "purple",
            },
            default="grey",
        ),
        StatusTags(
            kind="entry",
            choices=Entry.Status.choices,
            colours={
                Entry.Status.DRAFT: "yellow",
                Entry.Status.SUCCESSFUL: "green",
                Entry.Status.UNSUCCESSFUL: "grey",
                Entry.Status.WITHDRAWN: "grey",
            },
        ),
        # An assessor's progress on an entry: no assessment yet, or its status.
        StatusTags(
            kind="assessment",
            choices=[*Assessment.Status.choices, ("not_started", "Not started")],
            colours={
                "not_started": "grey",
                Assessment.Status.IN_PROGRESS: "blue",
                Assessment.Status.SUBMITTED: "green",
            },
        ),
    ]


@hooks.register("construct_account_page")
def add_account_page_links(request, context):
    """The account page links assessors to their assessments, public servants to the
    promising solutions, and a start-up's people to its entries."""
    user = request.user
    if is_assessor(user):
        context["links"].append(
            {"url": reverse("assessments"), "text": "Your assessments"}
        )
    if judging_selectors.can_browse_promising_solutions(user):
        context["links"].append(
            {
                "url": reverse("promising_solutions"),
                "text": "Promising solutions from Urban Challenge entrants",
            }
        )
    if context["organisation"] is not None:
        context["organisation_links"].append(
            {"url": reverse("entries_list"), "text": "Your entries"}
        )


@hooks.register("register_role_permissions")
def register_challenges_role_permissions():
    return {
        PROGRAMME_LEADS: [
            # See, judge and export entries; answer clarifications. No change_entry:
            # decisions and feedback change only through the judging screens, which
            # check the rules and write the audit log.
            "challenges.view_entry",
            "challenges.view_clarification",
            "challenges.change_clarification",
            # Judging: the screens check the role; these let leads read the conflicts
            # register and the judging records in the site history.
            "challenges.view_conflictofinterest",
            "challenges.view_interestdeclaration",
            "challenges.view_challengeassessor",
            "challenges.view_assignment",
            "challenges.view_assessment",
            "challenges.view_criterionscore",
        ]
    }
