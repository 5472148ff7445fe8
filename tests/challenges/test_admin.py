"""Staff screens: page types in the editor, entries and clarifications in the admin."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from challenges import services
from challenges.models import (
    ChallengeIndexPage,
    ChallengePage,
    Clarification,
    Entry,
    Judging,
)
from home.models import HomePage, User
from tests.factories.challenges import UserFactory, closed_challenge

pytestmark = pytest.mark.django_db


def criteria_rows(page: ChallengePage) -> list[dict]:
    """The brief's criteria as the editor's inline form rows."""
    return [
        {
            "id": c.pk,
            "title": c.title,
            "guidance": c.guidance,
            "weight": c.weight,
            "max_words": c.max_words,
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
        }
        for c in page.criteria.all()
    ]


def challenge_form_data(
    page: ChallengePage, criteria: list[dict] | None = None
) -> dict:
    """The editor's POST for a challenge brief as it stands; `criteria` replaces the
    criteria rows (each a dict of the inline form's fields, "id" for existing ones)."""
    if criteria is None:
        criteria = criteria_rows(page)
    existing = sum(1 for c in criteria if c.get("id"))
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "problem": streamfield([("paragraph", rich_text("<p>Edited problem</p>"))]),
            "holders": [o.pk for o in page.holders.all()],
            "themes": "Housing, Prevention",
            "funding_amount": page.funding_amount,
            "pilot_contract": page.pilot_contract,
            "support": page.support,
            "eligibility": rich_text(page.eligibility),
            "opens_at": page.opens_at.strftime("%Y-%m-%d %H:%M"),
            "questions_close_at": page.questions_close_at.strftime("%Y-%m-%d %H:%M"),
            "closes_at": page.closes_at.strftime("%Y-%m-%d %H:%M"),
            "decision_expected": page.decision_expected.isoformat(),
            "criteria": inline_formset(
                [{**row, "ORDER": i} for i, row in enumerate(criteria)],
                initial=existing,
                min=1,
            ),
            "documents": inline_formset([]),
        }
    )


class ChallengePageTypeTests(WagtailPageTestCase):
    def setUp(self):
        from challenges import demo_content as challenges_demo
        from home import demo_content

        with open("/dev/null", "w") as devnull:
            demo_content.load(stdout=devnull)
            challenges_demo.load(stdout=devnull)
        self.index = ChallengeIndexPage.objects.get()
        self.challenge = ChallengePage.objects.get(slug="damp-and-mould-early-warning")
        self.user = self.create_test_user()

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(ChallengeIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ChallengeIndexPage, {ChallengePage})
        self.assertAllowedParentPageTypes(ChallengePage, {ChallengeIndexPage})
        self.assertAllowedSubpageTypes(ChallengePage, {})
        self.assertEqual(ChallengeIndexPage.max_count, 1)
        self.assertEqual(self.index.url, "/challenges/")

    def _challenge_data(self) -> dict:
        return challenge_form_data(self.challenge)

    def test_routable_renderable_editable_previewable(self):
        self.assertPageIsRoutable(self.index)
        self.assertPageIsRenderable(self.index)
        self.assertPageIsEditable(
            self.index,
            post_data={"title": self.index.title, "slug": "challenges", "intro": "x"},
        )
        self.assertPageIsPreviewable(self.index)
        self.assertPageIsRoutable(self.challenge)
        self.assertPageIsRenderable(self.challenge)
        self.assertPageIsEditable(self.challenge, post_data=self._challenge_data())
        self.assertPageIsPreviewable(self.challenge, post_data=self._challenge_data())

    def test_demo_content_covers_every_state_and_is_idempotent(self):
        from challenges import demo_content as challenges_demo

        states = {c.status for c in ChallengePage.objects.all()}
        self.assertEqual(states, {"upcoming", "open", "closed", "awarded"})
        self.assertGreaterEqual(ChallengePage.objects.count(), 6)
        founder = User.objects.get(email="founder@brightpath.example")
        membership = founder.memberships.get()
        self.assertEqual(membership.organisation.name, "BrightPath Analytics Ltd")
        self.assertEqual(membership.organisation.org_type, "business")
        self.assertEqual(membership.role, "admin")
        counts = (
            ChallengePage.objects.count(),
            Entry.objects.count(),
            Clarification.objects.count(),
        )
        with open("/dev/null", "w") as devnull:
            challenges_demo.load(stdout=devnull)
        self.assertEqual(
            counts,
            (
                ChallengePage.objects.count(),
                Entry.objects.count(),
                Clarification.objects.count(),
            ),
        )
        for challenge in ChallengePage.objects.all():
            self.assertEqual(sum(c.weight for c in challenge.criteria.all()), 100)


class JudgingStateInEditorTests:
    """The page editor shows the judging state from the Judging row, read-only."""

    def test_shown_with_a_link_and_never_written_by_the_form(self, client, index_page):
        page = closed_challenge(index_page, judging_state="awarded")
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        content = client.get(url).content.decode()
        assert "Winners announced" in content
        assert reverse("judging:panel", args=[page.pk]) in content
        # A form that still carries the old field changes nothing about judging.
        data = {**challenge_form_data(page), "judging_state": "not_started"}
        data["action-publish"] = "publish"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Judging.objects.get(challenge=page).state == "awarded"
        assert ChallengePage.objects.get(pk=page.pk).status == "awarded"


class EntryAdminTests:
    def test_lead_filters_and_exports_csv(self, client, demo_site):
        from challenges import demo_content as challenges_demo

        with open("/dev/null", "w") as devnull:
            challenges_demo.load(stdout=devnull)
        client.force_login(User.objects.get(email="lead@impactlab.example"))
        challenge = ChallengePage.objects.get(slug="damp-and-mould-early-warning")
        url = reverse("challenge-entries:index")
        response = client.get(url, {"challenge": challenge.pk, "status": "submitted"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Low-cost humidity sensors for tenants" in content
        assert "Predicting damp from repairs data" not in content  # a draft
        response = client.get(url, {"challenge": challenge.pk, "export": "csv"})
        assert response.status_code == 200
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
        )
        assert rows[0][0] == "Reference"
        titles = {row[5] for row in rows[1:]}
        assert titles == {
            "Low-cost humidity sensors for tenants",
            "Predicting damp from repairs data",
        }

    def test_inspect_links_attachments_to_the_checked_download(
        self, client, challenge, startup
    ):
        from tests.challenges.files import PDF, upload

        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("plan.pdf", PDF)
        )
        client.force_login(User.objects.get(email="lead@impactlab.example"))
        response = client.get(reverse("challenge-entries:inspect", args=[entry.pk]))
        assert response.status_code == 200
        download = reverse("attachment_download", args=[attachment.pk])
        assert f'href="{download}"' in response.content.decode()
        assert client.get(download).status_code == 200

    def test_assessor_and_start_up_cannot_see_the_entries_screen(
        self, client, demo_site
    ):
        for email in ("assessor@impactlab.example", "founder@brightpath.example"):
            client.force_login(User.objects.get(email=email))
            response = client.get(reverse("challenge-entries:index"))
            assert response.status_code in (302, 403), email


class ClarificationAdminTests:
    def test_lead_publishes_an_answer_and_everyone_interested_hears(
        self, client, challenge, startup, django_capture_on_commit_callbacks
    ):
        _, asker = startup
        watcher = UserFactory()
        services.challenge_interest_register(challenge=challenge, user=watcher)
        question = services.clarification_ask(
            challenge=challenge, user=asker, question="Which data can we use?"
        )
        client.force_login(User.objects.get(email="lead@impactlab.example"))
        url = reverse("challenge-clarifications:edit", args=[question.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"question": question.question, "answer": "", "status": "published"}
        )
        assert response.status_code == 200
        assert "Enter an answer before publishing" in response.content.decode()
        question.refresh_from_db()
        assert question.status == Clarification.Status.PENDING
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "question": "Which data can we use?",
                    "answer": "Repairs and complaints data, anonymised.",
                    "status": "published",
                },
            )
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.status == Clarification.Status.PUBLISHED
        assert question.published_at is not None
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [asker.email, watcher.email]
        )
        assert (
            "Repairs and complaints data" in client.get(challenge.url).content.decode()
        )
