"""The Atom feeds: valid Atom (the namespace; the feed's id, title and updated; entries with id,
title, link and updated), published practices only, newest first, titles in the visitor's
language; 404 for an unknown slug, bad search parameters left out."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from practices import search
from practices.models import Practice, Theme
from tests.practices.factories import PracticeFactory, bring_to

Status = Practice.Status
pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def practices(make_practice, other_city_officer, editor):
    housing = Theme.objects.get(slug="housing")
    education = Theme.objects.get(slug="education")
    older = make_practice(Status.PUBLISHED, title="Older housing desk", themes=[housing])
    Practice.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=3))
    newer = make_practice(
        Status.PUBLISHED, title="Newer schools <b>& homes</b>", themes=[housing, education]
    )
    other_city = bring_to(
        PracticeFactory(
            city=other_city_officer.city_officer.city, title="Elsewhere", themes=[education]
        ),
        Status.PUBLISHED,
        other_city_officer,
        editor,
    )
    secret = make_practice(Status.SUBMITTED, title="Secret housing plan", themes=[housing])
    return {"older": older, "newer": newer, "other_city": other_city, "secret": secret}


def parse_atom(response):
    """Return the feed's root element, having checked what Atom requires of it."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text, name
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http")
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))
    return feed


def titles(feed):
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_all_new_practices_newest_first(client, practices):
    feed = parse_atom(client.get("/feeds/practices/"))
    assert feed.find(f"{ATOM}title").text == "New good practices — ICCAR"
    assert titles(feed) == ["Elsewhere", "Newer schools <b>& homes</b>", "Older housing desk"]
    assert b"Secret" not in client.get("/feeds/practices/").content
    entry = feed.find(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}link").get("href").endswith(practices["other_city"].get_absolute_url())
    )
    assert entry.find(f"{ATOM}summary").text == practices["other_city"].summary
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")]


def test_theme_city_and_coalition_feeds(client, practices):
    feed = parse_atom(client.get("/feeds/themes/housing/"))
    assert titles(feed) == ["Newer schools <b>& homes</b>", "Older housing desk"]
    assert "Fair access to housing" in feed.find(f"{ATOM}title").text
    city = practices["older"].city
    feed = parse_atom(client.get(f"/feeds/cities/{city.slug}/"))
    assert titles(feed) == ["Newer schools <b>& homes</b>", "Older housing desk"]
    assert city.name in feed.find(f"{ATOM}title").text
    coalition = practices["other_city"].city.coalition
    feed = parse_atom(client.get(f"/feeds/coalitions/{coalition.slug}/"))
    assert "Elsewhere" in titles(feed)
    assert coalition.name in feed.find(f"{ATOM}title").text


def test_an_empty_feed_is_valid(client, db):
    feed = parse_atom(client.get("/feeds/themes/housing/"))
    assert titles(feed) == []


@pytest.mark.parametrize(
    "url", ["/feeds/themes/nope/", "/feeds/cities/nope/", "/feeds/coalitions/nope/"]
)
def test_unknown_slugs_are_not_found(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["", "theme=housing", "q=housing", "q=schools&theme=education"])
def test_the_search_feed_has_the_searchs_practices_newest_first(client, practices, query):
    feed = parse_atom(client.get(f"/feeds/search/?{query}"))
    found = search.run(QueryDict(f"{query}&sort=newest")).page.object_list
    assert titles(feed) == [practice.title for practice in found]
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert "/practices/" in alternate and query.split("&")[0] in alternate
    assert query in feed.find(f"{ATOM}link[@rel='self']").get("href")


def test_the_search_feed_title_names_the_words(client, practices):
    feed = parse_atom(client.get("/feeds/search/?q=housing"))
    assert feed.find(f"{ATOM}title").text == "Practices matching “housing” — ICCAR"


@pytest.mark.parametrize(
    "query",
    ["theme=nope", "year_from=abc", "sort=bogus", "q=%00%00", "q=" + "x" * 300, "city=%ff"],
)
def test_bad_search_parameters_never_fail(client, practices, query):
    response = client.get(f"/feeds/search/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        parse_atom(response)


def test_an_unknown_parameter_is_sent_away_like_the_search_page(client, practices):
    response = client.get("/feeds/search/?theme=housing&page=2")
    assert response.status_code == 301
    assert response["Location"] == "/feeds/search/?theme=housing"


def test_feed_titles_are_in_the_visitors_language(client, practices):
    feed = parse_atom(client.get("/fr/feeds/themes/housing/"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "/fr/" in feed.find(f"{ATOM}entry/{ATOM}link").get("href")


def test_the_pages_link_their_feeds(client, practices):
    page = client.get("/practices/?theme=housing").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Follow these results (Atom feed)"'
        ' href="/feeds/search/?theme=housing">' in page
    )
    assert '<a href="/feeds/search/?theme=housing" type="application/atom+xml">' in page
    assert 'href="/exports/practices.csv?theme=housing"' in page
    assert 'href="/exports/practices.xlsx?theme=housing"' in page
    city = practices["older"].city
    for url, feed in [
        ("/themes/housing/", "/feeds/themes/housing/"),
        (city.get_absolute_url(), f"/feeds/cities/{city.slug}/"),
        (city.coalition.get_absolute_url(), f"/feeds/coalitions/{city.coalition.slug}/"),
        ("/fr/themes/housing/", "/fr/feeds/themes/housing/"),
    ]:
        content = client.get(url).content.decode()
        assert 'type="application/atom+xml" title="' in content, url
        assert f'href="{feed}"' in content, url
        assert client.get(feed).status_code == 200
