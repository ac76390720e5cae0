"""The public page of adaptations between cities, /transfers/: who took up whose practice,
as a list by pairs of cities with a table of coalitions by coalitions."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.page_cache import cached_public_page
from core.pagination import page_of

from .selectors import transfer_network


@require_GET
@cached_public_page(params=["page"])
def transfer_network_page(request):
    network = transfer_network()
    page, note = page_of(network["pairs"], request.GET.get("page"))
    context = {**network, "page": page, "page_note": note}
    return render(request, "exchange/transfers.html", context)
