"""Demo pilots: 13 pilots across every status and theme, each with 2 to 4 metrics and
12 to 24 monthly measurements that tell a believable story, plus contacts (with a
lawful basis) and proposals in different workflow states. Idempotent and seeded."""

import datetime
import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.log_actions import log

from challenges.models import Entry
from home.models import Organisation, OrganisationMembership

from .models import (
    Contact,
    Measurement,
    Metric,
    Milestone,
    Pilot,
    PilotPartner,
    PilotProposal,
    ProposalPartner,
)
from .publishing.demo_content import load as load_pages
from .services.contacts import contact_create
from .services.metrics import metric_create
from .services.proposals import proposal_create_from_entry, proposal_submit

PilotStatus = Pilot.Status
LawfulBasis = Contact.LawfulBasis
TODAY = datetime.date(2026, 11, 1)

# Contacts: (key, name, job title, organisation slug, email, phone, lawful basis, public)
CONTACTS = [
    (
        "wmp",
        "Sarah Bennett",
        "Superintendent, Neighbourhood Policing",
        "west-midlands-police",
        "sarah.bennett@wmpolice.example",
        "0121 496 0101",
        LawfulBasis.PUBLIC_TASK,
        True,
    ),
    (
        "uhb",
        "Dr Marcus Reid",
        "Director of Patient Flow",
        "university-hospitals-birmingham-nhs-foundation-trust",
        "marcus.reid@uhb.example",
        "0121 496 0102",
        LawfulBasis.PUBLIC_TASK,
        True,
    ),
    (
        "wmfs",
        "Helen Clarke",
        "Head of Prevention",
        "west-midlands-fire-service",
        "helen.clarke@wmfs.example",
        "0121 496 0103",
        LawfulBasis.PUBLIC_TASK,
        True,
    ),
    (
        "cov",
        "Jamal Ahmed",
        "Youth Employment Manager",
        "coventry-city-council",
        "jamal.ahmed@coventry.example",
        "024 7696 0104",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "sandwell",
        "Daniel Hughes",
        "Housing Improvement Officer",
        "sandwell-metropolitan-borough-council",
        "officer@sandwell.example",
        "0121 496 0105",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "walsall",
        "Fiona Doyle",
        "Climate Change Officer",
        "walsall-council",
        "fiona.doyle@walsall.example",
        "01922 496 106",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "solihull",
        "Graham Price",
        "Assistive Technology Lead",
        "solihull-metropolitan-borough-council",
        "graham.price@solihull.example",
        "0121 496 0107",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "bcc",
        "Aisha Begum",
        "Violence Reduction Coordinator",
        "birmingham-city-council",
        "aisha.begum@birmingham.example",
        "0121 496 0108",
        LawfulBasis.PUBLIC_TASK,
        True,
    ),
    (
        "mind",
        "Owen Jones",
        "Social Prescribing Manager",
        "coventry-and-warwickshire-mind",
        "owen.jones@cwmind.example",
        "024 7696 0109",
        LawfulBasis.CONSENT,
        True,
    ),
    (
        "wlv",
        "Kiran Patel",
        "Fleet and Transport Manager",
        "city-of-wolverhampton-council",
        "kiran.patel@wolverhampton.example",
        "01902 496 110",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "dudley",
        "Rebecca Lowe",
        "Homelessness Prevention Lead",
        "dudley-metropolitan-borough-council",
        "rebecca.lowe@dudley.example",
        "01384 496 111",
        LawfulBasis.PUBLIC_TASK,
        False,
    ),
    (
        "wme",
        "Tariq Mahmood",
        "Workforce Programme Manager",
        "west-midlands-employers",
        "tariq.mahmood@wme.example",
        "0121 496 0112",
        LawfulBasis.LEGITIMATE_INTEREST,
        False,
    ),
    (
        "uob",
        "Professor Ellen Ward",
        "Evaluation Lead, Public Policy",
        "university-of-birmingham",
        "e.ward@bham.example",
        "0121 496 0113",
        LawfulBasis.LEGITIMATE_INTEREST,
        True,
    ),
]

# Metric: (name, unit, ascending, baseline, target, decimals, definition, data source)
# Pilot: title, status, themes, lead org slug, lead contact key, start, months of data,
#   reach (share of the baseline-to-target gap achieved by the last month), partners,
#   evidence level, justification, next level, end decision, reasons, adopters, metrics.
PILOTS = [
    {
        "title": "Fewer repeat calls from the same address",
        "summary": "A multi-agency team visits the 50 addresses that call the police most often each month and agrees a support plan with each household.",
        "status": PilotStatus.RUNNING,
        "themes": ["Safer communities", "Prevention"],
        "lead": "west-midlands-police",
        "contact": "wmp",
        "start": (2025, 5),
        "months": 18,
        "reach": 0.8,
        "partners": [
            ("birmingham-city-council", "pilot-site"),
            ("birmingham-voluntary-service-council", "delivery-partner"),
            ("university-of-birmingham", "evaluator"),
            ("west-midlands-police", "data-controller"),
        ],
        "evidence": 2,
        "justification": "Monthly command-and-control data show repeat calls from the cohort falling since visits began.",
        "next": "A comparison with matched high-demand addresses in another command area.",
        "metrics": [
            (
                "Repeat calls from cohort addresses",
                "calls",
                False,
                412,
                300,
                0,
                "Calls for service from the cohort addresses where the address called in the previous 28 days.",
                "West Midlands Police command and control",
            ),
            (
                "Officer hours on repeat calls",
                "hours",
                False,
                1650,
                1200,
                0,
                "Officer hours logged against repeat-call incidents at cohort addresses.",
                "West Midlands Police duty management",
            ),
            (
                "Households with a support plan",
                "%",
                True,
                0,
                80,
                1,
                "Share of cohort households with an agreed multi-agency support plan.",
                "Pilot case management system",
            ),
        ],
    },
    {
        "title": "Discharge to assess at home",
        "summary": "People medically fit to leave hospital go home the same day and are assessed for care there, not on the ward.",
        "status": PilotStatus.COMPLETED,
        "themes": ["Health and wellbeing"],
        "lead": "university-hospitals-birmingham-nhs-foundation-trust",
        "contact": "uhb",
        "start": (2023, 11),
        "months": 24,
        "reach": 1.05,
        "partners": [
            ("birmingham-city-council", "delivery-partner"),
            ("nhs-birmingham-and-solihull-integrated-care-board", "co-funder"),
            ("aston-university", "evaluator"),
        ],
        "evidence": 3,
        "justification": "A difference-in-differences comparison with two wards outside the pilot showed the fall in delays was caused by the pilot.",
        "next": "An independent replication in another trust.",
        "decision": "scale",
        "reasons": "Delayed bed days fell by more than a third at lower cost per discharge; the ICB funds roll-out to every acute site.",
        "adopters": [
            "the-royal-wolverhampton-nhs-trust",
            "nhs-black-country-integrated-care-board",
        ],
        "metrics": [
            (
                "Delayed discharge bed days",
                "bed days",
                False,
                1240,
                800,
                0,
                "Bed days occupied by patients medically fit for discharge.",
                "NHS discharge situation report",
            ),
            (
                "Median days from fit to discharge",
                "days",
                False,
                6.5,
                3,
                1,
                "Median days between the medically-fit date and discharge.",
                "Trust patient administration system",
            ),
            (
                "Readmissions within 30 days",
                "%",
                False,
                14.2,
                12,
                1,
                "Share of pilot discharges readmitted within 30 days.",
                "Hospital episode statistics",
            ),
        ],
    },
    {
        "title": "Targeted home fire safety visits",
        "summary": "NHS and social care data identify the homes most at risk of fire; firefighters carry out Safe and Well visits there first.",
        "status": PilotStatus.EVALUATING,
        "themes": ["Safer communities", "Health and wellbeing"],
        "lead": "west-midlands-fire-service",
        "contact": "wmfs",
        "start": (2024, 9),
        "months": 20,
        "reach": 0.9,
        "partners": [
            ("nhs-black-country-integrated-care-board", "data-controller"),
            ("sandwell-metropolitan-borough-council", "pilot-site"),
            ("coventry-university", "evaluator"),
        ],
        "evidence": 2,
        "justification": "More visits now reach high-risk homes and accidental fires fell, but there is no comparison group yet.",
        "next": "Compare fire rates with similar homes not yet prioritised.",
        "metrics": [
            (
                "Safe and Well visits to high-risk homes",
                "visits",
                True,
                310,
                500,
                0,
                "Visits to homes scored high risk by the shared data model.",
                "Fire service community safety system",
            ),
            (
                "Accidental dwelling fires",
                "fires",
                False,
                62,
                50,
                0,
                "Accidental fires in homes in the pilot area.",
                "Incident recording system",
            ),
            (
                "Fire-related injuries",
                "injuries",
                False,
                9,
                6,
                0,
                "Casualties from accidental dwelling fires.",
                "Incident recording system",
            ),
        ],
    },
    {
        "title": "Pathways to work for young people not in education, employment or training",
        "summary": "Mentors from local employers work with 16 to 17 year olds who are NEET until they are in work, training or college.",
        "status": PilotStatus.RUNNING,
        "themes": ["Skills and employment"],
        "lead": "coventry-city-council",
        "contact": "cov",
        "start": (2025, 3),
        "months": 20,
        "reach": 0.45,
        "partners": [
            ("coventry-university", "evaluator"),
            ("west-midlands-employers", "delivery-partner"),
            ("west-midlands-combined-authority", "co-funder"),
        ],
        "evidence": 1,
        "justification": "A clear theory of change agreed with schools and employers.",
        "next": "Collect before-and-after data on sustained destinations.",
        "metrics": [
            (
                "Young people aged 16 to 17 who are NEET",
                "%",
                False,
                6.1,
                4.5,
                1,
                "Share of 16 and 17 year olds not in education, employment or training.",
                "Department for Education NCCIS returns",
            ),
            (
                "Young people working with a mentor",
                "people",
                True,
                0,
                250,
                0,
                "Young people with at least one mentor meeting this month.",
                "Pilot case management system",
            ),
            (
                "Sustained outcomes at six months",
                "people",
                True,
                0,
                120,
                0,
                "Young people still in work, training or education six months on.",
                "Pilot follow-up survey",
            ),
        ],
    },
    {
        "title": "Damp and mould rapid response",
        "summary": "Tenants report damp with a photo; a surveyor visits within five working days and repairs are booked on the spot.",
        "status": PilotStatus.COMPLETED,
        "themes": ["Housing", "Health and wellbeing"],
        "lead": "sandwell-metropolitan-borough-council",
        "contact": "sandwell",
        "start": (2024, 1),
        "months": 24,
        "reach": 0.7,
        "partners": [
            ("sandwell-council-of-voluntary-organisations", "delivery-partner"),
            ("aston-university", "evaluator"),
        ],
        "evidence": 2,
        "justification": "Repair times fell steadily; repeat complaints fell less than hoped.",
        "next": "A comparison with a neighbouring landlord's stock.",
        "decision": "iterate",
        "reasons": "Faster fixes, but repeat complaints show ventilation is the root cause: the next version adds extractor fans.",
        "metrics": [
            (
                "Days to fix a serious damp hazard",
                "days",
                False,
                84,
                28,
                0,
                "Median calendar days from report to completed repair of a category 1 damp hazard.",
                "Housing repairs system",
            ),
            (
                "Repeat damp complaints",
                "complaints",
                False,
                45,
                20,
                0,
                "Complaints from homes already repaired for damp in the past year.",
                "Housing repairs system",
            ),
        ],
    },
    {
        "title": "Retrofit advice by text for private renters",
        "summary": "Private tenants and landlords got tailored text messages about grants for insulation and heating.",
        "status": PilotStatus.STOPPED,
        "themes": ["Net zero", "Housing"],
        "lead": "walsall-council",
        "contact": "walsall",
        "start": (2024, 6),
        "months": 12,
        "reach": 0.08,
        "partners": [
            ("west-midlands-combined-authority", "co-funder"),
            ("birmingham-city-university", "evaluator"),
        ],
        "evidence": 2,
        "justification": "Uptake data were collected but showed almost no change.",
        "next": "Not pursued.",
        "decision": "stop",
        "reasons": "Very few landlords acted on the messages; the money is better spent on door-step advice.",
        "metrics": [
            (
                "Households taking up retrofit measures",
                "households",
                True,
                0,
                300,
                0,
                "Households with a grant-funded measure installed this month.",
                "Grant scheme records",
            ),
            (
                "Average energy performance improvement",
                "EPC points",
                True,
                0,
                8,
                1,
                "Mean improvement in EPC score of homes retrofitted.",
                "EPC register",
            ),
        ],
    },
    {
        "title": "Falls sensors in sheltered housing",
        "summary": "Low-cost motion sensors alert a warden when a resident may have fallen.",
        "status": PilotStatus.SETTING_UP,
        "themes": ["Health and wellbeing", "Prevention"],
        "lead": "solihull-metropolitan-borough-council",
        "contact": "solihull",
        "start": (2025, 11),
        "months": 12,
        "reach": 0.0,
        "partners": [
            ("nhs-birmingham-and-solihull-integrated-care-board", "co-funder"),
            ("university-of-birmingham", "evaluator"),
        ],
        "evidence": 1,
        "justification": "A theory of change and twelve months of baseline data.",
        "next": "Measure change once sensors are installed.",
        "metrics": [
            (
                "Falls needing an ambulance",
                "call-outs",
                False,
                38,
                28,
                0,
                "Ambulance call-outs for falls in the pilot schemes.",
                "West Midlands Ambulance Service",
            ),
            (
                "Time on the floor after a fall",
                "minutes",
                False,
                52,
                20,
                0,
                "Median minutes between a fall and help arriving.",
                "Warden call logs",
            ),
        ],
    },
    {
        "title": "Knife crime diversion through schools",
        "summary": "Youth workers in three secondary schools work with pupils at risk of carrying knives, with a route into sport and apprenticeships.",
        "status": PilotStatus.EVALUATING,
        "themes": ["Safer communities", "Skills and employment"],
        "lead": "birmingham-city-council",
        "contact": "bcc",
        "start": (2024, 10),
        "months": 20,
        "reach": 0.6,
        "partners": [
            ("west-midlands-police", "data-controller"),
            ("birmingham-voluntary-service-council", "delivery-partner"),
            ("university-of-birmingham", "evaluator"),
        ],
        "evidence": 2,
        "justification": "Re-arrest rates fell among pupils in the programme.",
        "next": "A matched comparison with pupils in similar schools.",
        "metrics": [
            (
                "Young people re-arrested within 12 months",
                "%",
                False,
                31,
                22,
                1,
                "Share of participants arrested again within 12 months.",
                "West Midlands Police custody records",
            ),
            (
                "Permanent exclusions in pilot schools",
                "exclusions",
                False,
                26,
                18,
                0,
                "Permanent exclusions in the three pilot schools (rolling 12 months).",
                "School census",
            ),
        ],
    },
    {
        "title": "Social prescribing for loneliness",
        "summary": "GPs refer lonely patients to link workers who connect them with community groups.",
        "status": PilotStatus.RUNNING,
        "themes": ["Health and wellbeing", "Prevention"],
        "lead": "coventry-and-warwickshire-mind",
        "contact": "mind",
        "start": (2025, 2),
        "months": 21,
        "reach": 0.75,
        "partners": [
            ("coventry-city-council", "co-funder"),
            ("coventry-university", "evaluator"),
        ],
        "evidence": 2,
        "justification": "Loneliness scores improved for people referred.",
        "next": "A waiting-list comparison group.",
        "metrics": [
            (
                "People referred by GPs",
                "people",
                True,
                20,
                90,
                0,
                "New referrals from GP practices this month.",
                "Link worker case records",
            ),
            (
                "Average loneliness score",
                "UCLA 3-item score",
                False,
                7.2,
                5.5,
                1,
                "Mean UCLA 3-item loneliness score at 12 weeks (3 to 9, lower is better).",
                "Participant survey",
            ),
            (
                "GP appointments per participant",
                "appointments",
                False,
                1.9,
                1.4,
                2,
                "Mean GP appointments per participant in the month.",
                "GP practice systems",
            ),
        ],
    },
    {
        "title": "Electric vehicles for home care visits",
        "summary": "Home care workers use pool electric cars charged at council depots instead of their own petrol cars.",
        "status": PilotStatus.COMPLETED,
        "themes": ["Net zero"],
        "lead": "city-of-wolverhampton-council",
        "contact": "wlv",
        "start": (2023, 12),
        "months": 24,
        "reach": 1.1,
        "partners": [
            ("west-midlands-combined-authority", "co-funder"),
            ("the-royal-wolverhampton-nhs-trust", "pilot-site"),
            ("aston-university", "evaluator"),
        ],
        "evidence": 3,
        "justification": "Compared with a matched team still using their own cars, emissions and costs fell.",
        "next": "Replication by another council.",
        "decision": "scale",
        "reasons": "Emissions and cost per mile both beat their targets; carers prefer the pool cars.",
        "adopters": ["dudley-metropolitan-borough-council"],
        "metrics": [
            (
                "Carbon dioxide from care visits",
                "tonnes",
                False,
                42,
                25,
                1,
                "Tonnes of CO2 from travel for home care visits.",
                "Fleet telematics and mileage claims",
            ),
            (
                "Cost per mile",
                "pence",
                False,
                18,
                9,
                1,
                "Total travel cost divided by miles driven.",
                "Fleet finance records",
            ),
        ],
    },
    {
        "title": "Early warning on rent arrears",
        "summary": "Housing benefit and council tax data flag households falling behind on rent, who are offered help before an eviction notice.",
        "status": PilotStatus.RUNNING,
        "themes": ["Housing", "Prevention"],
        "lead": "dudley-metropolitan-borough-council",
        "contact": "dudley",
        "start": (2025, 1),
        "months": 22,
        "reach": 0.55,
        "partners": [
            ("west-midlands-combined-authority", "co-funder"),
            ("birmingham-city-university", "evaluator"),
            ("dudley-metropolitan-borough-council", "data-controller"),
        ],
        "evidence": 2,
        "justification": "More households owed a prevention duty keep their homes.",
        "next": "A comparison with a neighbouring borough.",
        "metrics": [
            (
                "Households who keep their home",
                "%",
                True,
                52,
                70,
                1,
                "Share of households owed a prevention duty whose duty ended with them staying housed.",
                "H-CLIC returns",
            ),
            (
                "Temporary accommodation placements",
                "households",
                False,
                118,
                90,
                0,
                "New placements into temporary accommodation this month.",
                "Housing options system",
            ),
        ],
    },
    {
        "title": "Digital skills for care workers",
        "summary": "Short, paid digital skills courses for care workers, delivered in work time.",
        "status": PilotStatus.SETTING_UP,
        "themes": ["Skills and employment", "Health and wellbeing"],
        "lead": "west-midlands-employers",
        "contact": "wme",
        "start": (2025, 11),
        "months": 12,
        "reach": 0.0,
        "partners": [
            ("west-midlands-combined-authority", "co-funder"),
            ("coventry-university", "delivery-partner"),
        ],
        "evidence": 1,
        "justification": "A theory of change agreed with care providers.",
        "next": "Before-and-after data on completion and retention.",
        "metrics": [
            (
                "Care workers completing the course",
                "people",
                True,
                0,
                400,
                0,
                "Care workers completing all modules this month.",
                "Course platform",
            ),
            (
                "Vacancy rate in care providers",
                "%",
                False,
                11,
                8,
                1,
                "Vacancies as a share of posts in participating providers.",
                "Skills for Care workforce data",
            ),
        ],
    },
    {
        "title": "Heat pumps in council homes",
        "summary": "Air-source heat pumps replace old gas boilers in 200 council homes, with tenant energy coaching.",
        "status": PilotStatus.EVALUATING,
        "themes": ["Net zero", "Housing"],
        "lead": "city-of-wolverhampton-council",
        "contact": "wlv",
        "start": (2024, 11),
        "months": 19,
        "reach": 0.85,
        "partners": [
            ("west-midlands-combined-authority", "co-funder"),
            ("university-of-birmingham", "evaluator"),
        ],
        "evidence": 2,
        "justification": "Bills and emissions fell in homes with heat pumps.",
        "next": "A weather-adjusted comparison with similar homes.",
        "metrics": [
            (
                "Average household energy bill",
                "£ per month",
                False,
                142,
                105,
                0,
                "Mean monthly energy bill in pilot homes.",
                "Tenant meter readings",
            ),
            (
                "Carbon dioxide per home",
                "kg per month",
                False,
                310,
                120,
                0,
                "Estimated monthly CO2 per pilot home.",
                "Smart meter data",
            ),
            (
                "Tenants satisfied with heating",
                "%",
                True,
                61,
                85,
                0,
                "Tenants satisfied or very satisfied with their heating.",
                "Tenant survey",
            ),
        ],
    },
]

# Proposals raised by the demo public servant (officer@sandwell.example):
# (title, status, comment, problem, solution)
PROPOSALS = [
    (
        "Fewer missed bin collections with route sensors",
        PilotProposal.Status.DRAFT,
        "",
        "Missed collections drive a fifth of calls to the contact centre.",
        "Sensors on bin lorries confirm each collection and flag missed streets the same day.",
    ),
    (
        "Hoarding support before crisis",
        PilotProposal.Status.SUBMITTED,
        "",
        "Hoarding is found late, often by the fire service, when homes are already unsafe.",
        "Housing officers, the fire service and a mental health charity offer joint early support.",
    ),
    (
        "School-gate benefits advice",
        PilotProposal.Status.CHANGES_REQUESTED,
        "Please name the evaluator and say how you will count families helped, not just sessions held.",
        "Families miss out on benefits they are entitled to.",
        "Welfare rights advisers hold drop-ins at primary school gates.",
    ),
    (
        "Community fridges for older people",
        PilotProposal.Status.DECLINED,
        "This duplicates the food-pantry network funded last year; we suggest joining that instead.",
        "Older people living alone skip meals.",
        "Community fridges in sheltered housing lounges.",
    ),
    (
        "Falls sensors in sheltered housing",
        PilotProposal.Status.APPROVED,
        "Approved with a 12-month baseline period before sensors go in.",
        "Falls in sheltered housing lead to long waits on the floor and hospital stays.",
        "Low-cost motion sensors alert a warden when a resident may have fallen.",
    ),
]


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def _month(start: tuple[int, int], offset: int) -> datetime.date:
    index = start[0] * 12 + (start[1] - 1) + offset
    return datetime.date(index // 12, index % 12 + 1, 1)


def _contacts(lead) -> dict[str, Contact]:
    User = get_user_model()
    contacts = {}
    for key, name, job, org, email, phone, basis, public in CONTACTS:
        contact = Contact.objects.filter(email=email).first() or contact_create(
            by=lead,
            email=email,
            name=name,
            job_title=job,
            organisation=_org(org),
            phone=phone,
            lawful_basis=basis,
            lawful_basis_recorded_at=timezone.make_aware(
                datetime.datetime(2025, 1, 6, 9, 30)
            ),
            is_public=public,
            user=User.objects.filter(email=email).first(),
        )
        contacts[key] = contact
    return contacts


def _measurements(metric: Metric, spec: dict, rng: random.Random) -> None:
    _, _, _ascending, baseline, target, decimals, *_ = spec["metric"]
    gap = target - baseline
    months, reach = spec["months"], spec["reach"]
    quantum = Decimal(1).scaleb(-decimals)
    rows = []
    for i in range(months):
        # An S-shaped ramp: slow to start, faster in the middle, levelling off.
        share = 1 / (1 + math.exp(-8 * ((i + 1) / months - 0.45)))
        # Noise in proportion to the change expected; small for baseline-period data.
        noise = rng.gauss(0, 0.06) * abs(gap) * min(1.0, reach + 0.1)
        value = baseline + gap * reach * share + noise
        if baseline >= 0 and target >= 0:
            value = max(value, 0)
        period = _month(spec["start"], i)
        rows.append(
            Measurement(
                metric=metric,
                period=period,
                value=Decimal(str(value)).quantize(quantum),
                provisional=i == months - 1 and spec["status"] == PilotStatus.RUNNING,
                note="Figure may be revised when the quarter closes."
                if i == months - 1 and spec["status"] == PilotStatus.RUNNING
                else "",
            )
        )
    Measurement.objects.bulk_create(rows)


def _pilot(spec: dict, contacts: dict[str, Contact], proposal, rng, lead) -> Pilot:
    start = _month(spec["start"], 0)
    months = spec["months"]
    ended = spec["status"] in (PilotStatus.COMPLETED, PilotStatus.STOPPED)
    pilot, created = Pilot.objects.get_or_create(
        title=spec["title"],
        defaults={
            "summary": spec["summary"],
            "status": spec["status"],
            "lead_organisation": _org(spec["lead"]),
            "lead_contact": contacts[spec["contact"]],
            "proposal": proposal,
            "start_date": start,
            "planned_end_date": _month(spec["start"], max(months, 18)),
            "actual_end_date": _month(spec["start"], months) if ended else None,
            "approved_budget": Decimal(rng.randrange(60, 400) * 1000),
            "evidence_level": spec["evidence"],
            "evidence_justification": spec["justification"],
            "evidence_next_level": spec["next"],
            "end_decision": spec.get("decision", ""),
            "end_decision_reasons": spec.get("reasons", ""),
        },
    )
    if not created:
        return pilot
    pilot.spend_to_date = (
        pilot.approved_budget * Decimal(min(1, months / 24)) * Decimal("0.9")
    ).quantize(Decimal("1"))
    if spec["status"] == PilotStatus.SETTING_UP:
        pilot.spend_to_date = (pilot.approved_budget * Decimal("0.05")).quantize(
            Decimal("1")
        )
    pilot.save()
    pilot.themes.add(*spec["themes"])
    for slug in spec.get("adopters", []):
        pilot.adopters.add(_org(slug))
    for slug, role in spec["partners"]:
        PilotPartner.objects.get_or_create(
            pilot=pilot, organisation=_org(slug), role=role
        )
    for i, title in enumerate(
        [
            "Data-sharing agreement signed",
            "First participants",
            "Interim report",
            "Final evaluation",
        ]
    ):
        planned = _month(spec["start"], i * 6)
        Milestone.objects.create(
            pilot=pilot,
            title=title,
            planned_date=planned,
            done_date=planned + datetime.timedelta(days=rng.randrange(0, 20))
            if planned < TODAY and spec["status"] != PilotStatus.SETTING_UP
            else None,
        )
    baseline_date = _month(spec["start"], -1)
    # Running pilots still have six months to go after the latest figures.
    runway = months + 6 if spec["status"] == PilotStatus.RUNNING else max(months, 18)
    target_date = _month(spec["start"], runway)
    for m in spec["metrics"]:
        name, unit, ascending, baseline, target, _decimals, definition, source = m
        metric = metric_create(
            by=lead,
            fields={
                "pilot": pilot,
                "name": name,
                "unit": unit,
                "ascending": ascending,
                "baseline_value": Decimal(str(baseline)),
                "baseline_date": baseline_date,
                "target_value": Decimal(str(target)),
                "target_date": target_date,
                "definition": definition,
                "data_source": source,
                "owner": pilot.lead_contact,
            },
        )
        # A pilot still setting up has its baseline on the metric and nothing measured
        # yet: no measurement is recorded before a pilot starts.
        if spec["status"] != PilotStatus.SETTING_UP:
            _measurements(metric, {**spec, "metric": m}, rng)
    return pilot


def _proposals(officer, lead) -> dict[str, PilotProposal]:
    sandwell = _org("sandwell-metropolitan-borough-council")
    made = {}
    for title, status, comment, problem, solution in PROPOSALS:
        proposal, created = PilotProposal.objects.get_or_create(
            title=title,
            defaults={
                "problem": problem,
                "proposed_solution": solution,
                "lead_organisation": sandwell,
                "sponsor": "Director of Housing, Sandwell Council",
                "budget_requested": Decimal("75000"),
                "match_funding": Decimal("15000"),
                "duration_months": 12,
                "target_outcomes": "Measurable improvement for the residents involved.",
                "proposed_metrics": "One outcome indicator with a baseline, a target and a data source.",
                "evaluate_process": True,
                "evaluate_impact": True,
                "evaluation_approach": "Before-and-after comparison with a matched area.",
                "dpia_status": PilotProposal.Governance.IN_PROGRESS,
                "data_sharing_agreement_status": PilotProposal.Governance.PLANNED,
                "risks": "Recruiting staff in time; agreeing data sharing.",
                "status": status,
                "reviewer_comments": comment,
                "created_by": officer,
                "submitted_at": None
                if status == PilotProposal.Status.DRAFT
                else timezone.now(),
            },
        )
        if created:
            ProposalPartner.objects.create(
                proposal=proposal,
                organisation=_org("sandwell-council-of-voluntary-organisations"),
                role="delivery-partner",
            )
            if status != PilotProposal.Status.DRAFT:
                log(
                    instance=proposal,
                    action="pilots.proposal.submit",
                    user=officer,
                    data={"from": "draft", "to": "submitted", "comment": ""},
                )
            if status not in (
                PilotProposal.Status.DRAFT,
                PilotProposal.Status.SUBMITTED,
            ):
                log(
                    instance=proposal,
                    action="pilots.proposal.review_start",
                    user=lead,
                    data={"from": "submitted", "to": "under-review", "comment": ""},
                )
                action = {
                    PilotProposal.Status.APPROVED: "pilots.proposal.approve",
                    PilotProposal.Status.CHANGES_REQUESTED: "pilots.proposal.request_changes",
                    PilotProposal.Status.DECLINED: "pilots.proposal.decline",
                }[status]
                log(
                    instance=proposal,
                    action=action,
                    user=lead,
                    data={"from": "under-review", "to": status, "comment": comment},
                )
        made[title] = proposal
    return made


# The successful Urban Challenge entry the demo takes on to a pilot proposal, so the
# pipeline shows a proposal grown from a challenge entry.
ENTRY_FOR_PROPOSAL = "Risk model for home fire safety visits"


def _proposal_from_entry(lead) -> PilotProposal | None:
    """A programme lead makes a proposal from a successful entry and submits it, through
    the same services as the admin's "Create a pilot proposal" button."""
    entry = Entry.objects.filter(
        title=ENTRY_FOR_PROPOSAL, status=Entry.Status.SUCCESSFUL
    ).first()
    if entry is None:
        return None
    proposal = proposal_create_from_entry(entry=entry, by=lead)
    if proposal.status == PilotProposal.Status.DRAFT:
        proposal = proposal_submit(proposal=proposal, by=lead)
    return proposal


def load(stdout) -> None:
    rng = random.Random(2026)
    User = get_user_model()
    officer = User.objects.filter(email="officer@sandwell.example").first()
    lead = User.objects.filter(email="lead@impactlab.example").first()
    sandwell = _org("sandwell-metropolitan-borough-council")
    if officer is not None:
        OrganisationMembership.objects.get_or_create(
            organisation=sandwell, user=officer
        )
    contacts = _contacts(lead)
    proposals = _proposals(officer, lead)
    _proposal_from_entry(lead)
    for spec in PILOTS:
        _pilot(spec, contacts, proposals.get(spec["title"]), rng, lead)
    stdout.write(
        f"{Pilot.objects.count()} pilots, {Metric.objects.count()} metrics, "
        f"{Measurement.objects.count()} measurements, {Contact.objects.count()} contacts "
        f"and {PilotProposal.objects.count()} proposals ready."
    )
    # The published pages: case studies of these pilots and partnership profiles.
    load_pages(stdout)
