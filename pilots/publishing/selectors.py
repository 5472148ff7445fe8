"""Reads for the published pages: the case-study finder, a case study with its live
results, the partner finder and a partnership profile.

Everything a case study shows about results is read from the pilot's measurements
when the page is served, so a new measurement appears without republishing. Listings
make the same number of queries whatever the number of items: relations are joined or
prefetched, and each case study's outcome is computed in the database
(`outcome_annotations`).
"""

import dataclasses
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.http import QueryDict
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from taggit.models import Tag

from challenges.models import ChallengePage
from home.models import LabSettings, LocalAuthorityArea, Organisation
from home.structured_data import (
    OGL_URL,
    PUBLISHER,
    SCHEMA_CONTEXT,
    json_ld_script,
    organisation_json_ld,
)
from search.services import query_from_params, search

from ..metrics import (
    CLEAR_SHARE_OF_BASELINE,
    CLEAR_SHARE_OF_GAP,
    IMPROVED,
    NO_CLEAR_CHANGE,
    OUTCOME_LABELS,
    WORSENED,
    MetricSummary,
    metric_outcome,
    pilot_outcome,
)
from ..models import Contact, Measurement, Metric, Pilot, PilotPartner, TaggedPilot
from ..selectors import pilot_metric_summaries
from .charts import ChartPoint, ChartSeries, metric_chart_svg
from .filters import CaseStudyFilter, PartnerFilter
from .pages import CaseStudyIndexPage, CaseStudyPage, PartnerIndexPage, PartnerPage

PAGE_SIZE = 10
# The finder's free-text query narrows the list to the search service's best matches;
# more than this many matches is treated as "refine your search".
TEXT_MATCH_LIMIT = 500

# Nesta Standards of Evidence, in plain English (what a reader can conclude).
EVIDENCE_EXPLANATIONS = {
    1: "The pilot team can explain what they did and why it should work (a theory "
    "of change), but there is no data yet that it made a difference.",
    2: "Data shows things got better during the pilot, but we cannot be sure the "
    "pilot caused it: other things may have changed at the same time.",
    3: "The pilot was compared with a similar group or area that did not get it, so "
    "we can be reasonably confident the pilot caused the change.",
    4: "An independent evaluation in another place or team found the same results, "
    "so the effect is confirmed, not a one-off.",
    5: "Manuals, systems and training exist so that others can deliver it the same "
    "way and get the same results.",
}


# Outcomes in the database ----------------------------------------------------------------


def outcome_annotations(pilot_ref: str = "pilot_id") -> dict:
    """Counts of a pilot's measured, improved and worsened metrics as annotations.

    The same rule as `metrics.metric_outcome` (a test checks they agree): a metric's
    gain is the latest value minus the baseline, turned round when smaller is better;
    improved when the gain is more than `metrics.clear_change_margin`, worsened when
    it is less than minus that.
    """
    latest = (
        Measurement.objects.filter(metric=OuterRef("pk"))
        .order_by("-period")
        .values("value")[:1]
    )
    decimal = DecimalField(max_digits=20, decimal_places=6)
    metrics = (
        Metric.objects.filter(pilot=OuterRef(pilot_ref))
        .annotate(latest=Subquery(latest, output_field=decimal))
        .filter(latest__isnull=False)
        .annotate(
            gain=Case(
                When(ascending=True, then=F("latest") - F("baseline_value")),
                default=F("baseline_value") - F("latest"),
                output_field=decimal,
            ),
            margin=Case(
                When(
                    target_value=F("baseline_value"),
                    then=Abs(F("baseline_value"))
                    * Value(CLEAR_SHARE_OF_BASELINE, output_field=decimal),
                ),
                default=Abs(F("target_value") - F("baseline_value"))
                * Value(CLEAR_SHARE_OF_GAP, output_field=decimal),
                output_field=decimal,
            ),
        )
    )

    def count(queryset):
        counted = queryset.values("pilot").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), 0)

    return {
        "measured_metrics": count(metrics),
        "improved_metrics": count(metrics.filter(gain__gt=F("margin"))),
        "worsened_metrics": count(metrics.filter(gain__lt=-F("margin"))),
    }


def outcome_from_counts(*, measured: int, improved: int, worsened: int) -> str | None:
    """`metrics.pilot_outcome` from the counts `outcome_annotations` gives."""
    if not measured:
        return None
    if improved > worsened:
        return IMPROVED
    if worsened > improved:
        return WORSENED
    return NO_CLEAR_CHANGE


# The case-study finder -------------------------------------------------------------------


def case_studies_live() -> QuerySet[CaseStudyPage]:
    """Live, public case studies with what a listing shows, in a fixed number of queries."""
    return (
        CaseStudyPage.objects.live()
        .public()
        .defer("problem", "what_was_done", "lessons_learned", "how_to_replicate")
        .select_related("pilot__lead_organisation")
        .prefetch_related(
            Prefetch(
                "pilot__tagged_items",
                queryset=TaggedPilot.objects.select_related("tag").order_by(
                    "tag__name"
                ),
            )
        )
        .annotate(**outcome_annotations())
    )


def _filter_choices() -> dict:
    """Themes, partners and areas that appear in live case studies (two queries)."""
    live = CaseStudyPage.objects.live().values("pilot_id")
    themes = list(
        Tag.objects.filter(pilots_taggedpilot_items__content_object__in=live)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    # EXISTS, not joins with DISTINCT: at 10,000 pilots the joins made this the
    # slowest query of the page (about 300 ms on PostgreSQL).
    involved = (
        Organisation.objects.filter(
            Q(Exists(live.filter(pilot__lead_organisation=OuterRef("pk"))))
            | Q(
                Exists(
                    PilotPartner.objects.filter(
                        organisation=OuterRef("pk"), pilot__in=live
                    )
                )
            )
        )
        .order_by("name")
        .values_list("slug", "name", "local_authority_area")
    )
    partners, used_areas = [], set()
    for slug, name, area in involved:
        partners.append((slug, name))
        used_areas.add(area)
    areas = [(v, label) for v, label in LocalAuthorityArea.choices if v in used_areas]
    return {"themes": themes, "partners": partners, "areas": areas}


def _text_matches(text: str) -> list[int] | None:
    """Page ids of the case studies the search service finds for the text."""
    # Double quotes are dropped: the database backend turns some texts with them
    # (e.g. 00") into invalid SQLite full-text syntax. The words still match.
    query = query_from_params({"q": text.replace('"', " ")})
    if not query.text:
        return None
    results = search(
        dataclasses.replace(
            query,
            filters={"content_type": ("case-study",)},
            per_page=TEXT_MATCH_LIMIT,
            page=1,
            sort="relevance",
            notices=(),
        )
    )
    return [hit.page_id for hit in results.hits]


def case_study_index_context(
    *, index_page: CaseStudyIndexPage, params: QueryDict
) -> dict:
    choices = _filter_choices()
    finder = CaseStudyFilter(params, queryset=case_studies_live(), **choices)
    finder.is_valid()  # invalid values are dropped from cleaned_data, never raised
    cleaned = {k: v for k, v in finder.form.cleaned_data.items() if v}
    queryset = finder.qs
    text = " ".join(str(params.get("q", "")).split())[:200]
    if text:
        ids = _text_matches(text)
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
    if cleaned.get("sort") == "evidence":
        queryset = queryset.order_by(
            F("pilot__evidence_level").desc(nulls_last=True),
            "-first_published_at",
            "-pk",
        )
    else:
        queryset = queryset.order_by("-first_published_at", "-pk")
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    case_studies = list(page.object_list)
    for case_study in case_studies:
        outcome = outcome_from_counts(
            measured=case_study.measured_metrics,
            improved=case_study.improved_metrics,
            worsened=case_study.worsened_metrics,
        )
        case_study.outcome = outcome
        case_study.outcome_label = OUTCOME_LABELS.get(outcome, "Not measured yet")
    query = QueryDict(mutable=True)
    for name, value in cleaned.items():
        query[name] = value
    if text:
        query["q"] = text
    form = finder.form
    chosen = [
        (form.fields[name].label, dict(form.fields[name].choices).get(value, value))
        for name, value in cleaned.items()
        if name != "sort"
    ]
    if text:
        chosen.insert(0, ("Words", f"“{text}”"))
    return {
        "case_studies": case_studies,
        "page_obj": page,
        "result_count": paginator.count,
        "filter_form": form,
        "text": text,
        "chosen_filters": chosen,
        "querystring": query.urlencode(),
        "is_filtered": bool(chosen),
        "feed_url": index_page.url + index_page.reverse_subpage("feed"),
    }


# A case study ---------------------------------------------------------------------------


def format_number(value: Decimal) -> str:
    """1240.000 -> "1,240"; 6.500 -> "6.5"."""
    text = f"{value.normalize():,f}"
    return "0" if text in ("-0", "") else text


def with_unit(value: Decimal, unit: str) -> str:
    number = format_number(value)
    return f"{number}%" if unit.strip() == "%" else f"{number} {unit}".strip()


def _change_text(s: MetricSummary) -> str:
    metric = s.metric
    if s.change is None:
        return "No measurements yet."
    if s.change.absolute == 0:
        moved = "no change from the baseline"
    else:
        direction = "up" if s.change.absolute > 0 else "down"
        if metric.unit.strip() == "%":
            amount = f"{format_number(abs(s.change.absolute))} percentage points"
        else:
            amount = with_unit(abs(s.change.absolute), metric.unit)
        percent = (
            f" ({abs(s.change.percent):.1f}%)" if s.change.percent is not None else ""
        )
        moved = f"{direction} {amount}{percent} from the baseline"
    return moved


def metric_text_summary(s: MetricSummary) -> str:
    """One paragraph saying what the chart shows, for people who do not see it."""
    metric = s.metric
    better = "Higher" if metric.ascending else "Lower"
    parts = [
        f"{better} is better.",
        f"Baseline {with_unit(metric.baseline_value, metric.unit)} in "
        f"{metric.baseline_date:%B %Y}; target "
        f"{with_unit(metric.target_value, metric.unit)} by {metric.target_date:%B %Y}.",
    ]
    if s.latest_value is None:
        parts.append("No measurements have been recorded yet.")
        return " ".join(parts)
    first = s.measurements[0]
    parts.append(
        f"{len(s.measurements)} measurement{'s' if len(s.measurements) != 1 else ''} "
        f"from {first.period:%B %Y} to {s.latest_period:%B %Y}."
    )
    parts.append(
        f"Latest: {with_unit(s.latest_value, metric.unit)} in {s.latest_period:%B %Y}, "
        f"{_change_text(s)}."
    )
    if s.progress is not None and s.progress.bounded >= 1:
        parts.append("The target has been met.")
    elif s.progress is not None:
        parts.append(f"{s.progress.percent}% of the way to the target.")
    return " ".join(parts)


def metric_result(s: MetricSummary) -> dict:
    """A metric's chart (SVG), its text summary and the rows of its table."""
    metric = s.metric
    text = metric_text_summary(s)
    series = ChartSeries(
        chart_id=f"metric-{metric.pk}",
        title=f"{metric.name} ({metric.unit})",
        unit=metric.unit,
        points=tuple(
            ChartPoint(period=m.period, value=m.value, provisional=m.provisional)
            for m in s.measurements
        ),
        baseline_date=metric.baseline_date,
        baseline_value=metric.baseline_value,
        target_date=metric.target_date,
        target_value=metric.target_value,
        ascending=metric.ascending,
        summary=text,
    )
    outcome = (
        metric_outcome(
            baseline=metric.baseline_value,
            target=metric.target_value,
            latest=s.latest_value,
            ascending=metric.ascending,
        )
        if s.latest_value is not None
        else None
    )
    return {
        "metric": metric,
        "summary": s,
        # metric_chart_svg escapes every text it writes (title, summary, unit).
        "svg": mark_safe(metric_chart_svg(series)),  # noqa: S308
        "text": text,
        "change": _change_text(s),
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS.get(outcome, "Not measured yet"),
        "rows": [
            {
                "period": m.period,
                "value": format_number(m.value),
                "provisional": m.provisional,
                "note": m.note,
            }
            for m in s.measurements
        ],
        "baseline": with_unit(metric.baseline_value, metric.unit),
        "target": with_unit(metric.target_value, metric.unit),
        "latest": with_unit(s.latest_value, metric.unit)
        if s.latest_value is not None
        else "",
    }


def _partner_page(organisation: Organisation) -> PartnerPage | None:
    """The organisation's live profile, when `partner_page` was joined in."""
    try:
        page = organisation.partner_page
    except PartnerPage.DoesNotExist:
        return None
    return page if page.live else None


def case_study_people(*, pilot: Pilot) -> list[dict]:
    """Who was involved: the lead first, then partners (with every role), then adopters."""
    people: dict[int, dict] = {}

    def add(organisation, role):
        row = people.setdefault(
            organisation.pk,
            {
                "organisation": organisation,
                "partner_page": _partner_page(organisation),
                "roles": [],
            },
        )
        if role not in row["roles"]:
            row["roles"].append(role)

    add(pilot.lead_organisation, "Lead organisation")
    partnerships = (
        PilotPartner.objects.filter(pilot=pilot)
        .select_related("organisation__partner_page")
        .order_by("organisation__name", "role")
    )
    for partnership in partnerships:
        add(partnership.organisation, partnership.get_role_display())
    for organisation in pilot.adopters.select_related("partner_page").order_by("name"):
        add(organisation, "Copied the pilot")
    return list(people.values())


def _story(*, pilot: Pilot, case_study: CaseStudyPage) -> dict:
    """How the pilot came about, from the challenge entry to this case study."""
    proposal = pilot.proposal
    entry = proposal.source_entry if proposal else None
    challenge = entry.challenge if entry else None
    events = []
    if challenge is not None:
        events.append((challenge.opens_at.date(), "Urban Challenge opened"))
    if entry is not None and entry.submitted_at:
        events.append(
            (entry.submitted_at.date(), f"{entry.organisation} entered the challenge")
        )
    if proposal is not None and proposal.decided_at:
        events.append((proposal.decided_at.date(), "Pilot proposal approved"))
    if pilot.start_date:
        events.append((pilot.start_date, "Pilot started"))
    if pilot.actual_end_date:
        events.append((pilot.actual_end_date, "Pilot ended"))
    if case_study.first_published_at:
        events.append((case_study.first_published_at.date(), "Case study published"))
    return {
        "challenge": challenge,
        "challenge_live": bool(challenge and challenge.live),
        "entry": entry,
        "proposal": proposal,
        "events": sorted(events, key=lambda e: e[0]),
    }


def lead_contact_for(*, pilot: Pilot) -> Contact | None:
    """The pilot lead, if the site can pass a message to them (never shown)."""
    contact = pilot.lead_contact
    if contact is None or contact.erased_at is not None or not contact.email:
        return None
    return contact


def case_study_json_ld(
    *, case_study: CaseStudyPage, pilot: Pilot, people: list[dict], themes: list[str]
) -> dict:
    """schema.org description of the case study: an Article about the pilot (a Project).

    schema.org's Project (an Organization) has no startDate or endDate, so the pilot's
    dates are the Article's `temporalCoverage`, an ISO 8601 interval ("2025-01-06/..",
    open-ended while the pilot runs). Addresses come from the Site record.
    """
    url = case_study.full_url or ""
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Article",
        "@id": url,
        "headline": case_study.title,
        "description": case_study.summary,
        "url": url,
        "inLanguage": "en-GB",
        "license": OGL_URL,
        "isAccessibleForFree": True,
        "keywords": themes,
        "about": {
            "@type": "Project",
            "name": pilot.title,
            "description": pilot.summary,
        },
        "author": organisation_json_ld(pilot.lead_organisation),
        "publisher": PUBLISHER,
        "contributor": [
            organisation_json_ld(row["organisation"]) for row in people[1:]
        ],
    }
    if case_study.first_published_at:
        data["datePublished"] = case_study.first_published_at.date().isoformat()
    if case_study.last_published_at:
        data["dateModified"] = case_study.last_published_at.date().isoformat()
    if pilot.start_date:
        end = pilot.actual_end_date.isoformat() if pilot.actual_end_date else ".."
        data["temporalCoverage"] = f"{pilot.start_date.isoformat()}/{end}"
    area = pilot.lead_organisation.get_local_authority_area_display()
    if area:
        data["spatialCoverage"] = {"@type": "Place", "name": area}
    return data


def case_study_page_context(*, case_study: CaseStudyPage) -> dict:
    if not case_study.pilot_id:  # an unsaved preview without a pilot chosen
        return {"pilot": None}
    pilot = Pilot.objects.select_related(
        "lead_organisation",
        "lead_contact",
        "proposal__source_entry__challenge",
        "proposal__source_entry__organisation",
    ).get(pk=case_study.pilot_id)
    summaries = pilot_metric_summaries(pilot=pilot)
    results = [metric_result(s) for s in summaries]
    measured = [r["outcome"] for r in results if r["outcome"]]
    outcome = pilot_outcome(measured)
    people = case_study_people(pilot=pilot)
    themes = sorted(pilot.themes.values_list("name", flat=True))
    level = pilot.evidence_level
    return {
        "pilot": pilot,
        "results": results,
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS.get(outcome, "Not measured yet"),
        "improved_count": measured.count(IMPROVED),
        "measured_count": len(measured),
        "people": people,
        "themes": themes,
        "evidence": {
            "level": level,
            # "3: causality shown with a comparison group" -> the words only
            "label": pilot.get_evidence_level_display().split(": ", 1)[-1]
            if level
            else "",
            "explanation": EVIDENCE_EXPLANATIONS.get(level, ""),
            "justification": pilot.evidence_justification,
            "next": pilot.evidence_next_level,
        },
        "story": _story(pilot=pilot, case_study=case_study),
        "lead_contactable": lead_contact_for(pilot=pilot) is not None,
        "structured_data": json_ld_script(
            case_study_json_ld(
                case_study=case_study, pilot=pilot, people=people, themes=themes
            )
        ),
        "ogl_url": OGL_URL,
        "area_label": pilot.lead_organisation.get_local_authority_area_display(),
    }


def _areas_of(organisations) -> str:
    areas = {o.local_authority_area for o in organisations if o.local_authority_area}
    if len(areas) == 1:
        return areas.pop()
    return LocalAuthorityArea.REGION_WIDE if areas else ""


def case_study_search_document_fields(*, case_study: CaseStudyPage) -> dict:
    pilot = Pilot.objects.select_related("lead_organisation").get(
        pk=case_study.pilot_id
    )
    organisations = [pilot.lead_organisation] + [
        p.organisation
        for p in PilotPartner.objects.filter(pilot=pilot).select_related("organisation")
    ]
    # The lead's area when it has one, else the areas of everyone involved.
    area = pilot.lead_organisation.local_authority_area or _areas_of(organisations)
    published = case_study.first_published_at or case_study.last_published_at
    return {
        "content_type": "case-study",
        "title": case_study.title,
        "summary": case_study.summary,
        "body": " ".join(
            [
                pilot.title,
                pilot.summary,
                strip_tags(case_study.problem),
                strip_tags(case_study.what_was_done),
                strip_tags(case_study.lessons_learned),
                strip_tags(case_study.how_to_replicate),
                " ".join(o.name for o in organisations),
            ]
        ),
        "url": case_study.get_url() or "",
        "area": area,
        "status": pilot.status,
        "evidence_level": pilot.evidence_level,
        "date": published.date() if published else None,
        "themes": [(t.slug, t.name) for t in pilot.themes.all()],
    }


# Partners -------------------------------------------------------------------------------


def partners_live() -> QuerySet[PartnerPage]:
    return (
        PartnerPage.objects.live()
        .public()
        .select_related("organisation")
        .defer("profile")
        .order_by("title", "pk")
    )


def partner_index_context(*, index_page: PartnerIndexPage, params: QueryDict) -> dict:
    used = set(
        PartnerPage.objects.live()
        .values_list("organisation__local_authority_area", flat=True)
        .distinct()
    )
    areas = [(v, label) for v, label in LocalAuthorityArea.choices if v in used]
    finder = PartnerFilter(params, queryset=partners_live(), areas=areas)
    finder.is_valid()
    cleaned = {k: v for k, v in finder.form.cleaned_data.items() if v}
    paginator = Paginator(finder.qs, PAGE_SIZE * 2)
    page = paginator.get_page(params.get("page"))
    query = QueryDict(mutable=True)
    for name, value in cleaned.items():
        query[name] = value
    form = finder.form
    chosen = [
        (form.fields[name].label, dict(form.fields[name].choices).get(value, value))
        for name, value in cleaned.items()
    ]
    return {
        "partners": page.object_list,
        "page_obj": page,
        "result_count": paginator.count,
        "filter_form": form,
        "chosen_filters": chosen,
        "querystring": query.urlencode(),
        "is_filtered": bool(chosen),
    }


def partner_json_ld(*, partner: PartnerPage, case_studies: list) -> dict:
    """schema.org description of a partner: the organisation itself, typed by its kind
    (a GovernmentOrganization for councils, police, fire, NHS and the combined
    authority; CollegeOrUniversity, NGO or Organization otherwise), as the main
    entity of its profile page, with the case studies about its pilots."""
    organisation = partner.organisation
    page_url = partner.full_url or ""
    data = {
        "@context": SCHEMA_CONTEXT,
        **organisation_json_ld(organisation),
        "@id": f"{page_url}#organisation",
        "mainEntityOfPage": page_url,
    }
    description = partner.summary or organisation.description
    if description:
        data["description"] = description
    area = organisation.get_local_authority_area_display()
    if area:
        data["areaServed"] = {"@type": "AdministrativeArea", "name": area}
    if case_studies:
        data["subjectOf"] = [
            {"@type": "Article", "headline": c.title, "url": c.full_url}
            for c in case_studies
        ]
    return data


def partner_page_context(*, partner: PartnerPage) -> dict:
    organisation = partner.organisation
    involving = Q(lead_organisation=organisation) | Q(
        partners__organisation=organisation
    )
    live_case_studies = Prefetch(
        "case_studies",
        queryset=CaseStudyPage.objects.live()
        .public()
        .only("pk", "title", "url_path", "pilot"),  # pilot: the prefetch joins on it
        to_attr="live_case_studies",
    )
    pilots = list(
        Pilot.objects.filter(involving)
        .distinct()
        .select_related("lead_organisation")
        .prefetch_related(
            live_case_studies,
            Prefetch(
                "partners",
                queryset=PilotPartner.objects.filter(
                    organisation=organisation
                ).order_by("role"),
                to_attr="roles_here",
            ),
        )
        .order_by("-start_date", "title")
    )
    pilot_rows = []
    for pilot in pilots:
        roles = [p.get_role_display() for p in pilot.roles_here]
        if pilot.lead_organisation_id == organisation.pk:
            roles.insert(0, "Lead organisation")
        pilot_rows.append(
            {
                "pilot": pilot,
                "roles": roles,
                "case_study": pilot.live_case_studies[0]
                if pilot.live_case_studies
                else None,
            }
        )
    case_studies = [row["case_study"] for row in pilot_rows if row["case_study"]]
    adopted = list(
        organisation.adopted_pilots.prefetch_related(live_case_studies).order_by(
            "title"
        )
    )
    return {
        "organisation": organisation,
        "structured_data": json_ld_script(
            partner_json_ld(partner=partner, case_studies=case_studies)
        ),
        "challenges": ChallengePage.objects.live()
        .public()
        .filter(holders=organisation)
        .defer_streamfields()
        .select_related("judging")
        .order_by("-closes_at"),
        "pilot_rows": pilot_rows,
        "case_studies": case_studies,
        "adopted": adopted,
        "contacts": Contact.objects.filter(
            organisation=organisation, is_public=True, erased_at__isnull=True
        ).order_by("name"),
    }


def partner_search_document_fields(*, partner: PartnerPage) -> dict:
    organisation = partner.organisation
    return {
        "content_type": "partner",
        "title": partner.title,
        "summary": partner.summary or organisation.description[:400],
        "body": " ".join(
            [
                organisation.name,
                organisation.get_org_type_display(),
                organisation.description,
                strip_tags(partner.profile),
            ]
        ),
        "url": partner.get_url() or "",
        "area": organisation.local_authority_area,
        "status": "",
        "date": partner.last_published_at.date() if partner.last_published_at else None,
        "themes": [],
    }


# Feeds ----------------------------------------------------------------------------------

FEED_SIZE = 20


def case_studies_for_feed() -> list[CaseStudyPage]:
    return list(
        CaseStudyPage.objects.live()
        .public()
        .defer("problem", "what_was_done", "lessons_learned", "how_to_replicate")
        .select_related("pilot__lead_organisation")
        .prefetch_related("pilot__tagged_items__tag")
        .order_by("-first_published_at", "-pk")[:FEED_SIZE]
    )


def lab_contact_email() -> str:
    return LabSettings.load().contact_email
