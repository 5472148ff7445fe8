"""Staff screens: Wagtail ModelViewSets for pilots, proposals, metrics, measurements,
contacts and imports, grouped under one "Pilots" menu. Every create, edit and delete
screen saves through the services (`ServiceFormMixin`, `ServiceDeleteView`), and so do
the workflow moves, pilot creation and GDPR actions, shown as header buttons on the
record; imports are only listed and inspected (they are made by uploading a CSV)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton, ListingButton

from challenges.models import Entry
from home.forms import add_service_errors

from .models import Contact, ImportJob, Measurement, Metric, Pilot, PilotProposal
from .selectors import pilots_admin_queryset
from .services.contacts import (
    CONTACT_FIELDS,
    contact_create,
    contact_delete,
    contact_erase,
    contact_export,
    contact_update,
)
from .services.measurements import (
    measurement_delete,
    measurement_record,
    measurement_update,
)
from .services.metrics import METRIC_FIELDS, metric_create, metric_delete, metric_update
from .services.pilots import (
    PILOT_FIELDS,
    PILOT_TRANSITIONS,
    pilot_create,
    pilot_create_from_proposal,
    pilot_delete,
    pilot_transition,
    pilot_update,
)
from .services.proposals import (
    PROPOSAL_FIELDS,
    PROPOSAL_TRANSITIONS,
    proposal_create,
    proposal_create_from_entry,
    proposal_delete,
    proposal_submit,
    proposal_transition,
    proposal_update,
)

Status = PilotProposal.Status


def _error_text(error: ValidationError | PermissionDenied, default: str) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages) or default
    return str(error) or default


class ServiceFormMixin:
    """For create and edit views whose `save_instance` calls a service: a
    ValidationError or PermissionDenied it raises goes beside the form's fields (its
    field errors on those fields, the rest above the form), nothing is saved, and the
    form is shown again."""

    refused_message = "This change cannot be made"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(_error_text(error, self.refused_message))
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceDeleteView(DeleteView):
    """A delete view that asks a service (`delete_instance`) to delete the record; a
    refusal is shown as an error message on the record's inspect (or edit) screen."""

    inspect_url_name = None
    refused_message = "This record cannot be deleted"

    def delete_instance(self) -> None:
        raise NotImplementedError

    def get_refused_url(self) -> str:
        name = self.inspect_url_name or self.edit_url_name
        return reverse(name, args=[self.object.pk])

    def form_valid(self, form):
        success_url = self.get_success_url()
        try:
            with transaction.atomic():
                self.delete_instance()
        except (ValidationError, PermissionDenied) as error:
            messages.error(self.request, _error_text(error, self.refused_message))
            return redirect(self.get_refused_url())
        messages.success(self.request, self.get_success_message())
        hook_response = self.run_after_hook()
        if hook_response is not None:
            return hook_response
        return HttpResponseRedirect(success_url)


def _inline_rows(form, name: str, columns: list[str]) -> list[dict]:
    """The kept rows of an inline panel's formset, as dicts of `columns`; blank extra
    rows and rows marked for deletion are left out."""
    rows = []
    for row_form in form.formsets[name].forms:
        row = getattr(row_form, "cleaned_data", None)
        if row and not row.get("DELETE") and row.get(columns[0]):
            rows.append({c: row.get(c) for c in columns})
    return rows


def _confirm_post_button(
    label: str, url: str, icon: str, priority: int
) -> HeaderButton:
    """A header button that sends a POST (Wagtail's action controller adds the CSRF
    token)."""
    return HeaderButton(
        label,
        url=url,
        icon_name=icon,
        priority=priority,
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        },
    )


def _index_view(queryset, row_actions=None):
    """An index view whose rows come with their relations joined (no N+1); with
    `row_actions(view, instance)`, each row also shows its next workflow steps as
    buttons in view (the Edit, Inspect and Delete links stay in the row's menu)."""

    class View(IndexView):
        def get_base_queryset(self):
            return queryset()

        def get_list_buttons(self, instance):
            buttons = super().get_list_buttons(instance)
            if row_actions is None:
                return buttons
            return [*row_actions(self, instance), *buttons]

    return View


def _row_button(label: str, url: str, icon: str) -> ListingButton:
    return ListingButton(label, url=url, icon_name=icon)


def _pilot_row_actions(view, pilot) -> list[ListingButton]:
    """The pilot's next move forward, to its confirmation page (stopping a pilot is
    on the record's header, with every other move)."""
    if not view.permission_policy.user_has_permission(view.request.user, "change"):
        return []
    forward = [
        to
        for to in PILOT_TRANSITIONS.get(pilot.status, [])
        if to != PilotStatus.STOPPED
    ]
    return [
        _row_button(
            PILOT_TRANSITION_BUTTONS[to][0],
            reverse("pilots_pilot:transition", args=[pilot.pk, to]),
            PILOT_TRANSITION_BUTTONS[to][1],
        )
        for to in forward[:1]
    ]


def _proposal_row_actions(view, proposal) -> list[ListingButton]:
    """Review a proposal that waits for a decision; make the pilot of an approved one."""
    user = view.request.user
    if not view.permission_policy.user_has_permission(user, "change"):
        return []
    if proposal.status in (Status.SUBMITTED, Status.UNDER_REVIEW):
        url = reverse("pilot_proposals:review", args=[proposal.pk])
        return [_row_button("Review", url, "tasks")]
    if (
        proposal.status == Status.APPROVED
        and not hasattr(proposal, "pilot")
        and user.has_perm("pilots.add_pilot")
    ):
        url = reverse("pilot_proposals:create_pilot", args=[proposal.pk])
        return [_row_button("Create pilot", url, "plus")]
    return []


PilotIndexView = _index_view(pilots_admin_queryset, row_actions=_pilot_row_actions)

PilotStatus = Pilot.Status
# The header button for each move of a pilot's life.
PILOT_TRANSITION_BUTTONS = {
    PilotStatus.RUNNING: ("Start the pilot", "arrow-right"),
    PilotStatus.EVALUATING: ("Start the evaluation", "tasks"),
    PilotStatus.COMPLETED: ("Mark as completed", "success"),
    PilotStatus.STOPPED: ("Stop the pilot", "cross"),
}


class _PilotFormSaving(ServiceFormMixin):
    def _service_input(self) -> dict:
        data = self.form.cleaned_data
        partners = _inline_rows(self.form, "partners", ["organisation", "role"])
        return {
            "fields": {name: data[name] for name in PILOT_FIELDS if name in data},
            "partners": [(r["organisation"], r["role"]) for r in partners],
            "milestones": _inline_rows(
                self.form, "milestones", ["title", "planned_date", "done_date"]
            ),
            "themes": list(data["themes"]) if "themes" in data else None,
            "adopters": list(data["adopters"]) if "adopters" in data else None,
        }


class PilotCreateView(_PilotFormSaving, CreateView):
    def save_instance(self):
        return pilot_create(by=self.request.user, **self._service_input())


class PilotEditView(_PilotFormSaving, EditView):
    def save_instance(self):
        return pilot_update(
            pilot=self.object, by=self.request.user, **self._service_input()
        )


class PilotDeleteView(ServiceDeleteView):
    def delete_instance(self):
        pilot_delete(pilot=self.object, by=self.request.user)


class PilotInspectView(InspectView):
    # The moves of a pilot's life are buttons in the header, not behind "Actions".
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if not self.permission_policy.user_has_permission(self.request.user, "change"):
            return buttons
        for i, to in enumerate(PILOT_TRANSITIONS.get(self.object.status, [])):
            label, icon = PILOT_TRANSITION_BUTTONS[to]
            url = reverse("pilots_pilot:transition", args=[self.object.pk, to])
            buttons.append(HeaderButton(label, url=url, icon_name=icon, priority=4 + i))
        return buttons


class PilotViewSet(ModelViewSet):
    model = Pilot
    icon = "site"
    menu_label = "Pilots"
    index_view_class = PilotIndexView
    add_view_class = PilotCreateView
    edit_view_class = PilotEditView
    delete_view_class = PilotDeleteView
    inspect_view_class = PilotInspectView
    list_display = [
        "title",
        "lead_organisation",
        "status",
        "evidence_level",
        "lead_contact",
        Column("theme_list", label="Themes", accessor="theme_list"),
    ]
    list_filter = ["status", "evidence_level", "end_decision", "lead_organisation"]
    search_fields = ["title", "summary"]
    search_backend_name = None  # ORM search: same results on SQLite and PostgreSQL
    inspect_view_enabled = True
    copy_view_enabled = False

    def transition_view(self, request, pk, to):
        """Confirm, then make, one move of the pilot's life (`pilot_transition`)."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        pilot = get_object_or_404(Pilot, pk=pk)
        if to not in PILOT_TRANSITION_BUTTONS:
            raise Http404("No such status")
        inspect_url = reverse(self.get_url_name("inspect"), args=[pk])
        if request.method == "POST":
            try:
                pilot = pilot_transition(pilot=pilot, to=to, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(
                    request, _error_text(error, "The pilot's status cannot change")
                )
            else:
                messages.success(
                    request, f"“{pilot}” is now {pilot.get_status_display().lower()}"
                )
            return redirect(inspect_url)
        return TemplateResponse(
            request,
            "pilots/admin/pilot_transition.html",
            {
                "pilot": pilot,
                "action": PILOT_TRANSITION_BUTTONS[to][0],
                "to": PilotStatus(to).label.lower(),
                "ends": to in (PilotStatus.COMPLETED, PilotStatus.STOPPED),
                "header_icon": self.icon,
                "inspect_url": inspect_url,
            },
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "transition/<int:pk>/<str:to>/",
                self.transition_view,
                name="transition",
            ),
        ]


class _ProposalFormSaving(ServiceFormMixin):
    """The create and edit screens collect the form and save through the proposal
    service, which decides who may change a proposal and when."""

    refused_message = "You cannot change this proposal"

    def _service_input(self) -> dict:
        data = self.form.cleaned_data
        partners = []
        for form in self.form.formsets["partners"].forms:
            row = getattr(form, "cleaned_data", None)
            if row and not row.get("DELETE") and row.get("organisation"):
                partners.append((row["organisation"], row["role"]))
        return {
            "lead_organisation": data["lead_organisation"],
            "fields": {name: data[name] for name in PROPOSAL_FIELDS if name in data},
            "partners": partners,
        }


class ProposalCreateView(_ProposalFormSaving, CreateView):
    def save_instance(self):
        return proposal_create(by=self.request.user, **self._service_input())


class ProposalEditView(_ProposalFormSaving, EditView):
    def save_instance(self):
        return proposal_update(
            proposal=self.object, by=self.request.user, **self._service_input()
        )


class ProposalDeleteView(ServiceDeleteView):
    refused_message = "This proposal cannot be deleted"

    def delete_instance(self):
        proposal_delete(proposal=self.object, by=self.request.user)


class ProposalInspectView(InspectView):
    # The workflow's next steps are buttons in the header, not behind "Actions".
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        proposal = self.object
        if proposal.status in (Status.DRAFT, Status.CHANGES_REQUESTED):
            submit_url = reverse("pilot_proposals:submit", args=[proposal.pk])
            buttons.append(
                _confirm_post_button("Submit proposal", submit_url, "mail", 4)
            )
        if proposal.status in (Status.SUBMITTED, Status.UNDER_REVIEW):
            buttons.append(
                HeaderButton(
                    "Review",
                    url=reverse("pilot_proposals:review", args=[proposal.pk]),
                    icon_name="tasks",
                    priority=5,
                )
            )
        if proposal.status == Status.APPROVED and not hasattr(proposal, "pilot"):
            buttons.append(
                HeaderButton(
                    "Create pilot",
                    url=reverse("pilot_proposals:create_pilot", args=[proposal.pk]),
                    icon_name="plus",
                    priority=6,
                )
            )
        return buttons


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[],
    )
    comment = forms.CharField(
        label="Comments for the proposer",
        widget=forms.Textarea,
        required=False,
        help_text="Required when you ask for changes or decline.",
    )

    def __init__(self, *args, proposal: PilotProposal, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            Status.UNDER_REVIEW: "Start the review",
            Status.APPROVED: "Approve",
            Status.CHANGES_REQUESTED: "Ask for changes",
            Status.DECLINED: "Decline",
        }
        choices = [
            (to, labels[to])
            for (frm, to), who in PROPOSAL_TRANSITIONS.items()
            if frm == proposal.status and who == "lead"
        ]
        self.fields["decision"].choices = choices


class ProposalViewSet(ModelViewSet):
    model = PilotProposal
    icon = "doc-full"
    menu_label = "Proposals"
    url_prefix = "pilots/proposals"
    name = "pilot_proposals"
    list_display = [
        "title",
        "lead_organisation",
        "status",
        "submitted_at",
        "created_by",
    ]
    list_filter = ["status", "lead_organisation", "dpia_status"]
    search_fields = ["title", "problem", "proposed_solution"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = ProposalInspectView
    add_view_class = ProposalCreateView
    edit_view_class = ProposalEditView
    delete_view_class = ProposalDeleteView
    copy_view_enabled = False

    index_view_class = _index_view(
        lambda: PilotProposal.objects.select_related(
            "lead_organisation", "created_by", "pilot"
        ),
        row_actions=_proposal_row_actions,
    )

    def review_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        proposal = get_object_or_404(PilotProposal, pk=pk)
        form = ReviewForm(request.POST or None, proposal=proposal)
        if request.method == "POST" and form.is_valid():
            try:
                proposal_transition(
                    proposal=proposal,
                    to=form.cleaned_data["decision"],
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                proposal.refresh_from_db()
                messages.success(
                    request,
                    f"“{proposal}” is now {proposal.get_status_display().lower()}",
                )
                return redirect(self.get_url_name("inspect"), pk=proposal.pk)
        return TemplateResponse(
            request,
            "pilots/admin/proposal_review.html",
            {
                "proposal": proposal,
                "form": form,
                "header_icon": self.icon,
                "inspect_url": reverse(self.get_url_name("inspect"), args=[pk]),
            },
        )

    def create_pilot_view(self, request, pk):
        if not request.user.has_perm("pilots.add_pilot"):
            raise PermissionDenied
        proposal = get_object_or_404(PilotProposal, pk=pk)
        if request.method == "POST":
            try:
                pilot = pilot_create_from_proposal(proposal=proposal, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(self.get_url_name("inspect"), pk=pk)
            messages.success(request, f"Pilot “{pilot}” created from the proposal")
            return redirect("pilots_pilot:edit", pk=pilot.pk)
        return TemplateResponse(
            request,
            "pilots/admin/proposal_create_pilot.html",
            {
                "proposal": proposal,
                "header_icon": self.icon,
                "inspect_url": reverse(self.get_url_name("inspect"), args=[pk]),
            },
        )

    def submit_view(self, request, pk):
        """Send a draft (or a proposal sent back for changes) for review."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        proposal = get_object_or_404(PilotProposal, pk=pk)
        try:
            proposal_submit(proposal=proposal, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            text = (
                " ".join(getattr(error, "messages", []))
                if isinstance(error, ValidationError)
                else str(error)
            )
            messages.error(request, text or "This proposal cannot be submitted")
        else:
            messages.success(request, f"“{proposal}” has been submitted for review")
        return redirect(self.get_url_name("inspect"), pk=pk)

    def create_from_entry_view(self, request, entry_pk):
        """A successful challenge entry becomes a draft proposal (the button is on the
        entry's inspect screen, in `challenges`)."""
        if not self.permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        entry = get_object_or_404(Entry, pk=entry_pk)
        try:
            proposal = proposal_create_from_entry(entry=entry, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("challenge-entries:inspect", entry_pk)
        messages.success(
            request, "Pilot proposal created from the entry: complete it and submit it."
        )
        return redirect(self.get_url_name("edit"), proposal.pk)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", self.review_view, name="review"),
            path("submit/<int:pk>/", require_POST(self.submit_view), name="submit"),
            path("create-pilot/<int:pk>/", self.create_pilot_view, name="create_pilot"),
            path(
                "from-entry/<int:entry_pk>/",
                require_POST(self.create_from_entry_view),
                name="create_from_entry",
            ),
        ]


def _metric_fields(form) -> dict:
    return {n: form.cleaned_data[n] for n in METRIC_FIELDS if n in form.cleaned_data}


class MetricCreateView(ServiceFormMixin, CreateView):
    def save_instance(self):
        return metric_create(by=self.request.user, fields=_metric_fields(self.form))


class MetricEditView(ServiceFormMixin, EditView):
    def save_instance(self):
        return metric_update(
            metric=self.object, by=self.request.user, fields=_metric_fields(self.form)
        )


class MetricDeleteView(ServiceDeleteView):
    def delete_instance(self):
        metric_delete(metric=self.object, by=self.request.user)


class MetricViewSet(ModelViewSet):
    model = Metric
    icon = "table"
    menu_label = "Metrics"
    add_view_class = MetricCreateView
    edit_view_class = MetricEditView
    delete_view_class = MetricDeleteView
    list_display = ["name", "pilot", "unit", "ascending", "target_value"]
    list_filter = ["ascending", "frequency", "pilot"]
    search_fields = ["name", "definition"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False

    index_view_class = _index_view(lambda: Metric.objects.select_related("pilot"))


class MeasurementCreateView(ServiceFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return measurement_record(
            metric=data["metric"],
            period=data["period"],
            value=data["value"],
            note=data.get("note", ""),
            provisional=data.get("provisional", False),
            by=self.request.user,
        )


class MeasurementEditView(ServiceFormMixin, EditView):
    def save_instance(self):
        return measurement_update(measurement=self.form.instance, by=self.request.user)


class MeasurementDeleteView(ServiceDeleteView):
    def delete_instance(self):
        measurement_delete(measurement=self.object, by=self.request.user)


class MeasurementViewSet(ModelViewSet):
    model = Measurement
    icon = "date"
    menu_label = "Measurements"
    list_display = ["metric", "period", "value", "provisional"]
    list_filter = ["provisional", "metric__pilot"]
    search_fields = ["note"]
    search_backend_name = None  # not indexed: search the notes with the ORM
    inspect_view_enabled = True
    copy_view_enabled = False

    index_view_class = _index_view(
        lambda: Measurement.objects.select_related("metric__pilot")
    )
    add_view_class = MeasurementCreateView
    edit_view_class = MeasurementEditView
    delete_view_class = MeasurementDeleteView


class ContactInspectView(InspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                "Export personal data (JSON)",
                url=reverse("pilots_contact:export", args=[self.object.pk]),
                icon_name="download",
                priority=30,
            )
        )
        if self.object.erased_at is None:
            buttons.append(
                Button(
                    "Erase personal data",
                    url=reverse("pilots_contact:erase", args=[self.object.pk]),
                    icon_name="bin",
                    priority=40,
                )
            )
        return buttons


def _contact_fields(form) -> dict:
    return {n: form.cleaned_data[n] for n in CONTACT_FIELDS if n in form.cleaned_data}


class ContactCreateView(ServiceFormMixin, CreateView):
    def save_instance(self):
        return contact_create(by=self.request.user, **_contact_fields(self.form))


class ContactEditView(ServiceFormMixin, EditView):
    def save_instance(self):
        return contact_update(
            contact=self.object, by=self.request.user, fields=_contact_fields(self.form)
        )


class ContactDeleteView(ServiceDeleteView):
    def delete_instance(self):
        contact_delete(contact=self.object, by=self.request.user)


class ContactViewSet(ModelViewSet):
    model = Contact
    icon = "user"
    menu_label = "Contacts"
    add_view_class = ContactCreateView
    edit_view_class = ContactEditView
    delete_view_class = ContactDeleteView
    list_display = ["name", "job_title", "organisation", "lawful_basis", "is_public"]
    list_filter = ["lawful_basis", "is_public", "organisation"]
    search_fields = ["name", "email", "job_title"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = ContactInspectView
    copy_view_enabled = False

    index_view_class = _index_view(
        lambda: Contact.objects.select_related("organisation")
    )

    def export_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        contact = get_object_or_404(Contact, pk=pk)
        response = HttpResponse(
            json.dumps(contact_export(contact=contact, by=request.user), indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="contact-{pk}.json"'
        return response

    def erase_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        contact = get_object_or_404(Contact, pk=pk)
        if request.method == "POST":
            contact_erase(contact=contact, by=request.user)
            messages.success(request, "The contact's personal data has been erased")
            return redirect(self.get_url_name("inspect"), pk=pk)
        return TemplateResponse(
            request,
            "pilots/admin/contact_erase.html",
            {
                "contact": contact,
                "header_icon": self.icon,
                "inspect_url": reverse(self.get_url_name("inspect"), args=[pk]),
            },
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("export/<int:pk>/", self.export_view, name="export"),
            path("erase/<int:pk>/", self.erase_view, name="erase"),
        ]


class ImportJobViewSet(ModelViewSet):
    model = ImportJob
    icon = "upload"
    menu_label = "Measurement imports"
    list_display = ["__str__", "status", "rows_total", "rows_done", "created_at"]
    list_filter = ["status", "pilot"]
    search_fields = ["filename"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    # ModelViewSet builds a form class even for views it does not route; none is shown.
    form_fields = ["filename"]
    inspect_view_fields = [
        "pilot",
        "filename",
        "status",
        "rows_total",
        "rows_done",
        "rows_saved",
        "errors",
        "created_by",
        "created_at",
        "finished_at",
    ]

    index_view_class = _index_view(lambda: ImportJob.objects.select_related("pilot"))

    # Imports are made by uploading a CSV (the pilot lead's page) and run by the import
    # service: staff list and inspect them, with no add, edit or delete screens.
    READ_ONLY_VIEWS = ("add", "edit", "delete")

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in self.READ_ONLY_VIEWS:
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in self.READ_ONLY_VIEWS
        ]


class PilotsViewSetGroup(ViewSetGroup):
    menu_label = "Pilots"
    menu_icon = "site"
    menu_order = 150
    items = (
        PilotViewSet("pilots_pilot", url_prefix="pilots/pilots"),
        ProposalViewSet(),
        MetricViewSet("pilots_metric", url_prefix="pilots/metrics"),
        MeasurementViewSet("pilots_measurement", url_prefix="pilots/measurements"),
        ContactViewSet("pilots_contact", url_prefix="pilots/contacts"),
        ImportJobViewSet("pilots_importjob", url_prefix="pilots/imports"),
    )


pilots_viewset_group = PilotsViewSetGroup()
