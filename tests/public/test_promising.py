"""Promising practices: their page with the editors' reasons, the search's filter and facet, and
the address /practices/promising/ kept from any practice."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practice_form import complete_form
from tests.security.html_checks import form_data

Status = Practice.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(make_practice):
    """Two published practices marked promising (one with a reason), one not, and a draft and
    an archive marked too."""
    made = {}
    for title, promising, note in [
        ("Tenant mediation", True, "Cheap, and it worked in three districts."),
        ("School mediators", True, ""),
        ("Job fair", False, ""),
    ]:
        made[title] = make_practice(
            Status.PUBLISHED, title=title, is_promising=promising, promising_note=note
        )
    for status in (Status.DRAFT, Status.ARCHIVED):
        make_practice(status, title=f"Hidden {status}", is_promising=True, promising_note="No.")
    return made


def test_the_page_lists_the_published_promising_practices_with_their_reasons(client, marked):
    response = client.get(reverse("public:promising"))
    assert response.status_code == 200
    shown = [practice.title for practice in response.context["page"].object_list]
    assert sorted(shown) == ["School mediators", "Tenant mediation"]
    content = response.content.decode()
    assert "Why it is promising:</strong> Cheap, and it worked in three districts." in content
    assert "Hidden" not in content and "No." not in content
    assert "2 published practices" in content
    # The home page leads to it.
    assert 'href="/practices/promising/"' in client.get(reverse("public:home")).content.decode()


@pytest.mark.parametrize("extra", [{}, {"q": "tenant"}, {"coalition": "none-such"}])
def test_search_filter_and_facet(client, marked, extra):
    url = reverse("public:practice_list")
    response = client.get(url, {"promising": "1", **extra})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    titles = sorted(practice.title for practice in outcome.page.object_list)
    if "coalition" in extra:  # an unknown coalition is left out with a note
        assert "This part of the search was left out." in response.content.decode()
    expected = ["Tenant mediation"] if extra.get("q") else ["School mediators", "Tenant mediation"]
    assert titles == expected
    response = client.get(url, extra)
    facet = next(f for f in response.context["outcome"].facets if f.name == "promising")
    assert [(o["slug"], o["count"]) for o in facet.options] == [("1", len(expected))]


def test_promising_is_never_the_address_of_a_practice(officer_client, editor_client, marked):
    response = officer_client.post(
        reverse("members:practice_new"), complete_form(title="Promising", action="save")
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="Promising")
    assert practice.slug == "promising-2"
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(editor_client.get(url).content.decode(), "practice_form")
    data["slug"] = ["promising"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "is the address of another page" in response.content.decode()
    assert Practice.objects.get(pk=practice.pk).slug == "promising-2"
