"""A brief's assessment criteria, once entrants answer them and assessors score them,
cannot be changed in ways that would lose or misread that work (removing a criterion
would delete its answers and scores; a new scale or weight would reinterpret the scores
already given; a new criterion would leave entries with nothing to be scored on)."""

import pytest
from django.urls import reverse

from challenges.judging import services as judging_services
from challenges.models import (
    AssessmentCriterion,
    Assignment,
    CriterionScore,
    EntryAnswer,
)
from tests.challenges.judging import declare_none, judging_round
from tests.challenges.test_admin import challenge_form_data, criteria_rows
from tests.factories.challenges import UserFactory, challenge_with_criteria

pytestmark = pytest.mark.django_db


def rows(challenge, **changes) -> list[dict]:
    """The criteria rows as they stand; changes: c0={field: value} for the first."""
    return [
        {**row, **changes.get(f"c{i}", {})}
        for i, row in enumerate(criteria_rows(challenge))
    ]


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def scored(index_page):
    """Two criteria, both answered by the round's entry; the first scored once."""
    round_ = judging_round(index_page, assessors=4, entries=1)
    declare_none(round_)
    judging_services.assignments_allocate(challenge=round_.challenge, by=round_.lead)
    assignment = Assignment.objects.filter(entry=round_.entries[0]).first()
    first = round_.challenge.criteria.first()
    judging_services.assessment_save(
        assignment=assignment, by=assignment.assessor, scores={first.pk: (7, "")}
    )
    return round_.challenge


def publish(client, challenge, criteria):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[challenge.pk]),
        {**challenge_form_data(challenge, criteria), "action-publish": "publish"},
    )


class CriteriaInUseTests:
    def test_an_answered_criterion_cannot_be_removed(self, editor, scored):
        answers, scores = EntryAnswer.objects.count(), CriterionScore.objects.count()
        response = publish(editor, scored, rows(scored, c0={"DELETE": "1"}))
        assert response.status_code == 200
        assert (
            "“Criterion 1” cannot be removed: 1 entry has answered it and assessors "
            "have given 1 score on it." in response.content.decode()
        )
        response = publish(editor, scored, rows(scored, c1={"DELETE": "1"}))
        assert (
            "“Criterion 2” cannot be removed: 1 entry has answered it."
            in response.content.decode()
        )
        assert scored.criteria.count() == 2
        assert (EntryAnswer.objects.count(), CriterionScore.objects.count()) == (
            answers,
            scores,
        )

    def test_a_scored_criterion_keeps_its_scale_and_weight(self, editor, scored):
        response = publish(
            editor,
            scored,
            rows(scored, c0={"scale_max": 5, "weight": 50}, c1={"weight": 50}),
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "so its scale and weight can no longer change (it was 10)" in page
        assert "so its scale and weight can no longer change (it was 60)" in page
        first, second = scored.criteria.all()
        assert (first.scale_max, first.weight, second.weight) == (10, 60, 40)

    def test_no_criterion_is_added_once_entrants_have_answered(self, editor, scored):
        new = {
            "title": "Social value",
            "guidance": "Local jobs",
            "weight": 0,
            "max_words": 200,
            "scale_min": 0,
            "scale_max": 10,
        }
        response = publish(editor, scored, [*rows(scored), new])
        assert response.status_code == 200
        assert "“Social value” cannot be added" in response.content.decode()
        assert scored.criteria.count() == 2

    def test_wording_can_still_be_corrected(self, editor, scored):
        response = publish(
            editor,
            scored,
            rows(
                scored,
                c0={"title": "Criterion one", "guidance": "Clearer guidance"},
                c1={"scale_max": 5},  # answered but not yet scored: may change
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        first, second = AssessmentCriterion.objects.filter(page=scored)
        assert (first.title, first.guidance) == ("Criterion one", "Clearer guidance")
        assert second.scale_max == 5
        assert CriterionScore.objects.get(score=7).criterion_id == first.pk

    def test_before_any_entry_criteria_change_freely(self, editor, index_page):
        challenge = challenge_with_criteria(index_page, weights=(60, 40))
        new = {
            "title": "Social value",
            "guidance": "Local jobs",
            "weight": 30,
            "max_words": 200,
            "scale_min": 1,
            "scale_max": 5,
        }
        response = publish(
            editor,
            challenge,
            [*rows(challenge, c0={"DELETE": "1"}, c1={"weight": 70}), new],
        )
        assert response.status_code == 302
        assert [(c.title, c.weight) for c in challenge.criteria.all()] == [
            ("Criterion 2", 70),
            ("Social value", 30),
        ]
