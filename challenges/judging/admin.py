"""Staff judging screens in the Wagtail admin, for programme leads: the panel and its
conflicts register, allocation, the ranked panel sheet (and its CSV), one entry's
assessments with moderation, reopening and reassignment, decisions, feedback, its
release, and the winners. Views collect input; the judging services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from home.csv import CsvSafeIndexView
from home.forms import add_service_errors
from home.roles import is_assessor, is_programme_lead

from ..models import (
    Assessment,
    Assignment,
    ChallengeAssessor,
    ChallengePage,
    ConflictOfInterest,
    CriterionScore,
    Entry,
)
from . import forms, selectors, services

ICON = "tasks"


def _lead_only(view):
    def wrapped(request, *args, **kwargs):
        if not is_programme_lead(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("header_icon", ICON)
    return TemplateResponse(
        request, f"challenges/admin/{template}", context, status=status
    )


class LeadMenuItem(MenuItem):
    def is_shown(self, request):
        return is_programme_lead(request.user)


class JudgingViewSet(ViewSet):
    """/admin/judging/…: registered inside the Urban Challenges menu group."""

    name = "judging"
    icon = ICON
    menu_label = "Judging"

    @property
    def menu_item_class(self):
        return LeadMenuItem

    # --- Challenges and the panel sheet ---------------------------------------------

    def index_view(self, request: HttpRequest) -> HttpResponse:
        challenges = list(selectors.judging_challenges())
        progress = selectors.challenges_progress(challenges=challenges)
        return _render(
            request,
            "judging_index.html",
            {"rows": [(c, progress.get(c.pk, {})) for c in challenges]},
        )

    def panel_view(self, request: HttpRequest, challenge_id: int) -> HttpResponse:
        challenge = get_object_or_404(
            ChallengePage.objects.select_related("judging"), pk=challenge_id
        )
        judging = selectors.judging_of(challenge=challenge)
        allocate_form = forms.AllocateForm(
            initial={"per_entry": judging.assessors_per_entry}, prefix="allocate"
        )
        release_form = forms.ReleaseForm(
            initial={"release_at": judging.feedback_release_at}, prefix="release"
        )
        status = 200
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "allocate":
                    allocate_form = forms.AllocateForm(request.POST, prefix="allocate")
                    if allocate_form.is_valid():
                        created = services.assignments_allocate(
                            challenge=challenge,
                            by=request.user,
                            per_entry=allocate_form.cleaned_data["per_entry"],
                        )
                        messages.success(
                            request,
                            f"{len(created)} assignment{'s' if len(created) != 1 else ''}"
                            " made: every entry has its assessors",
                        )
                        return redirect("judging:panel", challenge.pk)
                elif action == "drafts":
                    filled = services.feedback_drafts_fill(
                        challenge=challenge, by=request.user
                    )
                    messages.success(
                        request,
                        f"Feedback drafted for {filled} entr{'y' if filled == 1 else 'ies'}"
                        " from the assessors' comments",
                    )
                    return redirect("judging:panel", challenge.pk)
                elif action == "release":
                    release_form = forms.ReleaseForm(request.POST, prefix="release")
                    if release_form.is_valid():
                        at = release_form.cleaned_data["release_at"]
                        services.feedback_release_schedule(
                            challenge=challenge, by=request.user, release_at=at
                        )
                        problems = selectors.feedback_release_problems(
                            challenge=challenge
                        )
                        when = (
                            "now"
                            if at <= timezone.now()
                            else f"on {at:%-d %B %Y at %H:%M}"
                        )
                        if problems:
                            messages.warning(
                                request,
                                f"Release set for {when}, but it waits until: "
                                + "; ".join(problems),
                            )
                        else:
                            messages.success(
                                request, f"Feedback will be released {when}"
                            )
                        return redirect("judging:panel", challenge.pk)
                elif action == "winners":
                    services.winners_publish(challenge=challenge, by=request.user)
                    messages.success(request, "The winners are now on the public brief")
                    return redirect("judging:panel", challenge.pk)
            except ValidationError as error:
                form = release_form if action == "release" else allocate_form
                add_service_errors(form, error)
            if allocate_form.errors or release_form.errors:
                status = 400
        sheet = selectors.panel_sheet(challenge=challenge)
        return _render(
            request,
            "judging_panel.html",
            {
                "challenge": challenge,
                "sheet": sheet,
                "judging": sheet["judging"],
                "members": selectors.panel_members(challenge=challenge),
                "allocate_form": allocate_form,
                "release_form": release_form,
                "release_problems": selectors.feedback_release_problems(
                    challenge=challenge
                ),
                "outlier_points": selectors.OUTLIER_POINTS,
                "now": timezone.now(),
            },
            status=status,
        )

    def panel_csv_view(self, request: HttpRequest, challenge_id: int) -> HttpResponse:
        challenge = get_object_or_404(ChallengePage, pk=challenge_id)
        response = HttpResponse(
            selectors.panel_sheet_csv(challenge=challenge), content_type="text/csv"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="panel-sheet-{challenge.slug}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def members_view(self, request: HttpRequest, challenge_id: int) -> HttpResponse:
        challenge = get_object_or_404(ChallengePage, pk=challenge_id)
        on_panel = ChallengeAssessor.objects.filter(challenge=challenge).values(
            "assessor_id"
        )
        available = selectors.assessors_available().exclude(pk__in=on_panel)
        form = forms.PanelAddForm(None, assessors=available)
        if request.method == "POST":
            try:
                if "remove" in request.POST:
                    member = get_object_or_404(
                        ChallengeAssessor,
                        pk=request.POST["remove"],
                        challenge=challenge,
                    )
                    try:
                        services.panel_assessor_remove(member=member, by=request.user)
                    except ValidationError as error:
                        messages.error(request, " ".join(error.messages))
                    else:
                        messages.success(request, f"{member.assessor} left the panel")
                    return redirect("judging:members", challenge.pk)
                form = forms.PanelAddForm(request.POST, assessors=available)
                if form.is_valid():
                    assessor = form.cleaned_data["assessor"]
                    services.panel_assessor_add(
                        challenge=challenge, assessor=assessor, by=request.user
                    )
                    messages.success(request, f"{assessor} joined the panel")
                    return redirect("judging:members", challenge.pk)
            except ValidationError as error:
                add_service_errors(form, error)
        return _render(
            request,
            "judging_members.html",
            {
                "challenge": challenge,
                "members": selectors.panel_members(challenge=challenge),
                "conflicts": selectors.conflicts_register(challenge=challenge),
                "form": form,
            },
            status=400 if form.errors else 200,
        )

    # --- One entry ------------------------------------------------------------------

    def entry_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        entry = get_object_or_404(
            Entry.objects.filter(status__in=Entry.JUDGED), pk=entry_id
        )
        eligible = selectors.eligible_assessors_for(entry=entry)
        assign_form = forms.AssignForm(None, assessors=eligible, prefix="assign")
        decision_form = forms.DecisionForm(
            initial={
                "outcome": entry.status if entry.status in Entry.DECIDED else None,
                "reason": entry.decision_reason,
            },
            prefix="decision",
        )
        feedback_form = forms.FeedbackForm(
            initial={"feedback": entry.feedback}, prefix="feedback"
        )
        action = request.POST.get("action") if request.method == "POST" else None
        try:
            if action == "assign":
                assign_form = forms.AssignForm(
                    request.POST, assessors=eligible, prefix="assign"
                )
                if assign_form.is_valid():
                    assessor = assign_form.cleaned_data["assessor"]
                    services.assignment_add(
                        entry=entry, assessor=assessor, by=request.user
                    )
                    messages.success(request, f"{assessor} now assesses this entry")
                    return redirect("judging:entry", entry.pk)
            elif action == "decide":
                decision_form = forms.DecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    services.entry_decide(
                        entry=entry,
                        by=request.user,
                        outcome=decision_form.cleaned_data["outcome"],
                        reason=decision_form.cleaned_data["reason"],
                    )
                    messages.success(request, "Decision recorded")
                    return redirect("judging:entry", entry.pk)
            elif action == "feedback":
                feedback_form = forms.FeedbackForm(request.POST, prefix="feedback")
                if feedback_form.is_valid():
                    services.entry_feedback_update(
                        entry=entry,
                        by=request.user,
                        feedback=feedback_form.cleaned_data["feedback"],
                    )
                    messages.success(request, "Feedback saved")
                    return redirect("judging:entry", entry.pk)
            elif action == "draft":
                # Fill the box with a fresh draft; nothing is saved until the lead does.
                feedback_form = forms.FeedbackForm(
                    initial={"feedback": selectors.entry_feedback_draft(entry=entry)},
                    prefix="feedback",
                )
        except ValidationError as error:
            form = {
                "assign": assign_form,
                "decide": decision_form,
                "feedback": feedback_form,
            }[action]
            add_service_errors(form, error)
        data = selectors.panel_entry(entry=entry)
        failed = any(f.errors for f in (assign_form, decision_form, feedback_form))
        data.update(
            assign_form=assign_form,
            decision_form=decision_form,
            feedback_form=feedback_form,
            eligible=eligible,
            outlier_points=selectors.OUTLIER_POINTS,
            inspect_url=reverse("challenge-entries:inspect", args=[entry.pk]),
        )
        return _render(
            request, "judging_entry.html", data, status=400 if failed else 200
        )

    def assignment_view(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        assignment = get_object_or_404(
            Assignment.objects.select_related("entry", "assessor"),
            pk=assignment_id,
            status=Assignment.Status.ACTIVE,
        )
        eligible = selectors.eligible_assessors_for(entry=assignment.entry)
        form = forms.ReassignForm(
            request.POST if request.method == "POST" else None, assessors=eligible
        )
        if request.method == "POST" and form.is_valid():
            try:
                to = form.cleaned_data["to"]
                reason = form.cleaned_data["reason"]
                if to is None:
                    services.assignment_remove(
                        assignment=assignment, by=request.user, reason=reason
                    )
                    messages.success(
                        request, f"{assignment.assessor} no longer assesses this entry"
                    )
                else:
                    services.assignment_reassign(
                        assignment=assignment, to=to, by=request.user, reason=reason
                    )
                    messages.success(
                        request, f"The entry moved from {assignment.assessor} to {to}"
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("judging:entry", assignment.entry_id)
        return _render(
            request,
            "judging_reassign.html",
            {"assignment": assignment, "entry": assignment.entry, "form": form},
            status=400 if form.errors else 200,
        )

    def reopen_view(self, request: HttpRequest, assessment_id: int) -> HttpResponse:
        assessment = get_object_or_404(
            Assessment.objects.select_related(
                "assignment__entry", "assignment__assessor"
            ),
            pk=assessment_id,
        )
        form = forms.ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.assessment_reopen(
                    assessment=assessment,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{assessment.assignment.assessor} can change their assessment "
                    "again: we have emailed them",
                )
                return redirect("judging:entry", assessment.assignment.entry_id)
        return _render(
            request,
            "judging_reopen.html",
            {
                "assessment": assessment,
                "entry": assessment.assignment.entry,
                "form": form,
            },
            status=400 if form.errors else 200,
        )

    def moderate_view(self, request: HttpRequest, score_id: int) -> HttpResponse:
        score = get_object_or_404(
            CriterionScore.objects.select_related(
                "criterion",
                "assessment__assignment__entry",
                "assessment__assignment__assessor",
                "moderation",
            ),
            pk=score_id,
        )
        moderation = getattr(score, "moderation", None)
        form = forms.ModerateForm(
            request.POST if request.method == "POST" else None,
            initial={
                "moderated_score": moderation.moderated_score
                if moderation
                else score.score,
                "reason": moderation.reason if moderation else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.score_moderate(
                    score=score,
                    by=request.user,
                    moderated_score=form.cleaned_data["moderated_score"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Score moderated")
                return redirect("judging:entry", score.assessment.assignment.entry_id)
        return _render(
            request,
            "judging_moderate.html",
            {
                "score": score,
                "moderation": moderation,
                "entry": score.assessment.assignment.entry,
                "form": form,
            },
            status=400 if form.errors else 200,
        )

    def get_urlpatterns(self):
        return [
            path("", _lead_only(self.index_view), name="index"),
            path(
                "challenges/<int:challenge_id>/",
                _lead_only(self.panel_view),
                name="panel",
            ),
            path(
                "challenges/<int:challenge_id>/panel-sheet.csv",
                _lead_only(self.panel_csv_view),
                name="panel_csv",
            ),
            path(
                "challenges/<int:challenge_id>/panel/",
                _lead_only(self.members_view),
                name="members",
            ),
            path("entries/<int:entry_id>/", _lead_only(self.entry_view), name="entry"),
            path(
                "assignments/<int:assignment_id>/",
                _lead_only(self.assignment_view),
                name="assignment",
            ),
            path(
                "assessments/<int:assessment_id>/reopen/",
                _lead_only(self.reopen_view),
                name="reopen",
            ),
            path(
                "scores/<int:score_id>/moderate/",
                _lead_only(self.moderate_view),
                name="moderate",
            ),
        ]


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Nobody, superusers included, adds, edits or deletes through the generic admin
    screens: declarations change only through the assessor's own form, entries only
    through the entry and judging services (both audited)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(
    ConflictOfInterest, ViewOnlyPermissionPolicy(ConflictOfInterest)
)


class ConflictOfInterestViewSet(ModelViewSet):
    """The conflicts-of-interest register, read-only: assessors declare on the front
    end; programme leads see every declaration here (and per panel)."""

    model = ConflictOfInterest
    icon = "warning"
    menu_label = "Conflicts of interest"
    list_display = ["assessor", "organisation", "kind", "challenge", "declared_at"]
    list_filter = ["declaration__challenge", "kind"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False
    index_view_class = CsvSafeIndexView
    list_export = ["assessor", "organisation", "kind", "challenge", "declared_at"]
    export_filename = "conflicts-of-interest"
    form_fields = ["kind"]  # required by ModelViewSet; the policy lets nobody edit

    def get_queryset(self, request):
        return selectors.conflicts_register()


# --- Hooks (imported by wagtail_hooks.py) -------------------------------------------

JUDGING_LOG_ACTIONS = [
    ("challenges.panel.add", "Add assessor to panel", "Added an assessor to the panel"),
    (
        "challenges.panel.remove",
        "Remove assessor from panel",
        "Took an assessor off the panel",
    ),
    (
        "challenges.interests.declare",
        "Declare interests",
        "Declared interests in the entering organisations",
    ),
    ("challenges.allocate", "Allocate entries", "Allocated entries to assessors"),
    ("challenges.assignment.add", "Assign entry", "Gave an entry to an assessor"),
    (
        "challenges.assignment.remove",
        "Remove assignment",
        "Took an entry away from an assessor",
    ),
    (
        "challenges.assignment.reassign",
        "Reassign entry",
        "Moved an entry to another assessor",
    ),
    ("challenges.assignment.recuse", "Recuse", "Stepped back from an entry"),
    ("challenges.assessment.save", "Save assessment", "Saved scores in progress"),
    ("challenges.assessment.submit", "Submit assessment", "Submitted an assessment"),
    ("challenges.assessment.reopen", "Reopen assessment", "Reopened an assessment"),
    ("challenges.score.moderate", "Moderate score", "Moderated a score"),
    ("challenges.entry.decide", "Decide entry", "Decided on an entry"),
    ("challenges.feedback.edit", "Edit feedback", "Edited an entry's feedback"),
    (
        "challenges.feedback.schedule",
        "Schedule feedback release",
        "Chose when feedback is released",
    ),
    (
        "challenges.feedback.release",
        "Release feedback",
        "Released feedback to every entrant",
    ),
    ("challenges.winners.publish", "Announce winners", "Announced the winners"),
    (
        "challenges.promising.opt_in",
        "Join promising solutions",
        "Added the entry to the promising solutions",
    ),
    (
        "challenges.promising.opt_out",
        "Leave promising solutions",
        "Removed the entry from the promising solutions",
    ),
]


@hooks.register("register_log_actions")
def register_judging_log_actions(actions):
    for action, label, message in JUDGING_LOG_ACTIONS:
        actions.register_action(action, label, message)


class AssessorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_assessor(request.user)


@hooks.register("register_admin_menu_item")
def register_assessments_menu_item():
    # Assessors score on the front end (GOV.UK forms that work without JavaScript);
    # this puts their list one click from the admin they sign in to.
    return AssessorMenuItem(
        "Your assessments",
        reverse_lazy("assessments"),
        icon_name=ICON,
        order=160,
    )
