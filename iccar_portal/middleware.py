"""Site-wide request handling that belongs to no single app."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

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


def client_ip(request):
    """Return the visitor's address behind PROXY_COUNT trusted proxies (for the login limit)."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
