"""Front-end judging pages: assessors declare, score and recuse (/assessments/);
entrants opt in to the promising-solutions pool; public servants browse it.
Thin: the selectors decide who sees what, the services decide what may change."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from home import roles
from home.access import sign_in_required
from home.forms import add_service_errors

from .. import selectors as challenge_selectors
from ..models import Entry
from . import forms, selectors, services


def assessor_required(view):
    """Signed in (else the sign-in page) and an assessor (else 403)."""

    @sign_in_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.is_assessor(request.user):
            raise PermissionDenied("These pages are for assessors")
        return view(request, *args, **kwargs)

    return wrapped


@assessor_required
def assessments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/assessments/list.html",
        {
            "panels": selectors.assessor_overview(user=request.user),
        },
    )


@assessor_required
def assessment_declare(request: HttpRequest, challenge_id: int) -> HttpResponse:
    member = selectors.panel_member_for(challenge_id=challenge_id, user=request.user)
    challenge = member.challenge
    declaration = selectors.declaration_for(challenge=challenge, user=request.user)
    organisations = selectors.declaration_organisations(challenge=challenge)
    form = forms.DeclarationForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        declaration=declaration,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interests_declare(
                challenge=challenge,
                assessor=request.user,
                conflicts=form.conflicts(),
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your declaration of interests has been saved")
            return redirect("assessments")
    return render(
        request,
        "challenges/assessments/declare.html",
        {
            "challenge": challenge,
            "form": form,
            "declaration": declaration,
            "organisation_fields": [form[n] for n in form.organisation_fields],
            "open": selectors.judging_has_started(challenge=challenge),
        },
    )


@assessor_required
def assessment_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    assignment = selectors.assignment_for_assessor(user=request.user, entry_id=entry_id)
    context = selectors.assessment_context(assignment=assignment)
    assessment = context["assessment"]
    submitted = assessment is not None and assessment.is_submitted
    form = None
    if not submitted:
        form = forms.ScoringForm(
            request.POST if request.method == "POST" else None,
            criteria=context["criteria"],
            assessment=assessment,
        )
    if request.method == "POST":
        if submitted:
            messages.error(
                request,
                "You have submitted this assessment: ask the programme lead to reopen "
                "it to change it",
            )
            return redirect("assessment_entry", entry_id=entry_id)
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.assessment_save(
                    assignment=assignment,
                    by=request.user,
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    panel_note=form.cleaned_data["panel_note"],
                    submit=submit,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Your assessment has been submitted"
                    if submit
                    else "Your scores have been saved: you can come back to them",
                )
                return redirect("assessment_entry", entry_id=entry_id)
    context.update(
        form=form,
        rows=_criterion_rows(form, context),
        submitted=submitted,
        parts=[(label, getattr(assignment.entry, f)) for f, label in Entry.FIXED_PARTS],
    )
    return render(request, "challenges/assessments/entry.html", context)


def _criterion_rows(form, context) -> list[dict]:
    """One row per criterion: its answer, and the form fields or the saved score."""
    rows = []
    fields = {c.pk: (s, m) for c, s, m in form.criterion_rows()} if form else {}
    for c in context["criteria"]:
        own = context["own_scores"].get(c.pk)
        rows.append(
            {
                "criterion": c,
                "answer": context["answers"].get(c.pk, ""),
                "score_field": fields.get(c.pk, (None, None))[0],
                "comment_field": fields.get(c.pk, (None, None))[1],
                "own": own,
                "others": [
                    (o.label, o.scores.get(c.pk), o.comments.get(c.pk, ""))
                    for o in context["others"]
                ],
            }
        )
    return rows


@assessor_required
def assessment_recuse(request: HttpRequest, entry_id: int) -> HttpResponse:
    assignment = selectors.assignment_for_assessor(user=request.user, entry_id=entry_id)
    form = forms.RecuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_recuse(
                assignment=assignment,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"You have stepped back from “{assignment.entry.title}”: the programme "
                "lead will give it to another assessor",
            )
            return redirect("assessments")
    return render(
        request,
        "challenges/assessments/recuse.html",
        {
            "form": form,
            "entry": assignment.entry,
            "challenge": assignment.entry.challenge,
        },
    )


# --- Entrants: the promising-solutions pool ------------------------------------------


@sign_in_required
def entry_promising(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = challenge_selectors.entry_for_member(user=request.user, entry_id=entry_id)
    if entry.status != Entry.Status.UNSUCCESSFUL or not entry.feedback_released:
        raise Http404
    solution = getattr(entry, "promising_solution", None)
    form = forms.PromisingSolutionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "contact_email": solution.contact_email if solution else request.user.email
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.promising_solution_opt_in(
                entry=entry,
                by=request.user,
                contact_email=form.cleaned_data["contact_email"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your entry is now among the promising solutions")
            return redirect("entry_detail", entry_id=entry.pk)
    return render(
        request,
        "challenges/entry_promising.html",
        {
            "entry": entry,
            "challenge": entry.challenge,
            "form": form,
            "solution": solution,
        },
    )


@sign_in_required
@require_POST
def entry_promising_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = challenge_selectors.entry_for_member(user=request.user, entry_id=entry_id)
    services.promising_solution_opt_out(entry=entry, by=request.user)
    messages.success(
        request, "Your entry has been removed from the promising solutions"
    )
    return redirect("entry_detail", entry_id=entry.pk)


def promising_solutions_access(view):
    """Signed in (else the sign-in page), and a public servant or a programme lead
    (else 403)."""

    @sign_in_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.can_browse_promising_solutions(request.user):
            raise PermissionDenied("Promising solutions are for public servants")
        return view(request, *args, **kwargs)

    return wrapped


@promising_solutions_access
def promising_solutions(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(
        selectors.promising_solutions(), selectors.PROMISING_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/promising_solutions.html",
        {"solutions": page.object_list, "page_obj": page, "count": paginator.count},
    )
