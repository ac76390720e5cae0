"""The map's GeoJSON (/api/v1/map/cities.geojson): valid, published practices only, and narrowed
by the same filters as the search, to the same counts."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from maps.selectors import PALETTE, POPUP_PRACTICES
from practices import search
from tests.maps.conftest import HIDDEN_TITLES

PROPERTIES = {
    "name",
    "slug",
    "url",
    "country",
    "coalition",
    "colour",
    "count",
    "count_text",
    "practices",
    "more",
    "search_url",
}


def geojson(client, query=""):
    response = client.get(f"{reverse('maps_api:cities')}{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(response.content)


def by_slug(data):
    return {feature["properties"]["slug"]: feature for feature in data["features"]}


def test_the_geojson_is_a_feature_collection_of_points_in_range(client, mapped):
    data = geojson(client)
    assert data["type"] == "FeatureCollection"
    assert data["features"], "no city on the map"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]
        assert len(geometry["coordinates"]) == 2
        assert all(type(value) is float for value in (longitude, latitude))
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        properties = feature["properties"]
        assert set(properties) == PROPERTIES
        assert properties["colour"] in PALETTE
        assert set(properties["coalition"]) == {"name", "short_name", "slug", "url"}
        assert isinstance(properties["count"], int)
        for practice in properties["practices"]:
            assert set(practice) == {"title", "url", "lang"}
            assert practice["url"].startswith("http://127.0.0.1:8000/practices/")
    ghent = by_slug(data)["ghent"]
    # [longitude, latitude], as RFC 7946 orders them.
    assert ghent["geometry"]["coordinates"] == [3.71742, 51.05434]
    assert ghent["properties"]["url"] == "http://127.0.0.1:8000/cities/ghent/"


def test_only_placed_cities_are_features_and_every_member_city_without_a_filter(client, mapped):
    slugs = set(by_slug(geojson(client)))
    # Nowhere has no coordinates; Gone is a former member without published practices.
    assert slugs == {"ghent", "liege"}


def test_a_popup_lists_ten_practices_newest_first_and_links_to_the_rest(client, mapped):
    ghent = by_slug(geojson(client))["ghent"]["properties"]
    assert ghent["count"] == 13
    assert ghent["count_text"] == "13 published practices"
    assert len(ghent["practices"]) == POPUP_PRACTICES
    assert ghent["practices"][0]["title"] == "Ghent other theme"
    assert ghent["more"]["count"] == 13 - POPUP_PRACTICES
    assert ghent["more"]["text"] == "and 3 more"
    more = urlsplit(ghent["more"]["url"])
    assert more.path == reverse("public:practice_list")
    assert parse_qs(more.query) == {"city": ["ghent"]}
    liege = by_slug(geojson(client))["liege"]["properties"]
    assert liege["more"] is None and [p["title"] for p in liege["practices"]] == ["Liège practice"]


def test_no_unpublished_practice_in_the_geojson(client, mapped):
    content = client.get(reverse("maps_api:cities")).content.decode()
    for title in HIDDEN_TITLES:
        assert title not in content
    for query in [f"?theme={mapped.other_theme.slug}", "?city=ghent"]:
        content = client.get(reverse("maps_api:cities") + query).content.decode()
        assert not any(title in content for title in HIDDEN_TITLES)


def filter_queries(mapped):
    return [
        f"theme={mapped.theme.slug}",
        f"theme={mapped.other_theme.slug}",
        f"theme={mapped.theme.slug}&theme={mapped.other_theme.slug}",
        f"target={mapped.target.slug}",
        f"target={mapped.other_target.slug}",
        f"coalition={mapped.eccar.slug}",
        f"coalition={mapped.eccar.slug}&theme={mapped.theme.slug}&target={mapped.target.slug}",
        "",
    ]


def test_the_filters_narrow_as_the_search_does_to_the_same_counts(client, mapped):
    for query in filter_queries(mapped):
        features = by_slug(geojson(client, f"?{query}"))
        params = QueryDict(query)
        for city in [mapped.ghent, mapped.liege]:
            searched = params.copy()
            searched["city"] = city.slug
            expected = search.run(searched).total
            other_coalition = params.get("coalition") not in (None, city.coalition.slug)
            if city.slug not in features:
                # Left out: not in the coalition chosen, or no practice matches.
                assert other_coalition or expected == 0, f"{city} missing for ?{query}"
                continue
            assert not other_coalition
            assert features[city.slug]["properties"]["count"] == expected, f"{city}: ?{query}"
            # The city's own filter gives the same count again.
            one = by_slug(geojson(client, f"?{query}&city={city.slug}"))
            assert one[city.slug]["properties"]["count"] == expected
        if "theme" in params or "target" in params:
            assert all(f["properties"]["count"] > 0 for f in features.values())


def test_a_theme_keeps_only_the_cities_with_a_matching_practice(client, mapped):
    assert set(by_slug(geojson(client, f"?theme={mapped.other_theme.slug}"))) == {"ghent"}
    assert set(by_slug(geojson(client, f"?target={mapped.other_target.slug}"))) == {"liege"}
    # A place filter alone keeps its cities, with or without practices.
    assert set(by_slug(geojson(client, f"?coalition={mapped.other.slug}"))) == {"liege"}


def test_a_popup_search_link_carries_the_filters(client, mapped):
    query = f"?theme={mapped.theme.slug}&target={mapped.target.slug}&coalition=eccar"
    ghent = by_slug(geojson(client, query))["ghent"]["properties"]
    assert ghent["count"] == 12
    params = parse_qs(urlsplit(ghent["more"]["url"]).query)
    expected = {"city": ["ghent"], "theme": [mapped.theme.slug], "target": [mapped.target.slug]}
    assert params == expected
    searched = client.get(ghent["more"]["url"].removeprefix("http://127.0.0.1:8000"))
    assert searched.context["outcome"].total == 12


def test_an_invalid_filter_is_left_out_never_an_error(client, mapped):
    data = geojson(client, "?theme=no-such-theme&coalition=<script>&city=%00")
    assert set(by_slug(data)) == {"ghent", "liege"}


def test_an_unknown_parameter_is_dropped_by_a_redirect(client, mapped):
    response = client.get(reverse("maps_api:cities") + "?city=ghent&page=2")
    assert response.status_code == 301
    assert response["Location"] == reverse("maps_api:cities") + "?city=ghent"


def test_lang_gives_the_texts_and_addresses_in_that_language(client, mapped):
    ghent = by_slug(geojson(client, "?lang=fr"))["ghent"]["properties"]
    assert ghent["url"] == "http://127.0.0.1:8000/fr/cities/ghent/"
    assert ghent["practices"][0]["url"].startswith("http://127.0.0.1:8000/fr/practices/")
    assert ghent["count_text"] != "13 published practices"
    # A language the site does not have is ignored.
    assert by_slug(geojson(client, "?lang=xx"))["ghent"]["properties"]["url"].endswith(
        "/cities/ghent/"
    )


def test_a_coalition_keeps_its_colour_whatever_the_filter(client, mapped):
    def colours(query=""):
        features = geojson(client, query)["features"]
        return {f["properties"]["slug"]: f["properties"]["colour"] for f in features}

    everything = colours()
    assert colours(f"?coalition={mapped.other.slug}")["liege"] == everything["liege"]
    assert colours("?lang=ar")["liege"] == everything["liege"]
    assert everything["ghent"] != everything["liege"]


@pytest.mark.parametrize("query", ["", "?theme={theme}", "?city=ghent&lang=ar"])
def test_the_geojson_stays_within_the_query_budget(
    client, mapped, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get(reverse("maps_api:cities") + query.format(theme=mapped.theme.slug))
