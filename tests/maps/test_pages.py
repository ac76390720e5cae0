"""The map page (/map/) without JavaScript, its filters and query budget, and the small maps of
the city and coalition pages."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.maps.conftest import HIDDEN_TITLES


def page(client, query="", language="en"):
    with translation.override(language):
        url = reverse("maps:map")
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


class Links(HTMLParser):
    """Every link's text, and the map elements' attributes."""

    def __init__(self):
        super().__init__()
        self.links, self.maps, self._href = {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href, self._text = attrs.get("href"), ""
        if "data-map" in attrs:
            self.maps.append(attrs)

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links[self._text.strip()] = self._href
            self._href = None


def parsed(content):
    parser = Links()
    parser.feed(content)
    return parser


def test_without_javascript_the_page_lists_the_cities_by_coalition(client, mapped):
    content = page(client)
    links = parsed(content).links
    assert links["Ghent"] == "/cities/ghent/" and links["Liège"] == "/cities/liege/"
    assert links[str(mapped.eccar.name)] == mapped.eccar.get_absolute_url()
    # Each coalition's heading, then its cities.
    listing = content[content.index('id="map-list-heading"') : content.index("<details")]
    sections = listing.split('<h3 class="map-coalition">')[1:]
    [eccar] = [section for section in sections if f">{mapped.eccar.name}</a>" in section]
    [other] = [section for section in sections if f">{mapped.other.name}</a>" in section]
    assert ">Ghent</a>" in eccar and ">Nowhere</a>" in eccar and ">Liège</a>" not in eccar
    assert ">Liège</a>" in other and ">Ghent</a>" not in other
    # The same practice links as the popups: ten newest, then the search for the rest.
    assert links["Ghent other theme"].startswith("/practices/")
    assert "Ghent practice 00" not in links and "Ghent practice 11" in links
    assert links["and 3 more"] == "/practices/?city=ghent"
    assert links["13 published practices"] == "/practices/?city=ghent"
    # A member city without a location is listed, and said so.
    assert "Nowhere" in links and "location not recorded" in content
    assert "Gone" not in links


def test_the_map_itself_waits_for_its_script_and_has_a_table_alternative(client, mapped):
    content = page(client)
    [element] = parsed(content).maps
    assert element["role"] == "region" and element["aria-label"] == "Map of the member cities"
    assert "hidden" in element
    assert re.search(r'<div class="map-block" data-map-block hidden>', content)
    assert element["data-geojson"] == reverse("maps_api:cities") + "?lang=en"
    assert element["data-tiles-url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in element["data-tiles-attribution"]
    assert "<caption>" in content and '<th scope="col">Coalition</th>' in content
    assert '<th scope="row"><a href="/cities/ghent/">Ghent</a></th>' in content
    # No inline script or style: the Content Security Policy allows neither.
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
    assert " style=" not in content


def test_the_filters_narrow_the_list_and_go_to_the_geojson(client, mapped):
    content = page(client, f"?theme={mapped.other_theme.slug}")
    links = parsed(content).links
    assert "Ghent" in links and "Liège" not in links and "Nowhere" not in links
    assert f'id="map-theme-{mapped.other_theme.slug}" checked' in content
    [element] = parsed(content).maps
    assert element["data-geojson"].endswith(f"?theme={mapped.other_theme.slug}&lang=en")
    theme = mapped.other_theme.slug
    assert links["1 published practice"] == f"/practices/?city=ghent&theme={theme}"
    coalition = page(client, f"?coalition={mapped.other.slug}")
    assert "Liège" in parsed(coalition).links and "Ghent" not in parsed(coalition).links


def test_an_invalid_filter_is_left_out_with_a_note(client, mapped):
    content = page(client, "?theme=no-such-theme")
    assert "This part of the search was left out." in content
    assert "Ghent" in parsed(content).links


def test_no_unpublished_practice_on_the_page(client, mapped):
    for query in ["", f"?theme={mapped.other_theme.slug}", "?coalition=eccar"]:
        content = page(client, query)
        assert not any(title in content for title in HIDDEN_TITLES)


def test_the_page_in_another_language_asks_for_the_geojson_in_it(client, mapped):
    content = page(client, language="fr")
    [element] = parsed(content).maps
    assert element["data-geojson"].endswith("lang=fr")
    assert parsed(content).links["Ghent"] == "/fr/cities/ghent/"


@pytest.mark.parametrize("more", [0, 12])
def test_the_page_stays_within_twelve_queries_whatever_the_practices(
    client, mapped, make_practice, more, django_assert_max_num_queries
):
    for number in range(more):
        make_practice("published", title=f"Another practice {number}")
    with django_assert_max_num_queries(12):
        page(client)
    with django_assert_max_num_queries(12):
        page(client, f"?theme={mapped.theme.slug}&target={mapped.target.slug}&coalition=eccar")


def test_the_page_is_cached_for_anonymous_visitors(client, mapped, settings):
    settings.PAGE_CACHE_SECONDS = 600
    url = reverse("maps:map") + f"?theme={mapped.theme.slug}"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    geojson = reverse("maps_api:cities") + "?city=ghent&lang=fr"
    assert client.get(geojson)["X-Page-Cache"] == "miss"
    assert client.get(geojson)["X-Page-Cache"] == "hit"


def test_the_city_page_has_a_small_map_of_the_city(client, mapped):
    content = client.get(mapped.ghent.get_absolute_url()).content.decode()
    [element] = parsed(content).maps
    assert element["data-geojson"] == reverse("maps_api:cities") + "?city=ghent&lang=en"
    assert element["aria-label"] == "Ghent on the map" and "hidden" in element
    assert 'src="/static/js/map.js"' in content
    assert parsed(content).links["Open the map of the member cities"] == reverse("maps:map")


def test_a_city_without_a_location_has_no_small_map(client, mapped):
    content = client.get(mapped.unplaced.get_absolute_url()).content.decode()
    assert parsed(content).maps == [] and "js/map.js" not in content


def test_the_coalition_page_has_a_small_map_of_its_cities(client, mapped):
    content = client.get(mapped.eccar.get_absolute_url()).content.decode()
    [element] = parsed(content).maps
    assert element["data-geojson"] == reverse("maps_api:cities") + "?coalition=eccar&lang=en"
    link = parsed(content).links["Open the map of the member cities"]
    assert link == reverse("maps:map") + "?coalition=eccar"
