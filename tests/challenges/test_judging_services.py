"""Judging services: a full round end to end and each rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from challenges.judging import selectors as judging_selectors
from challenges.judging import services as judging_services
from challenges.models import (
    Assessment,
    Assignment,
    ChallengePage,
    ConflictOfInterest,
    Entry,
    Judging,
    Moderation,
    PromisingSolution,
)
from challenges.tasks import feedback_releases_due_task
from search.models import SearchDocument
from tests.challenges.judging import declare_none, full_scores, judging_round, submit
from tests.factories.challenges import (
    assessor,
    challenge_with_criteria,
    closed_challenge,
)

pytestmark = pytest.mark.django_db


def logs(action: str):
    """Log entries of one action, oldest first."""
    return sorted(
        [
            *ModelLogEntry.objects.filter(action=action),
            *PageLogEntry.objects.filter(action=action),
        ],
        key=lambda e: (e.timestamp, e.pk),
    )


@pytest.fixture
def round3(index_page):
    return judging_round(index_page, assessors=4, entries=3)


class FullRoundTests:
    def test_declare_allocate_score_moderate_decide_release_publish(
        self, round3, client, django_capture_on_commit_callbacks
    ):
        r = round3
        a1, a2, a3, a4 = r.assessors
        e1, e2, e3 = r.entries
        # Declare: assessor 1 invests in the second entrant.
        judging_services.interests_declare(
            challenge=r.challenge,
            assessor=a1,
            conflicts={e2.organisation_id: ConflictOfInterest.Kind.INVESTS},
            details="Angel investor since 2024",
        )
        for person in (a2, a3, a4):
            judging_services.interests_declare(
                challenge=r.challenge, assessor=person, conflicts={}
            )
        # Allocate: three each, never the conflicted pair, loads 3,2,2,2.
        with django_capture_on_commit_callbacks(execute=True):
            created = judging_services.assignments_allocate(
                challenge=r.challenge, by=r.lead
            )
        assert len(created) == 9
        assert not Assignment.objects.filter(entry=e2, assessor=a1).exists()
        loads = sorted(
            Assignment.objects.filter(assessor=p).count() for p in r.assessors
        )
        assert loads == [2, 2, 2, 3]
        r.challenge.refresh_from_db()
        assert r.challenge.judging_state == Judging.State.IN_PROGRESS
        assert set(Entry.objects.values_list("status", flat=True)) == {
            Entry.Status.UNDER_ASSESSMENT
        }
        assert {m.to[0] for m in mail.outbox} == {p.email for p in r.assessors}
        # Score: entry 1 high, entry 2 middling, entry 3 low with one outlier.
        plan = {e1.pk: [8, 9, 8], e2.pk: [6, 5, 6], e3.pk: [3, 4, 9]}
        for entry_id, scores in plan.items():
            for assignment, score in zip(
                Assignment.objects.filter(entry_id=entry_id).order_by("pk"),
                scores,
                strict=True,
            ):
                submit(
                    assignment,
                    score,
                    recommendation="fund" if score >= 7 else "do_not_fund",
                    comment=f"Score {score} because the plan is specific",
                )
        sheet = judging_selectors.panel_sheet(challenge=r.challenge)
        assert [row.entry for row in sheet["rows"]] == [e1, e2, e3]
        assert [row.average for row in sheet["rows"]] == [83.3, 56.7, 53.3]
        assert all((row.done, row.needed) == (3, 3) for row in sheet["rows"])
        outlier_row = sheet["rows"][2]
        assert outlier_row.spread == 60.0
        assert [item.outlier for item in outlier_row.assessments] == [
            False,
            False,
            True,
        ]
        # Moderate the outlier's first criterion (9 of 10) with a reason.
        outlier = outlier_row.assessments[2].assessment
        score = outlier.scores.order_by("criterion__sort_order").first()
        judging_services.score_moderate(
            score=score, by=r.lead, moderated_score=5, reason="Misread the budget"
        )
        row = judging_selectors.panel_entry(entry=e3)["row"]
        assert row.moderated
        assert row.assessments[2].percent == 66.0  # 60% x 5/10 + 40% x 9/10
        # Decide: shortlist first, then final decisions.
        judging_services.entry_decide(
            entry=e1, by=r.lead, outcome=Entry.Status.SHORTLISTED
        )
        judging_services.entry_decide(
            entry=e1, by=r.lead, outcome=Entry.Status.SUCCESSFUL
        )
        for entry in (e2, e3):
            judging_services.entry_decide(
                entry=entry, by=r.lead, outcome=Entry.Status.UNSUCCESSFUL
            )
        # Feedback: drafted without names, edited by the lead.
        assert (
            judging_services.feedback_drafts_fill(challenge=r.challenge, by=r.lead) == 3
        )
        e2.refresh_from_db()
        assert "Score 6 because the plan is specific" in e2.feedback
        for person in r.assessors:
            assert person.last_name not in e2.feedback
            assert person.first_name not in e2.feedback
        judging_services.entry_feedback_update(
            entry=e2, by=r.lead, feedback=e2.feedback + "\n\nTry us again next year."
        )
        # Before release the entrant sees nothing of it.
        client.force_login(r.entrants[1])
        page = client.get(f"/entries/{e2.pk}/").content.decode()
        assert "Try us again" not in page and "Unsuccessful" not in page
        # Release on a chosen date: the hourly job does it when the time comes.
        mail.outbox.clear()
        at = timezone.now() + timedelta(days=2)
        judging_services.feedback_release_schedule(
            challenge=r.challenge, by=r.lead, release_at=at
        )
        assert feedback_releases_due_task() == 0
        with (
            freeze_time(at + timedelta(minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert feedback_releases_due_task() == 3
        assert set(Entry.objects.values_list("feedback_released", flat=True)) == {True}
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            u.email for u in r.entrants
        )
        mine = next(m for m in mail.outbox if m.to == [r.entrants[1].email])
        assert "Result: Unsuccessful" in mine.body and "Try us again" in mine.body
        page = client.get(f"/entries/{e2.pk}/").content.decode()
        assert "Try us again" in page and "Unsuccessful" in page
        # Publish the winners on the public brief.
        judging_services.winners_publish(challenge=r.challenge, by=r.lead)
        r.challenge.refresh_from_db()
        assert r.challenge.judging_state == Judging.State.AWARDED
        brief = client.get(r.challenge.url).content.decode()
        assert "Idea 1" in brief and "Start-up 1 Ltd" in brief
        assert "Idea 2" not in brief
        # Every step is in the audit log, with before and after.
        for action in [
            "challenges.panel.add",
            "challenges.interests.declare",
            "challenges.allocate",
            "challenges.assessment.submit",
            "challenges.score.moderate",
            "challenges.entry.decide",
            "challenges.feedback.edit",
            "challenges.feedback.schedule",
            "challenges.feedback.release",
            "challenges.winners.publish",
        ]:
            entries = logs(action)
            assert entries, action
            assert all("before" in e.data and "after" in e.data for e in entries), (
                action
            )
        moderation = logs("challenges.score.moderate")[0]
        assert moderation.user == r.lead
        assert (moderation.data["before"], moderation.data["after"]) == (9, 5)
        assert moderation.data["reason"] == "Misread the budget"
        decide = [
            e.data for e in logs("challenges.entry.decide") if e.object_id == str(e1.pk)
        ]
        assert [(d["before"], d["after"]) for d in decide] == [
            ("under_assessment", "shortlisted"),
            ("shortlisted", "successful"),
        ]


class DeclarationTests:
    def test_only_panel_members_declare_and_only_after_entries_close(self, index_page):
        r = judging_round(index_page, assessors=1, entries=1)
        outsider = assessor(email="outsider@lab.example")
        with pytest.raises(PermissionDenied):
            judging_services.interests_declare(
                challenge=r.challenge, assessor=outsider, conflicts={}
            )
        open_challenge = challenge_with_criteria(index_page, title="Open", slug="open")
        judging_services.panel_assessor_add(
            challenge=open_challenge, assessor=r.assessors[0], by=r.lead
        )
        with pytest.raises(ValidationError, match="Judging starts when entries close"):
            judging_services.interests_declare(
                challenge=open_challenge, assessor=r.assessors[0], conflicts={}
            )

    def test_a_new_interest_ends_the_assignment_at_once(self, round3):
        r = round3
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        assignment = Assignment.objects.filter(assessor=r.assessors[0]).first()
        org = assignment.entry.organisation_id
        judging_services.interests_declare(
            challenge=r.challenge,
            assessor=r.assessors[0],
            conflicts={org: ConflictOfInterest.Kind.RELATED},
        )
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.REMOVED
        assert "conflict of interest" in assignment.ended_reason
        data = logs("challenges.interests.declare")[-1].data
        assert data["before"] == {} and data["after"] == {str(org): "related"}
        assert data["assignments_ended"] == [assignment.pk]

    def test_only_entrants_can_be_declared(self, round3):
        from tests.factories.challenges import BusinessFactory

        stranger = BusinessFactory()
        with pytest.raises(ValidationError):
            judging_services.interests_declare(
                challenge=round3.challenge,
                assessor=round3.assessors[0],
                conflicts={stranger.pk: "works_with"},
            )

    def test_panel_needs_the_assessors_group(self, round3):
        from tests.factories.challenges import UserFactory

        with pytest.raises(ValidationError):
            judging_services.panel_assessor_add(
                challenge=round3.challenge, assessor=UserFactory(), by=round3.lead
            )
        with pytest.raises(PermissionDenied):
            judging_services.panel_assessor_add(
                challenge=round3.challenge,
                assessor=round3.assessors[0],
                by=round3.assessors[1],
            )


@pytest.fixture
def allocated(round3):
    declare_none(round3)
    judging_services.assignments_allocate(challenge=round3.challenge, by=round3.lead)
    return round3


class ScoringTests:
    def test_partial_save_then_submit_then_read_only(self, allocated):
        assignment = Assignment.objects.filter(entry=allocated.entries[0]).first()
        criteria = list(allocated.challenge.criteria.all())
        judging_services.assessment_save(
            assignment=assignment,
            by=assignment.assessor,
            scores={criteria[0].pk: (7, "")},
        )
        assessment = Assessment.objects.get(assignment=assignment)
        assert assessment.status == Assessment.Status.IN_PROGRESS
        assert assessment.scores.get(criterion=criteria[0]).score == 7
        with pytest.raises(ValidationError) as caught:
            judging_services.assessment_save(
                assignment=assignment,
                by=assignment.assessor,
                scores={criteria[0].pk: (7, "")},
                submit=True,
            )
        assert set(caught.value.message_dict) == {
            f"comment_{criteria[0].pk}",
            f"score_{criteria[1].pk}",
            f"comment_{criteria[1].pk}",
            "recommendation",
        }
        submit(assignment, 6)
        with pytest.raises(ValidationError, match="Ask the programme lead to reopen"):
            submit(assignment, 9)
        assert set(
            Assessment.objects.get(pk=assessment.pk).scores.values_list(
                "score", flat=True
            )
        ) == {6}

    @pytest.mark.parametrize("score", [-1, 11, 100])
    def test_scores_outside_the_scale_save_nothing(self, allocated, score):
        assignment = Assignment.objects.first()
        criterion = allocated.challenge.criteria.first()
        with pytest.raises(ValidationError) as caught:
            judging_services.assessment_save(
                assignment=assignment,
                by=assignment.assessor,
                scores={criterion.pk: (score, "why")},
            )
        assert caught.value.message_dict[f"score_{criterion.pk}"] == [
            "Score for “Criterion 1” must be a whole number from 0 to 10"
        ]
        assert not Assessment.objects.filter(scores__isnull=False).exists()

    def test_a_criterion_with_its_own_scale(self, allocated):
        criterion = allocated.challenge.criteria.first()
        criterion.scale_min, criterion.scale_max = 1, 5
        criterion.save()
        assignment = Assignment.objects.first()
        with pytest.raises(ValidationError):
            judging_services.assessment_save(
                assignment=assignment,
                by=assignment.assessor,
                scores={criterion.pk: (0, "")},
            )
        judging_services.assessment_save(
            assignment=assignment,
            by=assignment.assessor,
            scores={criterion.pk: (5, "")},
        )

    def test_only_the_assigned_assessor_scores(self, allocated):
        assignment = Assignment.objects.first()
        other = next(p for p in allocated.assessors if p != assignment.assessor)
        with pytest.raises(PermissionDenied):
            judging_services.assessment_save(
                assignment=assignment,
                by=other,
                scores=full_scores(allocated.challenge, 5),
                recommendation="fund",
            )

    def test_reopen_is_audited_and_undoes_moderation(self, allocated):
        assignment = Assignment.objects.first()
        assessment = submit(assignment, 4)
        score = assessment.scores.first()
        judging_services.score_moderate(
            score=score, by=allocated.lead, moderated_score=6, reason="Calibration"
        )
        with pytest.raises(ValidationError):
            judging_services.assessment_reopen(
                assessment=assessment, by=allocated.lead, reason=""
            )
        judging_services.assessment_reopen(
            assessment=assessment, by=allocated.lead, reason="Read the wrong appendix"
        )
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS
        assert not Moderation.objects.exists()
        data = logs("challenges.assessment.reopen")[0].data
        assert data["before"] == "submitted" and data["after"] == "in_progress"
        assert data["reason"] == "Read the wrong appendix"
        assert data["moderations_cleared"][0]["moderated"] == 6
        submit(assignment, 5)  # the assessor can change and submit again
        with pytest.raises(PermissionDenied):
            judging_services.assessment_reopen(
                assessment=assessment, by=assignment.assessor, reason="Let me"
            )

    def test_saving_is_audited_with_before_and_after(self, allocated):
        assignment = Assignment.objects.first()
        criterion = allocated.challenge.criteria.first()
        judging_services.assessment_save(
            assignment=assignment,
            by=assignment.assessor,
            scores={criterion.pk: (3, "a")},
        )
        judging_services.assessment_save(
            assignment=assignment,
            by=assignment.assessor,
            scores={criterion.pk: (4, "b")},
        )
        second = logs("challenges.assessment.save")[-1]
        assert second.user == assignment.assessor
        key = str(criterion.pk)
        assert second.data["before"]["scores"][key] == {"score": 3, "comment": "a"}
        assert second.data["after"]["scores"][key] == {"score": 4, "comment": "b"}


class RecusalAndReassignmentTests:
    def test_recusal_needs_a_reason_and_is_never_undone_by_allocation(self, allocated):
        assignment = Assignment.objects.first()
        with pytest.raises(ValidationError):
            judging_services.assignment_recuse(
                assignment=assignment, by=assignment.assessor, reason=" "
            )
        judging_services.assignment_recuse(
            assignment=assignment, by=assignment.assessor, reason="Former colleague"
        )
        judging_services.assignments_allocate(
            challenge=allocated.challenge, by=allocated.lead
        )
        assert Assignment.objects.get(pk=assignment.pk).status == "recused"
        with pytest.raises(ValidationError):
            judging_services.assignment_add(
                entry=assignment.entry, assessor=assignment.assessor, by=allocated.lead
            )

    def test_lead_reassigns_by_hand_but_never_to_a_conflicted_assessor(self, allocated):
        r = allocated
        entry = r.entries[0]
        assignment = Assignment.objects.filter(entry=entry).first()
        free = next(
            p
            for p in r.assessors
            if not Assignment.objects.filter(entry=entry, assessor=p).exists()
        )
        judging_services.interests_declare(
            challenge=r.challenge,
            assessor=free,
            conflicts={entry.organisation_id: "works_with"},
        )
        with pytest.raises(ValidationError, match="declared an interest"):
            judging_services.assignment_reassign(
                assignment=assignment, to=free, by=r.lead, reason="Balance"
            )
        assert Assignment.objects.get(pk=assignment.pk).status == "active"  # atomic
        judging_services.interests_declare(
            challenge=r.challenge, assessor=free, conflicts={}
        )
        moved = judging_services.assignment_reassign(
            assignment=assignment, to=free, by=r.lead, reason="Balance the load"
        )
        assert moved.assessor == free and moved.method == Assignment.Method.MANUAL
        assert Assignment.objects.get(pk=assignment.pk).status == "removed"
        data = logs("challenges.assignment.reassign")[0].data
        assert data["before"] == assignment.assessor_id and data["after"] == free.pk


class DecisionTests:
    def test_deciding_incomplete_entries_needs_a_reason(self, allocated):
        entry = allocated.entries[0]
        first = Assignment.objects.filter(entry=entry).first()
        submit(first, 7)
        with pytest.raises(ValidationError) as caught:
            judging_services.entry_decide(
                entry=entry, by=allocated.lead, outcome=Entry.Status.SHORTLISTED
            )
        assert caught.value.message_dict["reason"] == [
            "Only 1 of 3 assessments are complete: record why the panel is deciding now"
        ]
        judging_services.entry_decide(
            entry=entry,
            by=allocated.lead,
            outcome=Entry.Status.SHORTLISTED,
            reason="Two assessors recused late; the panel agreed to proceed",
        )
        entry.refresh_from_db()
        assert entry.status == Entry.Status.SHORTLISTED
        assert entry.decision_reason.startswith("Two assessors")

    def test_only_leads_decide(self, allocated):
        with pytest.raises(PermissionDenied):
            judging_services.entry_decide(
                entry=allocated.entries[0],
                by=allocated.assessors[0],
                outcome="successful",
                reason="I say so",
            )


def decide_all(r, outcome_of=lambda i: "successful" if i == 0 else "unsuccessful"):
    for i, entry in enumerate(r.entries):
        for assignment in Assignment.objects.filter(entry=entry):
            if (
                not hasattr(assignment, "assessment")
                or not assignment.assessment.is_submitted
            ):
                submit(assignment, 7)
        judging_services.entry_decide(entry=entry, by=r.lead, outcome=outcome_of(i))
    judging_services.feedback_drafts_fill(challenge=r.challenge, by=r.lead)


class FeedbackReleaseTests:
    def test_not_released_while_anything_is_missing(self, allocated):
        r = allocated
        with pytest.raises(ValidationError) as caught:
            judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        assert caught.value.messages == [
            "3 of 3 entries have no final decision (successful or unsuccessful)",
            "3 of 3 entries have no feedback",
        ]
        # Due but not ready: the hourly job leaves it and logs a warning.
        judging_services.feedback_release_schedule(
            challenge=r.challenge, by=r.lead, release_at=timezone.now()
        )
        assert feedback_releases_due_task() == 0
        assert not Entry.objects.filter(feedback_released=True).exists()

    def test_released_once_to_everyone_at_once(
        self, allocated, django_capture_on_commit_callbacks
    ):
        r = allocated
        decide_all(r)
        with django_capture_on_commit_callbacks(execute=True):
            judging_services.feedback_release_schedule(
                challenge=r.challenge,
                by=r.lead,
                release_at=timezone.now() - timedelta(minutes=1),
            )
        # A time already past releases at once (the task runs on commit).
        assert Judging.objects.get(challenge=r.challenge).feedback_released_at
        sent = len(mail.outbox)
        assert sent == 3
        with django_capture_on_commit_callbacks(execute=True):
            assert judging_services.feedback_release(challenge=r.challenge) == 0
        assert len(mail.outbox) == sent
        with pytest.raises(ValidationError, match="released"):
            judging_services.entry_feedback_update(
                entry=r.entries[0], by=r.lead, feedback="x"
            )
        with pytest.raises(ValidationError, match="released"):
            judging_services.entry_decide(
                entry=r.entries[1], by=r.lead, outcome="successful"
            )

    def test_winners_only_after_feedback(self, allocated):
        r = allocated
        decide_all(r)
        with pytest.raises(ValidationError, match="Release feedback"):
            judging_services.winners_publish(challenge=r.challenge, by=r.lead)
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        judging_services.winners_publish(challenge=r.challenge, by=r.lead)
        assert Judging.objects.get(challenge=r.challenge).state == "awarded"
        with pytest.raises(ValidationError, match="judging is over"):
            judging_services.winners_publish(challenge=r.challenge, by=r.lead)


def revisions_of(page: ChallengePage) -> list[tuple]:
    """Every revision of the page, with its JSON, oldest first."""
    return list(
        Revision.page_revisions.filter(object_id=str(page.pk))
        .order_by("pk")
        .values_list("pk", "content")
    )


class JudgingStateTests:
    """The state of a round lives in its Judging row: operational data, not content."""

    def test_state_changes_leave_the_page_and_its_revisions_alone(
        self, round3, django_capture_on_commit_callbacks
    ):
        r = round3
        before = ChallengePage.objects.get(pk=r.challenge.pk)
        revisions = revisions_of(before)
        assert revisions and "judging_state" not in revisions[-1][1]
        declare_none(r)
        with django_capture_on_commit_callbacks(execute=True):
            judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        assert Judging.objects.get(challenge=r.challenge).state == "in_progress"
        decide_all(r)
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        with django_capture_on_commit_callbacks(execute=True):
            judging_services.winners_publish(challenge=r.challenge, by=r.lead)
        assert Judging.objects.get(challenge=r.challenge).state == "awarded"
        # No revision made, none rewritten, nothing published.
        assert revisions_of(before) == revisions
        after = ChallengePage.objects.get(pk=r.challenge.pk)
        assert (after.latest_revision_id, after.live_revision_id) == (
            before.latest_revision_id,
            before.live_revision_id,
        )
        assert after.last_published_at == before.last_published_at
        assert after.judging_state == "awarded" and after.status == "awarded"
        # The public search's status facet followed, on commit.
        assert SearchDocument.objects.get(page_id=after.pk).status == "awarded"
        # An editor publishing the page afterwards cannot put an old state back.
        after.get_latest_revision_as_object().save_revision().publish()
        assert ChallengePage.objects.get(pk=after.pk).judging_state == "awarded"

    def test_a_challenge_without_a_judging_row_has_not_started(self, index_page):
        challenge = closed_challenge(index_page)
        assert not Judging.objects.filter(challenge=challenge).exists()
        assert challenge.judging_state == "not_started"
        assert challenge.judging_state_label == "Not started"

    def test_reading_the_state_costs_no_query_once_selected(
        self, index_page, django_assert_num_queries
    ):
        closed_challenge(index_page, judging_state="awarded", slug="awarded-one")
        closed_challenge(index_page, slug="never-judged")
        with django_assert_num_queries(1):
            states = {
                c.slug: c.judging_state
                for c in ChallengePage.objects.filter(
                    slug__in=["awarded-one", "never-judged"]
                ).select_related("judging")
            }
        assert states == {"awarded-one": "awarded", "never-judged": "not_started"}


class PromisingSolutionTests:
    def test_only_unsuccessful_released_entries_opt_in(self, allocated):
        r = allocated
        decide_all(r)
        with pytest.raises(ValidationError):  # not released yet
            judging_services.promising_solution_opt_in(
                entry=r.entries[1], by=r.entrants[1], contact_email="a@b.example"
            )
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        with pytest.raises(ValidationError):  # successful
            judging_services.promising_solution_opt_in(
                entry=r.entries[0], by=r.entrants[0], contact_email="a@b.example"
            )
        with pytest.raises(PermissionDenied):  # someone else's entry
            judging_services.promising_solution_opt_in(
                entry=r.entries[1], by=r.entrants[2], contact_email="a@b.example"
            )
        with pytest.raises(ValidationError):
            judging_services.promising_solution_opt_in(
                entry=r.entries[1], by=r.entrants[1], contact_email="not an email"
            )
        judging_services.promising_solution_opt_in(
            entry=r.entries[1], by=r.entrants[1], contact_email="hello@two.example"
        )
        assert list(judging_selectors.promising_solutions()) == [
            PromisingSolution.objects.get(entry=r.entries[1])
        ]
        judging_services.promising_solution_opt_out(
            entry=r.entries[1], by=r.entrants[1]
        )
        assert not judging_selectors.promising_solutions().exists()
        assert [e.data["after"] for e in logs("challenges.promising.opt_in")] == [
            "hello@two.example"
        ]
