"""Two Wagtail admin views that fail with a 500 on a POST that lacks their fields,
served checked at the same paths (lab_site/urls.py mounts these just before Wagtail's
admin, so they answer first).

- The external-link chooser's URL field fails on a form that lacks it (None).
- The redirects import's confirm step reads its signed hidden fields without checking
  they were sent (KeyError).

Both answer 400 instead. Named, because the staff two-factor middleware lets unnamed
URLs through.
"""

from django.core.exceptions import BadRequest
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import ExternalLinkView
from wagtail.contrib.redirects.views import permission_checker, process_import


class CheckedExternalLinkView(ExternalLinkView):
    def post(self, request):
        if f"{self.form_prefix}-url" not in request.POST:
            raise BadRequest("No URL was sent")
        return super().post(request)


@permission_checker.require_any("add")
def checked_process_import(request):
    if request.method == "POST" and not all(
        request.POST.get(key) for key in ("import_file_name", "input_format")
    ):
        raise BadRequest("The import form's hidden fields are missing")
    return process_import(request)


urlpatterns = [
    path(
        "choose-external-link/",
        require_admin_access(CheckedExternalLinkView.as_view()),
        name="wagtailadmin_choose_page_external_link_checked",
    ),
    path(
        "redirects/import/process/",
        require_admin_access(checked_process_import),
        name="wagtailredirects_process_import_checked",
    ),
]
