"""The demo content tells a story whose dates hold together: nothing answered before it
was asked, submitted after its deadline or in the future, decided before it was
submitted, or measured before its pilot began or in a month not yet started."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from challenges.models import (
    Assessment,
    Assignment,
    ChallengePage,
    Clarification,
    Entry,
    InterestDeclaration,
    Judging,
)
from pilots.models import Measurement, Pilot, PilotProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo_content")
    return timezone.now()


def _labels(queryset) -> list[str]:
    return [str(row) for row in queryset[:5]]


def test_demo_dates_hold_together(demo):
    now = demo
    today = now.date()
    first_of_this_month = today.replace(day=1)

    assert ChallengePage.objects.exists() and Entry.objects.exists()
    assert _labels(ChallengePage.objects.filter(closes_at__lte=F("opens_at"))) == []
    assert (
        _labels(ChallengePage.objects.filter(questions_close_at__gt=F("closes_at")))
        == []
    )
    # Questions: published answers come after the question.
    assert _labels(Clarification.objects.filter(published_at__lt=F("asked_at"))) == []
    assert _labels(Clarification.objects.filter(published_at__gt=now)) == []
    # Entries: submitted after they were opened and the challenge opened, before it
    # closed, and never in the future; decided after they were submitted.
    submitted = Entry.objects.exclude(submitted_at=None)
    assert submitted.exists()
    assert _labels(submitted.filter(submitted_at__gt=now)) == []
    assert _labels(submitted.filter(submitted_at__lt=F("challenge__opens_at"))) == []
    assert _labels(submitted.filter(submitted_at__gt=F("challenge__closes_at"))) == []
    assert (
        _labels(
            Entry.objects.exclude(decided_at=None).filter(
                decided_at__lt=F("submitted_at")
            )
        )
        == []
    )
    assert (
        _labels(
            Entry.objects.exclude(decided_at=None).filter(
                decided_at__lt=F("challenge__closes_at")
            )
        )
        == []
    )
    assert _labels(Entry.objects.filter(decided_at__gt=now)) == []
    # Judging: declarations before assignments, scores after the entry came in.
    assert _labels(InterestDeclaration.objects.filter(declared_at__gt=now)) == []
    assert (
        _labels(Assignment.objects.filter(assigned_at__lt=F("entry__submitted_at")))
        == []
    )
    assert (
        _labels(
            Assessment.objects.exclude(submitted_at=None).filter(
                submitted_at__lt=F("assignment__assigned_at")
            )
        )
        == []
    )
    assert _labels(Assessment.objects.filter(submitted_at__gt=now)) == []
    assert (
        _labels(
            Judging.objects.exclude(feedback_released_at=None).filter(
                feedback_released_at__lt=F("challenge__closes_at")
            )
        )
        == []
    )
    # Proposals: decided after they were submitted, neither in the future.
    assert PilotProposal.objects.exclude(submitted_at=None).exists()
    assert _labels(PilotProposal.objects.filter(submitted_at__gt=now)) == []
    assert (
        _labels(
            PilotProposal.objects.exclude(decided_at=None).filter(
                decided_at__lt=F("submitted_at")
            )
        )
        == []
    )
    assert _labels(PilotProposal.objects.filter(decided_at__gt=now)) == []
    # Pilots: end after start; measured only in months that have started, within
    # the pilot's life.
    assert _labels(Pilot.objects.filter(planned_end_date__lte=F("start_date"))) == []
    assert _labels(Pilot.objects.filter(actual_end_date__gt=today)) == []
    assert Measurement.objects.exists()
    assert _labels(Measurement.objects.filter(period__gt=first_of_this_month)) == []
    early = [
        str(m)
        for m in Measurement.objects.select_related("metric__pilot")
        if m.metric.pilot.start_date
        and m.period < m.metric.pilot.start_date.replace(day=1)
    ]
    assert early == []
