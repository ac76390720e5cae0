"""What the public lists and pages show: published practices only."""

import re

import pytest
from django.urls import reverse

from practices.models import Practice

Status = Practice.Status
pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.CHANGES_REQUESTED,
    Status.REJECTED,
    Status.ARCHIVED,
]


@pytest.mark.parametrize("url_name", ["public:home", "public:practice_list"])
def test_lists_show_only_published(client, one_of_each, url_name):
    content = client.get(reverse(url_name)).content.decode()
    assert "Practice in state published" in content
    for status in HIDDEN_STATES:
        assert f"Practice in state {status}" not in content


def test_city_theme_and_coalition_pages_show_only_published(client, one_of_each):
    published = one_of_each[Status.PUBLISHED]
    for url in [
        published.city.get_absolute_url(),
        published.themes.first().get_absolute_url(),
        published.city.coalition.get_absolute_url(),
    ]:
        content = client.get(url).content.decode()
        assert "Practice in state published" in content, url
        for status in HIDDEN_STATES:
            assert f"Practice in state {status}" not in content, url


def test_published_practice_page(client, one_of_each):
    practice = one_of_each[Status.PUBLISHED]
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert practice.implementation in content
    assert practice.contact_email not in content


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_practice_page_is_404_for_everyone(
    client, one_of_each, status, officer, editor
):
    url = one_of_each[status].get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 404


def test_unknown_slug_is_404(client, db):
    assert client.get("/practices/no-such-practice/").status_code == 404


def card_tag(content, title):
    """The opening tag of the result card whose title is `title`."""
    for match in re.finditer(r'<article class="card"[^>]*>(.*?)</article>', content, re.S):
        if title in match.group(1):
            return match.group(0).split(">", 1)[0] + ">"
    raise AssertionError(f"no card for {title!r}")


def test_cards_in_another_language_carry_its_direction(client, make_practice):
    """On the Arabic search page a French or Spanish card reads left to right (its full stops
    at the end); the card's own interface text follows the page."""
    make_practice(
        Status.PUBLISHED,
        title="Observatoire du racisme",
        summary="Un observatoire municipal du racisme.",
        language="fr",
    )
    make_practice(
        Status.PUBLISHED,
        title="Observatorio del racismo",
        summary="Un observatorio municipal del racismo.",
        language="es",
    )
    content = client.get("/ar/practices/", {"q": "racism"}).content.decode()
    assert 'dir="rtl"' in content.split("<body", 1)[0]  # the page itself
    assert card_tag(content, "Observatoire du racisme") == (
        '<article class="card" lang="fr" dir="ltr">'
    )
    assert card_tag(content, "Observatorio del racismo") == (
        '<article class="card" lang="es" dir="ltr">'
    )
    assert '<p class="card-meta" lang="ar" dir="rtl">' in content


def test_an_arabic_practice_reads_right_to_left_on_english_pages(client, make_practice):
    practice = make_practice(
        Status.PUBLISHED,
        title="مرصد العنصرية",
        summary="مرصد بلدي للعنصرية.",
        implementation="افتتحت المدينة مكتبا.",
        language="ar",
    )
    listing = client.get("/practices/").content.decode()
    assert card_tag(listing, "مرصد العنصرية") == '<article class="card" lang="ar" dir="rtl">'
    assert '<p class="card-meta" lang="en" dir="ltr">' in listing
    page = client.get(practice.get_absolute_url()).content.decode()
    assert '<h1 lang="ar" dir="rtl">مرصد العنصرية</h1>' in page
    assert '<div class="practice-body" lang="ar" dir="rtl">' in page
    assert '<h2 lang="en" dir="ltr">What was done</h2>' in page
