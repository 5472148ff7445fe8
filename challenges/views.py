"""Front-end views for start-ups: questions and entries. Thin: services decide.
(Accounts and organisation profiles: home.views.)"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from home.access import rate_limit, sign_in_required
from home.forms import add_service_errors
from home.selectors import organisation_for

from . import forms, selectors, services
from .models import ChallengePage, Entry, EntryAttachment

# --- Interest and questions -----------------------------------------------------------


def _live_challenge(challenge_id) -> ChallengePage:
    try:
        return ChallengePage.objects.live().public().get(pk=int(challenge_id))
    except (ChallengePage.DoesNotExist, TypeError, ValueError) as error:
        raise Http404 from error


@sign_in_required
@require_POST
def challenge_interest(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _live_challenge(challenge_id)
    services.challenge_interest_register(challenge=challenge, user=request.user)
    messages.success(request, "We will email you when answers are published")
    return redirect(challenge.url)


@sign_in_required
@rate_limit("question", key="user")
def challenge_question(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _live_challenge(challenge_id)
    form = forms.QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_ask(
                challenge=challenge,
                user=request.user,
                question=form.cleaned_data["question"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request, "challenges/question_sent.html", {"challenge": challenge}
            )
    return render(
        request, "challenges/question.html", {"form": form, "challenge": challenge}
    )


# --- Entries -------------------------------------------------------------------------


@sign_in_required
@require_POST
def entry_start(request: HttpRequest) -> HttpResponse:
    challenge = _live_challenge(request.POST.get("challenge"))
    if organisation_for(user=request.user) is None:
        return redirect(reverse("organisation_edit") + "?next=" + challenge.url)
    try:
        entry = services.entry_start(challenge=challenge, user=request.user)
    except ValidationError as error:
        return render(
            request,
            "challenges/refused.html",
            {"challenge": challenge, "error": error.messages[0]},
            status=400,
        )
    return redirect("entry_detail", entry_id=entry.pk)


# Which form step holds each fixed part (for the "Change" links).
_STEP_OF = {
    name: slug
    for slug, form_class in forms.ENTRY_STEPS
    for name in form_class.base_fields
}


def _entry_context(entry: Entry) -> dict:
    missing = services.entry_missing(entry=entry)
    steps = []
    for slug, form_class in forms.ENTRY_STEPS:
        if slug == "criteria":
            names = [f"criterion_{c.pk}" for c in entry.challenge.criteria.all()]
        else:
            names = list(form_class.base_fields)
        steps.append(
            {
                "slug": slug,
                "title": form_class.step_title,
                "complete": not any(n in missing for n in names),
            }
        )
    return {
        "entry": entry,
        "challenge": entry.challenge,
        "steps": steps,
        "missing": missing,
    }


@sign_in_required
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    context = _entry_context(entry)
    context["attachments"] = entry.attachments.all()
    return render(request, "challenges/entry_detail.html", context)


@sign_in_required
def entry_step(request: HttpRequest, entry_id: int, step: str) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    steps = dict(forms.ENTRY_STEPS)
    if step not in steps:
        raise Http404
    form_class = steps[step]
    criteria = list(entry.challenge.criteria.all())
    kwargs = {"criteria": criteria} if step == "criteria" else {}
    if step == "criteria":
        answers = selectors.entry_answers_by_criterion(entry=entry)
        initial = {f"criterion_{c.pk}": answers.get(c.pk, "") for c in criteria}
    else:
        initial = {f: getattr(entry, f) for f in form_class.base_fields}
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial, **kwargs
    )
    editable = entry.is_editable
    if request.method == "POST":
        if not editable:
            form.is_valid()
            form.add_error(None, "This entry can no longer be changed")
        elif form.is_valid():
            try:
                if step == "criteria":
                    services.entry_answers_update(
                        entry=entry, by=request.user, answers=form.answers()
                    )
                else:
                    services.entry_update(
                        entry=entry, by=request.user, data=form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your draft has been saved")
                slugs = [s for s, _ in forms.ENTRY_STEPS]
                if "continue" in request.POST and slugs.index(step) + 1 < len(slugs):
                    return redirect(
                        "entry_step",
                        entry_id=entry.pk,
                        step=slugs[slugs.index(step) + 1],
                    )
                if "continue" in request.POST:
                    return redirect("entry_attachments", entry_id=entry.pk)
                return redirect("entry_detail", entry_id=entry.pk)
    return render(
        request,
        "challenges/entry_step.html",
        {
            "entry": entry,
            "challenge": entry.challenge,
            "form": form,
            "step": step,
            "step_title": form_class.step_title,
            "editable": editable,
            "criteria_step": step == "criteria",
        },
    )


@sign_in_required
def entry_attachments(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    form = forms.AttachmentForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_attachment_add(
                entry=entry, by=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['file'].name} has been attached"
            )
            return redirect("entry_attachments", entry_id=entry.pk)
    return render(
        request,
        "challenges/entry_attachments.html",
        {
            "entry": entry,
            "challenge": entry.challenge,
            "form": form,
            "attachments": entry.attachments.all(),
            "editable": entry.is_editable,
        },
    )


@sign_in_required
@require_POST
def attachment_remove(
    request: HttpRequest, entry_id: int, attachment_id: int
) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    attachment = get_object_or_404(EntryAttachment, pk=attachment_id, entry=entry)
    try:
        services.entry_attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{attachment.original_name} has been removed")
    return redirect("entry_attachments", entry_id=entry.pk)


@sign_in_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_for(
        user=request.user, attachment_id=attachment_id
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@sign_in_required
def entry_submit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={
            "declaration_eligibility": entry.declaration_eligibility,
            "declaration_data_protection": entry.declaration_data_protection,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_submit(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            raise
        else:
            return redirect("entry_submitted", entry_id=entry.pk)
    context = _entry_context(entry)
    answers = selectors.entry_answers_by_criterion(entry=entry)
    context.update(
        form=form,
        parts=[
            (f, label, getattr(entry, f), _STEP_OF[f]) for f, label in Entry.FIXED_PARTS
        ],
        answers=[(c, answers.get(c.pk, "")) for c in entry.challenge.criteria.all()],
        attachments=entry.attachments.all(),
    )
    return render(request, "challenges/entry_submit.html", context)


@sign_in_required
def entry_submitted(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    if entry.status == Entry.Status.DRAFT:
        return redirect("entry_detail", entry_id=entry.pk)
    return render(request, "challenges/entry_submitted.html", {"entry": entry})


@sign_in_required
def entry_withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_for_member(user=request.user, entry_id=entry_id)
    error = ""
    if request.method == "POST":
        try:
            services.entry_withdraw(entry=entry, by=request.user)
        except ValidationError as e:
            error = e.messages[0]
        else:
            messages.success(request, "Your entry has been withdrawn")
            return redirect("entries_list")
    return render(
        request, "challenges/entry_withdraw.html", {"entry": entry, "error": error}
    )


@sign_in_required
def entries_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/entries_list.html",
        {
            "entries": selectors.entries_for_user(user=request.user),
            "organisation": organisation_for(user=request.user),
        },
    )
