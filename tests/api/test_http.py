"""The API over HTTP: revalidation, caching, CORS, the rate limit, refused methods and bad
input answered as problem details (never a 500), the docs under the site's CSP."""

import json
import re

import pytest
from django.urls import reverse

from core.page_cache import forget_public_pages
from practices.search.filters import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db
LIST = reverse("api:practice_list")
THEMES = reverse("api:theme_list")


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    data = json.loads(response.content)
    assert data["status"] == status and data["type"] == "about:blank"
    assert data["title"] and data["detail"]
    return data


def test_an_unchanged_answer_is_revalidated_with_a_304(client, catalogue):
    url = reverse("api:practice_detail", args=[catalogue["audit"].slug])
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Bad parameters are refused whatever the client has.
    problem(client.get(f"{url}?lang=xx", HTTP_IF_MODIFIED_SINCE=modified), 400)
    problem(client.get(f"{url}?original=2", HTTP_IF_MODIFIED_SINCE=modified), 400)
    # Another language is another answer.
    french = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200 and french["ETag"] != etag
    # Any public change: a new generation, a new answer.
    forget_public_pages()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_archived_practice_is_gone_at_once(client, catalogue, editor):
    from practices import services

    practice = catalogue["zurich"]
    url = reverse("api:practice_detail", args=[practice.slug])
    etag = client.get(url)["ETag"]
    services.practice_archive(practice=practice, actor=editor, message="Ended.")
    problem(client.get(url, HTTP_IF_NONE_MATCH=etag), 404)


def test_answers_are_kept_for_the_generation(client, catalogue, settings):
    settings.PAGE_CACHE_SECONDS = 600
    url = f"{LIST}?q=housing"
    first = client.get(url)
    second = client.get(url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    catalogue["audit"].themes.clear()  # a public change
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_other_sites_may_read_the_api(client, catalogue):
    response = client.get(LIST, HTTP_ORIGIN="https://city.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        LIST,
        HTTP_ORIGIN="https://city.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # Not the site's own pages.
    page = client.get(reverse("public:practice_list"), HTTP_ORIGIN="https://city.example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_requests_from_one_address_wait(client, db, settings):
    settings.API_RATE = "3/min"
    for _ in range(3):
        assert client.get(THEMES).status_code == 200
    refused = client.get(THEMES)
    problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address is counted on its own.
    assert client.get(THEMES, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, catalogue, method):
    for url in [LIST, reverse("api:practice_detail", args=[catalogue["audit"].slug]), THEMES]:
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        problem(response, 405)
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_answers_like_get(client, catalogue):
    response = client.head(LIST)
    assert response.status_code == 200 and response["ETag"] == client.get(LIST)["ETag"]


@pytest.mark.parametrize(
    "query,names",
    [
        ("page=abc", ["page"]),
        ("page=0", ["page"]),
        (f"page={10**9}", ["page"]),
        (f"page={'9' * 5000}", ["page"]),
        ("lang=xx", ["lang"]),
        ("lang=", ["lang"]),
        ("theme=nope", ["theme"]),
        ("coalition=nope&city=nope", ["city", "coalition"]),
        ("evidence=9", ["evidence"]),
        ("sort=random", ["sort"]),
        ("year_from=abc&year_to=1e400", ["year_from", "year_to"]),
        ("year_from=NaN", ["year_from"]),
        ("language=xx", ["language"]),
        ("size=huge&powers=flying", ["powers", "size"]),
        (f"q={'a' * (MAX_QUERY_LENGTH + 1)}", ["q"]),
        ("q=%00", ["q"]),
        ("q=!!!", ["q"]),
        ("colour=red", ["colour"]),
    ],
)
def test_bad_parameters_are_problems_naming_them(client, catalogue, query, names):
    data = problem(client.get(f"{LIST}?{query}"), 400)
    assert sorted(data["errors"]) == names
    assert data["instance"] == LIST


def test_every_other_bad_request_is_a_problem_too(client, catalogue):
    problem(client.get(f"{LIST}?theme=housing&page=3"), 404)
    problem(client.get(reverse("api:practice_detail", args=["no-such-practice"])), 404)
    problem(client.get("/api/v1/nothing-here/"), 404)
    problem(client.get("/api/"), 404)
    problem(client.get(f"{THEMES}?page=2"), 400)
    problem(client.get(reverse("api:facets") + "?page=2"), 400)
    detail = reverse("api:practice_detail", args=[catalogue["audit"].slug])
    problem(client.get(f"{detail}?original=yes"), 400)
    problem(client.get(f"{LIST}?" + "&".join(["theme=housing"] * 500)), 400)


def test_the_schema_and_the_docs_are_local_and_keep_the_csp(client, db):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    csp = docs["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp.split("script-src")[1].split(";")[0]).group(1)
    html = docs.content.decode()
    # No inline script; the one inline style carries the nonce; every file from this site.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'src="/api/docs/?' in tag, tag
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    script_url = re.search(r'<script src="(/api/docs/\?[^"]+)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"] == "application/javascript"
    assert b"/api/v1/schema/" in script.content
