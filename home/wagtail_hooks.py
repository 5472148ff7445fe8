from wagtail import hooks
from wagtail.permissions import register_permission_policy

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
