"""Demo Urban Challenges: six briefs from the region's priorities, in every state, with
clarifications, demo start-ups and their entries, and judging run through the services
with the demo lead and assessors: one round mid-judging, two awarded with full scores
and released feedback. Idempotent: a challenge that exists (by slug) is left as its
editors made it, a challenge with judging records is not judged again; nothing
doubles."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from home.demo_content import DEMO_PASSWORD
from home.models import HomePage, Organisation, OrganisationMembership
from home.services import page_ensure

from .judging import services as judging_services
from .models import (
    Assessment,
    AssessmentCriterion,
    Assignment,
    ChallengeIndexPage,
    ChallengeInterest,
    ChallengePage,
    Clarification,
    Entry,
    EntryAnswer,
    InterestDeclaration,
    Judging,
)

STANDARD_CRITERIA = [
    (
        "Impact on the problem",
        "How much would this change outcomes for residents? Say what would change, for "
        "whom, and how you would measure it.",
        35,
    ),
    (
        "Strength of evidence",
        "What evidence shows it works (Nesta Standards of Evidence level 1 to 5)? Include "
        "pilots, trials or evaluations so far.",
        25,
    ),
    (
        "Deliverability",
        "Can your team pilot this within the time and budget? Cover your plan, risks and "
        "how you would work with the challenge holders.",
        25,
    ),
    (
        "Value for money and route to adoption",
        "What would it cost to run at scale, and how could other councils adopt it?",
        15,
    ),
]

ELIGIBILITY = (
    "<ul><li>UK-registered start-ups, SMEs and social enterprises</li>"
    "<li>Fewer than 250 staff</li>"
    "<li>Able to run a pilot in the West Midlands within six months of award</li></ul>"
)

# (slug, title, summary, problem, holders, themes, funding, state)
# state: upcoming, open, open-soon-closing, closed, awarded
CHALLENGES = [
    (
        "damp-and-mould-early-warning",
        "Find damp and mould before it harms tenants",
        "Help councils and housing associations spot homes at risk of damp and mould "
        "early, before residents' health suffers.",
        "Damp and mould in social housing harms health, especially of children and people "
        "with lung conditions. Repairs teams hear about it late, from complaints. We want "
        "a way to find homes at risk early, using data we already hold or low-cost sensors, "
        "and to target inspections where they matter most.",
        ["Sandwell Metropolitan Borough Council", "Walsall Council"],
        ["Housing", "Health and wellbeing", "Prevention"],
        80_000,
        "open",
    ),
    (
        "young-people-into-work",
        "Help young people who are not in education or work find a route back",
        "New ways to reach 16 to 24-year-olds who are not in education, employment or "
        "training, and keep them engaged until they find work.",
        "Too many young people in the region fall out of education and training and are "
        "hard for services to reach. Existing programmes rely on referrals and lose touch "
        "with young people quickly. We are looking for digital or blended approaches that "
        "find, engage and support young people into lasting work.",
        ["West Midlands Combined Authority", "Birmingham City Council"],
        ["Skills and employment"],
        100_000,
        "closing",
    ),
    (
        "safer-night-time-economy",
        "Safer streets in the night-time economy",
        "Reduce violence and make women and girls feel safer in town centres at night.",
        "Town centres are busiest at night, and so is violence against women and girls. "
        "Police, councils and venues each hold part of the picture. We want solutions that "
        "help partners act together: reporting, safe routes home, or better use of the "
        "information already shared.",
        ["West Midlands Police", "Coventry City Council"],
        ["Safer communities"],
        60_000,
        "upcoming",
    ),
    (
        "hospital-discharge-home-support",
        "Get people home from hospital sooner, with the right support",
        "Cut delays in discharging medically fit patients by coordinating care at home.",
        "Hundreds of medically fit patients wait in hospital each day for care at home to "
        "be arranged. Hospitals, councils and care providers use different systems. We "
        "want ways to coordinate discharge and home support so people leave hospital as "
        "soon as they are ready.",
        [
            "NHS Birmingham and Solihull Integrated Care Board",
            "Solihull Metropolitan Borough Council",
        ],
        ["Health and wellbeing", "Prevention"],
        120_000,
        "closed",
    ),
    (
        "retrofit-homes-net-zero",
        "Make retrofitting homes for net zero simple for residents",
        "Help homeowners plan, fund and trust energy-efficiency retrofits.",
        "To reach net zero the region must retrofit hundreds of thousands of homes. "
        "Residents find it hard to know what to do, whom to trust and how to pay. We want "
        "tools that guide them from an assessment to finished work.",
        ["West Midlands Combined Authority", "City of Wolverhampton Council"],
        ["Net zero", "Housing"],
        90_000,
        "awarded",
    ),
    (
        "fire-risk-home-safety-visits",
        "Target home fire safety visits at the people most at risk",
        "Use shared data to find the residents most at risk of a fire at home.",
        "Most fire deaths happen to people the fire service never met. Health, social care "
        "and council data could show who is most at risk, but it is rarely joined up. We "
        "want a safe, lawful way to target home safety visits.",
        [
            "Hereford and Worcester Fire and Rescue Service",
            "Worcestershire County Council",
        ],
        ["Safer communities", "Prevention", "Innovation"],
        50_000,
        "awarded",
    ),
]

STARTUPS = [
    # (name, slug, email, area, website, companies house number)
    (
        "BrightPath Analytics Ltd",
        "brightpath-analytics",
        "founder@brightpath.example",
        "birmingham",
        "https://brightpath.example",
        "13579246",
    ),
    (
        "HomeSense IoT Ltd",
        "homesense-iot",
        "team@homesense.example",
        "sandwell",
        "https://homesense.example",
        "24681357",
    ),
    (
        "NextStep Youth CIC",
        "nextstep-youth",
        "hello@nextstep.example",
        "coventry",
        "https://nextstep.example",
        "11223344",
    ),
    (
        "CareBridge Software Ltd",
        "carebridge-software",
        "ops@carebridge.example",
        "solihull",
        "https://carebridge.example",
        "55667788",
    ),
]


def _dates(state: str, now) -> dict:
    day = timedelta(days=1)
    if state == "upcoming":
        opens = now + 14 * day
        closes = now + 60 * day
    elif state == "open":
        opens = now - 20 * day
        closes = now + 25 * day
    elif state == "closing":
        opens = now - 40 * day
        closes = now + timedelta(hours=40)
    elif state == "closed":
        opens = now - 70 * day
        closes = now - 10 * day
    else:  # awarded
        opens = now - 200 * day
        closes = now - 120 * day
    return {
        "opens_at": opens,
        "questions_close_at": closes - 7 * day,
        "closes_at": closes,
        "decision_expected": (closes + 45 * day).date(),
    }


def _ensure_startups() -> dict[str, tuple[Organisation, object]]:
    User = get_user_model()
    out = {}
    for name, slug, email, area, website, chn in STARTUPS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "org_type": Organisation.Type.BUSINESS,
                "local_authority_area": area,
                "website": website,
                "companies_house_number": chn,
                "org_id": f"GB-COH-{chn}",
                "size": Organisation.Size.MICRO,
            },
        )
        user, created = User.objects.get_or_create(
            email=email, defaults={"username": email}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        OrganisationMembership.objects.get_or_create(
            organisation=organisation,
            user=user,
            defaults={"role": OrganisationMembership.Role.ADMIN},
        )
        out[slug] = (organisation, user)
    return out


def _ensure_challenge(index: ChallengeIndexPage, spec, now) -> ChallengePage:
    slug, title, summary, problem, holders, themes, funding, state = spec
    existing = index.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = ChallengePage(
        title=title,
        slug=slug,
        summary=summary,
        problem=[
            {"type": "paragraph", "value": f"<p>{problem}</p>"},
            {
                "type": "inset_text",
                "value": {
                    "text": "<p>Winners keep their intellectual property. Adoption after "
                    "the pilot is a separate procurement.</p>"
                },
            },
        ],
        funding_amount=funding,
        pilot_contract="A six-month paid pilot contract with the challenge holders.",
        support="Mentoring from the Lab team, access to anonymised data under a "
        "data-sharing agreement, and an independent evaluation of the pilot.",
        eligibility=ELIGIBILITY,
        **_dates(state, now),
    )
    index.add_child(instance=page)
    for i, (criterion_title, guidance, weight) in enumerate(STANDARD_CRITERIA):
        AssessmentCriterion.objects.create(
            page=page,
            sort_order=i,
            title=criterion_title,
            guidance=guidance,
            weight=weight,
            max_words=400,
        )
    page.holders.set(Organisation.objects.filter(name__in=holders))
    page.themes.set(themes)
    page.save_revision().publish()
    return page


def _ensure_clarifications(challenge: ChallengePage, asker, now) -> None:
    qa = [
        (
            "Can a consortium of two start-ups enter together?",
            "Yes. One organisation enters and names the other in the team section; the "
            "lead organisation holds the pilot contract.",
        ),
        (
            "Will we get access to council data before submitting?",
            "No. Data is shared with winners only, under a data-sharing agreement. The "
            "brief's supporting documents describe what data exists.",
        ),
    ]
    # Asked a day or two after the brief opened, answered two days later (asked_at is
    # stamped on creation, so it is set back afterwards).
    for i, (question, answer) in enumerate(qa):
        clarification, created = Clarification.objects.get_or_create(
            challenge=challenge,
            question=question,
            defaults={
                "asked_by": asker,
                "answer": answer,
                "status": Clarification.Status.PUBLISHED,
                "published_at": challenge.opens_at + timedelta(days=3 + i),
            },
        )
        if created:
            Clarification.objects.filter(pk=clarification.pk).update(
                asked_at=challenge.opens_at + timedelta(days=1 + i)
            )
    clarification, created = Clarification.objects.get_or_create(
        challenge=challenge,
        question="Is there a page limit for attachments?",
        defaults={"asked_by": asker},
    )
    if created:
        Clarification.objects.filter(pk=clarification.pk).update(
            asked_at=min(challenge.opens_at + timedelta(days=5), now)
        )
    ChallengeInterest.objects.get_or_create(challenge=challenge, user=asker)


def _ensure_entry(
    challenge, organisation, user, status, title, now, feedback=""
) -> None:
    entry, created = Entry.objects.get_or_create(
        challenge=challenge,
        organisation=organisation,
        defaults={
            "created_by": user,
            "title": title,
            "summary": f"{title}: a short description of the idea for assessors.",
            "solution": "A web service built with residents and frontline staff.",
            "evidence": "A small before-and-after trial with one council (Nesta level 2).",
            "pilot_plan": "Six months: set-up, three months live, evaluation.",
            "cost_estimate": "£45,000 for the pilot, including evaluation.",
            "team": "Founder, two developers and a service designer.",
            "status": status,
            "declaration_eligibility": status != Entry.Status.DRAFT,
            "declaration_data_protection": status != Entry.Status.DRAFT,
            "submitted_at": None
            if status == Entry.Status.DRAFT
            # Two days before the deadline, or an hour ago while the brief is open.
            else min(challenge.closes_at - timedelta(days=2), now - timedelta(hours=1)),
            "submitted_by": None if status == Entry.Status.DRAFT else user,
            "feedback": feedback,
            "feedback_released": bool(feedback),
        },
    )
    if created:
        for criterion in challenge.criteria.all():
            EntryAnswer.objects.create(
                entry=entry,
                criterion=criterion,
                text=f"How we meet '{criterion.title}': evidence and a plan.",
            )


def load(stdout) -> None:
    home = HomePage.objects.first()
    if home is None:
        stdout.write("No home page: run the home loader first.")
        return
    index = page_ensure(
        parent=home,
        model=ChallengeIndexPage,
        slug="challenges",
        title="Urban Challenges",
        intro="Public bodies in the West Midlands bring a problem; start-ups propose "
        "digital solutions; the best are piloted and evaluated.",
    )
    now = timezone.now()
    challenges = {spec[0]: _ensure_challenge(index, spec, now) for spec in CHALLENGES}
    startups = _ensure_startups()
    _bright, founder = startups["brightpath-analytics"]
    for challenge in challenges.values():
        # Questions only on briefs open long enough to have been asked and answered.
        if challenge.opens_at <= now - timedelta(days=6):
            _ensure_clarifications(challenge, founder, now)
    EntryStatus = Entry.Status
    entries = [
        (
            "damp-and-mould-early-warning",
            "brightpath-analytics",
            EntryStatus.DRAFT,
            "Predicting damp from repairs data",
        ),
        (
            "damp-and-mould-early-warning",
            "homesense-iot",
            EntryStatus.SUBMITTED,
            "Low-cost humidity sensors for tenants",
        ),
        (
            "young-people-into-work",
            "brightpath-analytics",
            EntryStatus.DRAFT,
            "Finding young people services lose touch with",
        ),
        (
            "young-people-into-work",
            "nextstep-youth",
            EntryStatus.SUBMITTED,
            "Peer mentors on the apps young people use",
        ),
        # Judged entries are submitted here; the demo judging round (demo_judging.py)
        # scores and decides them through the services.
        (
            "hospital-discharge-home-support",
            "carebridge-software",
            EntryStatus.SUBMITTED,
            "One discharge board for hospital and council",
        ),
        (
            "hospital-discharge-home-support",
            "brightpath-analytics",
            EntryStatus.SUBMITTED,
            "Forecasting care packages a week ahead",
        ),
        (
            "hospital-discharge-home-support",
            "homesense-iot",
            EntryStatus.SUBMITTED,
            "Home sensors for the first fortnight after discharge",
        ),
        (
            "retrofit-homes-net-zero",
            "homesense-iot",
            EntryStatus.SUBMITTED,
            "Retrofit planner for homeowners",
        ),
        (
            "retrofit-homes-net-zero",
            "brightpath-analytics",
            EntryStatus.SUBMITTED,
            "Street-level retrofit opportunity maps",
        ),
        (
            "fire-risk-home-safety-visits",
            "brightpath-analytics",
            EntryStatus.SUBMITTED,
            "Risk model for home fire safety visits",
        ),
        (
            "fire-risk-home-safety-visits",
            "carebridge-software",
            EntryStatus.WITHDRAWN,
            "Care-visit fire checks",
        ),
    ]
    for challenge_slug, org_slug, status, title in entries:
        organisation, user = startups[org_slug]
        _ensure_entry(
            challenges[challenge_slug], organisation, user, status, title, now
        )
    _ensure_judging(challenges=challenges, now=now, stdout=stdout)
    stdout.write(
        f"{len(challenges)} Urban Challenges, {len(startups)} demo start-ups and "
        f"{Entry.objects.count()} entries ready."
    )


# --- Judging -------------------------------------------------------------------------
#
# Three rounds, run through the judging services with the demo lead and assessors:
# - hospital discharge (closed): mid-judging. Tom Okafor (assessor@) has submitted two
#   entries and has one in progress; Imran Hussain's low scores on one entry are an
#   outlier, one of them moderated; one entry is shortlisted.
# - retrofit (awarded): full scores from three assessors, feedback released, winner on
#   the brief; the unsuccessful BrightPath entry is in the promising solutions.
# - fire risk (awarded): Imran declared an interest in BrightPath, so its entry went to
#   the two other assessors (two per entry for this small field).
# A challenge that already has judging records is left alone, so nothing doubles.

# Three phrasings per level, one per assessor, so the drafted feedback reads like three
# people wrote it.
JUDGING_COMMENTS = {
    "Impact on the problem": {
        "high": [
            "Goes straight at the people who wait longest and names the outcome it "
            "would move, with a believable size of change.",
            "A clear account of who benefits and how much; the measure of success is "
            "one the holders already collect.",
            "Strong: the change for residents is concrete and measurable.",
        ],
        "mid": [
            "Would help, but the answer does not say how many residents would benefit "
            "or which outcome would change first.",
            "The benefit is plausible; quantify it against the holders' own figures.",
            "Useful idea; the impact case rests on assumptions that are not stated.",
        ],
        "low": [
            "The link between the tool and better outcomes is asserted rather than "
            "shown.",
            "Hard to see what would change for residents, or how you would know.",
            "Impact described in general terms only.",
        ],
    },
    "Strength of evidence": {
        "high": [
            "Before-and-after data from a comparable council (Nesta level 2), honestly "
            "reported with its limits.",
            "Good evidence for this stage, including what did not work in the earlier "
            "trial.",
            "The earlier pilot's results are specific and credible.",
        ],
        "mid": [
            "Some data from one site; a comparison group would make the case much "
            "stronger.",
            "Evidence is mostly from user feedback: reasonable for level 1 to 2.",
            "Promising early results, but the sample is small.",
        ],
        "low": [
            "No evidence yet that it works; the answer describes the product, not "
            "results.",
            "Claims are not supported by data we could check.",
            "Evidence is thin: consider a small, measured trial first.",
        ],
    },
    "Deliverability": {
        "high": [
            "A realistic six-month plan with named roles, data-sharing steps and risks.",
            "The team has delivered with councils before; the plan fits the budget.",
            "Clear milestones and a sensible approach to information governance.",
        ],
        "mid": [
            "The plan is broadly realistic, but the data-sharing agreement is not in "
            "the timeline.",
            "Small team for the scope; say who covers implementation support.",
            "Milestones are clear; risks and mitigations need more thought.",
        ],
        "low": [
            "The timeline looks too tight for the integration described.",
            "Key dependencies on partner systems are not addressed.",
            "Plan lacks detail on who does what and when.",
        ],
    },
    "Value for money and route to adoption": {
        "high": [
            "Running costs at scale are set out and other councils could buy it "
            "through existing frameworks.",
            "Good value: the cost per resident compares well with current practice.",
            "A credible route to adoption across the region.",
        ],
        "mid": [
            "The pilot cost is fair; costs at scale are less clear.",
            "Adoption route is plausible but depends on procurement not yet discussed.",
            "Reasonable value; licence costs after the pilot need stating.",
        ],
        "low": [
            "Costs at scale are not given.",
            "No route to adoption beyond the pilot.",
            "Value for money is hard to judge from the answer.",
        ],
    },
}

# challenge slug -> per-entry N, conflicts {assessor email: [(org slug, kind, details)]},
# entries {org slug: {assessor email: scores (None: not started; a shorter list:
# in progress)}}, moderations [(org slug, assessor email, criterion index, new, why)],
# decisions {org slug: outcome}, release (bool), promising [org slugs].
TOM, RACHEL, IMRAN = (
    "assessor@impactlab.example",
    "assessor2@impactlab.example",
    "assessor3@impactlab.example",
)
JUDGING_ROUNDS = {
    "hospital-discharge-home-support": {
        "per_entry": 3,
        "conflicts": {},
        "entries": {
            "carebridge-software": {
                TOM: [7, 6, 7, 6],
                RACHEL: [8, 6, 7, 7],
                IMRAN: [3, 3, 2, 4],
            },
            "brightpath-analytics": {
                TOM: [8, 7, 7, 8],
                RACHEL: [8, 8, 7, 7],
                IMRAN: [7, 7, 8, 6],
            },
            "homesense-iot": {TOM: [6, 5], RACHEL: [6, 5, 6, 6], IMRAN: None},
        },
        "moderations": [
            (
                "carebridge-software",
                IMRAN,
                2,
                5,
                "Scored against a twelve-month plan; the entry's plan is six months. "
                "Agreed with the assessor at the moderation meeting.",
            )
        ],
        "decisions": {"brightpath-analytics": "shortlisted"},
        "release": False,
        "promising": [],
    },
    "retrofit-homes-net-zero": {
        "per_entry": 3,
        "conflicts": {},
        "entries": {
            "homesense-iot": {
                TOM: [8, 7, 8, 8],
                RACHEL: [9, 7, 8, 7],
                IMRAN: [8, 8, 7, 8],
            },
            "brightpath-analytics": {
                TOM: [6, 4, 5, 6],
                RACHEL: [5, 3, 6, 5],
                IMRAN: [6, 4, 5, 5],
            },
        },
        "moderations": [],
        "decisions": {
            "homesense-iot": "successful",
            "brightpath-analytics": "unsuccessful",
        },
        "release": True,
        "promising": ["brightpath-analytics"],
    },
    "fire-risk-home-safety-visits": {
        "per_entry": 2,
        "conflicts": {IMRAN: [("brightpath-analytics", "invests")]},
        "entries": {"brightpath-analytics": {TOM: [9, 7, 8, 8], RACHEL: [8, 8, 8, 7]}},
        "moderations": [],
        "decisions": {"brightpath-analytics": "successful"},
        "release": True,
        "promising": [],
    },
}


def _level(score: int) -> str:
    return "high" if score >= 7 else "mid" if score >= 5 else "low"


def _recommendation(scores: list[int]) -> str:
    mean = sum(scores) / len(scores)
    return "fund" if mean >= 7 else "fund_if" if mean >= 5 else "do_not_fund"


def _ensure_judging(*, challenges: dict, now, stdout) -> None:
    User = get_user_model()
    people = {u.email: u for u in User.objects.filter(email__in=[TOM, RACHEL, IMRAN])}
    lead = User.objects.filter(email="lead@impactlab.example").first()
    if lead is None or len(people) < 3:
        stdout.write("No demo lead or assessors: run the home loader first.")
        return
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for slug, spec in JUDGING_ROUNDS.items():
        challenge = challenges[slug]
        if Judging.objects.filter(challenge=challenge).exists():
            continue
        for person in people.values():
            judging_services.panel_assessor_add(
                challenge=challenge, assessor=person, by=lead
            )
        for email, person in people.items():
            judging_services.interests_declare(
                challenge=challenge,
                assessor=person,
                conflicts={
                    organisations[org].pk: kind
                    for org, kind in spec["conflicts"].get(email, [])
                },
            )
        judging_services.assignments_allocate(
            challenge=challenge, by=lead, per_entry=spec["per_entry"]
        )
        criteria = list(challenge.criteria.all())
        entries = {e.organisation.slug: e for e in challenge.entries.all()}
        for org, by_assessor in spec["entries"].items():
            entry = entries[org]
            for i, (email, scores) in enumerate(by_assessor.items()):
                if scores is None:
                    continue
                assignment = Assignment.objects.get(entry=entry, assessor=people[email])
                judging_services.assessment_save(
                    assignment=assignment,
                    by=people[email],
                    scores={
                        c.pk: (score, JUDGING_COMMENTS[c.title][_level(score)][i % 3])
                        for c, score in zip(criteria, scores, strict=False)
                    },
                    recommendation=_recommendation(scores),
                    submit=len(scores) == len(criteria),
                )
        for org, email, index, new, reason in spec["moderations"]:
            assignment = Assignment.objects.get(
                entry=entries[org], assessor=people[email]
            )
            score = assignment.assessment.scores.get(criterion=criteria[index])
            judging_services.score_moderate(
                score=score, by=lead, moderated_score=new, reason=reason
            )
        for org, outcome in spec["decisions"].items():
            judging_services.entry_decide(entry=entries[org], by=lead, outcome=outcome)
        if spec["release"]:
            judging_services.feedback_drafts_fill(challenge=challenge, by=lead)
            for org, outcome in spec["decisions"].items():
                entry = entries[org]
                entry.refresh_from_db()
                closing = (
                    "Congratulations: the programme team will be in touch about the "
                    "pilot contract."
                    if outcome == "successful"
                    else "Thank you for entering. We would welcome a future entry once "
                    "you have more evidence from a measured trial."
                )
                judging_services.entry_feedback_update(
                    entry=entry, by=lead, feedback=f"{entry.feedback}\n\n{closing}"
                )
            released = challenge.closes_at + timedelta(days=40)
            judging_services.feedback_release(
                challenge=challenge, by=lead, now=released
            )
            for org in spec["promising"]:
                entrant = entries[org].organisation.memberships.first().user
                judging_services.promising_solution_opt_in(
                    entry=entries[org], by=entrant, contact_email=entrant.email
                )
            judging_services.winners_publish(challenge=challenge, by=lead)
            # The round happened weeks after entries closed: date its records so.
            Judging.objects.filter(challenge=challenge).update(
                feedback_release_at=released,
                winners_published_at=released + timedelta(days=1),
            )
        closed = challenge.closes_at
        InterestDeclaration.objects.filter(challenge=challenge).update(
            declared_at=closed + timedelta(days=1)
        )
        Assignment.objects.filter(entry__challenge=challenge).update(
            assigned_at=closed + timedelta(days=2)
        )
        Assessment.objects.filter(
            assignment__entry__challenge=challenge, status=Assessment.Status.SUBMITTED
        ).update(submitted_at=min(closed + timedelta(days=20), now))
        Entry.objects.filter(challenge=challenge, decided_at__isnull=False).update(
            decided_at=min(closed + timedelta(days=30), now)
        )
    stdout.write("Judging: a round in progress and two awarded rounds ready.")
