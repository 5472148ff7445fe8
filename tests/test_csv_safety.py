"""Every CSV the site serves is safe to open in a spreadsheet.

The endpoints are found, not listed: the URLconf's patterns whose route or name says
CSV, every view with a `list_export` (the admin's Download CSV buttons, Wagtail's own
reports included) and every routable-page route that says CSV. The demo site is loaded
and then every text field of every record is overwritten with a hostile value; each
endpoint is fetched as someone allowed to, parsed with csv.reader, and no cell may
start with a formula character unless it is a plain number.
"""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site, Workflow, get_page_models

from challenges.models import ConflictOfInterest, InterestDeclaration
from home.csv import csv_safe_cell, csv_text, csv_unquote_cell, write_csv_rows
from pilots.models import CaseStudyPage, Contact
from pilots.selectors import measurements_csv_export
from pilots.services.measurements import measurements_csv_check
from tests.factories.challenges import UserFactory, assessor
from tests.factories.pilots import MeasurementFactory, MetricFactory
from tests.factories.publishing import case_study_world
from tests.opendata.conftest import build_world

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTED_FORMULA = tuple("'" + start for start in FORMULA_START)
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Wagtail's own records that carry text people typed into the CSVs it exports.
WAGTAIL_TEXT = {
    "wagtailcore.Page": ["title", "draft_title"],
    "wagtailcore.Site": ["site_name"],
    "wagtailcore.ModelLogEntry": ["label"],
    "wagtailcore.PageLogEntry": ["label"],
    "wagtailcore.Workflow": ["name"],
    "wagtailcore.Task": ["name"],
    "taggit.Tag": ["name"],
}
# Text fields that are keys or addresses, not prose: overwriting them would break the
# site rather than test it.
NOT_PROSE = {"username", "password", "path", "url_path", "object_id", "action", "token"}


class CsvSafeCellTests:
    @pytest.mark.parametrize("value", HOSTILE + ["=1", "+", "-", "@", "-1-1", "-x"])
    def test_text_starting_like_a_formula_is_quoted(self, value):
        assert csv_safe_cell(value) == "'" + value

    @pytest.mark.parametrize(
        "value", [0, 7, -7, 2.5, -2.5, Decimal("-16.50"), True, False]
    )
    def test_numbers_stay_numbers(self, value):
        assert csv_safe_cell(value) is value

    @pytest.mark.parametrize("value", ["-16", "-0.5", "42", "3.14"])
    def test_text_that_is_a_plain_number_is_kept(self, value):
        assert csv_safe_cell(value) == value

    @pytest.mark.parametrize(
        "value", ["Sandwell Council", "a=b", "1+1", "", " =1", "'=1", "cost: -5"]
    )
    def test_other_text_is_unchanged(self, value):
        assert csv_safe_cell(value) == value

    def test_none_is_an_empty_cell(self):
        assert csv_safe_cell(None) == ""

    def test_writer_quotes_header_and_rows_and_keeps_numbers(self):
        text = csv_text(["=h", "n"], [["=1", -3], {"=h": "@x", "n": Decimal("-1.5")}])
        assert list(csv.reader(io.StringIO(text))) == [
            ["'=h", "n"],
            ["'=1", "-3"],
            ["'@x", "-1.5"],
        ]

    @pytest.mark.parametrize("value", HOSTILE + ["plain", "'quoted", "-16", ""])
    def test_unquote_gives_back_what_was_quoted(self, value):
        assert csv_unquote_cell(str(csv_safe_cell(value))) == value

    def test_writer_refuses_a_column_not_in_the_header(self):
        with pytest.raises(ValueError, match="not in the header"):
            write_csv_rows(io.StringIO(), ["a"], [{"a": 1, "b": 2}])


@pytest.mark.django_db
class MeasurementsRoundTripTests:
    def test_an_export_with_quoted_cells_imports_back_as_it_was(self):
        metric = MetricFactory(name="-2+3 calls")
        # A month inside the factory pilot's life (the factory's own period is a
        # sequence, which reaches future months late in a full run).
        MeasurementFactory(
            metric=metric,
            period=datetime.date(2025, 6, 1),
            note='=HYPERLINK("http://x")',
        )
        exported = measurements_csv_export(pilot=metric.pilot)
        assert "'-2+3 calls" in exported
        metric.measurements.all().delete()  # so the import may add it again

        rows, errors = measurements_csv_check(pilot=metric.pilot, csv_text=exported)

        assert errors == []
        assert [(r.metric, r.note) for r in rows] == [
            (metric, '=HYPERLINK("http://x")')
        ]


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                namespace + (pattern.name or ""),
                pattern,
            )


def _exports_spreadsheet(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
        return False
    initkwargs = getattr(callback, "view_initkwargs", {})
    return bool(initkwargs.get("list_export", view_class.list_export))


def csv_endpoints() -> list[tuple[str, str, bool]]:
    """(route, name, is a list export) for every CSV the URLconf serves, first match
    only where two patterns share a route."""
    found = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if route in found:
            continue
        if _exports_spreadsheet(pattern.callback):
            found[route] = (route, name, True)
        elif "csv" in route.lower() or "csv" in name.lower():
            found[route] = (route, name, False)
    return list(found.values())


def routable_csv_routes() -> list[tuple[type, str]]:
    return [
        (model, str(pattern.pattern))
        for model in get_page_models()
        if issubclass(model, RoutablePageMixin)
        for pattern in model.get_subpage_urls()
        if "csv" in str(pattern.pattern).lower() or "csv" in (pattern.name or "")
    ]


def _text_fields(model):
    for field in model._meta.local_concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(
                field, models.SlugField | models.EmailField | models.URLField
            )
            and not field.choices
            and field.name not in NOT_PROSE
            and (field.max_length is None or field.max_length >= 12)
        ):
            yield field


def make_everything_hostile() -> int:
    """Overwrite every prose field of every record with a hostile value, the row's
    pk after it so unique fields stay unique (it still starts as a formula)."""
    variants = itertools.cycle(HOSTILE)
    changed = 0
    targets = [
        (model, list(_text_fields(model)))
        for app in ("home", "challenges", "pilots", "opendata")
        for model in apps.get_app_config(app).get_models()
    ] + [
        (apps.get_model(label), [apps.get_model(label)._meta.get_field(f)])
        for label, fields in WAGTAIL_TEXT.items()
        for f in fields
    ]
    for model, fields in targets:
        for field in fields:
            value = next(variants)
            for pk in model._base_manager.values_list("pk", flat=True):
                text = f"{value} {pk}"[: field.max_length]
                model._base_manager.filter(pk=pk).update(**{field.name: text})
                changed += 1
    return changed


def listings_have_rows(user, challenge, organisation) -> None:
    """Something for each admin listing to export: a locked page, a page in a
    workflow, a redirect, a declared conflict of interest (their text turns hostile
    with everything else)."""
    page = CaseStudyPage.objects.live().first()
    workflow = Workflow.objects.filter(active=True).first()
    assert workflow, "Wagtail's default workflow is missing"
    page.save_revision(user=user)
    workflow.start(page, user)
    Page.objects.filter(pk=page.pk).update(
        locked=True, locked_by=user, locked_at=timezone.now()
    )
    Redirect.objects.create(
        old_path="/old-page", site=Site.objects.get(), redirect_link="https://x.example"
    )
    declaration = InterestDeclaration.objects.create(
        challenge=challenge, assessor=assessor(), declared_at=timezone.now()
    )
    ConflictOfInterest.objects.create(
        declaration=declaration,
        organisation=organisation,
        kind=ConflictOfInterest.Kind.OTHER,
    )


def _hostile_cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell)
    ]


@pytest.mark.django_db
class CsvEndpointTests:
    def test_every_csv_the_site_serves_quotes_formulas(self, demo_site, client):
        superuser = UserFactory(is_superuser=True, is_staff=True)
        # Published and private pilots, an awarded challenge with entries (its panel
        # sheet), a pilot whose lead signs in, a live case study with measurements.
        world = build_world(demo_site)
        challenge = world["awarded"]
        led_pilot = world["running"]
        Contact.objects.filter(pk=led_pilot.lead_contact_id).update(user=UserFactory())
        led_pilot.refresh_from_db()
        (case_study,) = case_study_world(1, home=demo_site)
        assert challenge and led_pilot and case_study, "the demo site lacks data"
        listings_have_rows(superuser, challenge, world["winner"])
        assert make_everything_hostile() > 100
        cache.clear()  # Wagtail's cached site names; the open-data rate limit

        by_namespace = {"pilots:": ({"pk": led_pilot.pk}, led_pilot.lead_contact.user)}
        fetched = []
        problems = []
        for route, name, is_export in csv_endpoints():
            kwargs, user = {}, superuser
            for prefix, (ns_kwargs, ns_user) in by_namespace.items():
                if name.startswith(prefix):
                    kwargs, user = ns_kwargs, ns_user
            if "challenge_id>" in route:
                kwargs = {"challenge_id": challenge.pk}
            assert name, f"{route}: an unnamed CSV pattern cannot be reversed"
            url = reverse(name, kwargs=kwargs)
            if is_export:
                url += "?export=csv"
            fetched.append(self._check(client, user, url, problems))
            if is_export:
                self._check_xlsx(client, url[: -len("csv")] + "xlsx", problems)
        for model, route in routable_csv_routes():
            assert model is CaseStudyPage, f"{model.__name__}/{route}: no page to use"
            url = case_study.url + route
            fetched.append(self._check(client, None, url, problems))

        print("CSV endpoints fetched:", *fetched, sep="\n  ")
        assert not problems, "\n".join(problems)
        # 5 open-data files, the dashboard, the panel sheet, a pilot's measurements,
        # the case study's, 2 admin listings and Wagtail's 5 reports and redirects
        # (each with its results twin).
        assert len(fetched) >= 20, fetched

    def _check_xlsx(self, client, url, problems) -> None:
        """XLSX needs no quote, only no formula cells: Wagtail writes typed cells."""
        response = client.get(url)
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content))
        )
        formulas = [
            cell.value
            for row in workbook.active.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        if formulas:
            problems.append(f"{url}: formula cells {formulas[:5]!r}")

    def _check(self, client, user, url, problems) -> str:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/csv"):
            problems.append(f"{url}: {response.status_code} {content_type}")
            return url
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else (response.content)
        )
        text = body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) < 2:
            problems.append(f"{url}: no data rows, so nothing hostile was checked")
        bad = _hostile_cells(text)
        if bad:
            problems.append(f"{url}: formula cells {bad[:5]!r}")
        quoted = [c for row in rows for c in row if c.startswith(QUOTED_FORMULA)]
        if not quoted:
            problems.append(f"{url}: no hostile text reached it, so nothing was tested")
        return f"{url} ({len(rows) - 1} rows)"


@pytest.mark.django_db
class AdminExportTwoFactorTests:
    def test_the_safe_report_views_still_ask_staff_for_a_second_factor(
        self, client, settings
    ):
        settings.STAFF_2FA_REQUIRED = True
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        response = client.get(reverse("wagtailadmin_reports:site_history"))
        assert response.status_code == 302
        assert reverse("two_factor_set_up") in response["Location"]
