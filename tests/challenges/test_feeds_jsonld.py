"""The RSS feed of open challenges, schema.org JSON-LD on challenge briefs and the Open
Government Licence notice on published pages, read the way machines read them."""

import datetime
import json
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from django.utils import timezone
from wagtail.models import Site

from home.structured_data import OGL_URL
from tests.factories.challenges import ChallengePageFactory
from tests.factories.pilots import PublicBodyFactory

pytestmark = pytest.mark.django_db

FEED = "/challenges/feed/"


def _open(index_page, title, *, opened_days_ago=10, **kwargs):
    now = timezone.now()
    return ChallengePageFactory(
        parent=index_page,
        title=title,
        opens_at=now - timedelta(days=opened_days_ago),
        questions_close_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=20),
        **kwargs,
    )


def _items(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.findall("./channel/item")


class OpenChallengesFeedTests:
    def test_lists_only_open_challenges_newest_opened_first(self, client, index_page):
        older = _open(index_page, "Damp and mould", opened_days_ago=20)
        older.themes.add("Housing", "Prevention")
        older.save()
        _open(index_page, "Safer streets at night", opened_days_ago=2)
        now = timezone.now()
        ChallengePageFactory(
            parent=index_page,
            title="Upcoming",
            opens_at=now + timedelta(days=3),
            questions_close_at=now + timedelta(days=10),
            closes_at=now + timedelta(days=30),
        )
        ChallengePageFactory(
            parent=index_page,
            title="Closed",
            opens_at=now - timedelta(days=40),
            questions_close_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=20),
        )
        _open(index_page, "Unpublished").unpublish()

        response = client.get(FEED)
        items = _items(response)
        assert [i.findtext("title") for i in items] == [
            "Safer streets at night",
            "Damp and mould",
        ]
        damp = items[1]
        # Absolute addresses come from the Site record, never the request's Host.
        assert damp.findtext("link") == older.get_full_url()
        assert damp.findtext("link").startswith(Site.objects.get().root_url + "/")
        assert damp.findtext("guid") == damp.findtext("link")
        assert sorted(c.text for c in damp.findall("category")) == [
            "Housing",
            "Prevention",
        ]
        published = parsedate_to_datetime(damp.findtext("pubDate"))
        assert abs(published - older.opens_at) < timedelta(seconds=1)
        assert "Entries close" in damp.findtext("description")
        assert "Funding up to £50,000." in damp.findtext("description")

        channel = ET.fromstring(response.content).find("channel")
        assert channel.findtext("link") == f"{index_page.get_full_url()}?status=open"
        assert "Open Government Licence v3.0" in channel.findtext("copyright")
        assert channel.findtext("language") == "en-GB"

    def test_the_challenge_index_links_the_feed(self, client, index_page):
        soup = BeautifulSoup(client.get("/challenges/").content, "html.parser")
        link = soup.find("link", rel="alternate", type="application/rss+xml")
        assert link["href"] == FEED
        assert soup.find("main").find("a", href=FEED)

    # Measured by running this test with django_assert_num_queries(0) at both sizes and
    # reading the count pytest-django reported: 6 at 10 and at 200 challenges (the
    # index page and its view-restriction check, the site for the page addresses, the
    # challenges and their view-restriction check, their themes).
    @pytest.mark.parametrize("n", [10, 200])
    def test_query_count_does_not_grow(
        self, client, index_page, django_assert_num_queries, n
    ):
        for i in range(n):
            _open(index_page, f"Challenge {i}").themes.add("Housing")
        client.get(FEED)  # warm-up: site root paths are cached
        with django_assert_num_queries(6):
            items = _items(client.get(FEED))
        assert len(items) == n


def _json_ld(response) -> dict:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


class ChallengeJsonLdTests:
    def test_describes_the_brief_and_its_funding(self, client, challenge):
        holder = PublicBodyFactory(
            name="Sandwell Council",
            org_id="GB-EXAMPLE-0001",
            website="https://sandwell.example",
        )
        challenge.holders.add(holder)
        challenge.themes.add("Housing")
        challenge.save_revision().publish()
        challenge.refresh_from_db()

        data = _json_ld(client.get(challenge.url))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "WebPage"
        url = challenge.get_full_url()
        assert data["url"] == data["@id"] == url
        assert data["name"] == "Damp and mould"
        assert data["description"] == challenge.summary
        assert data["license"] == OGL_URL
        assert data["keywords"] == ["Housing"]
        assert data["inLanguage"] == "en-GB"
        grant = data["mainEntity"]
        assert grant["@type"] == "MonetaryGrant"
        assert grant["amount"] == {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "maxValue": 50000,
        }
        assert grant["sponsor"] == [
            {
                "@type": "GovernmentOrganization",
                "name": "Sandwell Council",
                "url": "https://sandwell.example",
                "identifier": "GB-EXAMPLE-0001",
            }
        ]
        action = grant["potentialAction"]
        assert action["@type"] == "ApplyAction"
        assert action["target"] == url
        # ISO 8601 to the millisecond (Django's JSON encoder).
        for key, expected in (
            ("startTime", challenge.opens_at),
            ("endTime", challenge.closes_at),
        ):
            moment = datetime.datetime.fromisoformat(action[key])
            assert abs(moment - expected) < timedelta(milliseconds=1), key

    def test_editors_text_cannot_break_out_of_the_script(self, client, index_page):
        title = 'Safer streets</script><script>alert("x")</script> & more'
        challenge = _open(index_page, title, summary="<b>bold</b> & 'quoted'")
        response = client.get(challenge.url)
        html = response.content.decode()
        head = html[html.index('<script type="application/ld+json">') :]
        block = head[: head.index("</script>")]
        assert "<" not in block.removeprefix('<script type="application/ld+json">')
        data = _json_ld(response)
        assert data["name"] == title
        assert data["description"] == "<b>bold</b> & 'quoted'"


class OpenGovernmentLicenceTests:
    def test_every_published_page_type_carries_the_notice(
        self, client, demo_site, index_page, challenge
    ):
        for url in ["/", "/about/", "/challenges/", challenge.url]:
            soup = BeautifulSoup(client.get(url).content, "html.parser")
            licence = soup.find("a", rel="license")
            assert licence is not None, url
            assert licence["href"] == OGL_URL, url
            assert "Open Government Licence v3.0" in licence.get_text(), url
