"""Pages of results: twenty at a time, and a clear note instead of an error when a visitor asks
for a page that does not exist."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

PAGE_SIZE = 20
# No listing has this many pages: a larger number means "the last page", and never reaches the
# database (PostgreSQL refuses an OFFSET beyond a 64-bit integer).
MAX_PAGE_NUMBER = 1_000_000


def requested_page_number(requested):
    """Return (page number, note): a bad number means the first page, with a note why."""
    try:
        number = int(requested) if requested not in (None, "") else 1
    except (TypeError, ValueError):
        return 1, _("That page number was not understood; showing the first page.")
    if number < 1:
        return 1, _("Pages start at 1; showing the first page.")
    return min(number, MAX_PAGE_NUMBER), None


def last_page_note(num_pages):
    return ngettext(
        "There is only one page; showing it.",
        "There are only %(count)s pages; showing the last one.",
        num_pages,
    ) % {"count": num_pages}


def page_of(queryset, requested, count=None):
    """Return (page, note): a bad or out-of-range page number shows the nearest page.

    `count`, when known already, saves counting the queryset.
    """
    paginator = Paginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    number, note = requested_page_number(requested)
    if number > paginator.num_pages:
        number, note = paginator.num_pages, last_page_note(paginator.num_pages)
    return page_at(paginator, number), note


def page_at(paginator, number):
    """Return the page of that number, with the numbers to link to around it."""
    page = paginator.page(number)
    page.elided_range = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page


class CountedResults:
    """A result list whose length and one page are already known (Paginator's object_list)."""

    def __init__(self, total, page_items):
        self.total, self.page_items = total, page_items

    def __len__(self):
        return self.total

    def __getitem__(self, _slice):
        return self.page_items  # Paginator only asks for the page that was fetched
