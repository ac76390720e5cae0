"""Site-wide request handling that belongs to no single app."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While the database is down, answer a styled 503 page instead of a bare error.

    Django opens a new connection for each request, so the site recovers by itself when the
    database is back; nothing needs a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        return unavailable_response()


def unavailable_response():
    # Rendered without the request: nothing on the page may need the database.
    content = render_to_string("503.html", {"SITE_URL": settings.SITE_URL})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "30"
    return response


class SignedInPagesAreNeverStoredMiddleware:
    """Tell browsers and shared caches to keep no copy of what a signed-in person sees.

    A member's page holds drafts, editors' messages and contact details; a proxy, a CDN or the
    back button on a shared computer must not hand it to someone else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # By the session cookie, not request.user: deciding must never need the database (the
        # answer may be the 503 page because the database is away).
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            add_never_cache_headers(response)
        return response


class AdminQueryWithoutNulMiddleware:
    """Drop NUL characters from every parameter of an admin page's address (list filters,
    lookups, searches, sorting): PostgreSQL refuses them in a query, which would be a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            clean = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            clean._mutable = False
            request.GET = clean
        return None
