"""The search page: one call, ``run(request.GET)``, gives the page of results, the facets and
the notes to show."""

from dataclasses import dataclass, field, replace

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.pagination import (
    PAGE_SIZE,
    CountedResults,
    last_page_note,
    page_at,
    page_of,
    requested_page_number,
)
from practices.models.matching import FoldedText, has_words, is_postgres, searched_words
from practices.selectors import public_practices

from .cards import show_in_visitors_language
from .facets import build_facets, counts_from_summary, facet_counts
from .filters import FIT_FILTERS, PracticeFilter
from .highlighting import headline_html, highlight, with_headline
from .suggestions import suggest
from .summary import everything_published, matching_entries, newest_ids, summarise


@dataclass
class SearchOutcome:
    """What the search page shows: one page of results, the facets, and notes for the visitor."""

    filterset: object
    page: object
    total: int
    text: str
    sort: str
    typed_text: str = ""
    facets: list = field(default_factory=list)
    suggestion: str | None = None
    notes: list = field(default_factory=list)
    # The visitor's city, for "what fits my city": {size, budget, powers} as chosen.
    fits: dict = field(default_factory=dict)


ORDERINGS = {
    "relevance": ["-rank", "-published_at", "pk"],
    "newest": ["-published_at", "pk"],
    "title": [Lower("title"), "pk"],
    "city": ["city__name", Lower("title"), "pk"],
    "evidence": [F("evidence_level").desc(nulls_last=True), "-published_at", "pk"],
    "adapted": ["-adapted_in", "-published_at", "pk"],
}


def fit_notes(practice, fits):
    """Return why a practice fits the visitor's city, one short note per condition met."""
    notes = []
    if fits.get("budget") and practice.yearly_cost:
        notes.append(_("cost: %(band)s ✓") % {"band": practice.get_yearly_cost_display()})
    if fits.get("size") and practice.population_band:
        notes.append(
            _("ran in a city of %(band)s ✓") % {"band": practice.get_population_band_display()}
        )
    if fits.get("powers"):
        for power in practice.needed_powers():
            notes.append(_("needs: %(power)s ✓") % {"power": power.label})
        if not practice.city_powers:
            notes.append(_("needs no particular power ✓"))
    return notes


def rank(queryset, text):
    """Annotate each practice with `rank`, how well it answers the text (SQLite; PostgreSQL
    ranks the search entries in summarise())."""
    score = Value(0)
    for word in searched_words(text):
        score = score + Case(
            When(folded_title__contains=word, then=Value(3)),
            When(folded_summary__contains=word, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.alias(
        folded_title=FoldedText("title"), folded_summary=FoldedText("summary", "search_extra")
    ).annotate(rank=score)


def _run_postgres(filterset, text, sort, requested_page):
    """Return (page, note, counts) for the search page, in two queries and the page's own."""
    number, note = requested_page_number(requested_page)
    data = filterset.form.cleaned_data
    unfiltered = not text and not any(value for name, value in data.items() if name != "sort")
    if unfiltered:
        # The most visited listing: its counts are those of everything published.
        summary = replace(everything_published(), page_ids=newest_ids(sort, number))
    else:
        summary = summarise(filterset, text, sort, number)
    num_pages = max(1, -(-summary.total // PAGE_SIZE))
    if number > num_pages:
        number, note = num_pages, last_page_note(num_pages)
        if unfiltered:
            summary = replace(summary, page_ids=newest_ids(sort, number))
        else:
            summary = summarise(filterset, text, sort, number)
    practices = public_practices().filter(pk__in=summary.page_ids)
    if text:
        practices = with_headline(practices, text)
    by_id = {practice.pk: practice for practice in practices}
    items = [by_id[pk] for pk in summary.page_ids if pk in by_id]
    page = page_at(Paginator(CountedResults(summary.total, items), PAGE_SIZE), number)
    return page, note, counts_from_summary(filterset, summary)


def run(params):
    """Search the published practices with the GET parameters of the search page."""
    base = public_practices()
    filterset = PracticeFilter(params, queryset=base)
    filterset.is_valid()  # an invalid parameter is left out, with a note
    data = filterset.form.cleaned_data
    notes = []
    form = filterset.form
    for name, errors in form.errors.items():
        for error in errors:
            notes.append(
                _("%(field)s: %(error)s This part of the search was left out.")
                % {"field": form.fields[name].label, "error": error}
            )
    text = data.get("q") or ""
    if text and not has_words(text):
        notes.append(_("Type words to search for: punctuation alone finds nothing."))
        text = ""
    sort = data.get("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    counts = None
    if is_postgres():
        page, page_note, counts = _run_postgres(filterset, text, sort, params.get("page"))
    else:
        queryset = filterset.qs
        if text:
            queryset = with_headline(rank(queryset, text), text)
        page, page_note = page_of(queryset.order_by(*ORDERINGS[sort]), params.get("page"))
    if page_note:
        notes.append(page_note)
    total = page.paginator.count
    for practice in page.object_list:
        if text and is_postgres():
            practice.summary_html = headline_html(practice.headline)
        else:
            practice.summary_html = highlight(practice.summary, text)
    show_in_visitors_language(page.object_list, text)
    fits = {name: data[name] for name in FIT_FILTERS if data.get(name)}
    for practice in page.object_list:
        practice.fit_notes = fit_notes(practice, fits) if fits else []
    outcome = SearchOutcome(
        filterset=filterset,
        page=page,
        total=total,
        text=text,
        sort=sort,
        notes=notes,
        fits=fits,
        # What the visitor typed stays in the box, even when it could not be used.
        typed_text=str(params.get("q", "")).replace("\x00", ""),
    )
    if total:
        if counts is None:
            counts = facet_counts(filterset, base)
        outcome.facets = build_facets(filterset, counts)
    elif text:
        outcome.suggestion = suggest(text)
    return outcome


def matching_ids(params, *, sort=None):
    """Return the ids of every published practice the search page lists for these GET
    parameters, in its order (or in `sort`'s), as a query: not paginated, to be sliced or read
    in chunks (exports, feeds). Invalid parameters are left out, as run() leaves them out."""
    filterset = PracticeFilter(params, queryset=public_practices())
    filterset.is_valid()
    data = filterset.form.cleaned_data
    text = data.get("q") or ""
    if text and not has_words(text):
        text = ""
    # As run() chooses the order.
    sort = sort or data.get("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    if is_postgres():
        return matching_entries(filterset, text, sort)
    queryset = filterset.qs.prefetch_related(None).select_related(None)
    if text:
        queryset = rank(queryset, text)
    return queryset.order_by(*ORDERINGS[sort]).values_list("pk", flat=True)
