"""Wagtail admin: the Users viewset, with a "Reset two-factor authentication" action
where the person's record is (their edit screen) for superusers. Installed through
`home.apps.UsersConfig`, Wagtail's documented way to swap the user viewset."""

from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.widgets import Button
from wagtail.users.views import users


class UserEditView(users.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.is_superuser:
            buttons.append(
                Button(
                    "Reset two-factor authentication",
                    url=reverse("two_factor_reset", args=[self.object.pk]),
                    icon_name="key",
                    priority=90,
                )
            )
        return buttons


class UserViewSet(users.UserViewSet):
    edit_view_class = UserEditView
