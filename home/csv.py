"""The one CSV writer for every CSV the site serves, public and admin.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula, so text that people typed (titles, organisation
names, notes) could open links or run commands on the machine of whoever opens the
download. OWASP's rule: such a text cell gets a leading single quote, which
spreadsheets show as text. Nothing else is changed or stripped.

Numbers stay numbers: an int, float or Decimal is written as it is, and so is text
that is only a plain decimal number ("-16", "-0.5"), as the open-data records and the
measurements export write figures; a negative number is a number, not a formula.

An import that reads back our own exports takes the quote off with
`csv_unquote_cell`.

Every CSV goes through `write_csv_rows` (or `csv_response`, or `CsvSafeExportMixin`
for Wagtail's listing exports). XLSX needs no quote: Wagtail writes each value as a
typed cell and turns what openpyxl takes for a formula back into a string.
"""

import csv
import decimal
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from django.http import HttpResponse
from wagtail.admin.views.generic import IndexView

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_safe_cell(value):
    """One cell, with text a spreadsheet would run as a formula quoted with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | decimal.Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_unquote_cell(text: str) -> str:
    """A cell read back from a CSV this site wrote: the quote `csv_safe_cell` put
    before a formula character comes off, so an export re-imports as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_safe_row(row: Iterable) -> list:
    return [csv_safe_cell(value) for value in row]


def write_csv_rows(file, header: Sequence, rows: Iterable) -> None:
    """Write a header and rows (sequences, or mappings keyed by the header) to file."""
    writer = csv.writer(file)
    writer.writerow(csv_safe_row(header))
    for row in rows:
        if isinstance(row, Mapping):
            extra = set(row) - set(header)
            if extra:
                raise ValueError(f"Row has columns not in the header: {sorted(extra)}")
            row = [row.get(column, "") for column in header]
        writer.writerow(csv_safe_row(row))


def csv_text(header: Sequence, rows: Iterable) -> str:
    out = io.StringIO()
    write_csv_rows(out, header, rows)
    return out.getvalue()


def csv_response(
    filename: str, header: Sequence, rows: Iterable, *, private: bool = False
) -> HttpResponse:
    """A CSV download; `private` adds `Cache-Control: private, no-store`."""
    response = HttpResponse(
        csv_text(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


class CsvSafeExportMixin:
    """For a Wagtail view with `list_export` (SpreadsheetExportMixin): every CSV
    cell, headings included, goes through `csv_safe_cell`."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_safe_cell(
                    self.preprocess_field_value(field, value, self.FORMAT_CSV)
                )
                for field, value in row_dict.items()
            }
        )

    def get_heading(self, queryset, field):
        heading = super().get_heading(queryset, field)
        if self.is_export and self.request.GET.get("export") == self.FORMAT_CSV:
            return csv_safe_cell(heading)
        return heading


class CsvSafeIndexView(CsvSafeExportMixin, IndexView):
    """The index view for a ModelViewSet with `list_export`."""
