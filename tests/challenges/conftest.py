import pytest
from django.core.cache import cache

from tests.factories.challenges import (
    BusinessFactory,
    ChallengeIndexPageFactory,
    challenge_with_criteria,
    member_of,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def index_page(demo_site):
    page = ChallengeIndexPageFactory(parent=demo_site)
    page.save_revision().publish()
    return page


@pytest.fixture
def challenge(index_page):
    return challenge_with_criteria(
        index_page, title="Damp and mould", slug="damp-and-mould"
    )


@pytest.fixture
def startup():
    organisation = BusinessFactory(name="Damp Sense Ltd")
    user = member_of(organisation)
    return organisation, user


@pytest.fixture
def other_startup():
    organisation = BusinessFactory(name="Rival Ltd")
    user = member_of(organisation)
    return organisation, user
