"""Judging pages from the outside: the permission matrix, the
assessor's forms, the lead's admin screens, the CSV, and query counts."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from challenges.judging import services as judging_services
from challenges.models import (
    Assessment,
    Assignment,
    ConflictOfInterest,
    Entry,
    EntryAttachment,
)
from tests.challenges.judging import declare_none, judging_round, submit
from tests.factories.challenges import BusinessFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def r(index_page):
    """Four assessors, three entries; assessor 1 has an interest in entrant 2."""
    r = judging_round(index_page, assessors=4, entries=3)
    a1 = r.assessors[0]
    judging_services.interests_declare(
        challenge=r.challenge,
        assessor=a1,
        conflicts={r.entries[1].organisation_id: ConflictOfInterest.Kind.WORKS_WITH},
    )
    for person in r.assessors[1:]:
        judging_services.interests_declare(
            challenge=r.challenge, assessor=person, conflicts={}
        )
    judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
    return r


def assigned(r, person):
    return {a.entry for a in Assignment.objects.filter(assessor=person)}


def score_post(challenge, score="7", comment="Clear plan", action="save", **extra):
    data = {action: "1", "recommendation": "fund", "panel_note": ""}
    for c in challenge.criteria.all():
        data[f"score_{c.pk}"] = score
        data[f"comment_{c.pk}"] = comment
    data.update(extra)
    return data


class AnonymousAndStartUpTests:
    @pytest.mark.parametrize(
        "url",
        [
            "/assessments/",
            "/assessments/entries/{entry}/",
            "/assessments/challenges/{challenge}/interests/",
            "/promising-solutions/",
        ],
    )
    def test_anonymous_people_are_sent_to_sign_in(self, client, r, url):
        url = url.format(entry=r.entries[0].pk, challenge=r.challenge.pk)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in"))

    @pytest.mark.parametrize(
        "url",
        [
            "/admin/judging/",
            "/admin/judging/challenges/{challenge}/",
            "/admin/judging/challenges/{challenge}/panel-sheet.csv",
            "/admin/judging/entries/{entry}/",
        ],
    )
    def test_anonymous_and_start_ups_never_reach_staff_screens(self, client, r, url):
        url = url.format(entry=r.entries[0].pk, challenge=r.challenge.pk)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        client.force_login(r.entrants[0])
        response = client.get(url)
        assert response.status_code == 302  # Wagtail: no admin access
        assert response["Location"] == "/admin/login/?next=" + url

    def test_start_ups_are_refused_the_assessor_pages(self, client, r):
        client.force_login(r.entrants[0])
        assert client.get("/assessments/").status_code == 403
        url = f"/assessments/entries/{r.entries[0].pk}/"
        assert client.get(url).status_code == 403
        assert client.post(url, score_post(r.challenge)).status_code == 403
        assert not Assessment.objects.exists()


class AssessorPermissionTests:
    def test_unassigned_and_conflicted_entries_are_not_found(self, client, r):
        a1 = r.assessors[0]
        client.force_login(a1)
        mine = assigned(r, a1)
        conflicted = r.entries[1]
        assert conflicted not in mine
        for entry in r.entries:
            url = f"/assessments/entries/{entry.pk}/"
            assert client.get(url).status_code == (200 if entry in mine else 404)
            response = client.post(url, score_post(r.challenge))
            assert response.status_code == (302 if entry in mine else 404)
        assert not Assessment.objects.filter(assignment__entry=conflicted).exists()

    def test_an_assignment_to_a_conflicted_entry_is_not_found(self, client, r):
        """Even if the lead had assigned it (the declaration came later)."""
        a2 = r.assessors[1]
        entry = next(iter(assigned(r, a2)))
        Assignment.objects.filter(assessor=a2, entry=entry).update(status="active")
        judging_services.interests_declare(
            challenge=r.challenge,
            assessor=a2,
            conflicts={entry.organisation_id: "related"},
        )
        Assignment.objects.filter(assessor=a2, entry=entry).update(status="active")
        client.force_login(a2)
        assert client.get(f"/assessments/entries/{entry.pk}/").status_code == 404

    def test_undeclared_assessors_see_no_entry(self, client, index_page):
        r = judging_round(index_page, assessors=3, entries=1)
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        # Take the declaration away (as if never made) to prove the rule from outside.
        r.assessors[0].interest_declarations.all().delete()
        client.force_login(r.assessors[0])
        entry = r.entries[0]
        assert client.get(f"/assessments/entries/{entry.pk}/").status_code == 404
        page = client.get("/assessments/").content.decode()
        assert "Declare your interests" in page
        assert entry.title not in page

    def test_attachments_follow_the_same_rule(self, client, r, settings, tmp_path):
        from django.core.files.base import ContentFile

        entry = r.entries[0]
        attachment = EntryAttachment(
            entry=entry,
            original_name="plan.pdf",
            content_type="application/pdf",
            size=4,
        )
        attachment.file.save("plan.pdf", ContentFile(b"%PDF"), save=True)
        url = reverse("attachment_download", args=[attachment.pk])
        for person in r.assessors:
            client.force_login(person)
            response = client.get(url)
            assert response.status_code == (
                200 if entry in assigned(r, person) else 404
            )

    def test_others_scores_are_hidden_until_own_submitted(self, client, r):
        entry = r.entries[0]
        first, second = list(Assignment.objects.filter(entry=entry).order_by("pk"))[:2]
        submit(first, 9, comment="A secret comment from the first assessor")
        client.force_login(second.assessor)
        url = f"/assessments/entries/{entry.pk}/"
        page = client.get(url).content.decode()
        assert "A secret comment" not in page
        assert "90.0%" not in page
        client.post(url, score_post(r.challenge, action="save"))
        assert "A secret comment" not in client.get(url).content.decode()
        response = client.post(url, score_post(r.challenge, action="submit"))
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "A secret comment from the first assessor" in page
        assert "90.0%" in page
        assert first.assessor.last_name not in page  # labelled, never named

    @pytest.mark.parametrize("score", ["11", "-1", "7.5", "ten"])
    def test_cannot_score_outside_the_scale(self, client, r, score):
        a2 = r.assessors[1]
        entry = next(iter(assigned(r, a2)))
        client.force_login(a2)
        url = f"/assessments/entries/{entry.pk}/"
        response = client.post(
            url, score_post(r.challenge, score=score, action="submit")
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "must be a whole number from 0 to 10" in page
        assert 'value="' + score + '"' in page  # what they typed is kept
        assert not Assessment.objects.exists()

    def test_submitted_scores_are_read_only(self, client, r):
        a2 = r.assessors[1]
        entry = next(iter(assigned(r, a2)))
        client.force_login(a2)
        url = f"/assessments/entries/{entry.pk}/"
        client.post(url, score_post(r.challenge, score="6", action="submit"))
        response = client.post(url, score_post(r.challenge, score="9", action="submit"))
        assert response.status_code == 302
        scores = set(
            Assessment.objects.get(
                assignment__assessor=a2, assignment__entry=entry
            ).scores.values_list("score", flat=True)
        )
        assert scores == {6}
        page = client.get(url).content.decode()
        assert 'name="score_' not in page
        assert "can no longer be changed unless the programme lead reopens it" in page

    def test_assessors_cannot_reach_the_lead_screens(self, client, r):
        submit(Assignment.objects.first(), 5)
        client.force_login(r.assessors[0])
        for url in [
            "/admin/judging/",
            f"/admin/judging/challenges/{r.challenge.pk}/",
            f"/admin/judging/challenges/{r.challenge.pk}/panel-sheet.csv",
            f"/admin/judging/entries/{r.entries[0].pk}/",
            f"/admin/judging/assessments/{Assessment.objects.first().pk}/reopen/",
        ]:
            # Wagtail answers PermissionDenied with its dashboard and a message.
            response = client.get(url)
            assert (response.status_code, response["Location"]) == (302, "/admin/"), url
        response = client.post(
            f"/admin/judging/challenges/{r.challenge.pk}/",
            {"action": "allocate", "allocate-per_entry": "1"},
        )
        assert response.status_code == 302
        assert Assignment.objects.count() == 9


class AssessorJourneyTests:
    def test_declare_then_list_then_save_partial_then_submit(self, client, index_page):
        r = judging_round(index_page, assessors=3, entries=2)
        a1 = r.assessors[0]
        client.force_login(a1)
        page = client.get("/assessments/").content.decode()
        assert "Declare your interests" in page
        url = f"/assessments/challenges/{r.challenge.pk}/interests/"
        form = client.get(url).content.decode()
        assert "Start-up 1 Ltd" in form and "Start-up 2 Ltd" in form
        # The confirmation is required; the choices are kept.
        org = r.entries[1].organisation_id
        response = client.post(url, {f"org_{org}": "invests"})
        assert response.status_code == 200
        assert (
            "Confirm that you have declared every interest" in response.content.decode()
        )
        assert 'value="invests" selected' in response.content.decode()
        response = client.post(url, {f"org_{org}": "invests", "confirm": "on"})
        assert response.status_code == 302
        for person in r.assessors[1:]:
            judging_services.interests_declare(
                challenge=r.challenge, assessor=person, conflicts={}
            )
        judging_services.assignments_allocate(
            challenge=r.challenge, by=r.lead, per_entry=2
        )
        page = client.get("/assessments/").content.decode()
        assert "Idea 1" in page and "Idea 2" not in page
        assert "Not started" in page
        entry_url = f"/assessments/entries/{r.entries[0].pk}/"
        criteria = list(r.challenge.criteria.all())
        partial = {"save": "1", f"score_{criteria[0].pk}": "8"}
        assert client.post(entry_url, partial).status_code == 302
        page = client.get("/assessments/").content.decode()
        assert "In progress" in page
        response = client.post(
            entry_url, {"submit": "1", f"score_{criteria[0].pk}": "8"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Explain your score for “Criterion 1”" in page
        assert "Enter a score for “Criterion 2”" in page
        assert "Choose your recommendation" in page
        response = client.post(entry_url, score_post(r.challenge, action="submit"))
        assert response.status_code == 302
        page = client.get("/assessments/").content.decode()
        assert "You have submitted 1 of 1" in page

    def test_recuse_with_a_reason(self, client, r):
        a2 = r.assessors[1]
        entry = next(iter(assigned(r, a2)))
        client.force_login(a2)
        url = f"/assessments/entries/{entry.pk}/recuse/"
        response = client.post(url, {"reason": ""})
        assert "Say why you are stepping back" in response.content.decode()
        response = client.post(url, {"reason": "I mentor the founder"})
        assert response.status_code == 302
        assert client.get(f"/assessments/entries/{entry.pk}/").status_code == 404
        assert Assignment.objects.get(assessor=a2, entry=entry).status == "recused"


def finish(r, outcomes=("successful", "unsuccessful", "unsuccessful")):
    for entry, outcome in zip(r.entries, outcomes, strict=True):
        for assignment in Assignment.objects.filter(entry=entry, status="active"):
            submit(assignment, 7, comment=f"Comment on {entry.title}")
        judging_services.entry_decide(entry=entry, by=r.lead, outcome=outcome)
    judging_services.feedback_drafts_fill(challenge=r.challenge, by=r.lead)


class EntrantFeedbackTests:
    def test_entrants_see_only_their_own_feedback_and_only_after_release(
        self, client, r
    ):
        finish(r)
        own, other = r.entries[1], r.entries[2]
        client.force_login(r.entrants[1])
        for url in ("/entries/", f"/entries/{own.pk}/", r.challenge.url):
            page = client.get(url).content.decode()
            assert "Comment on Idea 2" not in page
            assert "Unsuccessful" not in page
            assert "Under assessment" in page
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        page = client.get(f"/entries/{own.pk}/").content.decode()
        assert "Comment on Idea 2" in page and "Unsuccessful" in page
        assert "Comment on Idea 3" not in page
        assert "Comment on Idea 3" not in client.get("/entries/").content.decode()
        assert client.get(f"/entries/{other.pk}/").status_code == 404
        for person in r.assessors:
            assert person.last_name not in page

    def test_promising_solutions_opt_in_and_browse(self, client, r):
        finish(r)
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        client.force_login(r.entrants[1])
        url = f"/entries/{r.entries[1].pk}/promising-solution/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"contact_email": "nope"})
        assert (
            "Enter an email address in the correct format" in response.content.decode()
        )
        assert client.post(url, {"contact_email": "hi@two.example"}).status_code == 302
        # Not for the winner, nor for someone else's entry.
        assert (
            client.get(f"/entries/{r.entries[0].pk}/promising-solution/").status_code
            == 404
        )
        # Browsable by signed-in public servants only.
        assert client.get("/promising-solutions/").status_code == 403
        council = BusinessFactory(name="Walsall Council", org_type="council")
        officer = member_of(council)
        client.force_login(officer)
        page = client.get("/promising-solutions/").content.decode()
        assert "Idea 2" in page and "hi@two.example" in page
        assert "Idea 3" not in page and "Idea 1" not in page
        client.logout()
        assert client.get("/promising-solutions/").status_code == 302


class LeadScreensTests:
    def test_panel_sheet_ranks_counts_and_flags(self, client, r):
        entry = r.entries[0]
        for assignment, score in zip(
            Assignment.objects.filter(entry=entry).order_by("pk"),
            [8, 8, 2],
            strict=True,
        ):
            submit(assignment, score)
        submit(Assignment.objects.filter(entry=r.entries[2]).first(), 5)
        client.force_login(r.lead)
        page = client.get(
            f"/admin/judging/challenges/{r.challenge.pk}/"
        ).content.decode()
        assert page.index("Idea 1") < page.index("Idea 3") < page.index("Idea 2")
        assert "3 of 3" in page and "1 of 3" in page and "0 of 3" in page
        assert "60.0%" in page  # (80 + 80 + 20) / 3
        assert "Outlier" in page

    def test_csv_export_of_the_panel_sheet(self, client, r):
        for assignment in Assignment.objects.filter(entry=r.entries[0]):
            submit(assignment, 7)
        r.entries[0].title = "=HYPERLINK(1)"
        r.entries[0].save()
        client.force_login(r.lead)
        response = client.get(
            f"/admin/judging/challenges/{r.challenge.pk}/panel-sheet.csv"
        )
        assert response["Content-Type"] == "text/csv"
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:7] == [
            "Rank",
            "Reference",
            "Entry",
            "Organisation",
            "Assessments complete",
            "Assessments needed",
            "Weighted average (%)",
        ]
        assert rows[1][:7] == [
            "1",
            f"ENTRY-{r.entries[0].pk}",
            "'=HYPERLINK(1)",
            "Start-up 1 Ltd",
            "3",
            "3",
            "70.0",
        ]
        assert len(rows) == 4

    def test_allocate_moderate_decide_and_release_through_the_screens(
        self, client, index_page, django_capture_on_commit_callbacks
    ):
        r = judging_round(index_page, assessors=3, entries=2)
        client.force_login(r.lead)
        panel = f"/admin/judging/challenges/{r.challenge.pk}/"
        # Nobody has declared: a clear error, nothing allocated.
        response = client.post(panel, {"action": "allocate", "allocate-per_entry": "3"})
        assert response.status_code == 400
        assert "has 0 assessors free of conflicts of interest but needs 3" in (
            response.content.decode()
        )
        declare_none(r)
        response = client.post(panel, {"action": "allocate", "allocate-per_entry": "3"})
        assert response.status_code == 302
        assert Assignment.objects.count() == 6
        for assignment in Assignment.objects.all():
            submit(assignment, 6)
        entry = r.entries[0]
        score = (
            Assessment.objects.filter(assignment__entry=entry).first().scores.first()
        )
        url = f"/admin/judging/scores/{score.pk}/moderate/"
        response = client.post(url, {"moderated_score": "11", "reason": "x"})
        assert response.status_code == 400
        assert "Enter a whole number from 0 to 10" in response.content.decode()
        response = client.post(url, {"moderated_score": "8", "reason": ""})
        assert response.status_code == 400
        response = client.post(url, {"moderated_score": "8", "reason": "Calibrated"})
        assert response.status_code == 302
        entry_url = f"/admin/judging/entries/{entry.pk}/"
        page = client.get(entry_url).content.decode()
        assert "moderated from 6: Calibrated" in page
        response = client.post(
            entry_url, {"action": "decide", "decision-outcome": "successful"}
        )
        assert response.status_code == 302
        response = client.post(entry_url, {"action": "draft"})
        assert "independent assessors scored your entry" in response.content.decode()
        response = client.post(
            entry_url, {"action": "feedback", "feedback-feedback": "Well done."}
        )
        assert response.status_code == 302
        assert Entry.objects.get(pk=entry.pk).feedback == "Well done."
        # Reopen needs a reason; the assessor is emailed.
        assessment = Assessment.objects.filter(assignment__entry=entry).first()
        url = f"/admin/judging/assessments/{assessment.pk}/reopen/"
        assert client.post(url, {"reason": ""}).status_code == 400
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"reason": "Wrong appendix"})
        assert response.status_code == 302
        assert "Wrong appendix" in mail.outbox[0].body
        # Release cannot happen while an entry is undecided.
        response = client.post(
            panel, {"action": "release", "release-release_at": "2020-01-01 09:00"}
        )
        assert response.status_code == 302
        assert not Entry.objects.filter(feedback_released=True).exists()
        page = client.get(panel).content.decode()
        assert "Feedback cannot be released yet" in page

    def test_panel_members_and_the_conflicts_register(self, client, r):
        client.force_login(r.lead)
        page = client.get(
            f"/admin/judging/challenges/{r.challenge.pk}/panel/"
        ).content.decode()
        assert "Start-up 2 Ltd" in page  # the declared interest
        assert "Tom Abbott" in page
        page = client.get("/admin/judging-conflicts/").content.decode()
        assert "Start-up 2 Ltd" in page and "Tom Abbott" in page

    def test_admin_menu_leads_each_role_to_its_screens(self, client, r):
        client.force_login(r.lead)
        page = client.get("/admin/").content.decode()
        assert "/admin/judging/" in page and "/assessments/" not in page
        client.force_login(r.assessors[0])
        page = client.get("/admin/").content.decode()
        assert "/assessments/" in page and "/admin/judging/" not in page

    def test_entry_inspect_page_links_leads_to_judging(self, client, r):
        from django.contrib.auth.models import Permission

        from home.services import roles_sync
        from tests.factories.challenges import UserFactory, submitted_entry

        roles_sync()
        entry = r.entries[0]
        inspect = f"/admin/challenge-entries/inspect/{entry.pk}/"
        client.force_login(r.lead)
        judging = reverse("judging:entry", args=[entry.pk])
        assert f'href="{judging}"' in client.get(inspect).content.decode()
        assert client.get(judging).status_code == 200

        draft = submitted_entry(r.challenge, title="Not sent")
        draft.status = Entry.Status.DRAFT
        draft.save()
        page = client.get(f"/admin/challenge-entries/inspect/{draft.pk}/")
        assert "Not judged: the entry is draft." in page.content.decode()

        # Staff who may read entries but do not lead the programme get no link.
        reader = UserFactory(is_staff=True)
        reader.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_entry"),
        )
        client.force_login(reader)
        page = client.get(inspect).content.decode()
        assert "Programme leads see the scores" in page and judging not in page
        refused = client.get(judging)  # Wagtail answers PermissionDenied so
        assert refused.status_code == 302 and refused["Location"] == "/admin/"

    def test_entries_change_only_through_the_judging_screens(self, client, r):
        """The generic entry editor would skip the rules and the audit log."""
        from home.services import roles_sync

        roles_sync()
        client.force_login(r.lead)
        entry = r.entries[0]
        assert (
            client.get(f"/admin/challenge-entries/inspect/{entry.pk}/").status_code
            == 200
        )
        response = client.post(
            f"/admin/challenge-entries/edit/{entry.pk}/",
            {"status": "successful", "feedback": "x", "feedback_released": "on"},
        )
        assert response.status_code == 302 and response["Location"] == "/admin/"
        entry.refresh_from_db()
        assert entry.status == Entry.Status.UNDER_ASSESSMENT
        assert not entry.feedback_released

    def test_panel_removal_keeps_submitted_work(self, client, r):
        from challenges.models import ChallengeAssessor

        busy, idle = r.assessors[1], r.assessors[2]
        submit(Assignment.objects.filter(assessor=busy).first(), 6)
        client.force_login(r.lead)
        url = f"/admin/judging/challenges/{r.challenge.pk}/panel/"
        member = ChallengeAssessor.objects.get(assessor=busy)
        response = client.post(url, {"remove": member.pk}, follow=True)
        assert "has submitted assessments for this challenge" in (
            response.content.decode()
        )
        assert ChallengeAssessor.objects.filter(assessor=busy).exists()
        member = ChallengeAssessor.objects.get(assessor=idle)
        response = client.post(url, {"remove": member.pk}, follow=True)
        assert "left the panel" in response.content.decode()
        assert not ChallengeAssessor.objects.filter(assessor=idle).exists()
        assert not Assignment.objects.filter(assessor=idle, status="active").exists()

    def test_reassign_screen_lists_only_eligible_assessors(self, client, r):
        entry = r.entries[1]  # assessor 1 (Tom Abbott) declared an interest
        assignment = Assignment.objects.filter(entry=entry).first()
        client.force_login(r.lead)
        page = client.get(
            f"/admin/judging/assignments/{assignment.pk}/"
        ).content.decode()
        assert "Tom Abbott" not in page


class QueryCountTests:
    """Each count was measured once on SQLite after a warm-up request (which fills
    Wagtail's and Django's caches: site root, content types, permissions) and is
    asserted at two sizes, so any per-row query fails the larger size."""

    @pytest.mark.parametrize("entries", [3, 12])
    def test_assessor_list(
        self, client, index_page, django_assert_num_queries, entries
    ):
        r = judging_round(index_page, assessors=4, entries=entries)
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        person = r.assessors[0]
        for i, assignment in enumerate(Assignment.objects.filter(assessor=person)):
            if i % 2:
                submit(assignment, 6)
        client.force_login(person)
        client.get("/assessments/")  # warm-up
        # Measured: 16. Four are the list's own (the assessor check, panels,
        # declarations, assignments with entries and assessments); the rest are the
        # site's base template (session, user, userbar, site, settings, navigation).
        with django_assert_num_queries(16):
            response = client.get("/assessments/")
        assert response.status_code == 200

    @pytest.mark.parametrize(("assessors", "entries"), [(4, 3), (8, 15)])
    def test_panel_view(
        self, client, index_page, django_assert_num_queries, assessors, entries
    ):
        r = judging_round(index_page, assessors=assessors, entries=entries)
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        for i, assignment in enumerate(Assignment.objects.all()):
            if i % 3:
                submit(assignment, 3 + i % 6)
        client.force_login(r.lead)
        url = f"/admin/judging/challenges/{r.challenge.pk}/"
        client.get(url)  # warm-up
        # Measured: 22 (Wagtail admin chrome, permissions and the user's roles, read
        # once for the menu; the challenge, judging,
        # criteria; the entries with their assignments, assessors, assessments,
        # scores and moderations in three prefetches; the panel members, their
        # declarations and loads; the release check).
        with django_assert_num_queries(22):
            response = client.get(url)
        assert response.status_code == 200

    @pytest.mark.parametrize("assessors", [3, 8])
    def test_entry_judging_view(
        self, client, index_page, django_assert_num_queries, assessors
    ):
        r = judging_round(index_page, assessors=assessors, entries=1)
        declare_none(r)
        judging_services.assignments_allocate(
            challenge=r.challenge, by=r.lead, per_entry=assessors
        )
        for assignment in Assignment.objects.all():
            submit(assignment, 6)
        client.force_login(r.lead)
        url = f"/admin/judging/entries/{r.entries[0].pk}/"
        client.get(url)  # warm-up
        # Measured: 17 (Wagtail admin chrome and the user's roles; the entry with its
        # assignments,
        # assessments, scores and moderations; criteria; eligible assessors).
        with django_assert_num_queries(17):
            assert client.get(url).status_code == 200
