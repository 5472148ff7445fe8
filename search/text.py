import html
import re

_TAGS = re.compile(r"<[^>]+>")


def stream_text(stream) -> str:
    """Plain text of a StreamField value: every block's searchable content, tags removed."""
    if not stream:
        return ""
    parts = []
    for block in stream:
        parts.extend(block.block.get_searchable_content(block.value))
    text = " ".join(str(p) for p in parts)
    return " ".join(html.unescape(_TAGS.sub(" ", text)).split())
