from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Practice, Theme

PAGE_SIZE = 20


def _public_practices():
    return (
        Practice.objects.published()
        .select_related("city", "city__coalition")
        .prefetch_related("themes")
    )


def home(request):
    latest = _public_practices().order_by("-published_at")[:6]
    return render(request, "practices/home.html", {"latest": latest})


def practice_list(request):
    page = Paginator(_public_practices().order_by("-published_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "practices/practice_list.html", {"page": page})


def practice_detail(request, slug):
    practice = get_object_or_404(_public_practices(), slug=slug)
    return render(request, "practices/practice_detail.html", {"practice": practice})


def theme_list(request):
    return render(request, "practices/theme_list.html", {"themes": Theme.objects.all()})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    page = Paginator(
        _public_practices().filter(themes=theme).order_by("-published_at", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "practices/theme_detail.html", {"theme": theme, "page": page})
