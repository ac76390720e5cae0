"""Whole-page cache for anonymous visitors of the public pages.

Pages are stored with a "generation" number; any change to what the public can see (a
practice published, archived or edited, a theme or city renamed) moves to a new generation,
so every cached page is out of date at once — invalidation, not expiry. Signed-in people never
get a cached page, and a response that sets a cookie is never stored.

Each process also keeps the pages it served last, by generation: a hit then costs one small
read of the generation from the shared cache instead of fetching the whole page from it.
"""

import pickle
import threading
import time
from collections import OrderedDict
from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponsePermanentRedirect, QueryDict
from django.utils import translation

from core.addresses import client_ip

GENERATION_KEY = "public-pages:generation"
# How long a value read once per generation (read_per_generation) is kept at most.
PER_GENERATION_SECONDS = 24 * 3600
# Pages kept in each process (about 50 kB each at most).
LOCAL_PAGES = 300
# What one visitor's address may add to the shared cache: pages, and in how long.
STORES_PER_ADDRESS = 100
STORE_WINDOW_SECONDS = 600
# Cookies that make a page personal: a session (signed in, or messages) or pending messages.
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages", settings.CSRF_COOKIE_NAME}


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = _start_generations()
    return value


def _start_generations():
    # From the clock, not 1: after the shared cache is emptied (a Redis restart), a process's
    # own pages of an earlier generation must never match the new one.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY)


def forget_public_pages(**kwargs):
    """Start a new generation: every cached public page is out of date."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        _start_generations()


def public_content_changed(**kwargs):
    """Forget cached public pages now and, for requests racing the commit, once more after it.

    Takes the keyword arguments of a model signal, so it can be connected as a receiver too.
    """
    forget_public_pages()
    transaction.on_commit(forget_public_pages)


def read_per_generation(name, compute):
    """Return compute()'s value, computed once per generation of the public content and shared
    through the cache: counts, facets and word lists that only change when the content does."""
    return cache.get_or_set(
        f"per-generation:{name}:{generation()}", compute, PER_GENERATION_SECONDS
    )


class LocalPages:
    """The pages this process served last, pickled, by (generation, key)."""

    def __init__(self, size):
        self.size, self.pages, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            data = self.pages.get(key)
            if data is not None:
                self.pages.move_to_end(key)
        # A fresh copy for each request: middleware adds headers to the response it returns.
        return pickle.loads(data) if data is not None else None

    def set(self, key, response):
        data = pickle.dumps(response, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            self.pages[key] = data
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


local_pages = LocalPages(LOCAL_PAGES)


def cached_public_page(view=None, *, params=()):
    """Cache an anonymous visitor's page whole, keyed by its address with the parameters the
    view reads (`params`); an address with any other parameter is sent, permanently, to the
    same address without it, so made-up parameters never multiply the cached copies."""
    if view is None:
        return partial(cached_public_page, params=params)
    known = frozenset(params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if any(name not in known for name in request.GET):
            return _without_unknown_parameters(request, known)
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or PERSONAL_COOKIES & set(request.COOKIES)
        ):
            return view(request, *args, **kwargs)
        key = f"public-pages:{translation.get_language()}:{request.path}?{_query_key(request)}"
        current = generation()
        response = local_pages.get((current, key))
        if response is None:
            # Stored with the generation it was made in: a page of an older one is out of date.
            stored = cache.get(key)
            if stored is not None and stored[0] == current:
                response = stored[1]
                local_pages.set((current, key), response)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and _may_store(request):
            cache.set(key, (current, response), seconds)
            local_pages.set((current, key), response)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper


def _without_unknown_parameters(request, known):
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in known:
            kept.setlist(name, values)
    query = kept.urlencode()
    return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))


def _query_key(request):
    """The query as the page depends on it: parameters sorted, empty ones left out."""
    pairs = sorted(
        (name, value) for name, values in request.GET.lists() for value in values if value
    )
    return urlencode(pairs)


def _may_store(request):
    """Whether this visitor's address may add one more page to the shared cache now: each
    address adds at most STORES_PER_ADDRESS pages in STORE_WINDOW_SECONDS, whatever the words
    it searches for; past that its pages are served, not stored."""
    window = int(time.time()) // STORE_WINDOW_SECONDS
    key = f"public-pages:stores:{client_ip(request)}:{window}"
    cache.add(key, 0, STORE_WINDOW_SECONDS)
    try:
        return cache.incr(key) <= STORES_PER_ADDRESS
    except ValueError:  # expired between the two calls
        return True
