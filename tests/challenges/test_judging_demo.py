"""The demo judging rounds: built through the services, idempotent, believable."""

import io

import pytest
from wagtail.models import ModelLogEntry, PageLogEntry

from challenges.judging import selectors as judging_selectors
from challenges.models import (
    Assessment,
    Assignment,
    ChallengeAssessor,
    ChallengePage,
    ConflictOfInterest,
    CriterionScore,
    Entry,
    InterestDeclaration,
    Judging,
    Moderation,
    PromisingSolution,
)
from home.models import OutboundEmail

pytestmark = pytest.mark.django_db

COUNTED = [
    Judging,
    ChallengeAssessor,
    InterestDeclaration,
    ConflictOfInterest,
    Assignment,
    Assessment,
    CriterionScore,
    Moderation,
    PromisingSolution,
    Entry,
    ModelLogEntry,
    PageLogEntry,
    OutboundEmail,
]


@pytest.fixture
def loaded(demo_site, django_capture_on_commit_callbacks):
    from challenges import demo_content

    with django_capture_on_commit_callbacks(execute=True):
        demo_content.load(stdout=io.StringIO())
    return demo_site


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


class JudgingDemoTests:
    def test_demo_content(self, loaded):
        """One load, every check below (loading the demo content is the slow part)."""
        self.check_a_second_load_changes_no_counts(loaded)
        self.check_a_round_mid_judging(loaded)
        self.check_awarded_rounds_have_full_scores_feedback_and_winners(loaded)

    def check_a_second_load_changes_no_counts(self, loaded):
        from challenges import demo_content

        before = counts()
        demo_content.load(stdout=io.StringIO())
        assert counts() == before

    def check_a_round_mid_judging(self, loaded):
        challenge = ChallengePage.objects.get(slug="hospital-discharge-home-support")
        assert challenge.judging_state == Judging.State.IN_PROGRESS
        sheet = judging_selectors.panel_sheet(challenge=challenge)
        progress = {
            r.entry.organisation.slug: (r.done, r.needed) for r in sheet["rows"]
        }
        assert progress == {
            "carebridge-software": (3, 3),
            "brightpath-analytics": (3, 3),
            "homesense-iot": (1, 3),
        }
        carebridge = next(
            r
            for r in sheet["rows"]
            if r.entry.organisation.slug == "carebridge-software"
        )
        assert carebridge.outlier and carebridge.moderated
        statuses = {r.entry.organisation.slug: r.entry.status for r in sheet["rows"]}
        assert statuses["brightpath-analytics"] == Entry.Status.SHORTLISTED
        # The demo assessor has work in every state to show.
        tom = {
            a.entry.organisation.slug: getattr(a, "assessment", None)
            for a in Assignment.objects.filter(
                entry__challenge=challenge, assessor__email="assessor@impactlab.example"
            )
        }
        assert tom["carebridge-software"].is_submitted
        assert not tom["homesense-iot"].is_submitted

    def check_awarded_rounds_have_full_scores_feedback_and_winners(self, loaded):
        for slug in ("retrofit-homes-net-zero", "fire-risk-home-safety-visits"):
            challenge = ChallengePage.objects.get(slug=slug)
            assert challenge.judging_state == Judging.State.AWARDED
            assert challenge.status == "awarded"
            judging = Judging.objects.get(challenge=challenge)
            assert judging.feedback_released_at and judging.winners_published_at
            for row in judging_selectors.panel_sheet(challenge=challenge)["rows"]:
                assert row.complete
                assert row.entry.status in Entry.FINAL
                assert row.entry.feedback_released
                assert "Assessor" not in row.entry.feedback
                assert "Okafor" not in row.entry.feedback
        fire = ChallengePage.objects.get(slug="fire-risk-home-safety-visits")
        assert ConflictOfInterest.objects.filter(
            declaration__challenge=fire,
            declaration__assessor__email="assessor3@impactlab.example",
            organisation__slug="brightpath-analytics",
        ).exists()
        assert not Assignment.objects.filter(
            entry__challenge=fire, assessor__email="assessor3@impactlab.example"
        ).exists()
        assert PromisingSolution.objects.filter(
            entry__organisation__slug="brightpath-analytics",
            entry__challenge__slug="retrofit-homes-net-zero",
        ).exists()
