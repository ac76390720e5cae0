"""/insights/: where cities are active and where more work is needed, for all coalitions or one
(`?coalition=`), with each table as CSV. Cached whole like the other public pages: the counts
change only when what the public sees changes."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cities.models import Coalition
from core.page_cache import cached_public_page

from .report import download_rows, insights

# Formulas a spreadsheet would run start with these: such a cell is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _coalition(request):
    """Return the coalition of ?coalition=, None without one, or answer 404 for an unknown."""
    slug = request.GET.get("coalition", "")
    if not slug:
        return None
    coalition = Coalition.objects.filter(slug=slug).first()
    if coalition is None:
        raise Http404
    return coalition


@require_GET
@cached_public_page(params=["coalition"])
def insights_page(request):
    coalition = _coalition(request)
    context = {"coalition": coalition, **insights(coalition)}
    return render(request, "insights/insights.html", context)


def _cell(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else value


@require_GET
@cached_public_page(params=["coalition"])
def insights_csv(request, name):
    coalition = _coalition(request)
    rows = download_rows(name, coalition)
    if rows is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{coalition.slug}" if coalition else ""
    response["Content-Disposition"] = f'attachment; filename="iccar-{name}{suffix}.csv"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response
