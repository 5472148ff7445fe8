import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from home import roles
from home.demo_content import DEMO_PASSWORD
from home.models import HomePage, LabSettings


@pytest.mark.django_db
class LoadDemoContentTests:
    def _counts(self):
        return (
            Page.objects.count(),
            Revision.objects.count(),
            get_user_model().objects.count(),
            Site.objects.count(),
        )

    def test_demo_content(self, capsys):
        """One command run, every check below (loading it all is the slow part)."""
        call_command("load_demo_content")
        self.check_prints_the_demo_logins(capsys)
        self.check_site_points_at_the_home_page_and_footer_links_are_set()
        self.check_demo_users_belong_to_their_roles()
        self.check_runs_twice_without_doubling()

    def check_runs_twice_without_doubling(self):
        first = self._counts()
        call_command("load_demo_content")
        assert self._counts() == first
        # root, home, about, accessibility, privacy, search (the challenge and pilot
        # loaders' pages are counted in tests/challenges/test_admin.py and
        # tests/pilots/test_publishing_demo_content.py)
        assert (
            Page.objects.exclude(
                content_type__app_label__in=["challenges", "pilots"]
            ).count()
            == 6
        )

    def check_site_points_at_the_home_page_and_footer_links_are_set(self):
        home = HomePage.objects.get()
        assert Site.objects.get(is_default_site=True).root_page_id == home.pk
        lab = LabSettings.load()
        assert lab.accessibility_statement.slug == "accessibility-statement"
        assert lab.privacy_notice.slug == "privacy-notice"

    def check_prints_the_demo_logins(self, capsys):
        out = capsys.readouterr().out
        assert "lead@impactlab.example" in out
        assert DEMO_PASSWORD in out

    def check_demo_users_belong_to_their_roles(self):
        User = get_user_model()
        lead = User.objects.get(email="lead@impactlab.example")
        assert list(lead.groups.values_list("name", flat=True)) == [
            roles.PROGRAMME_LEADS
        ]
        assert lead.check_password(DEMO_PASSWORD)
        founder = User.objects.get(email="founder@brightpath.example")
        assert not founder.groups.exists() and not founder.is_staff
