"""Demo content for the site shell: home page, content pages, settings and demo users.

Each app has a `demo_content` module with a `load(stdout)` function; the
`load_demo_content` command runs them in dependency order. Every loader is idempotent.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from wagtail.models import Collection, Locale, Page

from . import roles
from .models import (
    HomePage,
    LabSettings,
    LocalAuthorityArea,
    Organisation,
    StandardPage,
)
from .services import page_ensure, roles_sync, site_sync_from_base_url

DEMO_PASSWORD = "impact-lab-demo-2026"

# (email, first name, last name, group or None, superuser, what they are for)
DEMO_USERS = [
    ("admin@impactlab.example", "Site", "Administrator", None, True, "superuser"),
    (
        "lead@impactlab.example",
        "Priya",
        "Shah",
        roles.PROGRAMME_LEADS,
        False,
        "programme lead",
    ),
    ("assessor@impactlab.example", "Tom", "Okafor", roles.ASSESSORS, False, "assessor"),
    (
        "assessor2@impactlab.example",
        "Rachel",
        "Evans",
        roles.ASSESSORS,
        False,
        "assessor",
    ),
    (
        "assessor3@impactlab.example",
        "Imran",
        "Hussain",
        roles.ASSESSORS,
        False,
        "assessor",
    ),
    ("editor@impactlab.example", "Gemma", "Walsh", roles.EDITORS, False, "editor"),
    (
        "founder@brightpath.example",
        "Amara",
        "Nwosu",
        None,
        False,
        "start-up (front end)",
    ),
    (
        "officer@sandwell.example",
        "Daniel",
        "Hughes",
        None,
        False,
        "public servant (front end)",
    ),
]


def _heading(text: str, size: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "size": size}}


def _para(html: str) -> dict:
    return {"type": "paragraph", "value": html}


HOME_INTRO = (
    "Public bodies across the West Midlands bring their hardest public-service problems. "
    "Start-ups and partners propose solutions, the best are piloted and evaluated, and "
    "what works is published so that every place can copy it."
)

HOME_BODY = [
    _heading("How the Lab works"),
    _para(
        "<ol><li>A council, police force, fire service or NHS partner sets an Urban "
        "Challenge: a real problem with a budget and a route to a pilot.</li>"
        "<li>Start-ups and SMEs enter, and independent assessors judge every entry "
        "against published criteria.</li>"
        "<li>Winning ideas become pilots, each measured against evaluation metrics set "
        "before it starts.</li>"
        "<li>Results are published as case studies, with the measurements behind them, "
        "so that others can learn what works and why.</li></ol>"
    ),
    {
        "type": "inset_text",
        "value": {
            "text": "<p>The Lab is part of the West Midlands public service reform "
            "programme, led by the Combined Authority with the region's councils, West "
            "Midlands Police, the fire and rescue services, NHS partners, universities "
            "and the voluntary, community and faith sector.</p>"
        },
    },
]

ABOUT_BODY = [
    _para(
        "<p>The Public Impact Lab brings people together to work on solutions to the "
        "region's wider public service problems. It grew out of the Urban Challenge, a "
        "competition where start-ups were asked to come up with digital solutions to "
        "some of the most pressing regional public service issues.</p>"
    ),
    _heading("Our priorities"),
    _para(
        "<ul><li>Skills and employment</li><li>Housing</li><li>Innovation</li>"
        "<li>Safer communities</li><li>Prevention, health and wellbeing</li>"
        "<li>Net zero</li></ul>"
    ),
    _heading("Learning what works and why"),
    _para(
        "<p>Every pilot is evaluated against metrics agreed before it begins, and rated "
        "on the Nesta Standards of Evidence. Public-value pilots in selected areas "
        "provide strong case studies for others to follow. The Office of Data Analytics "
        "helps partners share and use the data that shows whether a pilot worked.</p>"
    ),
]

ACCESSIBILITY_BODY = [
    _para(
        "<p>This accessibility statement applies to the West Midlands Public Impact Lab "
        "website. It is run by the West Midlands Combined Authority. We want as many "
        "people as possible to be able to use it. For example, that means you should be "
        "able to:</p><ul><li>change colours, contrast levels and fonts using browser or "
        "device settings</li><li>zoom in up to 400% without the text spilling off the "
        "screen</li><li>navigate most of the website using a keyboard or speech "
        "recognition software</li><li>listen to most of the website using a screen "
        "reader</li></ul>"
    ),
    _heading("How accessible this website is"),
    _para(
        "<p>We test every page type with automated checks (axe-core) and with the "
        "keyboard alone before it is published. We know some parts are not fully "
        "accessible:</p><ul><li>some older supporting documents attached to challenge "
        "briefs are PDFs that are not tagged for screen readers</li><li>charts of pilot "
        "results are images of data; the same figures are always given in a table "
        "beside them</li></ul>"
    ),
    _heading("Feedback and contact information"),
    _para(
        "<p>If you need information on this website in a different format, such as "
        "accessible PDF, large print, easy read or audio, email "
        "impactlab@wmca.example. We will consider your request and get back to you in "
        "10 working days.</p>"
    ),
    _heading("Reporting accessibility problems with this website"),
    _para(
        "<p>We are always looking to improve the accessibility of this website. If you "
        "find any problems not listed on this page or think we are not meeting "
        "accessibility requirements, email impactlab@wmca.example.</p>"
    ),
    _heading("Enforcement procedure"),
    _para(
        "<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing "
        "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
        "Accessibility Regulations 2018 (the accessibility regulations). If you are not "
        "happy with how we respond to your complaint, contact the "
        '<a href="https://www.equalityadvisoryservice.com/">Equality Advisory and '
        "Support Service (EASS)</a>.</p>"
    ),
    _heading("Compliance status"),
    _para(
        "<p>This website is partially compliant with the Web Content Accessibility "
        "Guidelines version 2.2 AA standard, due to the non-compliances listed "
        "above.</p>"
    ),
    _heading("Preparation of this accessibility statement"),
    _para(
        "<p>This statement was prepared on 23 November 2026. The website was last tested "
        "on 23 November 2026 by the Lab's own team, with automated and manual checks of "
        "every page type.</p>"
    ),
]

PRIVACY_BODY = [
    _para(
        "<p>The West Midlands Combined Authority (WMCA) is the data controller for the "
        "personal data this website holds. This notice says what we collect, why, our "
        "lawful basis, how long we keep it and your rights.</p>"
    ),
    _heading("What we collect and why"),
    _para(
        "<ul><li><strong>Accounts</strong>: your name and email address, so that you "
        "can sign in, enter challenges and receive updates you asked for. Lawful basis: "
        "contract (UK GDPR Article 6(1)(b)).</li><li><strong>Challenge entries</strong>: "
        "the answers and documents your organisation submits, shared only with the "
        "programme team and the entry's assessors. Lawful basis: public task (Article "
        "6(1)(e)).</li><li><strong>Pilot contacts</strong>: names and work contact "
        "details of people leading or partnering in pilots. The lawful basis is recorded "
        "against each person: consent, public task or legitimate interest.</li></ul>"
    ),
    # "How long we keep it" follows the body, drawn from the RETENTION_* settings
    # (home/templates/home/includes/retention_periods.html), so it cannot drift.
    _heading("Your rights"),
    _para(
        "<p>You can ask for a copy of the personal data we hold about you, ask us to "
        "correct it, or ask us to erase it. Email the Data Protection Officer at "
        "dpo@wmca.example. If you are unhappy with how we have used your data you can "
        "complain to the Information Commissioner's Office.</p>"
    ),
]


def _ensure_tree_roots() -> Page:
    """The root page, locale and root collection Wagtail's migrations create.

    They are missing only from a flushed database (transactional tests); making them here
    lets the loader build a whole site on any empty schema.
    """
    from django.conf import settings

    locale = Locale.objects.first() or Locale.objects.create(
        language_code=settings.LANGUAGE_CODE
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        roles_sync()
    return root


def _ensure_home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = _ensure_tree_roots()
        home = HomePage(
            title="West Midlands Public Impact Lab",
            slug="home",
            intro=HOME_INTRO,
            body=HOME_BODY,
        )
        # Wagtail's initial migration made a placeholder page with the slug "home".
        root.get_children().filter(slug="home").exclude(
            content_type__model="homepage"
        ).delete()
        root.add_child(instance=home)
        home.save_revision().publish()
    # The Site takes its address from WAGTAILADMIN_BASE_URL, never a fixed localhost.
    site_sync_from_base_url(root_page=home)
    return home


def _ensure_users() -> None:
    User = get_user_model()
    for email, first, last, group_name, superuser, _ in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email,
                "first_name": first,
                "last_name": last,
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))


# (name, type, local authority area, org-id.guide identifier, website). Councils carry
# their GB-LAE register codes and NHS bodies their NHS ODS codes (GB-NHS); police and fire
# services have no org-id.guide register, so 360Giving gives them the 360G- prefix.
T, A = Organisation.Type, LocalAuthorityArea
REGION_ORGANISATIONS = [
    (
        "West Midlands Combined Authority",
        T.COMBINED_AUTHORITY,
        A.REGION_WIDE,
        "GB-LAE-WMCA",
        "https://www.wmca.org.uk",
    ),
    (
        "Birmingham City Council",
        T.COUNCIL,
        A.BIRMINGHAM,
        "GB-LAE-BIR",
        "https://www.birmingham.gov.uk",
    ),
    (
        "Coventry City Council",
        T.COUNCIL,
        A.COVENTRY,
        "GB-LAE-COV",
        "https://www.coventry.gov.uk",
    ),
    (
        "Dudley Metropolitan Borough Council",
        T.COUNCIL,
        A.DUDLEY,
        "GB-LAE-DUD",
        "https://www.dudley.gov.uk",
    ),
    (
        "Sandwell Metropolitan Borough Council",
        T.COUNCIL,
        A.SANDWELL,
        "GB-LAE-SAW",
        "https://www.sandwell.gov.uk",
    ),
    (
        "Solihull Metropolitan Borough Council",
        T.COUNCIL,
        A.SOLIHULL,
        "GB-LAE-SOL",
        "https://www.solihull.gov.uk",
    ),
    (
        "Walsall Council",
        T.COUNCIL,
        A.WALSALL,
        "GB-LAE-WLL",
        "https://go.walsall.gov.uk",
    ),
    (
        "City of Wolverhampton Council",
        T.COUNCIL,
        A.WOLVERHAMPTON,
        "GB-LAE-WLV",
        "https://www.wolverhampton.gov.uk",
    ),
    (
        "Bromsgrove District Council",
        T.COUNCIL,
        A.BROMSGROVE,
        "GB-LAE-BRM",
        "https://www.bromsgrove.gov.uk",
    ),
    (
        "Cannock Chase District Council",
        T.COUNCIL,
        A.CANNOCK_CHASE,
        "GB-LAE-CAN",
        "https://www.cannockchasedc.gov.uk",
    ),
    (
        "Herefordshire Council",
        T.COUNCIL,
        A.HEREFORDSHIRE,
        "GB-LAE-HEF",
        "https://www.herefordshire.gov.uk",
    ),
    (
        "Nuneaton and Bedworth Borough Council",
        T.COUNCIL,
        A.NUNEATON_BEDWORTH,
        "GB-LAE-NUN",
        "https://www.nuneatonandbedworth.gov.uk",
    ),
    (
        "Redditch Borough Council",
        T.COUNCIL,
        A.REDDITCH,
        "GB-LAE-RED",
        "https://www.redditchbc.gov.uk",
    ),
    (
        "Rugby Borough Council",
        T.COUNCIL,
        A.RUGBY,
        "GB-LAE-RUG",
        "https://www.rugby.gov.uk",
    ),
    (
        "Shropshire Council",
        T.COUNCIL,
        A.SHROPSHIRE,
        "GB-LAE-SHR",
        "https://www.shropshire.gov.uk",
    ),
    (
        "Stoke-on-Trent City Council",
        T.COUNCIL,
        A.STOKE_ON_TRENT,
        "GB-LAE-STE",
        "https://www.stoke.gov.uk",
    ),
    (
        "Tamworth Borough Council",
        T.COUNCIL,
        A.TAMWORTH,
        "GB-LAE-TAW",
        "https://www.tamworth.gov.uk",
    ),
    (
        "Telford and Wrekin Council",
        T.COUNCIL,
        A.TELFORD_WREKIN,
        "GB-LAE-TFW",
        "https://www.telford.gov.uk",
    ),
    (
        "Warwickshire County Council",
        T.COUNCIL,
        A.WARWICKSHIRE,
        "GB-LAE-WAR",
        "https://www.warwickshire.gov.uk",
    ),
    (
        "Worcestershire County Council",
        T.COUNCIL,
        A.WORCESTERSHIRE,
        "GB-LAE-WOC",
        "https://www.worcestershire.gov.uk",
    ),
    (
        "Staffordshire County Council",
        T.COUNCIL,
        A.STAFFORDSHIRE,
        "GB-LAE-STS",
        "https://www.staffordshire.gov.uk",
    ),
    (
        "West Midlands Police",
        T.POLICE,
        A.REGION_WIDE,
        "",
        "https://www.west-midlands.police.uk",
    ),
    ("West Midlands Fire Service", T.FIRE, A.REGION_WIDE, "", "https://www.wmfs.net"),
    (
        "Hereford and Worcester Fire and Rescue Service",
        T.FIRE,
        A.WORCESTERSHIRE,
        "",
        "https://www.hwfire.org.uk",
    ),
    (
        "NHS Birmingham and Solihull Integrated Care Board",
        T.NHS,
        A.BIRMINGHAM,
        "GB-NHS-QHL",
        "https://www.birminghamsolihull.icb.nhs.uk",
    ),
    (
        "NHS Black Country Integrated Care Board",
        T.NHS,
        A.SANDWELL,
        "GB-NHS-QUA",
        "https://blackcountry.icb.nhs.uk",
    ),
    (
        "University Hospitals Birmingham NHS Foundation Trust",
        T.NHS,
        A.BIRMINGHAM,
        "GB-NHS-RRK",
        "https://www.uhb.nhs.uk",
    ),
    (
        "The Royal Wolverhampton NHS Trust",
        T.NHS,
        A.WOLVERHAMPTON,
        "GB-NHS-RL4",
        "https://www.royalwolverhampton.nhs.uk",
    ),
    (
        "University of Birmingham",
        T.UNIVERSITY,
        A.BIRMINGHAM,
        "",
        "https://www.birmingham.ac.uk",
    ),
    ("Coventry University", T.UNIVERSITY, A.COVENTRY, "", "https://www.coventry.ac.uk"),
    (
        "Birmingham City University",
        T.UNIVERSITY,
        A.BIRMINGHAM,
        "",
        "https://www.bcu.ac.uk",
    ),
    ("Aston University", T.UNIVERSITY, A.BIRMINGHAM, "", "https://www.aston.ac.uk"),
    (
        "Birmingham Voluntary Service Council",
        T.VOLUNTARY,
        A.BIRMINGHAM,
        "",
        "https://www.bvsc.org",
    ),
    (
        "Sandwell Council of Voluntary Organisations",
        T.VOLUNTARY,
        A.SANDWELL,
        "",
        "https://www.scvo.info",
    ),
    (
        "Coventry and Warwickshire Mind",
        T.VOLUNTARY,
        A.COVENTRY,
        "",
        "https://www.cwmind.org.uk",
    ),
    (
        "West Midlands Employers",
        T.VOLUNTARY,
        A.REGION_WIDE,
        "",
        "https://www.wmemployers.org.uk",
    ),
]


def _ensure_organisations() -> None:
    for name, org_type, area, org_id, website in REGION_ORGANISATIONS:
        Organisation.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "org_type": org_type,
                "local_authority_area": area,
                "org_id": org_id,
                "website": website,
            },
        )


def load(stdout) -> None:
    home = _ensure_home_page()
    today = datetime.date(2026, 11, 23)
    page_ensure(
        parent=home,
        model=StandardPage,
        slug="about",
        title="About the Public Impact Lab",
        intro="Why the Lab exists, who runs it and what it is for.",
        body=ABOUT_BODY,
        last_reviewed=today,
    )
    accessibility = page_ensure(
        parent=home,
        model=StandardPage,
        slug="accessibility-statement",
        title="Accessibility statement",
        intro="How accessible this website is, and how to tell us about a problem.",
        body=ACCESSIBILITY_BODY,
        last_reviewed=today,
    )
    privacy = page_ensure(
        parent=home,
        model=StandardPage,
        slug="privacy-notice",
        title="Privacy notice",
        intro="What personal data the Public Impact Lab holds, why, and for how long.",
        body=PRIVACY_BODY,
        last_reviewed=today,
    )
    lab_settings = LabSettings.load()
    if lab_settings.accessibility_statement_id is None:
        lab_settings.accessibility_statement = accessibility
    if lab_settings.privacy_notice_id is None:
        lab_settings.privacy_notice = privacy
    lab_settings.save()
    _ensure_users()
    _ensure_organisations()
    stdout.write(
        f"Site, content pages, demo users and {Organisation.objects.count()} organisations ready."
    )
