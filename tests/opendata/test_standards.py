"""Acceptance 4: 360Giving and IATI-style outputs validated against the standards' field
lists, kept as test data in tests/opendata/standards/ (sources named in its README)."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.opendata.conftest import world_from

# Every test here reads the same world: built once for the module.
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def world(shared_world, db):
    return world_from(shared_world)


STANDARDS = Path(__file__).parent / "standards"
GIVING = json.loads((STANDARDS / "360giving_grant.json").read_text())
IATI = json.loads((STANDARDS / "iati_result.json").read_text())
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")


def _check_type(value, kind: str, where: str, errors: list) -> None:
    ok = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "date": lambda v: isinstance(v, str) and bool(DATE.match(v[:10])),
        "datetime": lambda v: isinstance(v, str) and _is_datetime(v),
    }[kind](value)
    if not ok:
        errors.append(f"{where}: {value!r} is not a {kind}")


def _is_datetime(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_360_object(obj: dict, definition: str, where: str) -> list[str]:
    spec = GIVING[definition]
    errors = [f"{where}: missing {key}" for key in spec["required"] if key not in obj]
    for key, value in obj.items():
        field = spec["properties"].get(key)
        if field is None:
            errors.append(f"{where}: {key} is not a 360Giving {definition} field")
            continue
        _check_type(value, field["type"], f"{where}.{key}", errors)
        if "enum" in field and value not in field["enum"]:
            errors.append(f"{where}.{key}: {value!r} not in {field['enum']}")
        if (
            field["type"] == "array"
            and field.get("items") in GIVING
            and isinstance(value, list)
        ):
            for i, item in enumerate(value):
                errors += validate_360_object(
                    item, field["items"], f"{where}.{key}[{i}]"
                )
    return errors


def validate_grant(grant: dict) -> list[str]:
    errors = validate_360_object(grant, "grant", grant.get("id", "?"))
    if not str(grant.get("id", "")).startswith(GIVING["identifier_prefix"]):
        errors.append(f"{grant.get('id')}: the identifier must start 360G-")
    for key in ("recipientOrganization", "fundingOrganization"):
        if not grant.get(key):
            errors.append(f"{grant.get('id')}: {key} needs at least one organisation")
    return errors


def spreadsheet_titles() -> tuple[set[str], set[str]]:
    """Every 360Giving column title ("Parent:Child" for rolled-up objects), and the
    required ones."""
    grant = GIVING["grant"]
    titles, required = set(), set()
    for key, field in grant["properties"].items():
        if field["type"] == "array" and field.get("items") in GIVING:
            child = GIVING[field["items"]]
            for child_key, child_field in child["properties"].items():
                title = f"{field['title']}:{child_field['title']}"
                titles.add(title)
                if key in grant["required"] and child_key in child["required"]:
                    required.add(title)
        else:
            titles.add(field["title"])
            if key in grant["required"]:
                required.add(field["title"])
    return titles, required


def validate_iati(element: dict, name: str, where: str) -> list[str]:
    spec = IATI["elements"][name]
    errors = [
        f"{where}: missing {key}" for key in spec["required"] if key not in element
    ]
    allowed = set(spec["attributes"]) | set(spec["children"])
    for key, value in element.items():
        if key not in allowed:
            errors.append(f"{where}: {key} is not an attribute or child of {name}")
            continue
        codelist = spec.get("codes", {}).get(key)
        if codelist:
            codes = IATI["codelists"][codelist]
            if str(value) not in codes:
                errors.append(f"{where}.{key}: {value!r} not in {codelist}")
        if key in spec.get("dates", []) and not DATE.match(str(value)):
            errors.append(f"{where}.{key}: {value!r} is not an ISO date")
        if key == "value" and value is not None:
            try:
                Decimal(value)
            except Exception:
                errors.append(f"{where}.value: {value!r} is not a number")
        if key in IATI["elements"] and key != name:
            for i, child in enumerate(value if isinstance(value, list) else [value]):
                errors += validate_iati(child, key, f"{where}.{key}[{i}]")
    return errors


@pytest.mark.django_db
class ThreeSixtyGivingTests:
    def test_json_grants_match_the_standard(self, client, world):
        response = client.get("/open-data/360giving.json")
        assert response.status_code == 200
        data = response.json()
        assert set(data) == {"grants", "license"}
        grants = data["grants"]
        assert len(grants) == 3  # two published pilots, one challenge winner
        errors = [e for grant in grants for e in validate_grant(grant)]
        assert errors == []
        by_id = {g["id"]: g for g in grants}
        pilot = by_id[f"360G-wmpil-pilot-{world['running'].pk}"]
        assert pilot["amountAwarded"] == 100000.0
        assert pilot["awardDate"] == "2024-12-01"  # the proposal's decision date
        assert pilot["recipientOrganization"][0]["id"] == "GB-LAE-SAWT"
        assert pilot["beneficiaryLocation"] == [
            {
                "name": "Sandwell",
                "countryCode": "GB",
                "geoCode": "E08000028",
                "geoCodeType": "MD",
            }
        ]
        award = by_id[
            f"360G-wmpil-challenge-{world['awarded'].pk}-{world['winner'].pk}"
        ]
        assert award["amountAwarded"] == 90000.0
        assert award["recipientOrganization"][0]["id"].startswith("360G-wmpil-org-")

    def test_csv_columns_are_360giving_titles(self, client, world):
        text = client.get("/open-data/360giving.csv").content.decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        titles, required = spreadsheet_titles()
        header = set(rows[0])
        assert header <= titles, sorted(header - titles)
        assert required <= header, sorted(required - header)
        assert {
            "Identifier",
            "Title",
            "Description",
            "Currency",
            "Amount Awarded",
            "Award Date",
            "Recipient Org:Identifier",
            "Recipient Org:Name",
            "Funding Org:Identifier",
            "Funding Org:Name",
            "Planned Dates:Start Date",
            "Planned Dates:End Date",
            "Beneficiary Location:Name",
        } <= header
        for row in rows:
            assert row["Identifier"].startswith("360G-wmpil-")
            assert Decimal(row["Amount Awarded"]) > 0
            assert DATE.match(row["Award Date"])

    def test_a_filter_gives_pilot_grants_only(self, client, world):
        grants = client.get("/open-data/360giving.json", {"area": "sandwell"}).json()
        assert [g["title"] for g in grants["grants"]] == ["Fewer repeat calls"]

    def test_the_validator_rejects_what_the_standard_rejects(self):
        bad = {
            "id": "WMPIL-1",
            "title": "x",
            "currency": "GBP",
            "amountAwarded": "100",
            "awardDate": "01/02/2025",
            "recipientOrganization": [{"name": "No id"}],
            "fundingOrganization": [],
            "recipientName": "not a field",
        }
        errors = "\n".join(validate_grant(bad))
        for expected in (
            "missing description",
            "must start 360G-",
            "amountAwarded: '100' is not a number",
            "awardDate",
            "recipientOrganization[0]: missing id",
            "fundingOrganization needs at least one",
            "recipientName is not a 360Giving grant field",
        ):
            assert expected in errors


@pytest.mark.django_db
class IATIResultsTests:
    def test_results_match_the_iati_result_element_tree(self, client, world):
        response = client.get("/open-data/iati-results.json")
        assert response.status_code == 200
        data = response.json()
        assert data["licence"]["name"] == "Open Government Licence v3.0"
        activities = data["iati-activities"]
        assert len(activities) == 2
        errors = []
        for activity in activities:
            errors += validate_iati(
                activity, "iati-activity", activity["iati-identifier"]
            )
        assert errors == []

    def test_values_baseline_target_and_direction(self, client, world):
        activities = client.get("/open-data/iati-results.json").json()[
            "iati-activities"
        ]
        running = next(a for a in activities if a["title"] == "Fewer repeat calls")
        indicator = running["result"][0]["indicator"][0]
        assert indicator["ascending"] == "0"  # fewer calls is better
        assert indicator["measure"] == "1"
        assert indicator["baseline"] == {
            "year": "2025",
            "iso-date": "2025-01-01",
            "value": "120",
        }
        march, april = indicator["period"]
        assert march["period-start"] == {"iso-date": "2025-03-01"}
        assert march["period-end"] == {"iso-date": "2025-03-31"}
        assert march["actual"] == {"value": "110"}
        # Straight line from 120 (2025-01-01) to 90 (2026-01-01), at 2025-03-31:
        # 120 - 30 * 89/365 = 112.685
        assert march["target"] == {"value": "112.685"}
        assert april["actual"] == {"value": "104"}
        completed = next(a for a in activities if a["title"] != "Fewer repeat calls")
        percent = completed["result"][0]["indicator"][0]
        assert (percent["measure"], percent["ascending"]) == ("2", "1")

    def test_the_validator_rejects_what_the_standard_rejects(self):
        bad = {
            "iati-identifier": "x",
            "reporting-org": {"ref": "x"},
            "title": "x",
            "result": [
                {
                    "type": "7",
                    "title": "x",
                    "indicator": [
                        {
                            "measure": "9",
                            "title": "x",
                            "baseline": {"value": "1"},
                            "period": [{"period-start": {"iso-date": "March"}}],
                            "unit": "calls",
                        }
                    ],
                }
            ],
        }
        errors = "\n".join(validate_iati(bad, "iati-activity", "a"))
        for expected in (
            "type: '7' not in ResultType",
            "measure: '9' not in IndicatorMeasure",
            "baseline[0]: missing year",
            "missing period-end",
            "'March' is not an ISO date",
            "unit is not an attribute or child of indicator",
        ):
            assert expected in errors
