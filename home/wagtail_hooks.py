from wagtail import hooks
from wagtail.documents.views.chooser import viewset as document_chooser_viewset
from wagtail.images.views.chooser import viewset as image_chooser_viewset
from wagtail.permissions import register_permission_policy

from . import page_cache
from .choosers import RecordChooserViewSet, bad_ids_not_found
from .job_views import TaskFailurePermissionPolicy, task_failure_viewset
from .models import TaskFailure
from .views import organisation_viewset


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return organisation_viewset


@hooks.register("register_admin_viewset")
def register_organisation_chooser():
    return RecordChooserViewSet(
        "organisation_chooser",
        model="home.Organisation",
        search_field="name",
        extra_columns=(("get_org_type_display", "Type"),),
        icon="group",
        choose_one_text="Choose an organisation",
        choose_another_text="Choose another organisation",
    )


# Wagtail's image and document choosers, the same way: a non-numeric id is a 404. Set
# here, when the hooks load, before the admin URLconf builds the viewsets' views.
for _viewset in (image_chooser_viewset, document_chooser_viewset):
    _viewset.chosen_view_class = bad_ids_not_found(_viewset.chosen_view_class)

register_permission_policy(TaskFailure, TaskFailurePermissionPolicy(TaskFailure))


@hooks.register("register_admin_viewset")
def register_task_failure_viewset():
    return task_failure_viewset


@hooks.register("before_serve_page")
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    page_cache.mark_cacheable(page, request)


# Security: the second-factor screens and the audit-log actions.
from . import security_hooks  # noqa: E402, F401
