"""The public screens from the outside: bad input, permissions, rate limits, queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from challenges import services
from challenges.models import ChallengePage, Clarification, Entry, EntryAttachment
from home.models import User
from home.roles import ASSESSORS, PROGRAMME_LEADS
from tests.challenges.files import EXE, PDF, upload
from tests.factories.challenges import (
    COMPLETE_PARTS,
    ChallengePageFactory,
    challenge_with_criteria,
)

pytestmark = pytest.mark.django_db


def _complete(challenge, user) -> Entry:
    entry = services.entry_start(challenge=challenge, user=user)
    services.entry_update(entry=entry, by=user, data=COMPLETE_PARTS)
    services.entry_answers_update(
        entry=entry,
        by=user,
        answers={c.pk: "An answer" for c in challenge.criteria.all()},
    )
    return entry


class ChallengeIndexTests:
    def test_lists_filters_and_paginates(self, client, index_page, challenge):
        now = timezone.now()
        upcoming = challenge_with_criteria(
            index_page,
            title="Safer streets at night",
            opens_at=now + timedelta(days=5),
            questions_close_at=now + timedelta(days=9),
            closes_at=now + timedelta(days=30),
        )
        upcoming.themes.add("Safer communities")
        upcoming.save_revision().publish()
        response = client.get("/challenges/")
        assert response.status_code == 200
        assert b"Damp and mould" in response.content
        assert b"day" in response.content and b"left" in response.content
        response = client.get("/challenges/?status=upcoming")
        assert b"Safer streets at night" in response.content
        assert b"Damp and mould" not in response.content
        response = client.get("/challenges/?theme=safer-communities")
        assert b"Safer streets at night" in response.content
        assert b"Damp and mould" not in response.content
        # Unknown filter values are ignored, not errors.
        assert (
            client.get("/challenges/?status=bogus&theme=nope&page=99").status_code
            == 200
        )

    @staticmethod
    def _make(index_page, n):
        for i in range(n):
            # Half with a Judging row (made once a lead sets a round up), half
            # without: the listing reads each one's state without a query per card.
            page = ChallengePageFactory(
                parent=index_page,
                title=f"Listed {i}",
                judging_state="not_started" if i % 2 else None,
            )
            if i % 3 == 0:
                page.themes.add("Net zero", "Housing")
                page.save()

    @pytest.mark.parametrize("count", [10, 100])
    def test_query_count_does_not_grow(
        self, client, index_page, count, django_assert_num_queries
    ):
        # Measured by running this test with django_assert_num_queries(0) at 10
        # challenges and reading the count it reported; the same number must hold at 100.
        self._make(index_page, count)
        client.get("/challenges/")  # warm-up: site root and settings caches
        with django_assert_num_queries(17):
            response = client.get("/challenges/?status=open")
        assert response.status_code == 200
        assert response.content.count(b'class="lab-card') == 10


class ChallengePageTests:
    def test_brief_shows_the_published_answers_without_the_asker(
        self, client, challenge, startup
    ):
        _, asker = startup
        lead = User.objects.get(email="lead@impactlab.example")
        question = services.clarification_ask(
            challenge=challenge, user=asker, question="Is Dudley in scope?"
        )
        services.clarification_ask(
            challenge=challenge, user=asker, question="Unanswered?"
        )
        services.clarification_update(
            clarification=question,
            by=lead,
            question=question.question,
            answer="Yes, every constituent council.",
            status=Clarification.Status.PUBLISHED,
        )
        response = client.get(challenge.url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Is Dudley in scope?" in content
        assert "every constituent council" in content
        assert "Unanswered?" not in content
        assert asker.email not in content
        assert "Criterion 1" in content and "60%" in content

    def test_editor_form_requires_weights_totalling_100(self, client, index_page):
        client.force_login(User.objects.get(email="lead@impactlab.example"))
        now = timezone.now()
        data = nested_form_data(
            {
                "title": "Weights test",
                "slug": "weights-test",
                "summary": "Summary",
                "problem": streamfield([("paragraph", rich_text("<p>Problem</p>"))]),
                "eligibility": rich_text("<p>Anyone</p>"),
                "funding_amount": "1000",
                "opens_at": now.strftime("%Y-%m-%d %H:%M"),
                "questions_close_at": (now + timedelta(days=5)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M"),
                "decision_expected": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
                "themes": "",
                "criteria": inline_formset(
                    [
                        {
                            "title": "Impact",
                            "guidance": "g",
                            "weight": "60",
                            "max_words": "300",
                            "scale_min": "0",
                            "scale_max": "10",
                        },
                        {
                            "title": "Cost",
                            "guidance": "g",
                            "weight": "30",
                            "max_words": "300",
                            "scale_min": "0",
                            "scale_max": "10",
                        },
                    ],
                    min=1,
                ),
                "documents": inline_formset([]),
            }
        )
        url = reverse(
            "wagtailadmin_pages:add",
            args=("challenges", "challengepage", index_page.pk),
        )
        response = client.post(url, data)
        assert response.status_code == 200
        assert "must total 100; they total 90" in response.content.decode()
        assert not ChallengePage.objects.filter(slug="weights-test").exists()
        data["criteria-1-weight"] = "40"
        # A criterion's scale must run upwards (judging scores within it).
        data["criteria-1-scale_max"] = "0"
        response = client.post(url, data)
        assert "The highest score must be above the lowest" in response.content.decode()
        assert not ChallengePage.objects.filter(slug="weights-test").exists()
        data["criteria-1-scale_max"] = "5"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert ChallengePage.objects.filter(slug="weights-test").exists()


class QuestionViewTests:
    def test_signed_out_visitor_is_sent_to_sign_in(self, client, challenge):
        response = client.post(
            reverse("challenge_question", args=[challenge.pk]), {"question": "Hi?"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in"))
        assert not Clarification.objects.exists()

    def test_empty_question_error_and_rate_limit(
        self, client, challenge, startup, settings
    ):
        settings.CHALLENGES_RATE_LIMITS = {
            **settings.CHALLENGES_RATE_LIMITS,
            "question": "2/h",
        }
        _, user = startup
        client.force_login(user)
        url = reverse("challenge_question", args=[challenge.pk])
        response = client.post(url, {"question": ""})
        assert "Enter your question" in response.content.decode()
        client.post(url, {"question": "A real question?"})
        response = client.post(url, {"question": "Another?"})
        assert response.status_code == 429
        assert Clarification.objects.count() == 1

    def test_unknown_challenge_is_404(self, client, startup):
        client.force_login(startup[1])
        response = client.post(
            reverse("challenge_question", args=[999999]), {"question": "?"}
        )
        assert response.status_code == 404


class EntryViewTests:
    def test_start_refuses_closed_and_unknown_challenges(
        self, client, index_page, startup
    ):
        client.force_login(startup[1])
        now = timezone.now()
        closed = challenge_with_criteria(
            index_page,
            opens_at=now - timedelta(days=9),
            questions_close_at=now - timedelta(days=5),
            closes_at=now - timedelta(days=1),
        )
        response = client.post(reverse("entry_start"), {"challenge": closed.pk})
        assert response.status_code == 400
        assert "not open" in response.content.decode()
        assert (
            client.post(reverse("entry_start"), {"challenge": "99999"}).status_code
            == 404
        )
        assert (
            client.post(reverse("entry_start"), {"challenge": "abc"}).status_code == 404
        )
        assert client.get(reverse("entry_start")).status_code == 405
        # An index page is not a challenge.
        index_id = Page.objects.get(slug="challenges").pk
        assert (
            client.post(reverse("entry_start"), {"challenge": index_id}).status_code
            == 404
        )
        assert not Entry.objects.exists()

    def test_step_error_keeps_typed_text_and_saves_nothing(
        self, client, challenge, startup
    ):
        _, user = startup
        client.force_login(user)
        entry = services.entry_start(challenge=challenge, user=user)
        url = reverse("entry_step", args=[entry.pk, "details"])
        long_summary = "lots " * 151
        response = client.post(
            url, {"title": "Typed title", "summary": long_summary, "continue": "1"}
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "Summary must be 150 words or fewer (it has 151)" in content
        assert 'id="id_summary-error"' in content
        assert 'value="Typed title"' in content and long_summary.strip() in content
        entry.refresh_from_db()
        assert entry.title == "" and entry.summary == ""

    def test_draft_saves_and_continues(self, client, challenge, startup):
        _, user = startup
        client.force_login(user)
        entry = services.entry_start(challenge=challenge, user=user)
        response = client.post(
            reverse("entry_step", args=[entry.pk, "details"]),
            {"title": "T", "summary": "S", "continue": "1"},
        )
        assert response["Location"] == reverse(
            "entry_step", args=[entry.pk, "solution"]
        )
        response = client.post(
            reverse("entry_step", args=[entry.pk, "solution"]),
            {"solution": "Half written", "draft": "1"},
        )
        assert response["Location"] == reverse("entry_detail", args=[entry.pk])
        entry.refresh_from_db()
        assert (entry.title, entry.solution) == ("T", "Half written")
        assert (
            "Half written"
            in client.get(
                reverse("entry_step", args=[entry.pk, "solution"])
            ).content.decode()
        )

    def test_bad_upload_refused_with_message(self, client, challenge, startup):
        _, user = startup
        client.force_login(user)
        entry = services.entry_start(challenge=challenge, user=user)
        url = reverse("entry_attachments", args=[entry.pk])
        response = client.post(url, {"file": upload("report.pdf", EXE)})
        content = response.content.decode()
        assert "must be a PDF, DOCX, XLSX, PPTX, PNG or JPEG" in content
        assert 'id="id_file-error"' in content
        response = client.post(url, {})
        assert "Select a file" in response.content.decode()
        assert not EntryAttachment.objects.exists()

    def test_double_submit_makes_one_submission(
        self, client, challenge, startup, django_capture_on_commit_callbacks
    ):
        _, user = startup
        client.force_login(user)
        entry = _complete(challenge, user)
        url = reverse("entry_submit", args=[entry.pk])
        data = {"declaration_eligibility": "on", "declaration_data_protection": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(url, data)
            second = client.post(url, data)
        assert first.status_code == second.status_code == 302
        entry.refresh_from_db()
        assert entry.status == Entry.Status.SUBMITTED
        assert len([m for m in mail.outbox if "Entry received" in m.subject]) == 1

    def test_submit_after_close_refused_draft_kept(self, client, challenge, startup):
        _, user = startup
        client.force_login(user)
        entry = _complete(challenge, user)
        # Close in a minute (freezing weeks ahead would also expire the session).
        closes = timezone.now() + timedelta(minutes=1)
        ChallengePage.objects.filter(pk=challenge.pk).update(
            closes_at=closes, questions_close_at=closes
        )
        with freeze_time(closes + timedelta(minutes=5)):
            response = client.post(
                reverse("entry_submit", args=[entry.pk]),
                {"declaration_eligibility": "on", "declaration_data_protection": "on"},
            )
        assert response.status_code == 200
        assert "your draft has been kept" in response.content.decode()
        entry.refresh_from_db()
        assert (
            entry.status == Entry.Status.DRAFT
            and entry.title == COMPLETE_PARTS["title"]
        )

    def test_closed_draft_says_it_can_no_longer_change(
        self, client, challenge, startup
    ):
        _, user = startup
        client.force_login(user)
        entry = _complete(challenge, user)
        open_page = client.get(reverse("entry_detail", args=[entry.pk])).content
        assert b"come back at any time" in open_page
        assert b"Withdraw this entry" in open_page
        closes = timezone.now() + timedelta(minutes=1)
        ChallengePage.objects.filter(pk=challenge.pk).update(
            closes_at=closes, questions_close_at=closes
        )
        with freeze_time(closes + timedelta(minutes=5)):
            detail = client.get(reverse("entry_detail", args=[entry.pk])).content
            answers = client.get(reverse("entry_submit", args=[entry.pk])).content
        assert b"This draft was not submitted and can no longer be changed" in detail
        assert b"come back at any time" not in detail
        assert b"Withdraw this entry" not in detail
        assert b"Submit entry" not in answers and b">Change<" not in answers

    def test_missing_declarations_shown_beside_the_boxes(
        self, client, challenge, startup
    ):
        _, user = startup
        client.force_login(user)
        entry = _complete(challenge, user)
        response = client.post(reverse("entry_submit", args=[entry.pk]), {})
        content = response.content.decode()
        assert 'id="id_declaration_eligibility-error"' in content
        entry.refresh_from_db()
        assert entry.status == Entry.Status.DRAFT


class EntryPermissionTests:
    @pytest.fixture
    def entry_with_file(self, challenge, startup):
        _, user = startup
        entry = services.entry_start(challenge=challenge, user=user)
        attachment = services.entry_attachment_add(
            entry=entry, by=user, upload=upload("plan.pdf", PDF)
        )
        return entry, attachment

    def _urls(self, entry, attachment):
        return [
            reverse("entry_detail", args=[entry.pk]),
            reverse("entry_step", args=[entry.pk, "details"]),
            reverse("entry_attachments", args=[entry.pk]),
            reverse("entry_submit", args=[entry.pk]),
            reverse("entry_withdraw", args=[entry.pk]),
            reverse("attachment_download", args=[attachment.pk]),
        ]

    def test_another_organisation_gets_404(
        self, client, entry_with_file, other_startup
    ):
        entry, attachment = entry_with_file
        client.force_login(other_startup[1])
        for url in self._urls(entry, attachment):
            assert client.get(url).status_code == 404, url
        response = client.post(
            reverse("entry_step", args=[entry.pk, "details"]), {"title": "Hijacked"}
        )
        assert response.status_code == 404
        response = client.post(
            reverse("attachment_remove", args=[entry.pk, attachment.pk])
        )
        assert response.status_code == 404
        entry.refresh_from_db()
        assert entry.title == "" and entry.attachments.count() == 1

    def test_unassigned_assessor_gets_404(self, client, entry_with_file):
        entry, attachment = entry_with_file
        assessor = User.objects.get(email="assessor@impactlab.example")
        assert assessor.groups.filter(name=ASSESSORS).exists()
        client.force_login(assessor)
        for url in self._urls(entry, attachment):
            assert client.get(url).status_code == 404, url

    def test_signed_out_visitor_is_sent_to_sign_in(self, client, entry_with_file):
        entry, attachment = entry_with_file
        for url in self._urls(entry, attachment) + [reverse("entries_list")]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("sign_in"))

    def test_member_and_programme_lead_download_safely(
        self, client, entry_with_file, startup
    ):
        _entry, attachment = entry_with_file
        lead = User.objects.get(email="lead@impactlab.example")
        assert lead.groups.filter(name=PROGRAMME_LEADS).exists()
        for user in (startup[1], lead):
            client.force_login(user)
            response = client.get(reverse("attachment_download", args=[attachment.pk]))
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment")
            assert 'filename="plan.pdf"' in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content) == PDF

    def test_your_entries_lists_only_your_organisation(
        self, client, challenge, startup, other_startup
    ):
        services.entry_start(challenge=challenge, user=startup[1])
        other = services.entry_start(challenge=challenge, user=other_startup[1])
        services.entry_update(
            entry=other, by=other_startup[1], data={"title": "Rival idea"}
        )
        client.force_login(startup[1])
        content = client.get(reverse("entries_list")).content.decode()
        assert "Draft" in content and "Rival idea" not in content
