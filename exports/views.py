"""The downloads: /exports/practices.csv and /exports/practices.xlsx, with the parameters of the
search page. Streamed, never cached: each is as long as the search it answers."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .rows import export_rows

FILE_NAME = "iccar-practices"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Echo:
    """A file-like object whose write() returns what it is given: csv.writer then hands each
    line to the response (Django's documentation, "Streaming large CSV files")."""

    def write(self, value):
        return value


def _csv_lines(params, language):
    # Run as the response is sent, after the view returned: in the visitor's language still.
    with translation.override(language):
        # A byte-order mark first: Excel then opens the file as UTF-8.
        yield "\ufeff"
        writer = csv.writer(Echo())
        for cells in export_rows(params):
            yield writer.writerow(cells)


def _xlsx_cells(cells):
    # Control characters have no place in the XML of a sheet: openpyxl refuses them.
    return [
        ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in cells
    ]


@require_safe
def practices_csv(request):
    response = StreamingHttpResponse(
        _csv_lines(request.GET.copy(), translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAME}.csv"'
    return response


@require_safe
def practices_xlsx(request):
    # Write-only: openpyxl keeps each row on disk as it is appended, not in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="ICCAR")
    for cells in export_rows(request.GET.copy()):
        sheet.append(_xlsx_cells(cells))
    # Deleted when the response closes it.
    file = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=f"{FILE_NAME}.xlsx", content_type=XLSX_TYPE
    )
