"""The shared block set: every StreamField on the site draws from these."""

import html
import re

from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    size = blocks.ChoiceBlock(
        choices=[("h2", "Heading (level 2)"), ("h3", "Subheading (level 3)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class InsetTextBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "doc-full"
        label = "Inset text"
        template = "blocks/inset_text.html"


class WarningTextBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "warning"
        label = "Warning text"
        template = "blocks/warning_text.html"


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=120, help_text="The link text people click")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "collapse-down"
        label = "Details (show and hide)"
        template = "blocks/details.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=150)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class LinkButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen")
    start = blocks.BooleanBlock(
        required=False, help_text="Show as a start button (with an arrow)"
    )

    class Meta:
        icon = "link"
        label = "Button link"
        template = "blocks/link_button.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": blocks.BlockValidationError("Choose a page or give a URL.")
                }
            )
        return value


class TableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(
        max_length=200,
        help_text="Says what the table shows; read out to screen readers",
    )
    table = TypedTableBlock(
        [
            ("text", blocks.CharBlock()),
            ("number", blocks.DecimalBlock()),
            ("rich_text", blocks.RichTextBlock(features=["bold", "italic", "link"])),
        ]
    )

    class Meta:
        icon = "table"
        template = "blocks/table.html"


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="blocks/paragraph.html"
    )
    inset_text = InsetTextBlock()
    warning_text = WarningTextBlock()
    details = DetailsBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    button = LinkButtonBlock()
    table = TableBlock()


_TAGS = re.compile(r"<[^>]+>")


def stream_text(stream) -> str:
    """Plain text of a StreamField value: every block's searchable content, tags removed
    (what the search documents hold for a page's body)."""
    if not stream:
        return ""
    parts = []
    for block in stream:
        parts.extend(block.block.get_searchable_content(block.value))
    text = " ".join(str(p) for p in parts)
    return " ".join(html.unescape(_TAGS.sub(" ", text)).split())
