from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from wagtail.admin.viewsets.model import ModelViewSet

from .forms import NotificationPreferenceForm
from .models import NotificationPreference, Organisation
from .services import notification_preference_update


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "org_type", "local_authority_area", "org_id"]
    list_filter = ["org_type", "local_authority_area"]
    search_fields = ["name", "org_id", "companies_house_number"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = [
        "name",
        "slug",
        "org_type",
        "org_id",
        "companies_house_number",
        "website",
        "local_authority_area",
        "size",
        "description",
        "logo",
    ]


organisation_viewset = OrganisationViewSet("organisations")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in person's email settings: how often, and which kinds."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST)
        if form.is_valid():
            notification_preference_update(
                user=request.user,
                frequency=form.cleaned_data["frequency"],
                muted_kinds=form.muted_kinds(),
            )
            messages.success(request, "Your notification settings have been saved")
            return redirect("notification_preferences")
    else:
        form = NotificationPreferenceForm(
            initial=NotificationPreferenceForm.initial_for(preference)
        )
    return render(
        request,
        "home/notification_preferences.html",
        {"form": form, "saved": messages.get_messages(request)},
    )
