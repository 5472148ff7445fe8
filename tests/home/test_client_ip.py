"""The client address every rate limit and sign-in record uses (home.access.client_ip):
REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one saw."""

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from home.access import client_ip
from opendata.http import client_key

PROXY = "10.0.0.5"  # the proxy next to gunicorn: REMOTE_ADDR
OUTER = "10.0.0.9"  # a second proxy in front of it
CLIENT = "203.0.113.7"


def _request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/account/sign-in/", **extra)


class NoTrustedProxyTests:
    def test_remote_addr_whatever_the_header_says(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(_request(remote=CLIENT)) == CLIENT
        assert client_ip(_request(forwarded="198.51.100.1", remote=CLIENT)) == CLIENT

    def test_is_the_default(self, settings):
        assert settings.TRUSTED_PROXY_COUNT == 0
        assert client_ip(_request(forwarded=CLIENT)) == PROXY


class OneTrustedProxyTests:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

    def test_the_address_the_proxy_appended(self):
        assert client_ip(_request(forwarded=CLIENT)) == CLIENT

    def test_a_spoofed_left_entry_is_ignored(self):
        """The client sent X-Forwarded-For itself; the proxy appended the real address."""
        assert client_ip(_request(forwarded=f"198.51.100.1, {CLIENT}")) == CLIENT
        assert client_ip(_request(forwarded=f"1.1.1.1,2.2.2.2,  {CLIENT}")) == CLIENT
        assert client_ip(_request(forwarded=f"127.0.0.1,,{CLIENT}")) == CLIENT

    def test_no_header_is_remote_addr(self):
        """A request that did not come through the proxy (or a proxy that dropped it)."""
        assert client_ip(_request()) == PROXY
        assert client_ip(_request(forwarded="")) == PROXY
        assert client_ip(_request(forwarded=" , ")) == PROXY

    def test_a_port_after_the_address_is_dropped(self):
        assert client_ip(_request(forwarded=f"{CLIENT}:51234")) == CLIENT
        assert client_ip(_request(forwarded="[2001:db8::7]:51234")) == "2001:db8::7"
        assert client_ip(_request(forwarded="2001:db8::7")) == "2001:db8::7"

    def test_an_entry_that_is_no_address_is_remote_addr(self):
        assert client_ip(_request(forwarded="unknown")) == PROXY
        assert client_ip(_request(forwarded=f"{CLIENT}, <script>")) == PROXY


class TwoTrustedProxiesTests:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2

    def test_the_address_the_outer_proxy_saw(self):
        assert client_ip(_request(forwarded=f"{CLIENT}, {OUTER}")) == CLIENT

    def test_a_spoofed_left_entry_is_ignored(self):
        forwarded = f"198.51.100.1, 192.0.2.44, {CLIENT}, {OUTER}"
        assert client_ip(_request(forwarded=forwarded)) == CLIENT

    def test_a_shorter_header_is_remote_addr(self):
        """One entry: the request skipped the outer proxy; its one entry is not to be
        trusted (the client could have written it)."""
        assert client_ip(_request(forwarded=CLIENT)) == PROXY
        assert client_ip(_request()) == PROXY


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class EveryLimitUsesItTests:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

    def _limited(self, request) -> bool:
        return is_ratelimited(
            request,
            group="tests.client_ip",
            key="ip",
            rate="2/h",
            method="POST",
            increment=True,
        )

    def test_django_ratelimit_counts_each_client_apart(self, empty_cache):
        first, second = "203.0.113.1", "203.0.113.2"
        assert [self._limited(_request(forwarded=first)) for _ in range(3)] == [
            False,
            False,
            True,
        ]
        # Same proxy, another client: a count of its own.
        assert not self._limited(_request(forwarded=second))
        # Spoofing a new left-most entry does not buy the first client a new count.
        assert self._limited(_request(forwarded=f"198.51.100.9, {first}"))

    def test_open_data_limit_key(self):
        assert (
            client_key("opendata", _request(forwarded=f"1.1.1.1, {CLIENT}")) == CLIENT
        )

    def test_django_axes_records_it(self):
        assert get_client_ip_address(_request(forwarded=f"1.1.1.1, {CLIENT}")) == CLIENT
