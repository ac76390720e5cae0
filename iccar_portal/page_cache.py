"""Whole-page cache for anonymous visitors of the public pages.

Pages are stored under a "generation" number; any change to what the public can see (a
practice published, archived or edited, a theme or city renamed) moves to a new generation,
so every cached page is forgotten at once — invalidation, not expiry. Signed-in people never
get a cached page, and a response that sets a cookie is never stored.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

GENERATION_KEY = "public-pages:generation"
# Cookies that make a page personal: a session (signed in, or messages) or pending messages.
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages", settings.CSRF_COOKIE_NAME}


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def forget_public_pages(**kwargs):
    """Start a new generation: every cached public page is out of date."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def cached_public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or PERSONAL_COOKIES & set(request.COOKIES)
        ):
            return view(request, *args, **kwargs)
        key = f"public-pages:{generation()}:{translation.get_language()}:{request.get_full_path()}"
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies:
            cache.set(key, response, seconds)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
