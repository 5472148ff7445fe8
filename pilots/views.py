"""Front-end pages: public servants raise and submit proposals; pilot leads record
measurements. Views hold no rules: they check who is asking and call services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from home.access import public_servant_required, sign_in_required
from home.forms import add_service_errors

from . import selectors
from .forms import CsvUploadForm, MeasurementForm, ProposalForm
from .models import ImportJob
from .services import measurements, proposals


@public_servant_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = selectors.proposals_for_proposer(user=request.user)
    return render(request, "pilots/proposal_list.html", {"proposals": proposals})


@public_servant_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.proposal_create(
                by=request.user,
                lead_organisation=form.cleaned_data["lead_organisation"],
                fields=form.proposal_fields(),
                partners=form.partners(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your draft proposal has been saved")
            return redirect("pilots:proposal_detail", pk=proposal.pk)
    return render(
        request, "pilots/proposal_form.html", {"form": form, "proposal": None}
    )


def _own_proposal(request, pk):
    proposal = selectors.proposal_for_proposer(user=request.user, pk=pk)
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


@public_servant_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    return render(
        request,
        "pilots/proposal_detail.html",
        {"proposal": proposal},
    )


@public_servant_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    if not proposal.is_editable_by_proposer:
        messages.error(request, "This proposal can no longer be changed")
        return redirect("pilots:proposal_detail", pk=pk)
    form = ProposalForm(
        request.POST or None,
        user=request.user,
        initial=ProposalForm.initial_for(proposal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposals.proposal_update(
                proposal=proposal,
                by=request.user,
                fields=form.proposal_fields(),
                partners=form.partners(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your changes have been saved")
            return redirect("pilots:proposal_detail", pk=pk)
    return render(
        request, "pilots/proposal_form.html", {"form": form, "proposal": proposal}
    )


@public_servant_required
@require_http_methods(["POST"])
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    try:
        proposals.proposal_submit(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your proposal has been submitted for review")
    return redirect("pilots:proposal_detail", pk=pk)


# Pilot leads --------------------------------------------------------------------------


def _led_pilot(request, pk):
    return get_object_or_404(selectors.pilots_led_by(user=request.user), pk=pk)


@sign_in_required
def my_pilots(request: HttpRequest) -> HttpResponse:
    pilots = selectors.pilots_led_by(user=request.user)
    return render(request, "pilots/my_pilots.html", {"pilots": pilots})


@sign_in_required
@require_http_methods(["GET", "POST"])
def pilot_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    """The pilot lead's page: results so far, record one value, upload or download CSV.
    Anyone but this pilot's lead gets a 404."""
    pilot = _led_pilot(request, pk)
    form = MeasurementForm(
        request.POST if request.POST.get("form") == "measurement" else None,
        pilot=pilot,
    )
    upload = CsvUploadForm(
        request.POST if request.POST.get("form") == "csv" else None,
        request.FILES if request.POST.get("form") == "csv" else None,
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            measurements.measurement_record(
                metric=form.cleaned_data["metric"],
                period=form.period(),
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                provisional=form.cleaned_data["provisional"],
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "period" in error.message_dict:
                form.add_error("month", error.message_dict["period"])
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, "The measurement has been saved")
            return redirect("pilots:measurements", pk=pk)
    if request.method == "POST" and upload.is_bound and upload.is_valid():
        job = measurements.measurements_import_start(
            pilot=pilot,
            by=request.user,
            csv_text=upload.csv_text,
            filename=upload.cleaned_data["file"].name,
        )
        return redirect("pilots:import_job", pk=pk, job_pk=job.pk)
    return render(
        request,
        "pilots/pilot_measurements.html",
        {
            "pilot": pilot,
            "summaries": selectors.pilot_metric_summaries(pilot=pilot),
            "form": form,
            "upload": upload,
        },
    )


@sign_in_required
def pilot_measurements_csv(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _led_pilot(request, pk)
    response = HttpResponse(
        selectors.measurements_csv_export(pilot=pilot), content_type="text/csv"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="pilot-{pilot.pk}-measurements.csv"'
    )
    return response


@sign_in_required
def import_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    pilot = _led_pilot(request, pk)
    job = get_object_or_404(ImportJob, pk=job_pk, pilot=pilot)
    return render(request, "pilots/import_job.html", {"pilot": pilot, "job": job})
