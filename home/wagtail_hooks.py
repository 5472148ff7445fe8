from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import page_cache
from .job_views import TaskFailurePermissionPolicy, task_failure_viewset
from .models import TaskFailure
from .views import organisation_viewset


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return organisation_viewset


register_permission_policy(TaskFailure, TaskFailurePermissionPolicy(TaskFailure))


@hooks.register("register_admin_viewset")
def register_task_failure_viewset():
    return task_failure_viewset


@hooks.register("before_serve_page")
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    page_cache.mark_cacheable(page, request)
