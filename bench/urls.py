"""The project's URLs plus the ceiling: a view that does nothing but answer."""

from django.http import HttpResponse
from django.urls import path

from iccar_portal.urls import urlpatterns as project_urlpatterns


def ceiling(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling"), *project_urlpatterns]
