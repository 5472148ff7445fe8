"""Allocation properties, tested with hypothesis.

The pure function (challenges.judging.allocation.allocate) is checked against a brute-force
oracle on small cases; the service (assignments_allocate) is checked on the database
for the same rules and for its error when too few unconflicted assessors exist."""

import itertools
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from challenges.judging import services as judging_services
from challenges.judging.allocation import TooFewAssessors, allocate
from challenges.models import Assignment, Entry
from tests.challenges.judging import declare_none, judging_round


@st.composite
def problems(draw, max_entries=6, max_assessors=6):
    """Entries, assessors, N, a random conflict set and random existing loads."""
    entries = list(range(draw(st.integers(1, max_entries))))
    assessors = [f"a{i}" for i in range(draw(st.integers(1, max_assessors)))]
    n = draw(st.integers(1, 4))
    conflicted = draw(
        st.sets(st.sampled_from([(e, a) for e in entries for a in assessors]))
    )
    eligible = {(e, a) for e in entries for a in assessors} - conflicted
    return entries, assessors, n, eligible


def loads(pairs, assessors):
    counter = Counter(a for _, a in pairs)
    return [counter.get(a, 0) for a in assessors]


def within_one_exists(entries, assessors, n, eligible) -> bool:
    """Brute force: is there any valid allocation with loads within one?"""
    options = [
        [
            c
            for c in itertools.combinations(assessors, n)
            if all((e, a) in eligible for a in c)
        ]
        for e in entries
    ]
    for choice in itertools.product(*options):
        counter = Counter(a for combo in choice for a in combo)
        values = [counter.get(a, 0) for a in assessors]
        if max(values) - min(values) <= 1:
            return True
    return False


class AllocationPropertyTests:
    @settings(max_examples=300, deadline=None)
    @given(problems())
    def test_valid_or_a_clear_refusal(self, problem):
        entries, assessors, n, eligible = problem
        try:
            pairs = allocate(
                entries=entries,
                assessors=assessors,
                eligible=eligible,
                needed={e: n for e in entries},
            )
        except TooFewAssessors as error:
            # Refused only when some entry really lacks unconflicted assessors, and
            # the error names every such entry with what it has and needs.
            short = {
                e: (sum((e, a) in eligible for a in assessors), n)
                for e in entries
                if sum((e, a) in eligible for a in assessors) < n
            }
            assert short
            assert error.shortfalls == short
            return
        # Never a conflicted (ineligible) pair.
        assert set(pairs) <= eligible
        # Every entry gets N distinct assessors.
        per_entry = Counter(e for e, _ in pairs)
        assert per_entry == {e: n for e in entries}
        assert len(set(pairs)) == len(pairs)

    @settings(max_examples=300, deadline=None)
    @given(problems(max_entries=4, max_assessors=5))
    def test_load_within_one_whenever_any_allocation_allows_it(self, problem):
        entries, assessors, n, eligible = problem
        try:
            pairs = allocate(
                entries=entries,
                assessors=assessors,
                eligible=eligible,
                needed={e: n for e in entries},
            )
        except TooFewAssessors:
            return
        values = loads(pairs, assessors)
        if within_one_exists(entries, assessors, n, eligible):
            assert max(values) - min(values) <= 1
        # Always: no entry could move from a busier assessor to one with two fewer.
        load = dict(zip(assessors, values, strict=True))
        taken = set(pairs)
        for e, a in pairs:
            for b in assessors:
                if (e, b) in eligible and (e, b) not in taken:
                    assert load[a] - load[b] <= 1, (e, a, b, load)

    @settings(max_examples=200, deadline=None)
    @given(
        st.integers(1, 40),
        st.integers(1, 12),
        st.integers(1, 5),
    )
    def test_without_conflicts_the_load_is_always_within_one(self, e, k, n):
        entries = list(range(e))
        assessors = list(range(k))
        eligible = {(x, a) for x in entries for a in assessors}
        if k < n:
            with pytest.raises(TooFewAssessors):
                allocate(
                    entries=entries,
                    assessors=assessors,
                    eligible=eligible,
                    needed={x: n for x in entries},
                )
            return
        pairs = allocate(
            entries=entries,
            assessors=assessors,
            eligible=eligible,
            needed={x: n for x in entries},
        )
        values = loads(pairs, assessors)
        assert max(values) - min(values) <= 1
        assert sum(values) == e * n

    @settings(max_examples=150, deadline=None)
    @given(problems(max_entries=5, max_assessors=5), st.data())
    def test_topping_up_keeps_existing_work_and_evens_the_total(self, problem, data):
        """With existing loads (earlier rounds, hand assignments), new work goes to
        the least loaded: no new entry lands on someone two above an eligible peer."""
        entries, assessors, n, eligible = problem
        existing = {a: data.draw(st.integers(0, 4)) for a in assessors}
        try:
            pairs = allocate(
                entries=entries,
                assessors=assessors,
                eligible=eligible,
                needed={e: n for e in entries},
                load=existing,
            )
        except TooFewAssessors:
            return
        total = Counter(existing)
        total.update(a for _, a in pairs)
        taken = set(pairs)
        for e, a in pairs:
            for b in assessors:
                if (e, b) in eligible and (e, b) not in taken:
                    assert total[a] - total[b] <= 1

    def test_deterministic(self):
        entries, assessors = list(range(7)), ["x", "y", "z", "w"]
        eligible = {(e, a) for e in entries for a in assessors} - {(0, "x"), (3, "y")}
        first = allocate(
            entries=entries,
            assessors=assessors,
            eligible=eligible,
            needed=dict.fromkeys(entries, 3),
        )
        again = allocate(
            entries=entries,
            assessors=assessors,
            eligible=eligible,
            needed=dict.fromkeys(entries, 3),
        )
        assert first == again


@pytest.mark.django_db
class AllocationServiceTests:
    """The same rules through the service, on the database."""

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    @given(st.data())
    def test_service_never_assigns_a_conflicted_assessor(self, index_page, data):
        from challenges.models import ChallengePage

        # Hypothesis reuses the function-scoped database: start each example afresh.
        Assignment.objects.all().delete()
        Entry.objects.all().delete()
        ChallengePage.objects.filter(slug="damp").delete()
        r = judging_round(index_page, assessors=5, entries=data.draw(st.integers(1, 5)))
        for person in r.assessors:
            conflicts = data.draw(st.sets(st.sampled_from(r.entries), max_size=2))
            judging_services.interests_declare(
                challenge=r.challenge,
                assessor=person,
                conflicts={e.organisation_id: "works_with" for e in conflicts},
            )
        try:
            judging_services.assignments_allocate(
                challenge=r.challenge, by=r.lead, per_entry=3
            )
        except ValidationError:
            assert Assignment.objects.count() == 0  # nothing half-done
            return
        for assignment in Assignment.objects.select_related("entry"):
            assert not assignment.assessor.interest_declarations.filter(
                challenge=r.challenge,
                conflicts__organisation=assignment.entry.organisation_id,
            ).exists()
        per_entry = Counter(a.entry_id for a in Assignment.objects.all())
        assert set(per_entry.values()) == {3}

    def test_too_few_unconflicted_assessors_is_a_clear_error(self, index_page):
        r = judging_round(index_page, assessors=3, entries=2)
        declare_none(r)
        judging_services.interests_declare(
            challenge=r.challenge,
            assessor=r.assessors[0],
            conflicts={r.entries[1].organisation_id: "invests"},
        )
        with pytest.raises(ValidationError) as caught:
            judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        messages = caught.value.messages
        assert messages[0] == (
            "“Idea 2” (Start-up 2 Ltd) has 2 assessors free of conflicts of interest "
            "but needs 3"
        )
        assert "Add assessors to the panel" in messages[1]
        assert Assignment.objects.count() == 0

    def test_undeclared_assessors_are_named_and_not_allocated(self, index_page):
        r = judging_round(index_page, assessors=4, entries=2)
        for person in r.assessors[:2]:
            judging_services.interests_declare(
                challenge=r.challenge, assessor=person, conflicts={}
            )
        with pytest.raises(ValidationError) as caught:
            judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        assert caught.value.messages[-1] == (
            "Not yet declared their interests, so not allocated: Imran Chaudhry, "
            "Sofia Dunmore"
        )
        judging_services.assignments_allocate(
            challenge=r.challenge, by=r.lead, per_entry=2
        )
        names = set(Assignment.objects.values_list("assessor__last_name", flat=True))
        assert names == {"Abbott", "Baines"}

    def test_running_again_fills_gaps_left_by_a_recusal(self, index_page):
        r = judging_round(index_page, assessors=4, entries=3)
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        assignment = Assignment.objects.filter(entry=r.entries[0]).first()
        judging_services.assignment_recuse(
            assignment=assignment, by=assignment.assessor, reason="I know the founder"
        )
        created = judging_services.assignments_allocate(
            challenge=r.challenge, by=r.lead
        )
        assert len(created) == 1
        replacement = created[0]
        assert replacement.entry_id == r.entries[0].pk
        assert replacement.assessor_id != assignment.assessor_id
        active = Assignment.objects.filter(status=Assignment.Status.ACTIVE)
        assert Counter(a.entry_id for a in active) == {e.pk: 3 for e in r.entries}
        loads_ = Counter(a.assessor_id for a in active)
        assert max(loads_.values()) - min(loads_.values()) <= 1
