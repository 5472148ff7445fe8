"""Every public form, fuzzed: arbitrary text in every field, including NUL
bytes, right-to-left marks, emoji, markup and strings of ~100,000 characters.

For each generated submission: never a 500 (the test client raises on one), and never a
partial record: unless the form reports success (a redirect, or its "sent" page), the
rows it would write are unchanged. Run on SQLite and on PostgreSQL (NUL bytes are the
classic PostgreSQL failure). Examples are few (FUZZ) so the suite stays fast.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from challenges.models import Clarification, Entry
from home.models import (
    NotificationKind,
    NotificationPreference,
    Organisation,
    OrganisationInvitation,
    OutboundEmail,
    User,
)
from pilots.models import Measurement, PilotProposal
from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
    member_of,
)
from tests.factories.pilots import MetricFactory, PilotFactory, public_servant

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # nothing written to .hypothesis/
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "name@example.com\x00",
        "\ufeff\u200b\u202e",
        "\U0001d54f" * 40,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        # Full-text search syntax: unpaired quotes, operators, brackets, wildcards.
        '00"',
        'say "hello',
        "NOT AND OR NEAR(",
        "((((*",
        "title:* body:^",
        "%00%0d%0a",
        "../../../../etc/passwd",
        "\r\n\r\n",
        "null",
        "NaN",
        "-1",
        "1e309",
        "9" * 400,
        "0x7fffffff",
        "@",
        "a@b",
        "é" * 5_000,
        "x" * 100_000,
    ]
)
# Any text Python can encode as UTF-8 (hypothesis leaves out lone surrogates), nasty
# classics, and long repetitions.
TEXT = st.one_of(
    st.text(max_size=200),
    NASTY,
    st.text(min_size=1, max_size=4).map(lambda s: s * 25_000),
)


ORGANISATION_FIELDS = [
    "name",
    "companies_house_number",
    "website",
    "size",
    "local_authority_area",
]
PROPOSAL_FIELDS = [
    "title",
    "lead_organisation",
    "problem",
    "proposed_solution",
    "sponsor",
    "budget_requested",
    "match_funding",
    "duration_months",
    "target_outcomes",
    "proposed_metrics",
    "evaluation_types",
    "evaluation_approach",
    "dpia_status",
    "data_sharing_agreement_status",
    "risks",
    "partner_1_organisation",
    "partner_1_role",
]
MEASUREMENT_FIELDS = ["metric", "month", "year", "value", "note", "provisional"]
SEARCH_PARAMS = [
    "q",
    "content_type",
    "theme",
    "area",
    "status",
    "evidence_level",
    "sort",
    "page",
]


def text_or(*valid) -> st.SearchStrategy:
    """Sometimes a valid value, so the fuzz also reaches past the field checks."""
    return st.one_of(st.sampled_from([str(v) for v in valid]), TEXT)


def succeeded(response, *sent_templates: str) -> bool:
    if response.status_code in (301, 302, 303):
        return True
    names = {t.name for t in (response.templates or [])}
    return bool(names & set(sent_templates))


def counts(*models) -> tuple:
    return tuple(m.objects.count() for m in models)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The rate limits have their own tests: lift them so the forms answer."""
    settings.CHALLENGES_RATE_LIMITS = dict.fromkeys(
        settings.CHALLENGES_RATE_LIMITS, "100000/m"
    )
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def challenge(demo_site):
    index = ChallengeIndexPageFactory(parent=demo_site)
    index.save_revision().publish()
    return challenge_with_criteria(index, title="Damp and mould", slug="damp")


@pytest.fixture
def startup_user(client):
    organisation = BusinessFactory(name="Fuzz Ltd")
    user = member_of(organisation)
    client.force_login(user)
    return user


class StartUpAccountFormTests:
    @FUZZ
    @given(email=text_or("fuzz@startup.example"), password=TEXT)
    @example(email="nul\x00@startup.example", password="long-enough\x00password")
    def test_sign_up(self, client, demo_site, email, password):
        before = counts(User, OutboundEmail)
        response = client.post(
            reverse("sign_up"), {"email": email, "password": password}
        )
        assert response.status_code < 500
        if not succeeded(response):
            assert counts(User, OutboundEmail) == before

    @FUZZ
    @given(email=text_or("founder@brightpath.example"), password=TEXT)
    @example(email="founder@brightpath.example\x00", password="\x00")
    def test_sign_in(self, client, demo_site, email, password):
        before = counts(User, OutboundEmail)
        response = client.post(
            reverse("sign_in"), {"email": email, "password": password}
        )
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session
        assert counts(User, OutboundEmail) == before

    @FUZZ
    @given(email=text_or("founder@brightpath.example", "nobody@x.example"))
    @example(email="founder\x00@brightpath.example")
    def test_password_reset(self, client, demo_site, email):
        before = counts(User, OutboundEmail)
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code < 500
        if not succeeded(response):
            assert counts(User, OutboundEmail) == before

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "name": TEXT,
                "companies_house_number": text_or("12345678", "SC123456"),
                "website": text_or("https://example.co.uk"),
                "size": text_or(*Organisation.Size.values),
                "local_authority_area": text_or("birmingham", "sandwell"),
            }
        )
    )
    @example(data=dict.fromkeys(ORGANISATION_FIELDS, "\x00"))
    def test_organisation_profile(self, client, demo_site, startup_user, data):
        organisation = startup_user.memberships.get().organisation
        before = (
            counts(Organisation),
            Organisation.objects.get(pk=organisation.pk).name,
        )
        response = client.post(reverse("organisation_edit"), data)
        assert response.status_code < 500
        if not succeeded(response):
            after = (
                counts(Organisation),
                Organisation.objects.get(pk=organisation.pk).name,
            )
            assert after == before

    @FUZZ
    @given(username=text_or("lead@impactlab.example"), password=TEXT)
    @example(username="lead@impactlab.example\x00", password="\x00")
    def test_wagtail_admin_sign_in(self, client, demo_site, username, password):
        before = counts(User)
        response = client.post(
            reverse("wagtailadmin_login"), {"username": username, "password": password}
        )
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session
        assert counts(User) == before

    @FUZZ
    @given(email=text_or("colleague@fuzz.example"))
    @example(email="colleague\x00@fuzz.example")
    def test_invitation(self, client, demo_site, startup_user, email):
        before = counts(OrganisationInvitation, OutboundEmail)
        response = client.post(reverse("organisation_invite"), {"email": email})
        assert response.status_code < 500
        if not succeeded(response):
            assert counts(OrganisationInvitation, OutboundEmail) == before


class ChallengeFormTests:
    @FUZZ
    @given(question=TEXT)
    @example(question="Is \x00 allowed?")
    def test_ask_a_question(self, client, challenge, startup_user, question):
        before = counts(Clarification)
        response = client.post(
            reverse("challenge_question", args=[challenge.pk]), {"question": question}
        )
        assert response.status_code < 500
        if not succeeded(response, "challenges/question_sent.html"):
            assert counts(Clarification) == before

    @FUZZ
    @given(
        step=st.sampled_from(["details", "solution", "delivery", "criteria", "nope"]),
        values=st.lists(TEXT, min_size=3, max_size=3),
        keep_going=st.booleans(),
    )
    @example(step="details", values=["\x00", "a\x00b", ""], keep_going=False)
    @example(step="criteria", values=["\x00", "\x00", "\x00"], keep_going=True)
    def test_entry_form(
        self, client, challenge, startup_user, step, values, keep_going
    ):
        entry = Entry.objects.filter(
            challenge=challenge
        ).first() or Entry.objects.create(
            challenge=challenge,
            organisation=startup_user.memberships.get().organisation,
            created_by=startup_user,
        )
        fields = {
            "details": ["title", "summary"],
            "solution": ["solution", "evidence", "pilot_plan"],
            "delivery": ["cost_estimate", "team"],
            "criteria": [f"criterion_{c.pk}" for c in challenge.criteria.all()],
            "nope": ["title"],
        }[step]
        data = dict(zip(fields, values, strict=False))
        if keep_going:
            data["continue"] = "1"

        def snapshot():
            row = Entry.objects.filter(pk=entry.pk).values().get()
            row.pop("updated_at")
            answers = list(entry.answers.order_by("pk").values_list("text", flat=True))
            return row, answers

        before = snapshot()
        response = client.post(reverse("entry_step", args=[entry.pk, step]), data)
        assert response.status_code < 500
        if not succeeded(response):
            assert snapshot() == before


class PublicServantFormTests:
    @pytest.fixture
    def officer(self, client, demo_site):
        user = public_servant()
        client.force_login(user)
        return user

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "title": TEXT,
                "lead_organisation": text_or("1", "999999"),
                "problem": TEXT,
                "proposed_solution": TEXT,
                "sponsor": TEXT,
                "budget_requested": text_or("85000", "-1", "1e12"),
                "match_funding": text_or("0", "12.345"),
                "duration_months": text_or("12", "61", "0"),
                "target_outcomes": TEXT,
                "proposed_metrics": TEXT,
                "evaluation_types": text_or("process", "impact"),
                "evaluation_approach": TEXT,
                "dpia_status": text_or("planned", "complete"),
                "data_sharing_agreement_status": text_or("planned"),
                "risks": TEXT,
                "partner_1_organisation": text_or("", "1"),
                "partner_1_role": text_or("", "delivery"),
            }
        )
    )
    @example(data=dict.fromkeys(PROPOSAL_FIELDS, "\x00"))
    def test_pilot_proposal(self, client, officer, data):
        before = counts(PilotProposal)
        response = client.post(reverse("pilots:proposal_create"), data)
        assert response.status_code < 500
        if not succeeded(response):
            assert counts(PilotProposal) == before

    @pytest.fixture
    def pilot_lead(self, client, demo_site):
        user = public_servant()
        pilot = PilotFactory(lead_contact__user=user)
        client.force_login(user)
        return pilot, MetricFactory(pilot=pilot)

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "metric": TEXT,
                "month": text_or("1", "12", "13"),
                "year": text_or("2026", "1999"),
                "value": text_or("42", "3.5", "1e400"),
                "note": TEXT,
                "provisional": text_or("on", ""),
            }
        ),
        right_metric=st.booleans(),
    )
    @example(data=dict.fromkeys(MEASUREMENT_FIELDS, "\x00"), right_metric=True)
    def test_measurement_entry(self, client, pilot_lead, data, right_metric):
        pilot, metric = pilot_lead
        if right_metric:
            data = {**data, "metric": str(metric.pk)}
        before = counts(Measurement)
        response = client.post(
            reverse("pilots:measurements", args=[pilot.pk]),
            {**data, "form": "measurement"},
        )
        assert response.status_code < 500
        if not succeeded(response):
            assert counts(Measurement) == before


class EveryoneFormTests:
    @FUZZ
    @given(
        frequency=text_or("immediate", "daily_digest"),
        kinds=st.lists(text_or(*NotificationKind.values), max_size=4),
    )
    @example(frequency="\x00", kinds=["\x00"])
    def test_notification_preferences(self, client, demo_site, login, frequency, kinds):
        user = login("founder@brightpath.example")
        before = (counts(NotificationPreference, OutboundEmail), _preference(user))
        response = client.post(
            reverse("notification_preferences"),
            {"frequency": frequency, "kinds": kinds},
        )
        assert response.status_code < 500
        if not succeeded(response):
            after = (counts(NotificationPreference, OutboundEmail), _preference(user))
            assert after == before

    @FUZZ
    @given(
        params=st.fixed_dictionaries(
            {
                "q": TEXT,
                "content_type": text_or("challenge", "case-study"),
                "theme": TEXT,
                "area": TEXT,
                "status": text_or("open"),
                "evidence_level": text_or("2", "9"),
                "sort": text_or("date", "relevance"),
                "page": text_or("2", "-1", "99999999999999999999"),
            }
        )
    )
    @example(params=dict.fromkeys(SEARCH_PARAMS, "\x00"))
    def test_search(self, client, demo_site, params):
        # GET: a query string is limited in size, as a browser's address bar is.
        params = {k: v[:2_000] for k, v in params.items()}
        response = client.get("/search/", params)
        assert response.status_code < 500
        response = client.get("/search/suggest/", {"q": params["q"]})
        assert response.status_code < 500

    @FUZZ
    @given(status=TEXT, theme=TEXT, page=text_or("2", "x"))
    @example(status="\x00", theme="\x00", page="\x00")
    def test_challenge_listing_filters(self, client, challenge, status, theme, page):
        response = client.get(
            "/challenges/",
            {"status": status[:2_000], "theme": theme[:2_000], "page": page[:2_000]},
        )
        assert response.status_code < 500


def _preference(user):
    return tuple(
        NotificationPreference.objects.filter(user=user).values_list(
            "frequency", "muted_kinds"
        )
    )
