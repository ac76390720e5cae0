"""/insights/: where cities are active and where more work is needed, for all coalitions or one
(`?coalition=`), the trends of the practices for all themes or one (`?theme=`), with each table
as CSV. Cached whole like the other public pages: the counts change only when what the public
sees changes."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cities.models import Coalition
from core.page_cache import cached_public_page

from .report import TRENDS, download_rows, find_theme, insights

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


def _theme(request):
    """Return the theme option of ?theme=, None without one, or answer 404 for an unknown."""
    slug = request.GET.get("theme", "")
    if not slug:
        return None
    theme = find_theme(slug)
    if theme is None:
        raise Http404
    return theme


def _query(**params):
    """The query string of the chosen parameters ("?coalition=…&theme=…"), "" without any."""
    chosen = {name: value for name, value in params.items() if value}
    return f"?{urlencode(chosen)}" if chosen else ""


@require_GET
@cached_public_page(params=["coalition", "theme"])
def insights_page(request):
    coalition, theme = _coalition(request), _theme(request)
    context = {
        "coalition": coalition,
        "theme": theme,
        # The downloads carry the choices: the tables the coalition, the trends both.
        "table_query": _query(coalition=coalition and coalition.slug),
        "trend_query": _query(
            coalition=coalition and coalition.slug, theme=theme and theme["slug"]
        ),
        **insights(coalition, theme),
    }
    return render(request, "insights/insights.html", context)


def _cell(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else value


@require_GET
@cached_public_page(params=["coalition", "theme"])
def insights_csv(request, name):
    coalition, theme = _coalition(request), _theme(request)
    rows = download_rows(name, coalition, theme)
    if rows is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{coalition.slug}" if coalition else ""
    if theme is not None and name in TRENDS:
        suffix += f"-{theme['slug']}"
    response["Content-Disposition"] = f'attachment; filename="iccar-{name}{suffix}.csv"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response
