"""The extra routes of the published pages: the case-study RSS feed, a case study's
measurements as CSV and the form that passes a message to the pilot lead. Thin: reads
come from `page_selectors`, the one write from `services`."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import feedgenerator
from django_ratelimit.core import is_ratelimited

from ..forms import PilotLeadContactForm
from ..selectors import measurements_csv_export
from ..services.contacts import case_study_contact_send
from .pages import CaseStudyIndexPage, CaseStudyPage
from .selectors import case_studies_for_feed, lead_contact_for


class CaseStudyFeed(Feed):
    """RSS 2.0 feed of the newest case studies, at /case-studies/feed/. Links and GUIDs
    are the pages' `full_url`s, from the Site record (kept at WAGTAILADMIN_BASE_URL)."""

    feed_type = feedgenerator.Rss201rev2Feed
    description = (
        "New case studies from the West Midlands Public Impact Lab: what was tried, "
        "what it cost and the measured results."
    )

    def __init__(self, *, index_page: CaseStudyIndexPage):
        super().__init__()
        self.index_page = index_page

    def title(self) -> str:
        return f"{self.index_page.title}: West Midlands Public Impact Lab"

    def link(self) -> str:
        return self.index_page.full_url

    def feed_url(self) -> str:
        return self.index_page.full_url + "feed/"

    def feed_copyright(self) -> str:
        return "Open Government Licence v3.0"

    def items(self) -> list[CaseStudyPage]:
        return case_studies_for_feed()

    def item_title(self, item: CaseStudyPage) -> str:
        return item.title

    def item_description(self, item: CaseStudyPage) -> str:
        return item.summary

    def item_link(self, item: CaseStudyPage) -> str:
        return item.full_url

    def item_guid(self, item: CaseStudyPage) -> str:
        return item.full_url

    item_guid_is_permalink = True

    def item_pubdate(self, item: CaseStudyPage):
        return item.first_published_at

    def item_updateddate(self, item: CaseStudyPage):
        return item.last_published_at

    def item_author_name(self, item: CaseStudyPage) -> str:
        return item.pilot.lead_organisation.name

    def item_categories(self, item: CaseStudyPage) -> list[str]:
        return sorted(t.tag.name for t in item.pilot.tagged_items.all())


def case_study_csv_view(request: HttpRequest, *, case_study: CaseStudyPage):
    """Every measurement of the pilot, live, in the columns the CSV import reads."""
    response = HttpResponse(
        measurements_csv_export(pilot=case_study.pilot),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{case_study.slug}-measurements.csv"'
    )
    return response


def case_study_contact_view(request: HttpRequest, *, case_study: CaseStudyPage):
    form = PilotLeadContactForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Only messages that would be sent count toward the limit; over it, the form
        # comes back with what the person typed and an error, and nothing is sent.
        if is_ratelimited(
            request,
            group="pilots.case_study_contact",
            key="ip",
            rate=settings.PILOTS_RATE_CONTACT_LEAD,
            method="POST",
            increment=True,
        ):
            form.add_error(
                None,
                "You have sent several messages in a short time. Your message has "
                "not been sent: wait an hour, then try again.",
            )
            status = 429
        else:
            case_study_contact_send(
                case_study=case_study,
                sender_name=form.cleaned_data["name"],
                sender_email=form.cleaned_data["email"],
                sender_organisation=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )
            return redirect(case_study.url + case_study.reverse_subpage("contact_sent"))
    return TemplateResponse(
        request,
        "pilots/case_study_contact.html",
        {
            "page": case_study,
            "form": form,
            "lead_contactable": lead_contact_for(pilot=case_study.pilot) is not None,
        },
        status=status,
    )


def case_study_contact_sent_view(request: HttpRequest, *, case_study: CaseStudyPage):
    return TemplateResponse(
        request, "pilots/case_study_contact_sent.html", {"page": case_study}
    )
