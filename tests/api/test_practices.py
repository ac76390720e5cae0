"""The API and the site agree: the same practices, in the same order, with the same counts;
published content only, never a contact person; in the language asked for."""

import json

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from practices import search
from practices.models import Practice

Status = Practice.Status
pytestmark = pytest.mark.django_db
LIST = reverse("api:practice_list")
FACETS = reverse("api:facets")
SITE = reverse("public:practice_list")
HIDDEN = [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]

SEARCHES = [
    "",
    "q=housing",
    "q=housing&page=2",
    "q=discrimination+desk&sort=title",
    "q=%22fair+housing%22",
    "q=housing+-desk",
    "q=logement",
    "q=discrimnation",
    "theme=housing",
    "theme=housing&page=2",
    "theme=housing&theme=education&sort=city",
    "coalition=cim",
    "country=CH&sort=newest",
    "city=ghent&q=roma",
    "role=service-provider",
    "target=roma-and-travellers",
    "language=fr",
    "year_from=2010&year_to=2015",
    "q=housing&coalition=eccar&sort=title&page=1",
]


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.mark.parametrize("query", SEARCHES)
def test_the_api_lists_what_the_search_page_shows(client, catalogue, query):
    answer = get(client, f"{LIST}?{query}")
    page = client.get(f"{SITE}?{query}")
    outcome = page.context["outcome"]
    expected = search.run(QueryDict(query))
    for site in (outcome, expected):
        assert [item["id"] for item in answer["results"]] == [p.pk for p in site.page]
        assert answer["count"] == site.total
        assert answer["pages"] == site.page.paginator.num_pages
        assert answer["page"] == site.page.number
        assert answer["sort"] == site.sort
        assert answer["suggestion"] == site.suggestion


@pytest.mark.parametrize("query", ["", "q=housing", "theme=housing&coalition=eccar", "q=nothing"])
def test_facets_are_the_counts_the_search_page_shows(client, catalogue, query):
    answer = get(client, f"{FACETS}?{query}")
    outcome = client.get(f"{SITE}?{query}").context["outcome"]
    assert answer["count"] == outcome.total
    expected = {
        facet.name: {str(option["slug"]): option["count"] for option in facet.options}
        for facet in outcome.facets
    }
    found = {
        facet["name"]: {option["value"]: option["count"] for option in facet["options"]}
        for facet in answer["facets"]
    }
    assert found == expected


def test_pages_link_to_each_other(client, catalogue):
    first = get(client, f"{LIST}?theme=housing&lang=fr")
    assert first["count"] == 24 and first["pages"] == 2 and first["previous"] is None
    assert "lang=fr" in first["next"] and "page=2" in first["next"]
    second = get(client, first["next"])
    assert second["next"] is None and second["previous"].endswith("page=1")
    ids = [item["id"] for item in first["results"] + second["results"]]
    assert len(set(ids)) == 24


def test_unpublished_practices_and_contact_persons_never_appear(client, catalogue):
    hidden = {catalogue[status].pk for status in HIDDEN}
    seen = []
    for query in ["", "page=2", "q=hidden", "q=secret", "theme=housing&page=2"]:
        seen += [item["id"] for item in get(client, f"{LIST}?{query}")["results"]]
    assert seen and not hidden & set(seen)
    assert get(client, f"{LIST}?q=hidden")["count"] == 0
    for status in HIDDEN:
        response = client.get(reverse("api:practice_detail", args=[catalogue[status].slug]))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    # The facets count published practices only: 24 on housing, as the site says.
    facets = {facet["name"]: facet for facet in get(client, FACETS)["facets"]}
    housing = {option["value"]: option["count"] for option in facets["theme"]["options"]}
    assert housing["housing"] == 24
    everything = b"".join(
        client.get(url).content
        for url in [
            LIST,
            f"{LIST}?page=2",
            reverse("api:practice_detail", args=[catalogue["audit"].slug]),
            reverse("api:city_list"),
            reverse("api:coalition_list"),
            reverse("api:theme_list"),
            reverse("api:commitment_list"),
            FACETS,
        ]
    )
    for secret in [b"Alex Martin", b"alex.martin@example.org", b"Secret Person", b"secret.person"]:
        assert secret not in everything
    assert b"contact" not in everything
    assert b"Hidden housing" not in everything


def test_a_practice_has_every_public_section(client, catalogue):
    practice = catalogue["mediators"]
    answer = get(client, reverse("api:practice_detail", args=[practice.slug]))
    assert answer["id"] == practice.pk and answer["slug"] == practice.slug
    for name in ["title", "summary", "context", "implementation", "results", "why_it_works"]:
        assert answer[name] == getattr(practice, name)
    assert [theme["slug"] for theme in answer["themes"]] == ["education"]
    assert [role["slug"] for role in answer["city_roles"]] == ["service-provider"]
    assert [group["slug"] for group in answer["target_groups"]] == ["roma-and-travellers"]
    assert answer["city"]["slug"] == "ghent" and answer["coalition"]["slug"] == "eccar"
    assert answer["adaptations"] == {"adapted_in": 0, "inspired_by": [], "adapted_by": []}
    assert answer["web_url"].endswith(practice.get_absolute_url())
    assert answer["url"].endswith(reverse("api:practice_detail", args=[practice.slug]))


def test_adaptations_name_published_practices_only(client, catalogue):
    audit, zurich = catalogue["audit"], catalogue["zurich"]
    zurich.inspired_by.add(audit, catalogue[Status.DRAFT])
    answer = get(client, reverse("api:practice_detail", args=[zurich.slug]))
    assert [item["id"] for item in answer["adaptations"]["inspired_by"]] == [audit.pk]
    answer = get(client, reverse("api:practice_detail", args=[audit.slug]))
    assert answer["adaptations"]["adapted_in"] == 1
    assert [item["id"] for item in answer["adaptations"]["adapted_by"]] == [zurich.pk]


def test_the_language_asked_for_names_and_texts(client, catalogue):
    audit = catalogue["audit"]
    url = reverse("api:practice_detail", args=[audit.slug])
    english = get(client, url)
    assert english["text_language"] == "en" and not english["is_translation"]
    assert english["title"] == "Fair housing audits"
    assert {item["language"] for item in english["translations"]} == {"en", "fr"}
    for french in (get(client, f"{url}?lang=fr"), get(client, url, HTTP_ACCEPT_LANGUAGE="fr-CA")):
        assert french["title"] == "Audits du logement équitable"
        assert french["context"] == "Le contexte en français."
        # An empty translated section shows the original.
        assert french["results"] == audit.results
        assert french["text_language"] == "fr" and french["is_translation"]
        assert french["themes"][0]["title"] == "Accès équitable au logement"
        assert french["web_url"].endswith(f"/fr/practices/{audit.slug}/")
    original = get(client, f"{url}?lang=fr&original=1")
    assert original["title"] == "Fair housing audits" and original["text_language"] == "en"
    # Not translated into Spanish: the original, saying so; the names in Spanish.
    spanish = get(client, f"{url}?lang=es")
    assert spanish["text_language"] == "en" and spanish["title"] == "Fair housing audits"
    assert spanish["themes"][0]["title"] != english["themes"][0]["title"]
    results = get(client, f"{LIST}?q=audits&lang=fr")["results"]
    assert results[0]["title"] == "Audits du logement équitable"
    assert results[0]["text_language"] == "fr" and results[0]["language"] == "en"
    assert results[0]["summary"] == "Des audits & des tests <b>auprès</b> des propriétaires."
    assert "<mark>audits</mark>" in results[0]["summary_html"]
    assert "&lt;b&gt;" in results[0]["summary_html"]
    unsearched = get(client, f"{LIST}?theme=housing&lang=fr&sort=title")["results"]
    audit_card = next(item for item in unsearched if item["id"] == audit.pk)
    assert audit_card["summary"] == "Des audits & des tests <b>auprès</b> des propriétaires."
    assert (
        get(client, f"{LIST}?q=audits", HTTP_ACCEPT_LANGUAGE="fr")["results"][0]["text_language"]
        == "fr"
    )
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "fr"


def test_cities_have_coordinates_and_counts(client, catalogue):
    ghent = catalogue["audit"].city
    ghent.latitude, ghent.longitude = 51.05, 3.71667
    ghent.save()
    cities = {city["slug"]: city for city in get(client, reverse("api:city_list"))}
    assert cities["ghent"]["latitude"] == 51.05 and cities["ghent"]["longitude"] == 3.71667
    assert cities["montreal"]["latitude"] is None
    expected = Practice.objects.published().filter(city=ghent).count()
    assert cities["ghent"]["num_practices"] == expected
    assert cities["zurich"]["coalition"]["slug"] == "eccar"
    coalitions = {item["slug"]: item for item in get(client, reverse("api:coalition_list"))}
    assert coalitions["cim"]["num_practices"] == get(client, f"{LIST}?coalition=cim")["count"]
    themes = {item["slug"]: item for item in get(client, reverse("api:theme_list"))}
    assert themes["housing"]["num_practices"] == 24
    commitments = get(client, reverse("api:commitment_list"))
    assert commitments and all(item["num_practices"] == 0 for item in commitments)


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        f"{LIST}?q=housing&theme=housing",
        f"{LIST}?q=housing&page=2&lang=fr",
        f"{FACETS}?q=housing",
        "detail",
        reverse("api:theme_list"),
        reverse("api:commitment_list"),
        reverse("api:coalition_list"),
        reverse("api:city_list"),
    ],
)
def test_each_answer_takes_a_bounded_number_of_queries(client, catalogue, url):
    if url == "detail":
        catalogue["zurich"].inspired_by.add(catalogue["audit"])
        url = reverse("api:practice_detail", args=[catalogue["zurich"].slug]) + "?lang=fr"
    client.get(url)  # the filter options, read once for every request after it (no answer
    # is kept: PAGE_CACHE_SECONDS is 0 in the tests)
    with CaptureQueriesContext(connection) as api:
        assert client.get(url).status_code == 200
    budget = 12
    path, _, query = url.partition("?")
    if path in (LIST, FACETS):
        # No more than the search itself: on SQLite, a search in another language counts
        # its facets one query each and reads the translations once more (13).
        params = QueryDict(query, mutable=True)
        language = params.pop("lang", ["en"])[0]
        with translation.override(language), CaptureQueriesContext(connection) as site:
            search.run(params)
        assert len(api) <= len(site)
        budget = max(budget, len(site)) if connection.vendor == "sqlite" else budget
    assert len(api) <= budget, [item["sql"][:80] for item in api.captured_queries]
