from django.shortcuts import get_object_or_404, render

from practices.models import Practice

from .models import City, Coalition


def city_list(request):
    cities = City.objects.select_related("coalition").order_by("coalition__name", "country", "name")
    return render(request, "cities/city_list.html", {"cities": cities})


def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("coalition"), slug=slug)
    practices = Practice.objects.published().filter(city=city).order_by("-published_at")
    return render(request, "cities/city_detail.html", {"city": city, "practices": practices})


def coalition_detail(request, slug):
    coalition = get_object_or_404(Coalition, slug=slug)
    cities = coalition.cities.order_by("name")
    practices = (
        Practice.objects.published()
        .filter(city__coalition=coalition)
        .select_related("city")
        .order_by("-published_at")[:20]
    )
    return render(
        request,
        "cities/coalition_detail.html",
        {"coalition": coalition, "cities": cities, "practices": practices},
    )
