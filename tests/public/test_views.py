"""What the public lists and pages show: published practices only."""

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
