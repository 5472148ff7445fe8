"""Wagtail admin: failed background tasks, for programme leads to see and retry."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .jobs import task_failure_retry
from .models import TaskFailure


class TaskFailurePermissionPolicy(ModelPermissionPolicy):
    """Failures are written by the workers only: nobody adds, edits or deletes them."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


class TaskFailureRetryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "home/admin/task_failure_retry.html"
    page_title = "Retry a failed task"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("home.retry_taskfailure"):
            raise PermissionDenied
        self.failure = get_object_or_404(TaskFailure, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.failure.task_name

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("task_failures:index"), "label": "Failed tasks"},
            {"url": "", "label": "Retry a failed task"},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(failure=self.failure, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.failure.status != TaskFailure.Status.OPEN:
            messages.warning(request, "This task has already been retried.")
        else:
            task_failure_retry(failure_id=self.failure.pk, by=request.user)
            messages.success(
                request, f"{self.failure.task_name} has been queued again."
            )
        return redirect("task_failures:index")


class RetryColumn(Column):
    cell_template_name = "home/admin/task_failure_retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["can_retry"] = (
            instance.status == TaskFailure.Status.OPEN
            and request is not None
            and request.user.has_perm("home.retry_taskfailure")
        )
        context["retry_url"] = reverse("task_failures:retry", args=[instance.pk])
        return context


class TaskFailureViewSet(ModelViewSet):
    model = TaskFailure
    icon = "warning"
    menu_label = "Failed tasks"
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["status", "task_name"]
    search_fields = ["task_name", "exception"]
    inspect_view_fields = [
        "task_name",
        "task_id",
        "status",
        "failed_at",
        "args",
        "kwargs",
        "exception",
        "traceback",
        "retried_at",
        "retried_by",
    ]
    form_fields = []

    @cached_property
    def list_display(self):
        return [
            "task_name",  # the title column: links to the inspect view
            Column("exception", label="Error", accessor="exception"),
            Column("kwargs", label="Arguments", accessor="kwargs"),
            Column("status", label="Status", accessor="get_status_display"),
            Column("failed_at", label="Failed at", accessor="failed_at"),
            RetryColumn("retry", label="Retry"),
        ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<int:pk>/", TaskFailureRetryView.as_view(), name="retry"),
        ]


task_failure_viewset = TaskFailureViewSet("task_failures")
