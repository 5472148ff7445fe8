"""Judging in real Chromium: axe-core on the declaration, the
scoring form with errors, the lead's panel sheet and entry page, and the released
feedback; the keyboard alone on the scoring form; and scoring with JavaScript off."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from challenges.judging import services as judging_services
from challenges.models import Assessment, Assignment
from tests.browser import assert_accessible, focus_is_visible
from tests.challenges.judging import declare_none, judging_round, submit

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(context, live_server, user) -> None:
    """Sign in by session cookie: these tests are about judging, not the sign-in form."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def r(index_page):
    return judging_round(index_page, assessors=3, entries=2)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


class AssessorScreensTests:
    def test_declare_then_score_with_the_keyboard(self, r, browser_page, live_server):
        page = browser_page
        person = r.assessors[0]
        sign_in(page.context, live_server, person)
        page.goto("/assessments/")
        assert_accessible(page)
        page.get_by_role("link", name="Declare your interests").click()
        page.get_by_role("button", name="Save your declaration").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)  # the declaration with its error
        page.get_by_label("I have declared every interest").check()
        page.get_by_role("button", name="Save your declaration").click()
        expect(
            page.get_by_text("Your declaration of interests has been saved")
        ).to_be_visible()
        for other in r.assessors[1:]:
            judging_services.interests_declare(
                challenge=r.challenge, assessor=other, conflicts={}
            )
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        page.goto("/assessments/")
        page.get_by_role("link", name="Idea 1").click()
        assert_accessible(page)
        criteria = list(r.challenge.criteria.all())
        # Keyboard only: a score outside the scale, then submit.
        tab_to(page, f"#id_score_{criteria[0].pk}")
        assert focus_is_visible(page)
        page.keyboard.type("11")
        page.keyboard.press("Tab")
        page.keyboard.type("Strong plan with named roles")
        tab_to(page, "button[name=submit]")
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()  # GOV.UK Frontend moves the focus to it
        expect(summary).to_contain_text("must be a whole number from 0 to 10")
        expect(page.locator(f"#id_score_{criteria[0].pk}")).to_have_value("11")
        assert page.title().startswith("Error:")
        assert_accessible(page)  # the scoring form with errors
        # The error summary's link takes the keyboard to the field.
        summary.get_by_role("link", name="Score for “Criterion 1”").focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#id_score_{criteria[0].pk}")).to_be_focused()
        assert not Assessment.objects.exists()

    def test_released_feedback(self, r, browser_page, live_server):
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        for assignment in Assignment.objects.all():
            submit(assignment, 6, comment="Evidence from one site only")
        for entry, outcome in zip(
            r.entries, ["successful", "unsuccessful"], strict=True
        ):
            judging_services.entry_decide(entry=entry, by=r.lead, outcome=outcome)
        judging_services.feedback_drafts_fill(challenge=r.challenge, by=r.lead)
        judging_services.feedback_release(challenge=r.challenge, by=r.lead)
        judging_services.winners_publish(challenge=r.challenge, by=r.lead)
        page = browser_page
        sign_in(page.context, live_server, r.entrants[1])
        page.goto("/entries/")
        assert_accessible(page)
        page.get_by_role("link", name="Read the feedback on Idea 2").click()
        expect(
            page.get_by_role("heading", name="Feedback from the assessors")
        ).to_be_visible()
        expect(page.get_by_text("Evidence from one site only").first).to_be_visible()
        assert_accessible(page)
        page.get_by_role(
            "link", name="Add your entry to the promising solutions"
        ).click()
        assert_accessible(page)
        page.goto(r.challenge.url)
        expect(page.get_by_text("Start-up 1 Ltd: Idea 1")).to_be_visible()
        assert_accessible(page)


class LeadScreensTests:
    def test_panel_sheet_and_entry_page(self, r, browser_page, live_server):
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        for assignment, score in zip(
            Assignment.objects.order_by("pk"), [8, 8, 2, 5, 6], strict=False
        ):
            submit(assignment, score)
        page = browser_page
        sign_in(page.context, live_server, r.lead)
        page.goto(f"/admin/judging/challenges/{r.challenge.pk}/")
        expect(
            page.get_by_role("heading", name="Entries, ranked by weighted average")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Idea 1").click()
        expect(page.get_by_role("heading", name="Scores and comments")).to_be_visible()
        assert_accessible(page)
        page.goto(f"/admin/judging/challenges/{r.challenge.pk}/panel/")
        expect(page.get_by_role("heading", name="Panel members")).to_be_visible()
        assert_accessible(page)
        score = Assessment.objects.filter(status="submitted").first().scores.first()
        page.goto(f"/admin/judging/scores/{score.pk}/moderate/")
        page.get_by_role("button", name="Save the moderated score").click()
        expect(page.get_by_text("Record the reason for the adjustment")).to_be_visible()
        assert_accessible(page)  # the moderation form with its error
        # A decision without complete assessments needs a reason: the error is shown.
        page.goto(f"/admin/judging/entries/{r.entries[1].pk}/")
        page.get_by_label("Shortlisted").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("assessments are complete: record why")).to_be_visible()
        assert_accessible(page)


class NoJavaScriptTests:
    def test_scoring_works_without_javascript(self, r, chromium, live_server):
        declare_none(r)
        judging_services.assignments_allocate(challenge=r.challenge, by=r.lead)
        person = r.assessors[0]
        entry = Assignment.objects.filter(assessor=person).first().entry
        context = chromium.new_context(
            base_url=live_server.url, java_script_enabled=False
        )
        try:
            page = context.new_page()
            sign_in(context, live_server, person)
            page.goto(f"/assessments/entries/{entry.pk}/")
            for criterion in r.challenge.criteria.all():
                page.fill(f"#id_score_{criterion.pk}", "7")
                page.fill(f"#id_comment_{criterion.pk}", f"Sound on {criterion.title}")
            page.get_by_role("button", name="Save and come back later").click()
            expect(page.get_by_text("Your scores have been saved")).to_be_visible()
            page.get_by_label("Fund", exact=True).check()
            page.get_by_role("button", name="Submit your assessment").click()
            expect(
                page.get_by_text("Your assessment has been submitted")
            ).to_be_visible()
            expect(page.get_by_text("You submitted this assessment")).to_be_visible()
        finally:
            context.close()
        assessment = Assessment.objects.get(
            assignment__assessor=person, assignment__entry=entry
        )
        assert assessment.is_submitted
        assert set(assessment.scores.values_list("score", flat=True)) == {7}
