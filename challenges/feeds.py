"""The RSS feed of open Urban Challenges (/challenges/feed/), built with Django's
syndication framework: one item per live, public challenge open for entries, newest
opened first. A fixed number of queries whatever the number of challenges. Every
address is absolute, from the Site record (kept at WAGTAILADMIN_BASE_URL), never from
the Host header of whoever asked."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from home.selectors import site_root_url

from .models import ChallengeIndexPage, ChallengePage
from .selectors import challenge_list

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class FeedSource:
    request: HttpRequest
    index_page: ChallengeIndexPage | None


class OpenChallengesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "Open Urban Challenges: West Midlands Public Impact Lab"
    description = (
        "Public-service problems from the region's councils, police, fire and NHS "
        "partners that start-ups and small businesses can enter now."
    )
    feed_copyright = f"Published under the {OGL}"
    language = "en-GB"

    def get_object(self, request, *args, **kwargs) -> FeedSource:
        return FeedSource(
            request=request,
            index_page=ChallengeIndexPage.objects.live().public().first(),
        )

    def link(self, obj: FeedSource) -> str:
        if obj.index_page is None:
            return site_root_url(obj.request) + "/"
        return f"{obj.index_page.get_full_url(request=obj.request)}?status=open"

    def feed_url(self, obj: FeedSource) -> str:
        return site_root_url(obj.request) + reverse("challenges_feed")

    def items(self, obj: FeedSource) -> list[ChallengePage]:
        challenges = list(challenge_list(status="open").order_by("-opens_at", "pk"))
        for challenge in challenges:
            # Item methods see only the item: keep its address, worked out once.
            challenge.feed_url = challenge.get_full_url(request=obj.request)
        return challenges

    def item_title(self, item: ChallengePage) -> str:
        return item.title

    def item_description(self, item: ChallengePage) -> str:
        closes = timezone.localtime(item.closes_at)
        parts = [item.summary, f"Entries close {closes:%-d %B %Y, %H:%M}."]
        if item.funding_amount:
            parts.append(f"Funding up to £{item.funding_amount:,}.")
        return " ".join(parts)

    def item_link(self, item: ChallengePage) -> str:
        return item.feed_url

    def item_pubdate(self, item: ChallengePage):
        return item.opens_at

    def item_updateddate(self, item: ChallengePage):
        return item.last_published_at

    def item_categories(self, item: ChallengePage) -> list[str]:
        return [tagged.tag.name for tagged in item.tagged_items.all()]
