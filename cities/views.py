from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from iccar_portal.page_cache import cached_public_page
from practices import search

from .models import City, Coalition


@require_GET
@cached_public_page
def city_list(request):
    cities = search.with_published_counts(
        City.objects.select_related("coalition").order_by("coalition__name", "country", "name"),
        "city",
    )
    coalitions = []
    for coalition, coalition_cities in groupby(cities, key=lambda city: city.coalition):
        coalition_cities = list(coalition_cities)
        countries = [
            {"name": code.name, "code": code.code, "cities": list(members)}
            for code, members in groupby(coalition_cities, key=lambda city: city.country)
        ]
        countries.sort(key=lambda country: country["name"])
        coalitions.append(
            {
                "coalition": coalition,
                "countries": countries,
                "num_cities": len(coalition_cities),
                "num_practices": sum(city.num_practices for city in coalition_cities),
            }
        )
    return render(request, "cities/city_list.html", {"coalitions": coalitions})


@require_GET
@cached_public_page
def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("coalition"), slug=slug)
    page, note = search.page_of(
        search.public_practices().filter(city=city).order_by("-published_at", "pk"),
        request.GET.get("page"),
        count=search.published_counts()["city"].get(city.pk, 0),
    )
    search.show_in_visitors_language(page.object_list)
    return render(
        request, "cities/city_detail.html", {"city": city, "page": page, "page_note": note}
    )


@require_GET
@cached_public_page
def coalition_detail(request, slug):
    coalition = get_object_or_404(Coalition.objects.select_related("lead_city"), slug=slug)
    cities = search.with_published_counts(coalition.cities.order_by("name"), "city")
    page, note = search.page_of(
        search.public_practices().filter(city__coalition=coalition).order_by("-published_at", "pk"),
        request.GET.get("page"),
        count=sum(city.num_practices for city in cities),
    )
    search.show_in_visitors_language(page.object_list)
    context = {"coalition": coalition, "cities": cities, "page": page, "page_note": note}
    return render(request, "cities/coalition_detail.html", context)
