"""Every route of the URLconf, fuzzed: hostile values in every path converter and in the
query string, as an anonymous visitor, a signed-in start-up and a superuser; and a POST
with no body and one holding NUL bytes to every route. Any answer but a 500 will do.

The routes come from the resolver, not a hand-kept list, so a new view is fuzzed the day
it is added (Wagtail's admin, the admin API and the public page API included). Path
converters get only values their regex accepts; the few regex routes (Wagtail's) get
hand values, checked against their regex, and a new regex route fails the walk until it
has some. Run on SQLite and on PostgreSQL (NUL bytes are PostgreSQL's classic failure).
"""

import itertools
import re
import zlib
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

HOSTILE_INTS = ["0", "-1", str(2**63), str(10**30)]
HOSTILE_TEXT = ["\x00", "../..", "x" * 5_000, "'\"<script>", "\u202e", "x"]

# Wagtail's regex routes, filled by hand (each value must match its regex).
REGEX_VALUES = {
    r"^.*/$": ["\x00/", "../../", "x" * 5_000 + "/", "'\"<script>/", "\u202e/"],
    r"^(\d+)/(.*)$": [f"{2**63}/x", "0/\x00", f"{10**30}/../..", "0/'\"<script>"],
    r"^((?:[\w\-]+/)*)$": ["x/", "x" * 5_000 + "/", "x/" * 200, "-/é/", ""],
    (
        r"^(?P<pk>\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\d+)"
        r"\.\.\.(?P<revision_id_b>live|latest|\d+)/$"
    ): [
        f"{2**63}/revisions/compare/live...latest/",
        f"0/revisions/compare/earliest...{10**30}/",
        f"{10**30}/revisions/compare/{2**63}...0/",
    ],
}
# Each pattern is filled this many ways at most, starting at a different hostile value
# per pattern, so every value is used across the URLconf and the walk stays near a minute.
MAX_VARIANTS = 4
# Wagtail's deliberate 500 (a page that raises, to test error reporting): the one route
# whose answer is meant to be a 500.
DELIBERATE_500S = {"wagtailadmin_error_test"}
# Every GET carries hostile query parameters, a different set per user in turn.
QUERY_STRINGS = [
    "q=%00",
    f"q=%22&page={10**30}&sort=%27&search=say%20%22hi",
    "q=%22hello&page=-1&sort=-%27&order=%22&search=%22",
]
# A form body of NUL bytes under the field names the site's forms use.
NUL_BODY = {
    name: "\x00"
    for name in ("q", "email", "password", "name", "title", "question", "username")
}


def _routes(resolver=None, prefix=()):
    """Every view's pattern as the tuple of patterns leading to it."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, (*prefix, pattern.pattern))
        elif pattern.name not in DELIBERATE_500S:
            yield (*prefix, pattern.pattern)


def _segment_values(pattern) -> list[str]:
    """Hostile fillings of one pattern, as already URL-encoded path pieces."""
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        literal = regex.removeprefix("^").removesuffix("$")
        if re.escape(literal) == literal:
            return [literal]  # no groups, no operators: the text itself
        assert regex in REGEX_VALUES, f"regex route {regex!r} needs hand values"
        values = REGEX_VALUES[regex]
        for value in values:
            assert re.fullmatch(regex, value), (regex, value)
        return [quote(v, safe="/") for v in values]
    assert isinstance(pattern, RoutePattern), pattern
    route = str(pattern)
    pieces = re.split(r"<(?:(\w+):)?(\w+)>", route)
    # re.split gives text, converter type, name, text, ...; converters in order.
    converters = list(pattern.converters.values())
    choices = []
    for converter in converters:
        candidates = HOSTILE_INTS + HOSTILE_TEXT
        accepted = [c for c in candidates if re.fullmatch(converter.regex, c)]
        assert accepted, f"no hostile value fits <{converter.regex}> in {route!r}"
        choices.append(accepted)
    if not choices:
        return [route]
    paths = []
    start = zlib.crc32(route.encode())
    for i in range(min(MAX_VARIANTS, max(len(c) for c in choices))):
        text = pieces[0]
        for n, accepted in enumerate(choices):
            value = accepted[(start + i + n) % len(accepted)]
            text += quote(value, safe="") + pieces[3 + 3 * n]
        paths.append(text)
    return paths


def hostile_paths() -> list[str]:
    paths = set()
    for route in _routes():
        for parts in itertools.product(*(_segment_values(p) for p in route)):
            paths.add("/" + "".join(parts))
    return sorted(paths)


@pytest.fixture
def clients(demo_site, django_user_model, settings):
    from django.test import Client

    from tests.factories.challenges import BusinessFactory, member_of

    settings.CHALLENGES_RATE_LIMITS = dict.fromkeys(
        settings.CHALLENGES_RATE_LIMITS, "100000/m"
    )
    settings.OPENDATA_RATE_LIMIT = "100000/m"
    settings.PILOTS_RATE_CONTACT_LEAD = "100000/m"
    cache.clear()
    staff = django_user_model.objects.get(email="admin@impactlab.example")
    assert staff.is_superuser
    startup = member_of(BusinessFactory(name="Fuzz Ltd"))
    yield {
        "anonymous": (Client(), None),
        "staff": (Client(), staff),
        "start-up": (
            Client(),
            startup,
        ),
    }
    cache.clear()


def test_routes_answer_hostile_input_without_a_500(clients):
    paths = hostile_paths()
    assert len(paths) > 300, "the walk found too few routes"
    users = list(clients)
    for client, user in clients.values():
        if user:
            client.force_login(user)

    failures = []

    def send(method, path, user_name, **kwargs):
        client = clients[user_name][0]
        try:
            response = getattr(client, method)(path, **kwargs)
        except Exception as error:  # every 500 is collected
            failures.append((method.upper(), path, user_name, repr(error)[:300]))
            return
        if response.status_code >= 500:
            failures.append(
                (method.upper(), path, user_name, f"status {response.status_code}")
            )

    for i, path in enumerate(paths):
        for n, user_name in enumerate(users):
            query = QUERY_STRINGS[(i + n) % len(QUERY_STRINGS)]
            send("get", f"{path}?{query}", user_name)
        # The POSTs go to one user in turn; a POST may sign out, so sign back in.
        user_name = users[i % len(users)]
        send("post", path, user_name)
        send("post", path, user_name, data=NUL_BODY)
        client, user = clients[user_name]
        if user:
            client.force_login(user)

    shown = "\n".join(
        f"{method} {path[:200]} as {user}: {error}"
        for method, path, user, error in failures
    )
    assert not failures, f"{len(failures)} answers were 500s:\n{shown}"
