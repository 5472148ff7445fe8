"""The page editor's view of judging: read-only, from the Judging row. Judging is
operational data, moved only by its services, so it is no page field and no revision
holds it."""

from django.urls import reverse
from wagtail.admin.panels import Panel

from home.roles import is_programme_lead


class JudgingStatePanel(Panel):
    """The challenge's judging state, with a link to its judging screen for leads."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "challenges/admin/judging_state_panel.html"

        def is_shown(self) -> bool:
            return self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["state"] = self.instance.judging_state_label
            context["judging_url"] = (
                reverse("judging:panel", args=[self.instance.pk])
                if is_programme_lead(self.request.user)
                else ""
            )
            return context
