"""The GOV.UK components: one field template for every widget, the error summary, the
form renderer, messages once in base.html, status tags and breadcrumbs."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from home.forms import GovUKFormRenderer
from home.status_tags import StatusTags, status_tags

CHOICES = [("a", "Apple"), ("b", "Banana"), ("c", "Cherry")]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Your full name")
    email = forms.EmailField(label="Email")
    website = forms.URLField(label="Website", assume_scheme="https")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    count = forms.IntegerField(label="How many", help_text="A whole number")
    amount = forms.DecimalField(
        label="Amount", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    story = forms.CharField(
        label="Story", widget=forms.Textarea(attrs={"rows": 3}), help_text="Be brief"
    )
    fruit = forms.ChoiceField(label="Fruit", choices=[("", "Choose"), *CHOICES])
    upload = forms.FileField(
        label="File", widget=forms.FileInput(attrs={"accept": ".csv,text/csv"})
    )
    agree = forms.BooleanField(label="I agree", help_text="You must")
    size = forms.ChoiceField(
        label="Size", choices=CHOICES, widget=forms.RadioSelect, help_text="Pick one"
    )
    toppings = forms.MultipleChoiceField(
        label="Toppings", choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


FIELDS = [name for name in EveryWidgetForm.base_fields if name != "token"]


class ElementIndex(HTMLParser):
    """Every element's attributes, and which ids the page has."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def by_id(self, element_id: str) -> tuple[str, dict]:
        found = [e for e in self.elements if e[1].get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if "id" in a]

    def links(self) -> list[str]:
        return [a["href"] for tag, a in self.elements if tag == "a" and "href" in a]


def render_page(form) -> ElementIndex:
    html = Template(
        '{% include "components/error_summary.html" with form=form only %}{{ form }}'
    ).render(Context({"form": form}))
    return ElementIndex(html)


def invalid_form() -> EveryWidgetForm:
    form = EveryWidgetForm(data={"email": "not an email", "count": "x"})
    assert not form.is_valid()
    return form


def test_the_renderer_is_the_sites():
    form = EveryWidgetForm()
    assert isinstance(form.renderer, GovUKFormRenderer)
    assert 'class="govuk-form-group' in form["name"].as_field_group()


class FieldComponentTests:
    def test_each_widget_renders_its_govuk_control(self):
        page = render_page(EveryWidgetForm())
        expected = {
            "id_name": ("input", {"class": "govuk-input", "type": "text"}),
            "id_email": ("input", {"type": "email", "autocomplete": "email"}),
            "id_website": ("input", {"type": "url", "spellcheck": "false"}),
            "id_password": (
                "input",
                {"type": "password", "autocomplete": "current-password"},
            ),
            "id_count": ("input", {"type": "text", "inputmode": "numeric"}),
            "id_amount": ("input", {"type": "text", "inputmode": "decimal"}),
            "id_story": ("textarea", {"class": "govuk-textarea", "rows": "3"}),
            "id_fruit": ("select", {"class": "govuk-select"}),
            "id_upload": (
                "input",
                {
                    "class": "govuk-file-upload",
                    "type": "file",
                    "accept": ".csv,text/csv",
                },
            ),
            "id_agree": ("input", {"class": "govuk-checkboxes__input"}),
            "id_size_0": ("input", {"class": "govuk-radios__input", "type": "radio"}),
            "id_toppings_0": ("input", {"class": "govuk-checkboxes__input"}),
            "id_token": ("input", {"type": "hidden"}),
        }
        for element_id, (tag, attrs) in expected.items():
            found_tag, found = page.by_id(element_id)
            assert found_tag == tag, element_id
            for name, value in attrs.items():
                assert found.get(name) == value, (element_id, name, found)

    def test_every_label_points_at_a_control(self):
        page = render_page(EveryWidgetForm())
        ids = set(page.ids())
        labels = [a["for"] for tag, a in page.elements if tag == "label"]
        assert len(labels) == len(FIELDS) - 2 + 2 * len(CHOICES)
        assert set(labels) <= ids
        # Radios and checkboxes are grouped under a legend, not a label.
        assert [t for t, _ in page.elements].count("legend") == 2

    def test_hints_and_errors_are_wired_through_aria_describedby(self):
        form = invalid_form()
        page = render_page(form)
        ids = set(page.ids())
        for name in FIELDS:
            bound = form[name]
            expected = []
            if bound.help_text:
                expected.append(f"id_{name}-hint")
            if bound.errors:
                expected.append(f"id_{name}-error")
            # The group's fieldset carries it for radios and checkboxes.
            if name in ("size", "toppings"):
                holder = [
                    a
                    for tag, a in page.elements
                    if tag == "fieldset"
                    and f"id_{name}-" in a.get("aria-describedby", "")
                ]
                holder = holder[0] if holder else {}
            else:
                holder = page.by_id(f"id_{name}")[1]
            assert holder.get("aria-describedby", "").split() == expected, name
            assert set(expected) <= ids, name

    def test_a_field_with_an_error_is_marked_and_says_why(self):
        form = invalid_form()
        html = form["email"].as_field_group()
        assert "govuk-form-group--error" in html
        assert "govuk-input--error" in html
        assert (
            '<span class="govuk-visually-hidden">Error:</span> Enter a valid email'
            in html
        )
        assert (
            "govuk-form-group--error" not in EveryWidgetForm()["email"].as_field_group()
        )

    def test_values_are_kept_after_an_error(self):
        data = {
            "name": "Ada",
            "email": "bad",
            "website": "https://example.org",
            "password": "secret",
            "count": "3",
            "amount": "1.5",
            "story": "Once <upon>",
            "fruit": "b",
            "agree": "on",
            "size": "c",
            "toppings": ["a", "c"],
            "token": "t0k3n",
        }
        form = EveryWidgetForm(data=data)
        assert not form.is_valid()
        page = render_page(form)
        for name in ("name", "email", "website", "count", "amount", "token"):
            assert page.by_id(f"id_{name}")[1]["value"] == data[name], name
        assert "value" not in page.by_id("id_password")[1]  # never sent back
        html = str(form)
        assert ">Once &lt;upon&gt;</textarea>" in html
        assert '<option value="b" selected>Banana</option>' in html
        assert "checked" in page.by_id("id_agree")[1]
        assert "checked" in page.by_id("id_size_2")[1]
        assert "checked" not in page.by_id("id_size_0")[1]
        checked = [
            i for i in range(3) if "checked" in page.by_id(f"id_toppings_{i}")[1]
        ]
        assert checked == [0, 2]

    def test_parameters_set_label_size_width_autocomplete_and_small(self):
        form = EveryWidgetForm()
        html = render_to_string(
            "components/field.html",
            {
                "field": form["name"],
                "label_size": "m",
                "width": "10",
                "autocomplete": "name",
            },
        )
        assert 'class="govuk-label govuk-label--m"' in html
        assert "govuk-input--width-10" in html
        assert 'autocomplete="name"' in html
        radios = render_to_string(
            "components/radios.html",
            {"field": form["size"], "label_size": "l", "small": True},
        )
        assert "govuk-fieldset__legend--l" in radios
        assert "govuk-radios govuk-radios--small" in radios
        boxes = render_to_string(
            "components/checkboxes.html", {"field": form["toppings"]}
        )
        assert 'class="govuk-checkboxes"' in boxes


class ErrorSummaryTests:
    def test_every_link_lands_on_an_element_of_the_page(self):
        form = invalid_form()
        page = render_page(form)
        links = [h for h in page.links() if h.startswith("#")]
        # One link per field in error (every required field here but the hidden one).
        in_error = [n for n in FIELDS if form[n].errors]
        assert len(links) == len(in_error) == len(FIELDS)
        ids = page.ids()
        for href in links:
            assert ids.count(href[1:]) == 1, href

    def test_radios_and_checkboxes_link_to_their_first_option(self):
        page = render_page(invalid_form())
        assert "#id_size_0" in page.links()
        assert "#id_toppings_0" in page.links()
        assert page.by_id("id_size_0")[1]["value"] == "a"

    def test_non_field_and_hidden_field_errors_are_listed_without_a_link(self):
        html = Template(
            '{% include "components/error_summary.html" with form=form only %}'
        ).render(Context({"form": invalid_form()}))
        assert "<li>Something about the whole form</li>" in html
        assert "<li>This field is required.</li>" in html  # the hidden token
        assert 'href="#id_token"' not in html

    def test_nothing_shows_without_errors(self):
        html = render_to_string(
            "components/error_summary.html", {"form": EveryWidgetForm()}
        )
        assert html.strip() == ""

    def test_a_message_or_a_list_of_errors_with_a_title(self):
        html = render_to_string(
            "components/error_summary.html",
            {"errors": ["Line 2: bad", "Line 3: worse"], "title": "Nothing was saved"},
        )
        assert "Nothing was saved</h2>" in html
        assert "<li>Line 2: bad</li>" in html and "<li>Line 3: worse</li>" in html


@pytest.mark.django_db
class MessagesTests:
    def render_base(self, *adds):
        request = RequestFactory().get("/")
        request.session = {}
        request._messages = FallbackStorage(request)
        for level, text in adds:
            request._messages.add(level, text)
        return render_to_string("base.html", {}, request=request)

    def test_success_is_a_green_banner_and_error_an_error_summary(self):
        from django.contrib import messages

        html = self.render_base(
            (messages.SUCCESS, "Your draft has been saved"),
            (messages.ERROR, "This proposal can no longer be changed"),
            (messages.INFO, "Answers are published on Friday"),
        )
        assert html.count("govuk-notification-banner--success") == 1
        assert "Your draft has been saved" in html
        summary = html.split('class="govuk-error-summary"')[1]
        assert "<li>This proposal can no longer be changed</li>" in summary
        assert ">Important</h2>" in html and "Answers are published on Friday" in html
        ids = ElementIndex(html).ids()
        assert len(ids) == len(set(ids))

    def test_no_messages_no_markup(self):
        html = self.render_base()
        assert "govuk-notification-banner" not in html
        assert "govuk-error-summary" not in html


class StatusTagTests:
    def test_colours_come_from_the_registered_choices(self):
        def tag(kind, value, label=None):
            extra = "" if label is None else f' "{label}"'
            return (
                Template("{% load lab_tags %}{% status_tag kind value" + extra + " %}")
                .render(Context({"kind": kind, "value": value}))
                .strip()
            )

        assert tag("proposal", "approved") == (
            '<strong class="govuk-tag govuk-tag--green">Approved</strong>'
        )
        assert "govuk-tag--red" in tag("proposal", "declined")
        assert "govuk-tag--blue" in tag("proposal", "submitted")  # the default
        assert "govuk-tag--yellow" in tag("entry", "draft")
        assert (
            tag("entry", "submitted") == '<strong class="govuk-tag">Submitted</strong>'
        )
        assert "govuk-tag--green" in tag("challenge", "open")
        assert ">Not started<" in tag("assessment", "not_started")
        assert ">Outcome: better<" in tag("outcome", "improved", "Outcome: better")

    def test_every_registered_kind(self):
        for kind in ("proposal", "outcome", "challenge", "entry", "assessment"):
            assert status_tags(kind).kind == kind
        with pytest.raises(LookupError):
            status_tags("no-such-kind")

    def test_a_colour_gov_uk_does_not_have_is_refused(self):
        with pytest.raises(ValueError):
            StatusTags(kind="x", choices=[("a", "A")], colours={"a": "gold"})


class BreadcrumbLinksTests:
    def test_links_by_path_or_url_name_and_empty_crumbs_left_out(self):
        html = Template(
            '{% load lab_tags %}{% breadcrumb_links "Home" "/" "" "/hidden/" '
            '"Your pilot proposals" "pilots:proposal_list" %}'
        ).render(Context())
        page = ElementIndex(html)
        assert page.links() == ["/", "/pilots/proposals/"]
        assert "/hidden/" not in html
