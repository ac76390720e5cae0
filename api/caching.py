"""Conditional requests and a per-generation cache for the API's answers.

An answer depends only on the public content, the language and the address: its ETag is made
of the content generation (core.page_cache, which moves on every public change) with those,
so a client revalidating gets a 304 without a query to the database; Last-Modified is when
this generation was first served. The body itself is kept in the shared cache for the
generation, like the public pages (PAGE_CACHE_SECONDS, off when 0).
"""

import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework.renderers import JSONRenderer

from core.page_cache import generation, read_per_generation

# How long a browser or a proxy may reuse an answer without asking again.
MAX_AGE_SECONDS = 60


def cached_answer(request, language, check, build):
    """Return the JSON answer of build(check()), answering a revalidation with a 304 and
    reusing the body kept for this generation. check() (the parameters) runs before anything
    is built or compared by date; an ETag or a kept body exists only for valid parameters of
    this generation, so a match needs no check again."""
    current = generation()
    query = urlencode(
        sorted((name, value) for name, values in request.GET.lists() for value in values)
    )
    digest = hashlib.sha256(f"{current}|{language}|{request.path}?{query}".encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    last_modified = int(read_per_generation("api-last-modified", time.time))
    key = f"api:answers:{digest}"
    seconds = settings.PAGE_CACHE_SECONDS
    if _etag_matches(request, etag):
        return _headed(HttpResponseNotModified(), etag, last_modified)
    body = cache.get(key) if seconds else None
    state = "hit"
    if body is None:
        checked = check()
        if _modified_since(request, last_modified):
            body, state = JSONRenderer().render(build(checked)), "miss"
            if seconds:
                cache.set(key, body, seconds)
    if body is None or not _modified_since(request, last_modified):
        return _headed(HttpResponseNotModified(), etag, last_modified)
    response = HttpResponse(body, content_type="application/json")
    response["X-Page-Cache"] = state
    response["Content-Language"] = language
    return _headed(response, etag, last_modified)


def _headed(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


def _etag_matches(request, etag):
    if_none_match = request.headers.get("If-None-Match")
    return if_none_match is not None and bool({etag, f"W/{etag}"} & set(parse_etags(if_none_match)))


def _modified_since(request, last_modified):
    # RFC 9110 13.2.2: If-Modified-Since counts only without If-None-Match.
    if "If-None-Match" in request.headers:
        return True
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is None or last_modified > since
