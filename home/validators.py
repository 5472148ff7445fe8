"""Text that must stay on one line: names and titles that reach an email's Subject.

A line break in a header value is refused by Django's mail (BadHeaderError, a 500 when
the email is sent) and, were it let through, would let the sender write headers of
their own. So the forms refuse line breaks and control characters in these fields, with
a message beside the field, and email subjects are flattened with `single_line` anyway,
for values stored before the check or written by another door.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Line and paragraph breaks that str.splitlines() knows, beyond the C0/C1 controls.
_BREAKS = "\u2028\u2029"


def _is_forbidden(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _BREAKS


def validate_single_line(value: str) -> None:
    if any(_is_forbidden(char) for char in str(value)):
        raise ValidationError(
            "Enter this on one line, without line breaks, tabs or control characters",
            code="single_line",
        )


def single_line(value: str) -> str:
    """The text with every line break and control character turned into a space."""
    flattened = "".join(" " if _is_forbidden(char) else char for char in str(value))
    return re.sub(r" {2,}", " ", flattened).strip()
