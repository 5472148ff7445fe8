"""Bulk data for benchmarks and scale tests: `manage.py generate_load_data --pilots N`.

For N pilots it makes about N/20 organisations, N/10 Urban Challenges with three entries
each, 2 to 4 metrics per pilot with 12 to 24 monthly measurements, a case study for every
completed pilot and a partnership profile for every organisation. Everything is drawn
from one seeded random generator, so two runs with the same seed make the same data.

Speed comes from bulk inserts for the records and from building page paths by hand
(treebeard's own path arithmetic, the parent's child count updated once at the end).
Search indexing, Wagtail's model index and the page cache's per-save invalidation are
switched off while loading and rebuilt once at the end.

Generated records are recognisable by the `load-` prefix of their slugs; `--replace`
deletes them before loading again.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.core.management.base import OutputWrapper
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from challenges.models import (
    AssessmentCriterion,
    ChallengeIndexPage,
    ChallengePage,
    ChallengePageTag,
    Entry,
    Judging,
)
from home import page_cache
from home.models import LocalAuthorityArea, Organisation
from pilots.demo_content import PILOTS as DEMO_PILOTS
from pilots.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    Contact,
    Measurement,
    Metric,
    PartnerIndexPage,
    PartnerPage,
    PartnerRole,
    Pilot,
    PilotPartner,
    TaggedPilot,
)

PREFIX = "load-"
BATCH = 2000
THEMES = [
    "Safer communities",
    "Health and wellbeing",
    "Housing",
    "Skills and employment",
    "Prevention",
    "Net zero",
    "Innovation",
]
PUBLIC_TYPES = [
    Organisation.Type.COUNCIL,
    Organisation.Type.POLICE,
    Organisation.Type.FIRE,
    Organisation.Type.NHS,
    Organisation.Type.UNIVERSITY,
    Organisation.Type.VOLUNTARY,
]
AREAS = [a for a in LocalAuthorityArea.values if a != LocalAuthorityArea.REGION_WIDE]
# Shares of pilots by status (completed ones get case studies).
STATUS_WEIGHTS = [
    (Pilot.Status.SETTING_UP, 10),
    (Pilot.Status.RUNNING, 35),
    (Pilot.Status.EVALUATING, 15),
    (Pilot.Status.COMPLETED, 35),
    (Pilot.Status.STOPPED, 5),
]
TODAY = datetime.date(2026, 11, 1)
DEMO_METRICS = list({m[0]: m for spec in DEMO_PILOTS for m in spec["metrics"]}.values())


class Progress:
    """A one-line text progress bar on `stdout`."""

    def __init__(self, stdout, label: str, total: int, width: int = 30):
        self.stdout, self.label, self.total, self.width = stdout, label, total, width

    def update(self, done: int) -> None:
        filled = int(self.width * done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= self.total else ""
        self.stdout.write(f"\r{self.label:<14} [{bar}] {done}/{self.total}", ending=end)
        self.stdout.flush()


@contextlib.contextmanager
def indexing_deferred() -> Iterator[None]:
    """Switch off per-save search indexing and page-cache invalidation while loading."""
    from modelsearch import index as model_index
    from modelsearch.signal_handlers import (
        post_delete_signal_handler,
        post_save_signal_handler,
    )

    indexed = [
        m
        for m in model_index.get_indexed_models()
        if getattr(m, "search_auto_update", True)
    ]
    for model in indexed:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    for signal in (post_save, post_delete, m2m_changed):
        signal.disconnect(dispatch_uid="page-cache-model")
    try:
        yield
    finally:
        for model in indexed:
            post_save.connect(post_save_signal_handler, sender=model)
            post_delete.connect(post_delete_signal_handler, sender=model)
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(page_cache.model_changed, dispatch_uid="page-cache-model")
        page_cache.bump_generation()


def _batched(make: Callable[[int], object], count: int, progress: Progress) -> list:
    """Build `count` unsaved objects with `make(i)` and bulk-insert them in batches."""
    saved = []
    chunk = []
    for i in range(count):
        chunk.append(make(i))
        if len(chunk) == BATCH or i == count - 1:
            model = type(chunk[0])
            saved.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
            chunk = []
            progress.update(i + 1)
    return saved


class PageAppender:
    """Adds many pages under one parent without a query per page for the tree."""

    def __init__(self, parent: Page):
        self.parent = parent
        self.next_step = parent.numchild + 1
        last = parent.get_last_child()
        if last is not None:
            self.next_step = Page._str2int(last.path[-Page.steplen :]) + 1
        self.added = 0

    def add(self, page: Page) -> Page:
        page.depth = self.parent.depth + 1
        page.path = Page._get_path(self.parent.path, page.depth, self.next_step)
        page.numchild = 0
        page._cached_parent_obj = self.parent  # treebeard's get_parent() reads it
        page.locale_id = self.parent.locale_id
        page.draft_title = page.title
        page.save(clean=False)
        self.next_step += 1
        self.added += 1
        return page

    def finish(self) -> None:
        Page.objects.filter(pk=self.parent.pk).update(
            numchild=F("numchild") + self.added
        )


class LoadData:
    def __init__(self, *, pilots: int, seed: int, stdout):
        self.n = pilots
        self.rng = random.Random(seed)
        # A management command's stdout; a plain stream is wrapped to behave as one.
        self.stdout = (
            stdout if isinstance(stdout, OutputWrapper) else OutputWrapper(stdout)
        )
        self.now = timezone.now()

    # -- records --------------------------------------------------------------------

    def organisations(self) -> tuple[list[Organisation], list[Organisation]]:
        rng = self.rng
        public_count = max(40, self.n // 25)
        business_count = max(20, self.n // 100)

        def make(i: int) -> Organisation:
            if i < public_count:
                org_type = rng.choice(PUBLIC_TYPES)
                area = rng.choice(AREAS)
                name = f"{LocalAuthorityArea(area).label} {org_type.label} {i}"
            else:
                org_type, area = Organisation.Type.BUSINESS, rng.choice(AREAS)
                name = f"Civic Tech Start-up {i} Ltd"
            return Organisation(
                name=name,
                slug=f"{PREFIX}org-{i}",
                org_type=org_type,
                local_authority_area=area,
                description=f"{name}: a partner in the region's public-service reform.",
            )

        orgs = _batched(
            make,
            public_count + business_count,
            Progress(self.stdout, "organisations", public_count + business_count),
        )
        return orgs[:public_count], orgs[public_count:]

    def contacts(self, public: list[Organisation]) -> list[Contact]:
        def make(i: int) -> Contact:
            return Contact(
                name=f"Pilot Lead {i}",
                job_title="Service manager",
                organisation=public[i % len(public)],
                email=f"lead{i}@{PREFIX}contacts.example",
                is_public=i % 3 == 0,
                lawful_basis=Contact.LawfulBasis.PUBLIC_TASK,
                lawful_basis_recorded_at=self.now,
            )

        count = max(20, self.n // 10)
        return _batched(make, count, Progress(self.stdout, "contacts", count))

    def pilots(self, public, contacts) -> list[Pilot]:
        rng = self.rng
        statuses = [s for s, _ in STATUS_WEIGHTS]
        weights = [w for _, w in STATUS_WEIGHTS]

        def make(i: int) -> Pilot:
            demo = DEMO_PILOTS[i % len(DEMO_PILOTS)]
            status = rng.choices(statuses, weights)[0]
            start = datetime.date(2023 + rng.randrange(3), rng.randrange(1, 13), 1)
            ended = status in (Pilot.Status.COMPLETED, Pilot.Status.STOPPED)
            budget = Decimal(rng.randrange(40, 500) * 1000)
            return Pilot(
                title=f"{demo['title']} ({PREFIX}{i})",
                summary=demo["summary"],
                status=status,
                lead_organisation=rng.choice(public),
                lead_contact=rng.choice(contacts),
                start_date=start,
                planned_end_date=start + datetime.timedelta(days=730),
                actual_end_date=start + datetime.timedelta(days=720) if ended else None,
                approved_budget=budget,
                spend_to_date=(budget * Decimal("0.6")).quantize(Decimal("1")),
                evidence_level=rng.randint(1, 4),
                evidence_justification=demo["justification"],
                evidence_next_level=demo["next"],
            )

        return _batched(make, self.n, Progress(self.stdout, "pilots", self.n))

    def themes(self) -> list[Tag]:
        tags = []
        for name in THEMES:
            tag = Tag.objects.filter(name=name).first()
            tags.append(tag or Tag.objects.create(name=name))
        return tags

    def pilot_links(self, pilots, public, themes) -> None:
        rng = self.rng
        links = [
            (p, org, role)
            for p in pilots
            for org, role in {
                (rng.choice(public).pk, rng.choice(PartnerRole.values))
                for _ in range(rng.randint(2, 4))
            }
        ]
        _batched(
            lambda i: PilotPartner(
                pilot=links[i][0], organisation_id=links[i][1], role=links[i][2]
            ),
            len(links),
            Progress(self.stdout, "partners", len(links)),
        )
        tagged = [
            (p, tag) for p in pilots for tag in rng.sample(themes, rng.randint(1, 2))
        ]
        _batched(
            lambda i: TaggedPilot(content_object=tagged[i][0], tag=tagged[i][1]),
            len(tagged),
            Progress(self.stdout, "pilot themes", len(tagged)),
        )

    def metrics(self, pilots) -> list[Metric]:
        rng = self.rng
        specs = []
        for index, pilot in enumerate(pilots):
            # The first pilot is the benchmark's case study: 4 metrics of 24 months.
            count = 4 if index == 0 else rng.randint(2, 4)
            specs.extend((pilot, m) for m in rng.sample(DEMO_METRICS, count))

        def make(i: int) -> Metric:
            pilot, m = specs[i]
            name, unit, ascending, baseline, target, _dp, definition, source = m
            return Metric(
                pilot=pilot,
                name=name,
                unit=unit,
                ascending=ascending,
                baseline_value=Decimal(str(baseline)),
                baseline_date=pilot.start_date - datetime.timedelta(days=31),
                target_value=Decimal(str(target)),
                target_date=pilot.start_date + datetime.timedelta(days=730),
                definition=definition,
                data_source=source,
                frequency=Metric.Frequency.MONTHLY,
            )

        return _batched(make, len(specs), Progress(self.stdout, "metrics", len(specs)))

    def measurements(self, metrics) -> int:
        rng = self.rng
        first_pilot = metrics[0].pilot_id
        total = 0
        chunk: list[Measurement] = []
        progress = Progress(self.stdout, "measurements", len(metrics))
        for done, metric in enumerate(metrics, start=1):
            if metric.pilot.status == Pilot.Status.SETTING_UP:
                months = 0
            elif metric.pilot_id == first_pilot:
                months = 24
            else:
                months = rng.randint(12, 24)
            baseline, target = float(metric.baseline_value), float(metric.target_value)
            reach = rng.uniform(-0.2, 1.1)
            for month in range(months):
                share = reach * (month + 1) / months
                value = baseline + (target - baseline) * share
                value *= rng.uniform(0.95, 1.05)
                year, mon = divmod(metric.pilot.start_date.month - 1 + month, 12)
                chunk.append(
                    Measurement(
                        metric=metric,
                        period=datetime.date(
                            metric.pilot.start_date.year + year, mon + 1, 1
                        ),
                        value=Decimal(f"{max(value, 0):.1f}"),
                    )
                )
            if len(chunk) >= BATCH or done == len(metrics):
                Measurement.objects.bulk_create(chunk, batch_size=BATCH)
                total += len(chunk)
                chunk = []
                progress.update(done)
        return total

    # -- pages ----------------------------------------------------------------------

    def challenges(self, public, businesses, themes) -> list[ChallengePage]:
        rng = self.rng
        index = ChallengeIndexPage.objects.get()
        appender = PageAppender(index)
        count = max(10, self.n // 10)
        progress = Progress(self.stdout, "challenges", count)
        pages = []
        holder_links, tag_links, criteria, entries = [], [], [], []
        judgings = []
        for i in range(count):
            opens = self.now - datetime.timedelta(days=rng.randrange(-30, 900))
            closes = opens + datetime.timedelta(days=rng.randrange(30, 75))
            demo = DEMO_PILOTS[i % len(DEMO_PILOTS)]
            page = appender.add(
                ChallengePage(
                    title=f"How might we: {demo['title'].lower()}? ({i})",
                    slug=f"{PREFIX}challenge-{i}",
                    summary=demo["summary"],
                    problem=json.dumps(
                        [{"type": "paragraph", "value": f"<p>{demo['summary']}</p>"}]
                    ),
                    eligibility="<p>UK-registered start-ups and SMEs.</p>",
                    funding_amount=rng.randrange(20, 120) * 1000,
                    opens_at=opens,
                    questions_close_at=closes - datetime.timedelta(days=10),
                    closes_at=closes,
                    decision_expected=(closes + datetime.timedelta(days=30)).date(),
                    live=True,
                    first_published_at=opens,
                    last_published_at=opens,
                )
            )
            pages.append(page)
            if closes < self.now - datetime.timedelta(days=60):
                # Bulk rows, as for the entries below: load data, not a judging round.
                judgings.append(Judging(challenge=page, state=Judging.State.AWARDED))
            for holder in rng.sample(public, rng.randint(1, 2)):
                holder_links.append(
                    ChallengePage.holders.through(
                        challengepage_id=page.pk, organisation_id=holder.pk
                    )
                )
            for tag in rng.sample(themes, rng.randint(1, 2)):
                tag_links.append(ChallengePageTag(content_object=page, tag=tag))
            for sort, (title, weight) in enumerate(
                [("Impact", 40), ("Evidence", 30), ("Deliverability", 30)]
            ):
                criteria.append(
                    AssessmentCriterion(
                        page=page,
                        sort_order=sort,
                        title=title,
                        weight=weight,
                        guidance="What a good answer covers.",
                    )
                )
            if closes < self.now:
                for org in rng.sample(businesses, min(3, len(businesses))):
                    entries.append(
                        Entry(
                            challenge=page,
                            organisation=org,
                            title=f"{org.name} for challenge {i}",
                            summary="A digital service the challenge holders can run.",
                            status=Entry.Status.SUBMITTED,
                            submitted_at=closes - datetime.timedelta(days=1),
                            declaration_eligibility=True,
                            declaration_data_protection=True,
                        )
                    )
            if (i + 1) % 100 == 0 or i + 1 == count:
                progress.update(i + 1)
        appender.finish()
        ChallengePage.holders.through.objects.bulk_create(holder_links, BATCH)
        ChallengePageTag.objects.bulk_create(tag_links, BATCH)
        AssessmentCriterion.objects.bulk_create(criteria, BATCH)
        Entry.objects.bulk_create(entries, BATCH)
        Judging.objects.bulk_create(judgings, BATCH)
        return pages

    def case_studies(self, pilots) -> int:

        index = CaseStudyIndexPage.objects.get()
        appender = PageAppender(index)
        completed = [p for p in pilots if p.status == Pilot.Status.COMPLETED]
        # The benchmark's case study (4 metrics of 24 months) is always the first.
        if pilots[0].status != Pilot.Status.COMPLETED:
            completed.insert(0, pilots[0])
        progress = Progress(self.stdout, "case studies", len(completed))
        for i, pilot in enumerate(completed):
            demo = DEMO_PILOTS[i % len(DEMO_PILOTS)]
            published = self.now - datetime.timedelta(days=len(completed) - i)
            appender.add(
                CaseStudyPage(
                    title=pilot.title,
                    slug=f"{PREFIX}case-study-{pilot.pk}",
                    pilot=pilot,
                    summary=pilot.summary,
                    problem=f"<p>{demo['summary']}</p>",
                    what_was_done=f"<p>{demo['justification']}</p>",
                    lessons_learned=f"<p>{demo['next']}</p>",
                    how_to_replicate="<p>Start with the data-sharing agreement.</p>",
                    live=True,
                    first_published_at=published,
                    last_published_at=published,
                )
            )
            if (i + 1) % 100 == 0 or i + 1 == len(completed):
                progress.update(i + 1)
        appender.finish()
        return len(completed)

    def partner_pages(self, organisations) -> int:

        index = PartnerIndexPage.objects.get()
        appender = PageAppender(index)
        progress = Progress(self.stdout, "partner pages", len(organisations))
        for i, org in enumerate(organisations):
            appender.add(
                PartnerPage(
                    title=org.name,
                    slug=org.slug,
                    organisation=org,
                    summary=org.description,
                    live=True,
                    first_published_at=self.now,
                    last_published_at=self.now,
                )
            )
            if (i + 1) % 100 == 0 or i + 1 == len(organisations):
                progress.update(i + 1)
        appender.finish()
        return len(organisations)

    def run(self) -> dict[str, int]:
        with indexing_deferred(), transaction.atomic():
            public, businesses = self.organisations()
            contacts = self.contacts(public)
            themes = self.themes()
            pilots = self.pilots(public, contacts)
            self.pilot_links(pilots, public, themes)
            metrics = self.metrics(pilots)
            measurements = self.measurements(metrics)
            challenges = self.challenges(public, businesses, themes)
            case_studies = self.case_studies(pilots)
            partners = self.partner_pages(public)
        return {
            "organisations": len(public) + len(businesses),
            "pilots": len(pilots),
            "metrics": len(metrics),
            "measurements": measurements,
            "challenges": len(challenges),
            "case studies": case_studies,
            "partner pages": partners,
        }


@transaction.atomic
def load_data_delete() -> None:
    """Remove everything a previous `generate_load_data` made, in foreign-key order."""
    with indexing_deferred():
        Entry.objects.filter(organisation__slug__startswith=PREFIX).delete()
        Page.objects.filter(slug__startswith=PREFIX, depth__gt=2).delete()
        pilots = Pilot.objects.filter(title__contains=f"({PREFIX}")
        Measurement.objects.filter(metric__pilot__in=pilots).delete()
        Metric.objects.filter(pilot__in=pilots).delete()
        pilots.delete()
        Contact.objects.filter(email__contains=f"@{PREFIX}").delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()


def load_data_exists() -> bool:
    return Organisation.objects.filter(slug__startswith=PREFIX).exists()
