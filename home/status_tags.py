"""Status-to-tag colours, declared by each app over its own choices.

An app registers the statuses it shows with the `register_status_tags` Wagtail hook,
returning one or more `StatusTags`; templates show one with
`{% status_tag "proposal" proposal.status %}` (home/templatetags/lab_tags.py), so the
colour of a status is decided once, next to its choices, and never in a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from wagtail import hooks

# The colours GOV.UK Frontend's tag offers ("" is the plain tag).
COLOURS = frozenset(
    ("", "grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red")
    + ("orange", "yellow")
)


@dataclass(frozen=True)
class StatusTags:
    kind: str
    choices: Iterable[tuple[str, str]]  # (value, label), e.g. a TextChoices' .choices
    colours: Mapping[str, str]  # value -> colour; values left out get `default`
    default: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (set(self.colours.values()) | {self.default}) - COLOURS
        if unknown:
            raise ValueError(f"{self.kind}: not GOV.UK tag colours: {sorted(unknown)}")
        object.__setattr__(self, "labels", {**dict(self.choices), **self.labels})

    def colour(self, value: str) -> str:
        return self.colours.get(value, self.default)

    def label(self, value: str) -> str:
        return self.labels.get(value, str(value))


@cache
def registry() -> dict[str, StatusTags]:
    found: dict[str, StatusTags] = {}
    for fn in hooks.get_hooks("register_status_tags"):
        result = fn()
        for tags in [result] if isinstance(result, StatusTags) else result:
            if tags.kind in found:
                raise ValueError(f"status tags {tags.kind!r} registered twice")
            found[tags.kind] = tags
    return found


def status_tags(kind: str) -> StatusTags:
    try:
        return registry()[kind]
    except KeyError:
        raise LookupError(f"no status tags registered as {kind!r}") from None
