"""Demo published pages for pilots: the case-study and partner indexes, a case study for
every completed pilot (and for the stopped and one evaluating pilot, because what did
not work is worth publishing too), and a partnership profile for every public body and
voluntary organisation in the region's records, including the councils named in the
programme's own pages (the 31 shareholder councils of West Midlands Employers).

Idempotent: pages are found by slug and left as editors made them; organisations by
slug. Results on case studies come from the pilots' measurements, so nothing here
copies a figure.
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from home.models import HomePage, LocalAuthorityArea, Organisation
from home.services import page_ensure

from ..models import Pilot
from .pages import CaseStudyIndexPage, CaseStudyPage, PartnerIndexPage, PartnerPage

T, A = Organisation.Type, LocalAuthorityArea

# Councils named in the seeds (West Midlands Employers' shareholders) that the shared
# organisation records do not hold yet: (name, area, website).
SHAREHOLDER_COUNCILS = [
    (
        "Malvern Hills District Council",
        A.MALVERN_HILLS,
        "https://www.malvernhills.gov.uk",
    ),
    (
        "Newcastle-under-Lyme Borough Council",
        A.NEWCASTLE_UNDER_LYME,
        "https://www.newcastle-staffs.gov.uk",
    ),
    (
        "North Warwickshire Borough Council",
        A.NORTH_WARWICKSHIRE,
        "https://www.northwarks.gov.uk",
    ),
    (
        "South Staffordshire Council",
        A.SOUTH_STAFFORDSHIRE,
        "https://www.sstaffs.gov.uk",
    ),
    ("Stafford Borough Council", A.STAFFORD, "https://www.staffordbc.gov.uk"),
    (
        "Staffordshire Moorlands District Council",
        A.STAFFORDSHIRE_MOORLANDS,
        "https://www.staffsmoorlands.gov.uk",
    ),
    (
        "Stratford-on-Avon District Council",
        A.STRATFORD_ON_AVON,
        "https://www.stratford.gov.uk",
    ),
    ("Warwick District Council", A.WARWICK, "https://www.warwickdc.gov.uk"),
    ("Worcester City Council", A.WORCESTER, "https://www.worcester.gov.uk"),
    ("Wychavon District Council", A.WYCHAVON, "https://www.wychavon.gov.uk"),
    ("Wyre Forest District Council", A.WYRE_FOREST, "https://www.wyreforestdc.gov.uk"),
]

# The seven constituent councils of the West Midlands Combined Authority.
CONSTITUENT = {
    "birmingham-city-council",
    "coventry-city-council",
    "dudley-metropolitan-borough-council",
    "sandwell-metropolitan-borough-council",
    "solihull-metropolitan-borough-council",
    "walsall-council",
    "city-of-wolverhampton-council",
}

# What a partner brings, in its own words where the seeds give them.
PARTNER_PROFILES = {
    "west-midlands-combined-authority": (
        "Runs the public-service-reform programme and the Public Impact Lab.",
        "<p>The combined authority brings the region's councils, public services and "
        "civil society together to work on problems no single organisation can solve "
        "alone. Its public-service-reform programme set up the Public Impact Lab to "
        "develop public value pilots in selected areas, providing strong case studies "
        "for others to follow, and to learn what works and why.</p>"
        "<p>It co-funds pilots through the Lab and hosts the Office of Data Analytics, "
        "which helps partners share and use data lawfully.</p>",
    ),
    "west-midlands-police": (
        "Preventing crime, protecting people and helping those in need.",
        "<p>West Midlands Police works in partnership to create safer communities and "
        "looks for new approaches to old problems. In the Lab it leads work on repeat "
        "demand and shares command-and-control data, under data-sharing agreements, "
        "so that pilots can be measured.</p>",
    ),
    "west-midlands-fire-service": (
        "Making the West Midlands safer, stronger and healthier.",
        "<p>West Midlands Fire Service carries out Safe and Well visits in people's "
        "homes. Through the Lab it is testing whether health and care data can point "
        "firefighters to the homes most at risk first.</p>",
    ),
    "west-midlands-employers": (
        "The regional employers' organisation, owned by the region's 31 councils.",
        "<p>West Midlands Employers helps councils and other public bodies attract, "
        "develop and keep a skilled workforce, and leads collaboration between them. "
        "Its vision is that every citizen of the West Midlands has access to modern, "
        "high quality public services that work together.</p>"
        "<p>In the Lab it brings employers to skills and employment pilots and shares "
        "what works with its shareholder councils.</p>",
    ),
    "university-hospitals-birmingham-nhs-foundation-trust": (
        "One of the largest NHS trusts in England, running four acute hospitals.",
        "<p>The trust led the Lab's discharge to assess pilot, which got people home "
        "from hospital the same day they were medically fit, with their care assessed "
        "at home.</p>",
    ),
    "the-royal-wolverhampton-nhs-trust": (
        "Acute and community health services for Wolverhampton and beyond.",
        "<p>The trust hosted the electric pool cars for home care visits and has "
        "copied the discharge to assess model from Birmingham.</p>",
    ),
    "nhs-birmingham-and-solihull-integrated-care-board": (
        "Plans and pays for NHS services for 1.7 million people.",
        "<p>The integrated care board co-funds pilots that keep people well at home "
        "and out of hospital, and funds the roll-out of those that work.</p>",
    ),
    "nhs-black-country-integrated-care-board": (
        "Plans and pays for NHS services across the Black Country.",
        "<p>The integrated care board controls the health data used to target home "
        "fire safety visits, and has adopted discharge to assess across its "
        "hospitals.</p>",
    ),
    "university-of-birmingham": (
        "Independent evaluation of pilots on policing, health and net zero.",
        "<p>Researchers from the university design the evaluation of Lab pilots "
        "before they start, so that every pilot is measured against a baseline, "
        "and where possible against a comparison group.</p>",
    ),
    "aston-university": (
        "Evaluation partner for health, housing and net zero pilots.",
        "<p>Aston University evaluated the discharge to assess, damp and mould and "
        "electric vehicle pilots, including the comparison-group analysis that "
        "reached level 3 on the Nesta Standards of Evidence.</p>",
    ),
    "coventry-university": (
        "Evaluation and delivery partner for skills, fire and health pilots.",
        "<p>Coventry University evaluates pilots in Coventry and the Black Country and "
        "delivers training in the digital skills pilot for care workers.</p>",
    ),
    "birmingham-city-university": (
        "Evaluation partner for net zero and housing pilots.",
        "<p>Birmingham City University evaluated the retrofit text messages pilot, "
        "whose honest negative result saved the region from scaling something that "
        "did not work.</p>",
    ),
    "birmingham-voluntary-service-council": (
        "Supporting Birmingham's voluntary, community and faith organisations.",
        "<p>BVSC connects pilots with the community organisations that residents "
        "already trust, and delivers support in the repeat calls and knife crime "
        "diversion pilots.</p>",
    ),
    "sandwell-council-of-voluntary-organisations": (
        "The voice of the voluntary and community sector in Sandwell.",
        "<p>SCVO helped tenants report damp and mould and checked that repairs were "
        "done, as the delivery partner in Sandwell's rapid response pilot.</p>",
    ),
    "coventry-and-warwickshire-mind": (
        "Mental health support across Coventry and Warwickshire.",
        "<p>Mind leads the social prescribing pilot, in which link workers connect "
        "lonely patients referred by their GP with community groups.</p>",
    ),
    "hereford-and-worcester-fire-and-rescue-service": (
        "Fire and rescue for Herefordshire and Worcestershire.",
        "<p>The service holds the Urban Challenge on targeting home fire safety "
        "visits, looking for safe, lawful ways to find the people most at risk.</p>",
    ),
}

_TYPE_ROLE = {
    T.COUNCIL: "the council for {area}",
    T.NHS: "an NHS organisation in {area}",
    T.UNIVERSITY: "a university in {area}",
    T.VOLUNTARY: "a voluntary and community organisation in {area}",
    T.FIRE: "the fire and rescue service for {area}",
    T.POLICE: "the police force for {area}",
    T.COMBINED_AUTHORITY: "a combined authority",
}


def _default_profile(organisation: Organisation) -> tuple[str, str]:
    area = organisation.get_local_authority_area_display() or "the West Midlands"
    role = _TYPE_ROLE.get(organisation.org_type, "a partner in {area}").format(
        area=area
    )
    if organisation.slug in CONSTITUENT:
        summary = (
            f"A constituent council of the West Midlands Combined Authority, "
            f"serving {area}."
        )
        extra = (
            "As a constituent member of the combined authority it sits on the "
            "public-service-reform board that sets the Lab's priorities."
        )
    elif organisation.org_type == T.COUNCIL:
        summary = f"A West Midlands council and shareholder of West Midlands Employers, serving {area}."
        extra = (
            "It is one of the 31 councils that own West Midlands Employers, and "
            "receives the Lab's case studies so that it can copy what works."
        )
    else:
        summary = f"{organisation.name} is {role}."
        extra = "It works with the Lab on pilots and shares what it learns."
    profile = (
        f"<p>{organisation.name} is {role} and a partner in the region's "
        f"public-service-reform programme. {extra}</p>"
        "<p>Partners bring problems to the Lab as Urban Challenges, host and fund "
        "pilots, share data under agreements, and adopt pilots that other places "
        "have shown to work.</p>"
    )
    return summary, profile


def _ensure_shareholder_councils() -> None:
    for name, area, website in SHAREHOLDER_COUNCILS:
        Organisation.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "org_type": T.COUNCIL,
                "local_authority_area": area,
                "website": website,
            },
        )


def _ensure_partner_pages(index: PartnerIndexPage) -> int:
    existing = set(PartnerPage.objects.values_list("organisation_id", flat=True))
    organisations = Organisation.objects.exclude(org_type=T.BUSINESS).order_by("name")
    for organisation in organisations:
        if organisation.pk in existing:
            continue
        summary, profile = PARTNER_PROFILES.get(
            organisation.slug, _default_profile(organisation)
        )
        page_ensure(
            parent=index,
            model=PartnerPage,
            slug=organisation.slug,
            title=organisation.name,
            organisation=organisation,
            summary=summary,
            profile=profile,
        )
    return PartnerPage.objects.count()


# Case studies: pilot title -> the narrative (results come from the measurements).
CASE_STUDIES = [
    {
        "pilot": "Discharge to assess at home",
        "slug": "discharge-to-assess-at-home",
        "title": "Home the same day: assessing care needs at home, not on the ward",
        "summary": "People who were medically fit to leave hospital went home the same "
        "day, and their care was assessed in their own home. Delayed discharge bed days "
        "fell by more than a third, and the model is now being rolled out across the "
        "region.",
        "problem": "<p>Every day, hundreds of people in Birmingham's hospitals were "
        "medically fit to go home but stayed on a ward while their care needs were "
        "assessed and a package of care was arranged. The wait took days, sometimes "
        "weeks. Older people lose muscle strength quickly in bed, so many needed more "
        "care when they finally left than when they were ready to go.</p>"
        "<p>The delay also blocked beds for people waiting in A&amp;E.</p>",
        "what_was_done": "<p>The trust, Birmingham City Council and the integrated care "
        "board agreed one rule: when someone is medically fit, they go home that day "
        "with short-term support, and a social worker and therapist assess what they "
        "need at home within 48 hours.</p>"
        "<ul><li>A single discharge team of hospital and council staff on every ward "
        "in the pilot.</li><li>A pool of reablement carers who could start the same "
        "day.</li><li>One shared record of each person's discharge, visible to both "
        "organisations.</li></ul>",
        "cost_summary": "The budget paid for the reablement carers' hours and the "
        "shared discharge record. The council's social workers and the trust's "
        "therapists were existing staff working in a new way.",
        "lessons_learned": "<p>The hardest part was not the technology but agreeing who "
        "decides someone is ready to go. Once ward staff trusted that people would be "
        "assessed quickly at home, they stopped holding them back.</p>"
        "<p>Assessing at home also changed what care people were given: needs looked "
        "smaller in a familiar kitchen than on a ward.</p>",
        "how_to_replicate": "<ol><li>Agree the discharge rule at board level in the "
        "NHS trust and the council at the same time.</li><li>Start with two or three "
        "wards and measure delayed bed days from the start.</li><li>Secure same-day "
        "reablement capacity before you begin.</li><li>Share one discharge record; it "
        "does not need to be a new system.</li></ol>",
        "published": datetime.date(2026, 1, 20),
    },
    {
        "pilot": "Damp and mould rapid response",
        "slug": "damp-and-mould-rapid-response",
        "title": "Fixing damp and mould in five days, not twelve weeks",
        "summary": "Sandwell tenants reported damp with a photo, a surveyor visited "
        "within five working days and repairs were booked on the spot. Repairs got much "
        "faster; repeat complaints fell less than hoped, which points to ventilation.",
        "problem": "<p>Damp and mould harm health, especially children's lungs. "
        "Tenants in Sandwell waited a median of 84 days for a serious damp hazard to be "
        "repaired, and many gave up reporting it.</p>",
        "what_was_done": "<p>The council replaced a phone-and-letter process with a "
        "short online report that asks for a photo. A surveyor visits within five "
        "working days and books the repair during the visit. Sandwell Council of "
        "Voluntary Organisations helped tenants who do not use the internet to report, "
        "and checked back after each repair.</p>",
        "cost_summary": "Most of the budget paid for a second surveyor and for repairs "
        "brought forward; the reporting form used the council's existing website.",
        "lessons_learned": "<p>Speed helps, but it is not the whole answer. Homes that "
        "were repaired quickly often got damp again, because the cause was poor "
        "ventilation rather than a leak. The next version fits extractor fans as part "
        "of every repair.</p>",
        "how_to_replicate": "<ul><li>Ask for a photo with every report: it lets "
        "surveyors prioritise.</li><li>Give surveyors authority to book repairs during "
        "the visit.</li><li>Work with a voluntary organisation tenants already trust."
        "</li><li>Measure repeat complaints, not only repair times.</li></ul>",
        "published": datetime.date(2026, 3, 10),
    },
    {
        "pilot": "Electric vehicles for home care visits",
        "slug": "electric-vehicles-for-home-care-visits",
        "title": "Electric pool cars for home care workers",
        "summary": "Home care workers in Wolverhampton used pool electric cars charged at "
        "council depots instead of their own petrol cars. Emissions and the cost per "
        "mile both beat their targets, and Dudley is copying the scheme.",
        "problem": "<p>Home care workers drive thousands of miles a year between visits, "
        "mostly in their own older petrol cars. Mileage payments are a large cost for "
        "the council, the emissions count against its net zero target, and carers bear "
        "the wear on their cars.</p>",
        "what_was_done": "<p>The council leased a pool of electric cars and installed "
        "chargers at two depots and at New Cross Hospital. Carers book a car for their "
        "round through the rota system and return it to charge overnight.</p>",
        "cost_summary": "The budget covered the car leases, the chargers and "
        "electricity; it was partly offset by lower mileage payments.",
        "lessons_learned": "<p>Carers were wary at first about range. Planning rounds "
        "so that each car covers one area solved it. Chargers at the hospital mattered "
        "more than expected, because rounds often start there.</p>",
        "how_to_replicate": "<ol><li>Start with rounds under 80 miles a day.</li><li>"
        "Put chargers where rounds start, not only at the depot.</li><li>Compare with a "
        "team still using their own cars, so you can show the saving.</li></ol>",
        "published": datetime.date(2026, 2, 16),
    },
    {
        "pilot": "Retrofit advice by text for private renters",
        "slug": "retrofit-advice-by-text",
        "title": "Retrofit advice by text message: what did not work",
        "summary": "Private tenants and landlords in Walsall got tailored text messages "
        "about grants for insulation and heating. Almost nobody acted on them, so the "
        "pilot was stopped and the money moved to door-step advice.",
        "problem": "<p>Privately rented homes are among the coldest and least efficient "
        "in the region. Grants exist for insulation and heating, but few landlords "
        "apply.</p>",
        "what_was_done": "<p>The council sent tailored text messages to tenants and "
        "landlords of homes with poor energy ratings, with a link to check eligibility "
        "and apply for a grant.</p>",
        "cost_summary": "The budget paid for the messaging service and a part-time "
        "adviser to answer replies.",
        "lessons_learned": "<p>Messages were opened but rarely acted on. Landlords told "
        "the evaluators they needed someone to look at the property with them. We "
        "publish this so that other councils do not spend money on the same idea.</p>",
        "how_to_replicate": "<p>We do not recommend repeating this pilot. If you try "
        "something similar, pair messages with a visit from an adviser, and measure "
        "take-up from the first month.</p>",
        "published": datetime.date(2025, 9, 15),
    },
    {
        "pilot": "Targeted home fire safety visits",
        "slug": "targeted-home-fire-safety-visits",
        "title": "Finding the homes most at risk of fire first (interim results)",
        "summary": "Health and social care data point firefighters to the homes most at "
        "risk, where they carry out Safe and Well visits first. Interim results: more "
        "visits reach high-risk homes and accidental fires are down; evaluation "
        "continues.",
        "problem": "<p>Most people who die in fires at home were never visited by the "
        "fire service. The people most at risk (older people living alone, people who "
        "smoke and have limited mobility) are known to health and care services, but "
        "that knowledge was not shared.</p>",
        "what_was_done": "<p>Under a data-sharing agreement, the integrated care board "
        "sends the fire service a monthly list of homes that meet agreed risk criteria, "
        "without diagnoses. Firefighters visit those homes first, fit smoke alarms and "
        "refer people on for other help.</p>",
        "cost_summary": "The budget paid for the data-sharing work and a data protection "
        "impact assessment, and for extra visits.",
        "lessons_learned": "<p>The data protection impact assessment took four months; "
        "start it before anything else. Residents welcomed the visits once they knew "
        "why they had been chosen.</p>",
        "how_to_replicate": "<ul><li>Agree the risk criteria with clinicians and "
        "firefighters together.</li><li>Share only what the visit needs: an address "
        "and a risk flag.</li><li>Plan a comparison group from the start.</li></ul>",
        "published": datetime.date(2026, 7, 1),
    },
]


def _ensure_case_studies(index: CaseStudyIndexPage) -> int:
    pilots = {p.title: p for p in Pilot.objects.all()}
    for spec in CASE_STUDIES:
        pilot = pilots.get(spec["pilot"])
        if pilot is None:
            continue
        if index.get_children().filter(slug=spec["slug"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("pilot", "published")}
        page = page_ensure(parent=index, model=CaseStudyPage, pilot=pilot, **fields)
        # Demo pages were "published" after each pilot ended, not today.
        published = timezone.make_aware(
            datetime.datetime.combine(spec["published"], datetime.time(10))
        )
        CaseStudyPage.objects.filter(pk=page.pk).update(
            first_published_at=published, last_published_at=published
        )
    # Every completed pilot has a case study (a test checks it).
    for pilot in Pilot.objects.filter(status=Pilot.Status.COMPLETED).exclude(
        case_studies__isnull=False
    ):
        page_ensure(
            parent=index,
            model=CaseStudyPage,
            slug=slugify(pilot.title)[:80],
            title=pilot.title,
            pilot=pilot,
            summary=pilot.summary or pilot.title,
            problem=f"<p>{pilot.summary}</p>",
            what_was_done=f"<p>{pilot.summary}</p>",
            lessons_learned="<p>To be written by the pilot team.</p>",
            how_to_replicate="<p>To be written by the pilot team.</p>",
        )
    return CaseStudyPage.objects.count()


def load(stdout) -> None:
    home = HomePage.objects.first()
    if home is None:
        stdout.write("No home page: run the home loader first.")
        return
    case_index = page_ensure(
        parent=home,
        model=CaseStudyIndexPage,
        slug="case-studies",
        title="Case studies",
        intro="What public services in the West Midlands have tried, what it cost, and "
        "the measured results, so that you can copy what works.",
    )
    partner_index = page_ensure(
        parent=home,
        model=PartnerIndexPage,
        slug="partners",
        title="Partners",
        intro="The councils, police, fire and NHS services, universities and voluntary "
        "organisations working together in the Public Impact Lab.",
    )
    _ensure_shareholder_councils()
    partners = _ensure_partner_pages(partner_index)
    case_studies = _ensure_case_studies(case_index)
    stdout.write(f"{case_studies} case studies and {partners} partner profiles ready.")
