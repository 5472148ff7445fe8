"""Demo Urban Challenges: six briefs from the region's priorities, in every state, with
clarifications, demo start-ups and their entries. Idempotent: a challenge that exists
(by slug) is left as its editors made it; nothing doubles."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from home.demo_content import DEMO_PASSWORD
from home.models import HomePage, Organisation, OrganisationMembership
from home.services import page_ensure

from .models import (
    AssessmentCriterion,
    ChallengeIndexPage,
    ChallengeInterest,
    ChallengePage,
    Clarification,
    Entry,
    EntryAnswer,
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
        "judging_state": {
            "closed": ChallengePage.JudgingState.IN_PROGRESS,
            "awarded": ChallengePage.JudgingState.AWARDED,
        }.get(state, ChallengePage.JudgingState.NOT_STARTED),
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
    for i, (question, answer) in enumerate(qa):
        Clarification.objects.get_or_create(
            challenge=challenge,
            question=question,
            defaults={
                "asked_by": asker,
                "answer": answer,
                "status": Clarification.Status.PUBLISHED,
                "published_at": challenge.opens_at + timedelta(days=3 + i),
            },
        )
    Clarification.objects.get_or_create(
        challenge=challenge,
        question="Is there a page limit for attachments?",
        defaults={"asked_by": asker},
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
            else challenge.closes_at - timedelta(days=2),
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
        _ensure_clarifications(challenge, founder, now)
    S = Entry.Status
    entries = [
        (
            "damp-and-mould-early-warning",
            "brightpath-analytics",
            S.DRAFT,
            "Predicting damp from repairs data",
        ),
        (
            "damp-and-mould-early-warning",
            "homesense-iot",
            S.SUBMITTED,
            "Low-cost humidity sensors for tenants",
        ),
        (
            "young-people-into-work",
            "brightpath-analytics",
            S.DRAFT,
            "Finding young people services lose touch with",
        ),
        (
            "young-people-into-work",
            "nextstep-youth",
            S.SUBMITTED,
            "Peer mentors on the apps young people use",
        ),
        (
            "hospital-discharge-home-support",
            "carebridge-software",
            S.UNDER_ASSESSMENT,
            "One discharge board for hospital and council",
        ),
        (
            "hospital-discharge-home-support",
            "brightpath-analytics",
            S.SHORTLISTED,
            "Forecasting care packages a week ahead",
        ),
        (
            "retrofit-homes-net-zero",
            "homesense-iot",
            S.SUCCESSFUL,
            "Retrofit planner for homeowners",
        ),
        (
            "retrofit-homes-net-zero",
            "brightpath-analytics",
            S.UNSUCCESSFUL,
            "Street-level retrofit opportunity maps",
        ),
        (
            "fire-risk-home-safety-visits",
            "brightpath-analytics",
            S.SUCCESSFUL,
            "Risk model for home fire safety visits",
        ),
        (
            "fire-risk-home-safety-visits",
            "carebridge-software",
            S.WITHDRAWN,
            "Care-visit fire checks",
        ),
    ]
    for challenge_slug, org_slug, status, title in entries:
        organisation, user = startups[org_slug]
        feedback = ""
        if status in (S.SUCCESSFUL, S.UNSUCCESSFUL):
            feedback = "Assessors valued the clear pilot plan. " + (
                "Strong evidence from the earlier trial."
                if status == S.SUCCESSFUL
                else "The evidence it works was thin: consider a small trial first."
            )
        _ensure_entry(
            challenges[challenge_slug], organisation, user, status, title, now, feedback
        )
    stdout.write(
        f"{len(challenges)} Urban Challenges, {len(startups)} demo start-ups and "
        f"{Entry.objects.count()} entries ready."
    )
