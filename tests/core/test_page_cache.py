"""The page cache: anonymous public pages cached whole, forgotten at once on any change."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Practice
from tests.decisions import decide

Status = Practice.Status


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_anonymous_pages_are_cached_and_forgotten_at_once_on_change(
    page_cache, make_practice, editor
):
    visitor = Client()
    practice = make_practice(Status.SUBMITTED, title="Freshly approved practice")
    assert visitor.get("/practices/")["X-Page-Cache"] == "miss"
    assert visitor.get("/practices/")["X-Page-Cache"] == "hit"
    editors = Client()
    editors.force_login(editor)
    decide(editors, reverse("admin:practices_practice_review", args=[practice.pk, "approve"]), {})
    response = visitor.get("/practices/")
    assert response["X-Page-Cache"] == "miss"
    assert "Freshly approved practice" in response.content.decode()
    assert visitor.get(practice.get_absolute_url()).status_code == 200
    decide(
        editors,
        reverse("admin:practices_practice_review", args=[practice.pk, "archive"]),
        {"message": "Ended."},
    )
    assert "Freshly approved practice" not in visitor.get("/practices/").content.decode()
    assert visitor.get(practice.get_absolute_url()).status_code == 404


def test_renaming_a_theme_shows_at_once(page_cache, make_practice, client):
    from practices.models import Theme

    make_practice(Status.PUBLISHED)
    client.get("/themes/")
    theme = Theme.objects.get(slug="housing")
    theme.title = "Housing for everyone"
    theme.save()
    assert "Housing for everyone" in client.get("/themes/").content.decode()


def test_a_process_never_serves_its_own_copy_of_a_page_after_the_shared_cache_is_emptied(
    page_cache, make_practice
):
    from django.core.cache import cache

    from core import page_cache as page_cache_module
    from practices.models import Practice

    visitor = Client()
    practice = make_practice(Status.PUBLISHED, title="Practice about to be archived")
    assert "Practice about to be archived" in visitor.get("/practices/").content.decode()
    assert visitor.get("/practices/")["X-Page-Cache"] == "hit"  # this process's own copy
    # The shared cache restarts empty (Redis keeps nothing on disk) while the content changes
    # without a signal: the generation must not start again where this process's pages were.
    served_in = page_cache_module.generation()
    cache.clear()
    Practice.objects.filter(pk=practice.pk).update(status=Status.ARCHIVED)
    later = {page_cache_module.generation()}
    for _change in range(50):
        page_cache_module.forget_public_pages()
        later.add(page_cache_module.generation())
    assert served_in not in later
    response = visitor.get("/practices/")
    assert response["X-Page-Cache"] == "miss"
    assert "Practice about to be archived" not in response.content.decode()


def test_signed_in_people_never_get_a_cached_page(page_cache, officer, other_city_officer, db):
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(other_city_officer)
    response = first.get("/")
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in second.get("/")
    assert "Log out" in second.get("/").content.decode()


def test_each_language_is_cached_apart(page_cache, db):
    client = Client()
    client.get("/practices/")
    french = client.get("/fr/practices/").content.decode()
    assert '<html lang="fr"' in french


def cached_pages():
    """The pages in the shared cache (the local-memory cache of the tests)."""
    from django.core.cache import cache

    return [key for key in cache._cache if re.search(r":public-pages:[a-z-]+:/", key)]


def test_unknown_parameters_are_dropped_by_a_redirect_before_anything_is_cached(page_cache, db):
    visitor = Client()
    response = visitor.get("/practices/?utm_source=mail&theme=housing&page=2&x=1")
    assert response.status_code == 301
    assert response["Location"] == "/practices/?theme=housing&page=2"
    assert visitor.get("/fr/themes/housing/?junk=1")["Location"] == "/fr/themes/housing/"
    assert visitor.get("/?a=1")["Location"] == "/"
    for number in range(200):
        assert visitor.get(f"/practices/?junk{number}=1").status_code == 301
    assert cached_pages() == []


def test_the_same_page_is_cached_once_whatever_the_order_or_empty_fields(page_cache, db):
    visitor = Client()
    assert visitor.get("/practices/?theme=housing&q=&sort=")["X-Page-Cache"] == "miss"
    assert visitor.get("/practices/?q=&theme=housing")["X-Page-Cache"] == "hit"
    assert visitor.get("/practices/?theme=housing")["X-Page-Cache"] == "hit"
    assert len(cached_pages()) == 1


def test_one_address_adds_a_bounded_number_of_pages(page_cache, db, settings):
    from core.page_cache import STORES_PER_ADDRESS

    settings.PROXY_COUNT = 0
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    answers = [visitor.get(f"/practices/?q=word{n}") for n in range(STORES_PER_ADDRESS + 20)]
    assert all(answer.status_code == 200 for answer in answers)
    assert len(cached_pages()) == STORES_PER_ADDRESS
    assert "X-Page-Cache" not in answers[-1]  # served, not stored
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get("/practices/?q=another")["X-Page-Cache"] == "miss"
    assert len(cached_pages()) == STORES_PER_ADDRESS + 1
