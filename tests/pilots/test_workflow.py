"""The proposal workflow: every legal and illegal move, its audit entry and email."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from pilots.models import Pilot, PilotProposal, ProposalPartner
from pilots.services.pilots import pilot_create_from_proposal
from pilots.services.proposals import (
    PROPOSAL_LOG_ACTIONS,
    PROPOSAL_TRANSITIONS,
    proposal_approve,
    proposal_create,
    proposal_create_from_entry_fields,
    proposal_request_changes,
    proposal_review_start,
    proposal_submit,
    proposal_transition,
)
from tests.factories.pilots import (
    ProposalFactory,
    PublicBodyFactory,
    programme_lead,
    public_servant,
)

S = PilotProposal.Status
pytestmark = pytest.mark.django_db

LEGAL = set(PROPOSAL_TRANSITIONS)
ILLEGAL = [pair for pair in itertools.product(S.values, S.values) if pair not in LEGAL]


@pytest.fixture
def people():
    proposer = public_servant(email="proposer@sandwell.example")
    lead = programme_lead(email="reviewer@impactlab.example")
    return proposer, lead


def _proposal_in(status: str, proposer) -> PilotProposal:
    return ProposalFactory(status=status, created_by=proposer)


def _actor(pair, people):
    proposer, lead = people
    return proposer if PROPOSAL_TRANSITIONS.get(pair) == "proposer" else lead


class ProposalTransitionTests:
    @pytest.mark.parametrize("pair", sorted(LEGAL))
    def test_legal_move_changes_status_logs_and_emails(
        self, pair, people, django_capture_on_commit_callbacks
    ):
        frm, to = pair
        proposal = _proposal_in(frm, people[0])
        by = _actor(pair, people)
        with django_capture_on_commit_callbacks(execute=True):
            proposal_transition(
                proposal=proposal, to=to, by=by, comment="Please add a cost table."
            )
        proposal.refresh_from_db()
        assert proposal.status == to
        entry = ModelLogEntry.objects.for_instance(proposal).get()
        assert entry.action == PROPOSAL_LOG_ACTIONS[to]
        assert entry.user == by
        assert entry.data["from"] == frm and entry.data["to"] == to
        to_proposer = [m for m in mail.outbox if m.to == [people[0].email]]
        assert len(to_proposer) == 1
        assert S(to).label.lower() in to_proposer[0].subject.lower()

    @pytest.mark.parametrize("pair", ILLEGAL)
    def test_illegal_move_is_refused_and_leaves_no_trace(self, pair, people):
        frm, to = pair
        proposal = _proposal_in(frm, people[0])
        for by in people:
            with pytest.raises(ValidationError):
                proposal_transition(proposal=proposal, to=to, by=by, comment="x")
        proposal.refresh_from_db()
        assert proposal.status == frm
        assert not ModelLogEntry.objects.for_instance(proposal).exists()

    def test_unknown_status_is_refused(self, people):
        proposal = _proposal_in(S.DRAFT, people[0])
        with pytest.raises(ValidationError):
            proposal_transition(proposal=proposal, to="published", by=people[0])

    @pytest.mark.parametrize(
        "pair", [p for p, who in PROPOSAL_TRANSITIONS.items() if who == "lead"]
    )
    def test_review_moves_need_a_programme_lead(self, pair, people):
        proposal = _proposal_in(pair[0], people[0])
        with pytest.raises(PermissionDenied):
            proposal_transition(
                proposal=proposal, to=pair[1], by=people[0], comment="x"
            )
        proposal.refresh_from_db()
        assert proposal.status == pair[0]

    def test_only_the_proposer_submits(self, people):
        proposal = _proposal_in(S.DRAFT, people[0])
        someone_else = public_servant(email="other@dudley.example")
        with pytest.raises(PermissionDenied):
            proposal_submit(proposal=proposal, by=someone_else)

    @pytest.mark.parametrize("to", [S.CHANGES_REQUESTED, S.DECLINED])
    def test_sending_back_or_declining_needs_a_comment(self, to, people):
        proposal = _proposal_in(S.UNDER_REVIEW, people[0])
        with pytest.raises(ValidationError) as caught:
            proposal_transition(proposal=proposal, to=to, by=people[1])
        assert "comment" in caught.value.message_dict

    def test_the_whole_story_is_in_the_audit_log(
        self, people, django_capture_on_commit_callbacks
    ):
        proposer, lead = people
        proposal = _proposal_in(S.DRAFT, proposer)
        with django_capture_on_commit_callbacks(execute=True):
            proposal_submit(proposal=proposal, by=proposer)
            proposal_review_start(proposal=proposal, by=lead)
            proposal_request_changes(
                proposal=proposal, by=lead, comment="Name the evaluator."
            )
            proposal_submit(proposal=proposal, by=proposer)
            proposal_review_start(proposal=proposal, by=lead)
            proposal_approve(proposal=proposal, by=lead, comment="Go ahead.")
        actions = list(
            ModelLogEntry.objects.for_instance(proposal)
            .order_by("timestamp", "pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "pilots.proposal.submit",
            "pilots.proposal.review_start",
            "pilots.proposal.request_changes",
            "pilots.proposal.submit",
            "pilots.proposal.review_start",
            "pilots.proposal.approve",
        ]
        # One email per move to the proposer, plus one to the Lab per submission.
        assert len([m for m in mail.outbox if m.to == [proposer.email]]) == 6
        proposal.refresh_from_db()
        assert proposal.reviewer_comments == "Go ahead."

    def test_no_email_leaves_before_the_transaction_commits(self, people):
        proposal = _proposal_in(S.DRAFT, people[0])
        proposal_submit(proposal=proposal, by=people[0])
        # The test transaction never commits, so the on-commit send never runs.
        assert mail.outbox == []


class ProposalCreateTests:
    def test_public_servant_raises_for_own_organisation(self):
        council = PublicBodyFactory()
        officer = public_servant(organisation=council)
        partner = PublicBodyFactory()
        proposal = proposal_create(
            by=officer,
            lead_organisation=council,
            fields={
                "title": "Discharge to assess",
                "problem": "Delays",
                "proposed_solution": "A team",
                "budget_requested": 1000,
                "duration_months": 6,
                "target_outcomes": "Fewer delays",
                "proposed_metrics": "Delayed days",
                "risks": "Staffing",
            },
            partners=[(partner, "evaluator")],
        )
        assert proposal.status == S.DRAFT
        assert ProposalPartner.objects.get(proposal=proposal).organisation == partner

    def test_not_for_someone_elses_organisation(self):
        officer = public_servant()
        with pytest.raises(PermissionDenied):
            proposal_create(
                by=officer, lead_organisation=PublicBodyFactory(), fields={}
            )

    def test_prefill_from_entry_fields(self, people):
        _, lead = people
        proposal = proposal_create_from_entry_fields(
            by=lead,
            lead_organisation=PublicBodyFactory(),
            fields={
                "title": "SafeSteps home sensors",
                "problem": "Falls at home lead to long hospital stays.",
                "proposed_solution": "Low-cost sensors alert a carer.",
                "source_reference": "Urban Challenge entry 42",
            },
        )
        assert proposal.status == S.DRAFT
        assert proposal.source_reference == "Urban Challenge entry 42"
        assert proposal.created_by == lead

    def test_prefill_refuses_unknown_fields(self, people):
        with pytest.raises(ValueError):
            proposal_create_from_entry_fields(
                by=people[1],
                lead_organisation=PublicBodyFactory(),
                fields={"title": "x", "status": "approved"},
            )


class PilotFromProposalTests:
    def test_one_step_keeps_the_link_and_the_partners(self, people):
        proposal = _proposal_in(S.APPROVED, people[0])
        ProposalPartner.objects.create(
            proposal=proposal, organisation=PublicBodyFactory(), role="pilot-site"
        )
        pilot = pilot_create_from_proposal(proposal=proposal, by=people[1])
        assert pilot.proposal == proposal
        assert pilot.title == proposal.title
        assert pilot.approved_budget == proposal.budget_requested
        assert pilot.partners.get().role == "pilot-site"
        assert ModelLogEntry.objects.for_instance(pilot).get().action == (
            "pilots.pilot.create_from_proposal"
        )

    @pytest.mark.parametrize("status", [s for s in S.values if s != S.APPROVED])
    def test_only_from_an_approved_proposal(self, status, people):
        proposal = _proposal_in(status, people[0])
        with pytest.raises(ValidationError):
            pilot_create_from_proposal(proposal=proposal, by=people[1])
        assert not Pilot.objects.exists()

    def test_only_once(self, people):
        proposal = _proposal_in(S.APPROVED, people[0])
        pilot_create_from_proposal(proposal=proposal, by=people[1])
        with pytest.raises(ValidationError):
            pilot_create_from_proposal(proposal=proposal, by=people[1])

    def test_only_programme_leads(self, people):
        proposal = _proposal_in(S.APPROVED, people[0])
        with pytest.raises(PermissionDenied):
            pilot_create_from_proposal(proposal=proposal, by=people[0])
