"""The whole thread in real Chromium, as the people who do it: a challenge brief, a
start-up's entry, judging, the decision, a pilot proposal made from the entry, its
review, the pilot, its measurements, and the case study that links back to the
challenge and the entry.

Seeded: only the people, their organisations and roles, the site's index pages and a
published, open challenge brief with criteria (plus the council officer's contact
record, which a programme lead then picks as the pilot's lead). Everything else is done
in the browser through the public site and the Wagtail admin. Two exceptions, said
here: the deadline is moved with the ORM once the entry is in (that is the clock, not a
shortcut through the rules), and of the three assessors only the first declares and
scores in the browser; the other two do it through the same judging services the
assessors' views call, to keep the test's running time down.
"""

import datetime
import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from challenges.judging import services as judging_services
from challenges.models import (
    AssessmentCriterion,
    Assignment,
    ChallengePage,
    Entry,
)
from home.models import Organisation, User
from pilots.models import CaseStudyPage, Contact, Measurement, Pilot, PilotProposal
from tests.browser import assert_accessible, is_csp_violation
from tests.challenges.judging import submit
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    ChallengePageFactory,
    assessor,
    member_of,
    programme_lead,
)
from tests.factories.pilots import ContactFactory, PublicBodyFactory, public_servant
from tests.factories.publishing import indexes

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"  # the user factories' password
ENTRY_TITLE = "Sensors that find damp early"
CHALLENGE_TITLE = "Damp and mould in council homes"
DUMPS = Path(tempfile.gettempdir()) / "thread-browser"


@pytest.fixture(autouse=True)
def _media_and_rate_limits(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the sign-in rate-limit counters
    yield
    cache.clear()


@dataclass
class Cast:
    challenge: ChallengePage
    startup: Organisation
    founder: User
    council: Organisation
    officer: User
    contact: Contact
    lead: User
    assessors: list[User]
    case_index_pk: int


def seed(home) -> Cast:
    """People, organisations, roles, the index pages and one open challenge brief."""
    council = PublicBodyFactory(name="Tipton Town Council", slug="tipton-town-council")
    officer = public_servant(
        organisation=council,
        email="dana.officer@tipton.example",
        first_name="Dana",
        last_name="Okoro",
    )
    contact = ContactFactory(
        name="Dana Okoro",
        job_title="Head of housing repairs",
        organisation=council,
        email=officer.email,
        user=officer,
    )
    startup = BusinessFactory(name="Damp Sense Ltd", slug="damp-sense")
    founder = member_of(startup)
    lead = programme_lead(email="priya.lead@lab.example")
    panel = [
        assessor(email=f"judge{i}@lab.example", first_name=first, last_name=last)
        for i, (first, last) in enumerate(
            [("Tom", "Abbott"), ("Rachel", "Baines"), ("Imran", "Chaudhry")], start=1
        )
    ]
    index_page = ChallengeIndexPageFactory(parent=home)
    index_page.save_revision().publish()
    case_index, _ = indexes(home)
    now = timezone.now()
    challenge = ChallengePageFactory(
        parent=index_page,
        title=CHALLENGE_TITLE,
        slug="damp-and-mould",
        opens_at=now - timedelta(days=10),
        questions_close_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=10),
    )
    for i, weight in enumerate((60, 40)):
        AssessmentCriterion.objects.create(
            page=challenge,
            sort_order=i,
            title=f"Criterion {i + 1}",
            guidance=f"Guidance for criterion {i + 1}",
            weight=weight,
            max_words=300,
        )
    challenge.holders = [council]
    challenge.save_revision().publish()
    return Cast(
        challenge=ChallengePage.objects.get(pk=challenge.pk),
        startup=startup,
        founder=founder,
        council=council,
        officer=officer,
        contact=contact,
        lead=lead,
        assessors=panel,
        case_index_pk=case_index.pk,
    )


class Browsers:
    """One browser context per person, signed in through the site's sign-in form; every
    page they open is also checked for Content-Security-Policy violations."""

    def __init__(self, chromium, live_server):
        self.chromium = chromium
        self.live_server = live_server
        self.contexts = []
        self.csp_errors: list[str] = []

    def new_page(self):
        context = self.chromium.new_context(
            base_url=self.live_server.url, viewport={"width": 1280, "height": 900}
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda m: (
                self.csp_errors.append(f"{page.url}: {m.text}")
                if is_csp_violation(m)
                else None
            ),
        )
        return page

    def sign_in(self, user: User, next_path: str = "/"):
        page = self.new_page()
        page.goto(f"/account/sign-in/?next={next_path}")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in/" not in url)
        return page

    def close(self, *, dump: bool = False):
        """Close every context; on a failure first keep each person's last screen (a
        screenshot and the HTML) in the temporary directory, to see where it stopped."""
        for i, context in enumerate(self.contexts):
            if dump:
                DUMPS.mkdir(parents=True, exist_ok=True)
                for page in context.pages:
                    page.screenshot(path=str(DUMPS / f"person-{i}.png"), full_page=True)
                    (DUMPS / f"person-{i}.html").write_text(page.content())
            context.close()


@pytest.fixture
def browsers(request, chromium, live_server):
    b = Browsers(chromium, live_server)
    failed_before = request.session.testsfailed
    yield b
    b.close(dump=request.session.testsfailed > failed_before)
    assert not b.csp_errors, "Content-Security-Policy violations:\n" + "\n".join(
        b.csp_errors
    )


def first_of_month(day: datetime.date, months: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def admin_action(page, name: str) -> None:
    """Click one of the workflow buttons in the header of a Wagtail inspect view (they
    are in view, not behind the "Actions" dropdown)."""
    header = page.locator("header")
    header.get_by_role("link", name=name).or_(
        header.get_by_role("button", name=name)
    ).click()


def fill_date(page, field, value: str) -> None:
    """Type into a Wagtail date or date-time field, then leave it so that its picker
    closes (it would cover the buttons below)."""
    field.fill(value)
    field.press("Escape")


def choose(page, name: str, title: str) -> None:
    """Pick a record in a Wagtail chooser field: open its modal, click the record."""
    page.locator(f"#id_{name}-chooser").get_by_role("button", name="Choose").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=title).first.click()
    expect(page.locator(f"#id_{name}-title")).to_contain_text(title)


def press(button) -> None:
    """Press a button from the keyboard: a date picker left open may cover it, and a
    person would not wait for it to close either."""
    button.focus()
    button.press("Enter")


def message(page, text: str):
    expect(page.get_by_text(text).first).to_be_visible()


# --- The steps ---------------------------------------------------------------------


def enter(page, cast: Cast) -> None:
    """The start-up reads the brief, starts, fills and submits an entry."""
    page.goto(cast.challenge.url)
    expect(page.get_by_role("heading", name=CHALLENGE_TITLE, level=1)).to_be_visible()
    assert_accessible(page)  # the brief
    page.get_by_role("button", name="Start your entry").click()
    expect(page.get_by_role("heading", name="Your entry")).to_be_visible()
    assert_accessible(page)  # the entry's task list
    page.get_by_role("link", name="Title and summary").click()
    assert_accessible(page)  # a step of the entry form
    page.get_by_label("Title of your entry").fill(ENTRY_TITLE)
    page.get_by_label("Summary").fill(
        "Cheap sensors and a model that flag homes at risk."
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Your solution")).to_be_visible()
    page.get_by_label("Proposed solution").fill("Sensors in 200 council homes.")
    page.get_by_label("Evidence it works").fill("A 40-home trial halved complaints.")
    page.get_by_label("Pilot plan").fill("Six months in Walsall.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Cost and team")).to_be_visible()
    page.get_by_label("Cost estimate").fill("£45,000")
    page.get_by_label("Team").fill("Two engineers and a housing officer.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Assessment criteria")).to_be_visible()
    for criterion in cast.challenge.criteria.all():
        page.get_by_label(criterion.title).fill(f"Our answer on {criterion.title}.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Attachments")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Check your answers before you submit")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("My organisation meets the eligibility criteria").check()
    page.get_by_label("I have read how the Lab uses").check()
    page.get_by_role("button", name="Submit entry").click()
    expect(page.get_by_role("heading", name="Entry submitted")).to_be_visible()
    assert_accessible(page)
    entry = Entry.objects.get(challenge=cast.challenge)
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.organisation == cast.startup


def close_the_challenge(cast: Cast) -> None:
    """The clock: the deadline passes (moved with the ORM, as time would move it)."""
    now = timezone.now()
    ChallengePage.objects.filter(pk=cast.challenge.pk).update(
        questions_close_at=now - timedelta(days=1),
        closes_at=now - timedelta(seconds=1),
    )
    cast.challenge = ChallengePage.objects.get(pk=cast.challenge.pk)


def set_up_the_panel(page, cast: Cast) -> None:
    page.goto("/admin/judging/")
    page.get_by_role("link", name=CHALLENGE_TITLE).click()
    expect(page.get_by_role("heading", name="Panel sheet")).to_be_visible()
    page.get_by_role("link", name="Panel and conflicts of interest").click()
    for person in cast.assessors:
        page.get_by_label("Add an assessor").select_option(label=str(person))
        page.get_by_role("button", name="Add to the panel").click()
        message(page, f"{person} joined the panel")
    expect(page.get_by_text("Not declared yet")).to_have_count(3)


def declare_in_the_browser(page) -> None:
    page.goto("/assessments/")
    page.get_by_role("link", name="Declare your interests").click()
    expect(page.get_by_text("Damp Sense Ltd").first).to_be_visible()
    page.get_by_label("I have declared every interest").check()
    page.get_by_role("button", name="Save your declaration").click()
    message(page, "Your declaration of interests has been saved")


def allocate(page, cast: Cast) -> None:
    page.get_by_role("link", name="Back to the panel sheet").click()
    page.get_by_label("Assessors per entry").fill("3")
    page.get_by_role("button", name="Allocate entries").click()
    message(page, "3 assignments made")


def score_in_the_browser(page, cast: Cast) -> None:
    page.goto("/assessments/")
    page.get_by_role("link", name=ENTRY_TITLE).click()
    for criterion in cast.challenge.criteria.all():
        page.fill(f"#id_score_{criterion.pk}", "8")
        page.fill(f"#id_comment_{criterion.pk}", f"Convincing on {criterion.title}")
    page.get_by_label("Fund", exact=True).check()
    page.get_by_role("button", name="Submit your assessment").click()
    message(page, "Your assessment has been submitted")


def moderate_decide_release(page, cast: Cast) -> None:
    page.goto(f"/admin/judging/challenges/{cast.challenge.pk}/")
    expect(page.get_by_text("3 of 3")).to_be_visible()
    page.get_by_role("link", name=ENTRY_TITLE).click()
    expect(page.get_by_role("heading", name="Scores and comments")).to_be_visible()
    page.get_by_role("link", name="Moderate").first.click()
    page.get_by_label("Moderated score").fill("7")
    page.get_by_label("Reason for the adjustment").fill(
        "In line with the panel's reading of the evidence."
    )
    page.get_by_role("button", name="Save the moderated score").click()
    message(page, "Score moderated")
    page.get_by_label("Successful", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    message(page, "Decision recorded")
    expect(page.get_by_text("Status: Successful")).to_be_visible()
    page.get_by_role("link", name="Back to the panel sheet").click()
    page.get_by_role("button", name="Draft feedback for entries that have none").click()
    message(page, "Feedback drafted for 1 entry")
    past = timezone.localtime(timezone.now() - timedelta(minutes=5))
    fill_date(
        page,
        page.get_by_label("Release feedback to every entrant on"),
        f"{past:%Y-%m-%d %H:%M}",
    )
    press(page.get_by_role("button", name="Schedule the release"))
    message(page, "Feedback will be released now")
    page.get_by_role("button", name="Announce the winners").click()
    message(page, "The winners are now on the public brief")


def read_the_result(page) -> None:
    """The start-up sees its decision and the feedback drafted from the comments."""
    page.goto("/entries/")
    row = page.get_by_role("row").filter(has_text=ENTRY_TITLE)
    expect(row.locator(".govuk-tag")).to_have_text("Successful")
    page.get_by_role("link", name=f"Read the feedback on {ENTRY_TITLE}").click()
    expect(
        page.get_by_role("heading", name="Feedback from the assessors")
    ).to_be_visible()
    expect(page.get_by_text("Convincing on Criterion 1").first).to_be_visible()


def propose_from_the_entry(page, cast: Cast, entry: Entry) -> PilotProposal:
    page.goto(f"/admin/judging/entries/{entry.pk}/")
    page.get_by_role("link", name="Read the whole entry").click()
    page.get_by_role("button", name="Create a pilot proposal from this entry").click()
    message(page, "Pilot proposal created from the entry")
    proposal = PilotProposal.objects.get(source_entry=entry)
    expect(page.locator("#id_title")).to_have_value(ENTRY_TITLE)
    page.locator("#id_sponsor").fill("Director of Housing, Tipton Town Council")
    page.locator("#id_target_outcomes").fill("A third fewer damp complaints.")
    page.locator("#id_proposed_metrics").fill("Damp complaints a month (repairs log).")
    page.locator("#id_evaluate_impact").check()
    page.locator("#id_risks").fill("Sensor supply may slip by a month.")
    page.get_by_role("button", name="Save", exact=True).click()
    message(page, "updated")
    proposal.refresh_from_db()
    assert proposal.sponsor == "Director of Housing, Tipton Town Council"
    page.goto(f"/admin/pilots/proposals/inspect/{proposal.pk}/")
    admin_action(page, "Submit proposal")
    message(page, "has been submitted for review")
    admin_action(page, "Review")
    page.get_by_label("Start the review").check()
    page.get_by_role("button", name="Save decision").click()
    message(page, "is now under review")
    admin_action(page, "Review")
    page.get_by_label("Approve").check()
    page.get_by_label("Comments for the proposer").fill("Approved by the board.")
    page.get_by_role("button", name="Save decision").click()
    message(page, "is now approved")
    return proposal


def create_the_pilot(page, cast: Cast, start: datetime.date) -> Pilot:
    admin_action(page, "Create pilot")
    page.get_by_role("button", name="Create pilot").click()
    message(page, "created from the proposal")
    pilot = Pilot.objects.get(proposal__source_entry__challenge=cast.challenge)
    fill_date(page, page.locator("#id_start_date"), start.isoformat())
    fill_date(
        page,
        page.locator("#id_planned_end_date"),
        first_of_month(start, 12).isoformat(),
    )
    page.locator("#id_lead_contact").select_option(label=cast.contact.name)
    press(page.get_by_role("button", name="Save", exact=True))
    message(page, "updated")
    page.goto(f"/admin/pilots/pilots/inspect/{pilot.pk}/")
    admin_action(page, "Start the pilot")
    page.get_by_role("button", name="Start the pilot").click()
    pilot.refresh_from_db()
    assert pilot.lead_contact == cast.contact
    assert pilot.start_date == start
    assert pilot.status == Pilot.Status.RUNNING
    return pilot


def add_a_metric(page, pilot: Pilot, start: datetime.date) -> None:
    page.goto("/admin/pilots/metrics/new/")
    choose(page, "pilot", pilot.title)
    page.locator("#id_name").fill("Damp complaints")
    page.locator("#id_definition").fill("Complaints of damp or mould logged a month.")
    page.locator("#id_unit").fill("complaints")
    page.locator("#id_ascending").uncheck()
    page.locator("#id_baseline_value").fill("30")
    fill_date(page, page.locator("#id_baseline_date"), start.isoformat())
    page.locator("#id_target_value").fill("20")
    fill_date(
        page, page.locator("#id_target_date"), first_of_month(start, 12).isoformat()
    )
    page.locator("#id_data_source").fill("Walsall housing repairs log")
    press(page.get_by_role("button", name="Create", exact=True))
    message(page, "created")


def record_in_the_admin(page, future: datetime.date, past: datetime.date) -> None:
    page.goto("/admin/pilots/measurements/new/")
    page.locator("#id_metric").select_option(label=f"Damp complaints ({ENTRY_TITLE})")
    fill_date(page, page.locator("#id_period"), future.isoformat())
    page.locator("#id_value").fill("25")
    press(page.get_by_role("button", name="Create", exact=True))
    # Refused beside the field, nothing saved.
    period_field = page.locator("[data-field-wrapper]").filter(
        has=page.locator("#id_period")
    )
    expect(period_field).to_contain_text(f"{future:%B %Y} has not started yet")
    assert not Measurement.objects.exists()
    fill_date(page, page.locator("#id_period"), past.isoformat())
    press(page.get_by_role("button", name="Create", exact=True))
    message(page, "created")
    assert Measurement.objects.get().period == past


def upload_as_the_pilot_lead(page, pilot: Pilot, tmp_path, rows, months) -> None:
    page.goto("/pilots/mine/")
    page.get_by_role("link", name=pilot.title).click()
    expect(page.get_by_role("heading", name=f"Results: {pilot.title}")).to_be_visible()
    future, good = months
    bad = tmp_path / "with-a-future-month.csv"
    bad.write_text(
        "metric,period,value,note,provisional\n"
        f"Damp complaints,{good[0]:%Y-%m},27,,no\n"
        f"Damp complaints,{future:%Y-%m},22,,no\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload file").click()
    expect(
        page.get_by_role("heading", name="Nothing was saved: fix these lines")
    ).to_be_visible()
    expect(
        page.get_by_text(f"Line 3: {future:%B %Y} has not started yet")
    ).to_be_visible()
    assert Measurement.objects.count() == rows
    page.get_by_role("link", name="Back to the results").click()
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        "metric,period,value,note,provisional\n"
        + "".join(
            f"Damp complaints,{m:%Y-%m},{24 - i},,no\n" for i, m in enumerate(good)
        )
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("heading", name="Upload complete")).to_be_visible()
    expect(page.get_by_text(f"{len(good)} measurements saved")).to_be_visible()


def write_the_case_study(page, cast: Cast, pilot: Pilot) -> None:
    page.goto(f"/admin/pages/add/pilots/casestudypage/{cast.case_index_pk}/")
    page.locator("#id_title").fill("Finding damp before it becomes mould")
    choose(page, "pilot", pilot.title)
    page.locator("#id_summary").fill(
        "Sensors in council homes flagged damp early; complaints fell."
    )
    for path, text in [
        ("problem", "Damp and mould harm tenants' health."),
        ("what_was_done", "Sensors went into 200 homes."),
        ("lessons_learned", "Agree data access before installing."),
        ("how_to_replicate", "Start with the homes with most complaints."),
    ]:
        editor = page.locator(f'[data-contentpath="{path}"] [contenteditable="true"]')
        editor.click()
        editor.type(text)
        # Draftail copies what was typed into the form's hidden input: wait for it.
        expect(page.locator(f'input[name="{path}"]')).to_have_value(
            re.compile(re.escape(text))
        )
    # The editor autosaves a draft as the lead types (and makes the page on the first
    # save): publish once it says "Saved", as the lead would see it.
    expect(page.locator(".w-autosave-indicator__state--saved")).to_be_visible()
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    message(page, "published")


def read_the_case_study(page, cast: Cast, entry: Entry) -> None:
    case_study = CaseStudyPage.objects.get()
    page.goto(case_study.url)
    expect(
        page.get_by_role(
            "heading", name="Finding damp before it becomes mould", level=1
        )
    ).to_be_visible()
    story = page.locator("#story ~ p").first
    expect(story).to_contain_text(f"from Damp Sense Ltd: “{ENTRY_TITLE}”")
    brief = page.get_by_role("link", name=CHALLENGE_TITLE)
    expect(brief).to_have_attribute("href", cast.challenge.url)
    expect(page.get_by_text("Pilot proposal approved")).to_be_visible()
    assert_accessible(page)
    brief.click()
    expect(page.get_by_role("heading", name=CHALLENGE_TITLE, level=1)).to_be_visible()
    expect(page.get_by_text(f"Damp Sense Ltd: {ENTRY_TITLE}")).to_be_visible()


class ThreadTests:
    def test_brief_to_case_study(self, demo_site, browsers, tmp_path):
        cast = seed(demo_site)
        today = timezone.localdate()
        start = first_of_month(today, -6)
        past, future = first_of_month(today, -2), first_of_month(today, 1)
        csv_months = [first_of_month(today, -3), first_of_month(today, -1)]

        founder = browsers.sign_in(cast.founder)
        enter(founder, cast)
        entry = Entry.objects.get(challenge=cast.challenge)
        close_the_challenge(cast)

        lead = browsers.sign_in(cast.lead, "/admin/")
        set_up_the_panel(lead, cast)
        first_assessor = browsers.sign_in(cast.assessors[0], "/assessments/")
        declare_in_the_browser(first_assessor)
        for other in cast.assessors[1:]:
            judging_services.interests_declare(
                challenge=cast.challenge, assessor=other, conflicts={}
            )
        allocate(lead, cast)
        score_in_the_browser(first_assessor, cast)
        for assignment in Assignment.objects.exclude(assessor=cast.assessors[0]):
            submit(assignment, 6)
        moderate_decide_release(lead, cast)
        read_the_result(founder)

        proposal = propose_from_the_entry(lead, cast, entry)
        pilot = create_the_pilot(lead, cast, start)
        add_a_metric(lead, pilot, start)
        record_in_the_admin(lead, future, past)

        officer = browsers.sign_in(cast.officer, "/pilots/mine/")
        upload_as_the_pilot_lead(
            officer, pilot, tmp_path, rows=1, months=(future, csv_months)
        )

        write_the_case_study(lead, cast, pilot)
        reader = browsers.new_page()
        read_the_case_study(reader, cast, entry)

        entry.refresh_from_db()
        proposal.refresh_from_db()
        pilot.refresh_from_db()
        assert entry.status == Entry.Status.SUCCESSFUL
        assert entry.feedback_released
        assert proposal.status == PilotProposal.Status.APPROVED
        assert proposal.source_entry == entry
        assert pilot.proposal == proposal
        assert set(
            Measurement.objects.filter(metric__pilot=pilot).values_list(
                "period", flat=True
            )
        ) == {past, *csv_months}
        case_study = CaseStudyPage.objects.get()
        assert case_study.live and case_study.pilot == pilot
