"""Transferability as data: the city fills the conditions, the editors check them in review,
the public reads them on the practice page, filters and counts them on the search page, and
asks which practices fit its own city."""

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Practice, PracticeChange, Theme
from tests.decisions import decide
from tests.practice_form import complete_form
from tests.security.html_checks import form_data

Status = Practice.Status
pytestmark = pytest.mark.django_db

CONDITIONS = {
    "yearly_cost": "low",
    "staff_needed": "part_time",
    "setup_time": "months",
    "city_powers": ["housing", "regulation"],
    "partner_kinds": ["university"],
    "population_band": "medium",
}


def test_the_city_fills_the_conditions_and_the_editors_check_them(
    officer_client, editor_client, editor
):
    data = complete_form(action="submit", **CONDITIONS)
    assert officer_client.post(reverse("members:practice_new"), data).status_code == 302
    practice = Practice.objects.get(title=data["title"])
    assert practice.city_powers == ",housing,regulation,"
    assert (practice.yearly_cost, practice.population_band) == ("low", "medium")
    # The editor corrects one in the admin, where the ticks show what the city chose.
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    page = editor_client.get(url).content.decode()
    form = form_data(page, "practice_form")
    assert sorted(form["city_powers"]) == ["housing", "regulation"]
    form["city_powers"] = ["housing"]
    assert editor_client.post(url, form).status_code == 302
    practice.refresh_from_db()
    assert practice.city_powers == ",housing,"
    change = PracticeChange.objects.filter(practice=practice).latest("pk")
    assert change.changed_fields == ["city_powers"] and change.actor == editor
    approve = reverse("admin:practices_practice_review", args=[practice.pk, "approve"])
    assert decide(editor_client, approve, {"message": "Thanks."}).status_code == 302
    content = Client().get(practice.get_absolute_url()).content.decode()
    assert "What it takes to transfer" in content
    assert "Low: under about 25,000 USD a year" in content
    assert "Housing (own stock or regulation of renting)" in content
    assert "Local regulation and by-laws" not in content


def test_an_unknown_condition_is_refused_with_the_input_kept(officer_client):
    data = complete_form(action="save", yearly_cost="free", city_powers=["housing", "army"])
    response = officer_client.post(reverse("members:practice_new"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"yearly_cost", "city_powers"}
    assert response.context["form"]["title"].value() == data["title"]
    assert not Practice.objects.filter(title=data["title"]).exists()


def test_changed_conditions_of_a_published_practice_wait_for_review(
    officer_client, editor_client, make_practice
):
    practice = make_practice(Status.PUBLISHED)
    Practice.objects.filter(pk=practice.pk).update(yearly_cost="low", population_band="small")
    url = reverse("members:practice_edit", args=[practice.pk])
    form = form_data(officer_client.get(url).content.decode(), "practice-form")
    form.update({"yearly_cost": ["high"], "action": ["submit"]})
    assert officer_client.post(url, form).status_code == 302
    practice.refresh_from_db()
    assert practice.yearly_cost == "low"  # the public version stays until approved
    revision = practice.revisions.get()
    assert revision.data["yearly_cost"] == "high"
    # The editor reads the change in words, not codes.
    url = reverse("admin:practices_practicerevision_change", args=[revision.pk])
    changes = {c["field"]: c for c in editor_client.get(url).context["changes"]}
    cost = changes["yearly_cost"]
    assert cost["before"] == "Low: under about 25,000 USD a year"
    assert cost["after"] == "High: over about 250,000 USD a year"
    assert "<ins>High" in cost["html"]


@pytest.fixture
def conditioned(make_practice):
    """Published practices with their conditions: Alpha (small city, no cost, schools),
    Bravo (medium city, low cost, housing + regulation, university), Charlie (metropolis, high
    cost, police), Delta (nothing recorded)."""
    theme = Theme.objects.get(slug="housing")
    rows = {
        "Alpha": {"yearly_cost": "none", "population_band": "small", "city_powers": ",schools,"},
        "Bravo": {
            "yearly_cost": "low",
            "population_band": "medium",
            "city_powers": ",housing,regulation,",
            "partner_kinds": ",university,",
        },
        "Charlie": {
            "yearly_cost": "high",
            "population_band": "metropolis",
            "city_powers": ",police,",
        },
        "Delta": {},
    }
    made = {}
    for title, fields in rows.items():
        practice = make_practice(Status.PUBLISHED, title=f"{title} practice", themes=[theme])
        Practice.objects.filter(pk=practice.pk).update(**fields)
        made[title] = practice
    return made


def titles(response):
    return sorted(practice.title.split()[0] for practice in response.context["outcome"].page)


def facet(response, name):
    found = {item.name: item for item in response.context["outcome"].facets}
    return {option["slug"]: option["count"] for option in found[name].options}


def test_facets_count_the_conditions_and_filter_by_them(client, conditioned):
    everything = client.get("/practices/")
    assert facet(everything, "cost") == {"none": 1, "low": 1, "high": 1}
    assert facet(everything, "needs") == {"schools": 1, "housing": 1, "regulation": 1, "police": 1}
    assert facet(everything, "partner") == {"university": 1}
    assert facet(everything, "population") == {"small": 1, "medium": 1, "metropolis": 1}
    assert titles(client.get("/practices/?cost=none&cost=low")) == ["Alpha", "Bravo"]
    assert titles(client.get("/practices/?needs=police&needs=schools")) == ["Alpha", "Charlie"]
    # One facet chosen: its own counts stay those of the other filters; the others narrow.
    chosen = client.get("/practices/?cost=low")
    assert facet(chosen, "cost") == {"none": 1, "low": 1, "high": 1}
    assert facet(chosen, "needs") == {"housing": 1, "regulation": 1}


def test_what_fits_my_city_keeps_the_practices_whose_needs_it_meets(client, conditioned):
    # A medium city with a low budget that runs housing and regulation, not schools.
    response = client.get("/practices/?size=medium&budget=low&powers=housing&powers=regulation")
    assert titles(response) == ["Bravo"]
    content = response.content.decode()
    assert "Fits your city:" in content
    assert "needs: Housing (own stock or regulation of renting) ✓" in content
    assert "ran in a city of 100,000 to 500,000 inhabitants ✓" in content
    # A small city with schools: Alpha fits (a similar size, no cost); Bravo needs housing.
    assert titles(client.get("/practices/?size=small&powers=schools")) == ["Alpha"]
    # A budget alone keeps those that cost no more; nothing recorded is never said to fit.
    assert titles(client.get("/practices/?budget=low")) == ["Alpha", "Bravo"]
    # An unknown band is left out with a note, never a 500.
    odd = client.get("/practices/?size=huge&powers=army")
    assert odd.status_code == 200 and titles(odd) == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert "This part of the search was left out" in odd.content.decode()


def test_the_search_page_with_every_new_filter_stays_within_the_query_budget(
    client, conditioned, django_assert_max_num_queries
):
    url = (
        "/practices/?cost=low&cost=none&staff=part_time&setup=months&population=medium"
        "&needs=housing&partner=university&adapted=1&size=medium&budget=high&powers=housing"
        "&powers=regulation&sort=adapted"
    )
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
