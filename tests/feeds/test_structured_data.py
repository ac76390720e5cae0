"""The schema.org descriptions (JSON-LD) of the practice and city pages: they parse, have the
right types and cannot break out of their script element."""

import json
import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from core.json_ld import json_ld_script
from practices.models import Practice, Theme

Status = Practice.Status
pytestmark = pytest.mark.django_db
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(content):
    (found,) = SCRIPT.findall(content)
    return json.loads(found)


@pytest.fixture
def practice(make_practice, city):
    city.latitude, city.longitude = Decimal("51.05434"), Decimal("3.71742")
    city.save()
    return make_practice(
        Status.PUBLISHED,
        title="Ghent's </script><script>alert(1)</script> desk",
        themes=[Theme.objects.get(slug="housing")],
        start_year=2019,
        end_year=2022,
    )


def test_the_practice_page_describes_a_creative_work(client, practice):
    content = client.get(practice.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in content
    data = json_ld(content)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CreativeWork"
    assert data["name"] == practice.title
    assert data["description"] == practice.summary
    assert data["url"].endswith(practice.get_absolute_url())
    assert data["inLanguage"] == "en"
    assert data["about"] == [
        {"@type": "Thing", "name": "Fair access to housing", "url": data["about"][0]["url"]}
    ]
    place = data["spatialCoverage"]
    assert place["@type"] == "City" and place["name"] == "Ghent"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 51.05434, "longitude": 3.71742}
    assert place["containedInPlace"] == {"@type": "Country", "name": "Belgium", "identifier": "BE"}
    assert data["temporalCoverage"] == "2019/2022"
    assert data["datePublished"].startswith(str(practice.published_at.year))
    assert data["dateModified"]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["parentOrganization"]["name"] == "UNESCO"
    assert practice.contact_email not in json.dumps(data)


def test_the_practice_page_in_french_says_so(client, practice):
    data = json_ld(client.get(f"/fr{practice.get_absolute_url()}").content.decode())
    assert "/fr/practices/" in data["url"]
    assert data["spatialCoverage"]["containedInPlace"]["name"] == "Belgique"


def test_the_city_page_describes_a_city_with_its_practices(client, practice, city):
    data = json_ld(client.get(city.get_absolute_url()).content.decode())
    assert data["@type"] == "City"
    assert data["name"] == "Ghent"
    assert data["geo"]["@type"] == "GeoCoordinates"
    assert data["containedInPlace"]["@type"] == "Country"
    assert data["subjectOf"] == [
        {"@type": "CreativeWork", "name": practice.title, "url": data["subjectOf"][0]["url"]}
    ]


def test_a_city_without_coordinates_has_no_geo(client, make_practice, city):
    data = json_ld(client.get(city.get_absolute_url()).content.decode())
    assert "geo" not in data and "subjectOf" not in data


def test_json_ld_script_escapes_like_json_script():
    html = str(json_ld_script({"name": "</script><!-- & ' \"", "empty": "", "none": None}))
    assert html.count("</script>") == 1
    assert "<!--" not in html
    (found,) = SCRIPT.findall(html)
    assert json.loads(found) == {"name": "</script><!-- & ' \""}
    assert escape("<") not in found  # JSON escapes, not HTML entities
