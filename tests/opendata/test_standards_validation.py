"""The open data against the standards' official schemas (tests/schemas/, sources in its
READMEs): the IATI 2.03 activity XML against IATI's XSD and codelists, the 360Giving
JSON against the 360Giving 1.4.3 package schema (with format checks, as 360Giving's
validator runs it) and geoCodeType codelist, on the demo content and on bulk load data.
"""

import csv
import datetime
import functools
import io
import json
import random
import tempfile
from decimal import Decimal
from pathlib import Path

import flattentool
import jsonschema
import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils.module_loading import import_string
from lxml import etree
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from wagtail.models import Site

from challenges.models import ChallengeIndexPage
from home.models import Organisation
from home.services import page_ensure
from opendata import standards
from pilots.models import CaseStudyIndexPage, PartnerIndexPage, Pilot
from tests.conftest import load_demo_site

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
IATI = SCHEMAS / "iati"
GIVING = SCHEMAS / "threesixtygiving"


@functools.cache
def iati_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(IATI / "iati-activities-schema.xsd")))


@functools.cache
def iati_codes(name: str) -> frozenset[str]:
    tree = etree.parse(str(IATI / "codelists" / f"{name}.xml"))
    return frozenset(tree.xpath("//codelist-item/code/text()"))


@functools.cache
def giving_validator() -> jsonschema.Draft202012Validator:
    package = json.loads((GIVING / "360-giving-package-schema.json").read_text())
    grant = json.loads((GIVING / "360-giving-schema.json").read_text())
    # The files name their dialect "http://json-schema.org/draft/2020-12/schema" (not
    # the dialect's https id), so the dialect is given here rather than looked up.
    registry = Registry().with_resource(
        grant["$id"], DRAFT202012.create_resource(grant)
    )
    jsonschema.Draft202012Validator.check_schema(package)
    return jsonschema.Draft202012Validator(
        package,
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@functools.cache
def geo_code_types() -> frozenset[str]:
    with (GIVING / "codelists" / "geoCodeType.csv").open(newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


def iati_errors(content: bytes) -> list[str]:
    schema = iati_schema()
    valid = schema.validate(etree.fromstring(content))
    return [] if valid else [str(e) for e in schema.error_log]


def iati_codelist_errors(root) -> list[str]:
    """Every coded attribute we write, against the IATI codelist it comes from."""
    checks = [
        ("//reporting-org/@type", "OrganisationType"),
        ("//participating-org/@type", "OrganisationType"),
        ("//participating-org/@role", "OrganisationRole"),
        ("//activity-status/@code", "ActivityStatus"),
        ("//activity-date/@type", "ActivityDateType"),
        ("//location-reach/@code", "GeographicLocationReach"),
        ("//location-class/@code", "GeographicLocationClass"),
        ("//sector/@vocabulary", "SectorVocabulary"),
        ("//budget/@type", "BudgetType"),
        ("//budget/@status", "BudgetStatus"),
        ("//transaction-type/@code", "TransactionType"),
        ("//provider-org/@type", "OrganisationType"),
        ("//receiver-org/@type", "OrganisationType"),
        ("//result/@type", "ResultType"),
        ("//indicator/@measure", "IndicatorMeasure"),
    ]
    errors = []
    for path, codelist in checks:
        for value in root.xpath(path):
            if value not in iati_codes(codelist):
                errors.append(f"{path}={value!r} is not in {codelist}")
    return errors


def giving_errors(package: dict) -> list[str]:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in giving_validator().iter_errors(package)
    ]
    for grant in package["grants"]:
        for location in grant.get("beneficiaryLocation", []):
            code_type = location.get("geoCodeType")
            if code_type is not None and code_type not in geo_code_types():
                errors.append(f"{grant['id']}: geoCodeType {code_type!r}")
    return errors


def load_full_demo() -> None:
    """`manage.py load_demo_content` without the search index (not read here)."""
    random.seed(2026)
    load_demo_site()
    for dotted in ("challenges.demo_content.load", "pilots.demo_content.load"):
        import_string(dotted)(io.StringIO())


class StandardsChecks:
    """The checks both data sets get; each class builds its data once."""

    def fetch(self):
        xml = self.client.get("/open-data/iati-activities.xml")
        self.assertEqual(xml.status_code, 200)
        self.assertEqual(xml["Content-Type"], "application/xml; charset=utf-8")
        giving = self.client.get("/open-data/360giving.json")
        self.assertEqual(giving.status_code, 200)
        return xml.content, giving.json()

    def test_iati_xml_is_valid_2_03_with_codelist_values(self):
        content, _ = self.fetch()
        self.assertEqual(iati_errors(content), [])
        root = etree.fromstring(content)
        self.assertEqual(root.get("version"), "2.03")
        self.assertEqual(iati_codelist_errors(root), [])
        published = Pilot.objects.exclude(status=Pilot.Status.SETTING_UP)
        activities = root.findall("iati-activity")
        self.assertEqual(len(activities), published.count())
        for activity in activities:
            identifier = activity.findtext("iati-identifier")
            ref = activity.find("reporting-org").get("ref")
            self.assertTrue(identifier.startswith(f"{ref}-"), identifier)
            self.assertEqual(ref, "GB-LAE-WMCA")
            for required in (
                "description/narrative",
                "participating-org",
                "activity-status",
                "activity-date",
                "recipient-country",
            ):
                self.assertIsNotNone(activity.find(required), (identifier, required))
        # No 360Giving identifier stands in for an org-id.
        self.assertFalse(root.xpath("//@ref[starts-with(., '360G-')]"))
        # The same pilots as the JSON results, under the same identifiers.
        results = self.client.get("/open-data/iati-results.json").json()
        self.assertNotIn("version", results)
        self.assertEqual(
            sorted(a["iati-identifier"] for a in results["iati-activities"]),
            sorted(a.findtext("iati-identifier") for a in activities),
        )

    def test_360giving_package_is_valid(self):
        _, package = self.fetch()
        self.assertTrue(package["grants"])
        self.assertEqual(giving_errors(package), [])
        for grant in package["grants"]:
            self.assertEqual(grant["fundingOrganization"][0]["id"], "GB-LAE-WMCA")
            for dates in grant.get("plannedDates", []):
                self.assertIsInstance(dates["duration"], (int, float))


class DemoContentStandardsTests(StandardsChecks, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_full_demo()

    def test_recipients_use_their_org_ids(self):
        _, package = self.fetch()
        for grant in package["grants"]:
            recipient = grant["recipientOrganization"][0]
            org = Organisation.objects.get(name=recipient["name"])
            if org.org_id:
                self.assertEqual(recipient["id"], org.org_id)
            elif org.companies_house_number:
                self.assertEqual(
                    recipient["id"], f"GB-COH-{org.companies_house_number}"
                )
            else:
                self.assertEqual(recipient["id"], f"360G-wmpil-org-{org.slug}")
        ids = {g["recipientOrganization"][0]["id"] for g in package["grants"]}
        self.assertIn("GB-LAE-SAW", ids)  # Sandwell's pilot

    def test_the_xml_takes_the_download_filters(self):
        running = Pilot.objects.filter(status=Pilot.Status.RUNNING).count()
        response = self.client.get("/open-data/iati-activities.xml?status=running")
        root = etree.fromstring(response.content)
        self.assertEqual(len(root.findall("iati-activity")), running)
        self.assertEqual(set(root.xpath("//activity-status/@code")), {"2"})
        bad = self.client.get("/open-data/iati-activities.xml?status=nonsense")
        self.assertEqual(bad.status_code, 400)
        # The standard's file needs an activity: no match is a 404, not an empty file.
        if Pilot.objects.filter(evidence_level=5).exists():
            self.skipTest("the demo has a level-5 pilot; no empty filter to test")
        none = self.client.get("/open-data/iati-activities.xml?evidence_level=5")
        self.assertEqual(none.status_code, 404)

    def test_a_pilot_of_a_year_or_less_has_a_budget(self):
        """IATI budgets cover a year at most: only such a pilot gets one (this test's
        change is rolled back after it)."""
        pilot = Pilot.objects.filter(status=Pilot.Status.RUNNING).first()
        pilot.planned_end_date = pilot.start_date + datetime.timedelta(days=180)
        pilot.save()
        content, _ = self.fetch()
        self.assertEqual(iati_errors(content), [])
        root = etree.fromstring(content)
        budgets = root.xpath("//iati-activity/budget")
        self.assertEqual(len(budgets), 1)
        activity = budgets[0].getparent()
        identifier = activity.findtext("iati-identifier")
        self.assertEqual(identifier, f"GB-LAE-WMCA-pilot-{pilot.pk}")
        budget = budgets[0]
        self.assertEqual(
            (
                budget.get("type"),
                budget.find("period-start").get("iso-date"),
                budget.find("period-end").get("iso-date"),
                Decimal(budget.findtext("value")),
            ),
            (
                "1",
                pilot.start_date.isoformat(),
                pilot.planned_end_date.isoformat(),
                pilot.approved_budget,
            ),
        )
        commitment = activity.xpath("transaction[transaction-type/@code='2']/value")
        self.assertEqual(Decimal(commitment[0].text), pilot.approved_budget)

    def test_the_guide_links_the_xml_and_the_json_says_what_it_is(self):
        guide = self.client.get("/api/").content.decode()
        self.assertIn('href="/open-data/iati-activities.xml"', guide)
        results = self.client.get("/open-data/iati-results.json").json()
        self.assertEqual(
            results["iati-activities-xml"],
            # The site's configured address (the Site record), not the request's host.
            Site.objects.get(is_default_site=True).root_url
            + "/open-data/iati-activities.xml",
        )
        self.assertIn("not an IATI Standard file", results["about"])

    def test_demo_durations_and_geo_codes(self):
        _, package = self.fetch()
        by_title = {g["title"]: g for g in package["grants"]}
        damp = by_title["Damp and mould rapid response"]
        self.assertEqual(
            damp["plannedDates"],
            [{"startDate": "2024-01-01", "endDate": "2026-01-01", "duration": 24}],
        )
        self.assertEqual(
            damp["beneficiaryLocation"],
            [
                {
                    "name": "Sandwell",
                    "countryCode": "GB",
                    "geoCode": "E08000028",
                    "geoCodeType": "MD",
                }
            ],
        )

    # The official schema's transaction lists have no titles, so flattentool skips
    # them (and says so); we publish no transactions in 360Giving.
    @pytest.mark.filterwarnings("ignore::flattentool.exceptions.FlattenToolWarning")
    def test_360giving_round_trips_through_a_spreadsheet(self):
        """flattentool (360Giving's converter) turns the JSON into a spreadsheet and
        back; every grant comes back with its identifiers, amounts and dates."""
        _, package = self.fetch()
        work = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (work / "grants.json").write_text(json.dumps(package))
        common = _flattentool_options(work)
        flattentool.flatten(
            str(work / "grants.json"),
            output_name=str(work / "grants.xlsx"),
            output_format="xlsx",
            main_sheet_name="grants",
            use_titles=True,
            **common,
        )
        flattentool.unflatten(
            str(work / "grants.xlsx"),
            output_name=str(work / "back.json"),
            input_format="xlsx",
            convert_titles=True,
            **common,
        )
        back = json.loads((work / "back.json").read_text())
        self.assertEqual(giving_errors(back), [])
        self.assertEqual(summary(back["grants"]), summary(package["grants"]))

    @pytest.mark.filterwarnings("ignore::flattentool.exceptions.FlattenToolWarning")
    def test_the_360giving_csv_converts_to_valid_360giving_json(self):
        """360Giving's converter reads our spreadsheet columns as the standard's fields:
        the CSV download, unflattened, is a valid package with the JSON's grants."""
        _, package = self.fetch()
        work = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (work / "csv").mkdir()
        csv_body = self.client.get("/open-data/360giving.csv").content
        (work / "csv" / "grants.csv").write_bytes(csv_body)
        flattentool.unflatten(
            str(work / "csv"),
            output_name=str(work / "from-csv.json"),
            input_format="csv",
            convert_titles=True,
            **_flattentool_options(work),
        )
        converted = json.loads((work / "from-csv.json").read_text())
        self.assertEqual(giving_errors(converted), [])
        self.assertEqual(summary(converted["grants"]), summary(package["grants"]))


def summary(grants):
    """What a conversion must keep of each grant."""
    return sorted(
        (
            g["id"],
            Decimal(str(g["amountAwarded"])),
            g["awardDate"],
            g["recipientOrganization"][0]["id"],
            g["fundingOrganization"][0]["id"],
            [d.get("duration") for d in g.get("plannedDates", [])],
            [
                (b.get("geoCode"), b.get("geoCodeType"))
                for b in g.get("beneficiaryLocation", [])
            ],
        )
        for g in grants
    )


def _flattentool_options(work: Path) -> dict:
    """As 360Giving's tools run flattentool: the grant schema, grants the root list."""
    return {
        "schema": str(GIVING / "360-giving-schema.json"),
        "root_list_path": "grants",
        "root_id": "",
    }


class LoadDataStandardsTests(StandardsChecks, TestCase):
    """`manage.py generate_load_data` at a small size: generated organisations, areas
    and metrics the demo does not have."""

    @classmethod
    def setUpTestData(cls):
        home = load_demo_site()
        page_ensure(
            parent=home, model=ChallengeIndexPage, slug="challenges", title="Challenges"
        )
        page_ensure(
            parent=home,
            model=CaseStudyIndexPage,
            slug="case-studies",
            title="Case studies",
        )
        page_ensure(
            parent=home, model=PartnerIndexPage, slug="partners", title="Partners"
        )
        call_command(
            "generate_load_data", pilots=12, skip_index=True, stdout=io.StringIO()
        )


# Focused checks: no database needed.


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-01-01", "2026-01-01", 24),  # not 25: the end month is not counted twice
        ("2025-01-01", "2026-11-01", 22),
        ("2025-03-15", "2025-04-15", 1),
        ("2025-01-01", "2025-01-01", 0),
        ("2025-01-01", "2025-02-15", 1.5),
        ("2025-01-01", "2026-12-31", 24),  # 23 months and 30 of 31 days
    ],
)
def test_duration_is_months_between_the_dates(start, end, months):
    result = standards.months_between(
        datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    )
    assert result == months
    assert isinstance(result, (int, float))


def test_funder_is_the_combined_authority_by_default():
    assert standards.funder()["id"] == "GB-LAE-WMCA"
    with override_settings(OPENDATA_FUNDER_ORG_ID="GB-LAE-XYZ"):
        assert standards.funder()["id"] == "GB-LAE-XYZ"
    with override_settings(OPENDATA_FUNDER_ORG_ID=""):
        assert standards.funder()["id"] == "360G-wmpil-org-lab"


def test_recipient_identifiers_prefer_real_org_ids():
    def org(**fields):
        return Organisation(name="X", slug="x-org", **fields)

    assert standards.org_identifier(org(org_id="GB-LAE-BIR")) == "GB-LAE-BIR"
    assert (
        standards.org_identifier(org(companies_house_number="01234567"))
        == "GB-COH-01234567"
    )
    assert standards.org_identifier(org()) == "360G-wmpil-org-x-org"
    assert standards.org_id(org()) == ""  # IATI names it without a ref


def test_every_area_has_a_360giving_geo_code_type():
    from home.models import LocalAuthorityArea

    assert set(standards.ONS_AREA_CODES) == set(LocalAuthorityArea)
    for code, code_type in standards.ONS_AREA_CODES.values():
        assert code_type in geo_code_types(), code_type
        prefix = {"MD": "E08", "UA": "E06", "NMD": "E07", "CTY": "E10"}.get(
            code_type, "E12"
        )
        assert code.startswith(prefix) and len(code) == 9, code


def test_the_validators_reject_what_the_standards_reject():
    """The validators can fail: the old output's faults are errors to them."""
    bad_grant = {
        "id": "360G-wmpil-pilot-1",
        "title": "x",
        "description": "x",
        "currency": "GBP",
        "amountAwarded": 10.0,
        "awardDate": "2024-01-01",
        "recipientOrganization": [{"id": "GB-LAE-BIR", "name": "x"}],
        "fundingOrganization": [{"id": "GB-LAE-WMCA", "name": "x"}],
        "plannedDates": [
            {"startDate": "2024-01-01", "endDate": "2026-01-01", "duration": "25"}
        ],
        "beneficiaryLocation": [{"name": "x", "geoCode": "E08", "geoCodeType": "LAD"}],
    }
    errors = giving_errors({"grants": [bad_grant]})
    assert any("duration" in e and "'25' is not of type 'number'" in e for e in errors)
    assert any("geoCodeType 'LAD'" in e for e in errors)
    assert giving_errors({"grants": [{**bad_grant, "awardDate": "01/02/2024"}]})

    no_description = (
        b'<iati-activities version="2.03"><iati-activity>'
        b"<iati-identifier>GB-LAE-WMCA-pilot-1</iati-identifier>"
        b'<reporting-org ref="GB-LAE-WMCA" type="11"><narrative>x</narrative>'
        b"</reporting-org><title><narrative>x</narrative></title>"
        b"</iati-activity></iati-activities>"
    )
    assert any("description" in e for e in iati_errors(no_description))
    root = etree.fromstring(b'<a><activity-status code="9"/><result type="7"/></a>')
    assert len(iati_codelist_errors(root)) == 2
