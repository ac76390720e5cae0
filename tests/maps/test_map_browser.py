"""The map in Chromium: markers drawn from the GeoJSON, reached by keyboard, popups opened with
Enter and closed with Escape, and no request to any third party but the tile server (whose
answers are made up here: the tests have no internet).

Chromium, Playwright and axe-core come from the browser checks' set-up (tests/browser/conftest.py,
.ci/install-browser-tools): a missing tool skips these tests, and fails them when CI is set.
"""

import base64
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.conftest import assert_no_axe_violations, goto

pytestmark = pytest.mark.browser

# A transparent 1×1 PNG, for every tile.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(settings.MAP_TILES_URL.replace("{s}", "a")))
MARKER = ".map .map-marker"


@pytest.fixture
def map_page(page, live_url):
    """The shared page, its tiles answered with a blank image, and every address it asks for
    recorded."""
    asked = []

    def record(request):
        asked.append(request.url)

    page.on("request", record)

    def blank(route):
        route.fulfill(status=200, body=BLANK_TILE, content_type="image/png")

    page.context.route(f"{TILE_ORIGIN}/**", blank)
    yield page, asked
    page.context.unroute(f"{TILE_ORIGIN}/**", blank)
    page.remove_listener("request", record)


def assert_accessible(page):
    """axe on the page with the (blank) tiles hidden: axe-core 4.14 stacks each tile at its whole
    size, not clipped to the map (getRectStack ignores overflow: hidden), and so reports the
    text near the map and over it as of unknown contrast; the tiles here are transparent."""
    page.evaluate(
        "() => document.querySelectorAll('.leaflet-tile-pane').forEach("
        "pane => { pane.style.display = 'none'; })"
    )
    assert_no_axe_violations(page)


def tab_to(page, selector, most=20):
    """Press Tab from the map until the focus is on an element matching selector."""
    page.locator(".map").first.focus()
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    pytest.fail(f"Tab never reached {selector}")


def test_markers_open_their_popup_by_keyboard(map_page, live_url, mapped):
    page, asked = map_page
    goto(page, live_url + reverse("maps:map"))
    page.wait_for_selector(MARKER)
    assert page.locator(MARKER).count() == 2
    assert page.locator(".map-block").is_visible()

    label = tab_to(page, MARKER)
    assert label.startswith(("Ghent — ", "Liège — "))
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup .map-popup")
    popup.wait_for()
    # The popup has the focus, and its links come next.
    assert page.evaluate("() => document.activeElement.classList.contains('map-popup')")
    city = label.split(" — ")[0]
    assert popup.locator(".map-popup-title a").inner_text() == city
    practice_links = popup.locator(".map-popup-practices a[href*='/practices/']")
    assert practice_links.count() >= 1
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('.map-popup') !== null")
    assert focused, "Tab from the popup left it"
    assert_accessible(page)

    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert page.evaluate("s => document.activeElement.matches(s)", MARKER)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == label

    # Nothing but the site and the tile server.
    others = [url for url in asked if not url.startswith((live_url, TILE_ORIGIN, "data:"))]
    assert others == []
    assert any(url.startswith(TILE_ORIGIN) for url in asked), "no tile was asked for"


def test_ghent_popup_lists_ten_practices_and_the_rest_in_the_search(map_page, live_url, mapped):
    page, _asked = map_page
    goto(page, live_url + reverse("maps:map"))
    page.wait_for_selector(MARKER)
    page.locator(f"{MARKER}[aria-label^='Ghent']").press("Enter")
    popup = page.locator(".leaflet-popup .map-popup")
    assert popup.locator(".map-popup-practices li").count() == 11
    more = popup.locator(".map-popup-practices li").last.locator("a")
    assert more.inner_text() == "and 3 more"
    assert more.get_attribute("href").endswith("/practices/?city=ghent")


def test_a_group_of_cities_opens_by_keyboard(map_page, live_url, mapped):
    page, _asked = map_page
    goto(page, live_url + reverse("maps:map"))
    page.wait_for_selector(MARKER)
    # Zoomed out far enough (the map's own keys), Ghent and Liège are one group.
    page.locator(".map").focus()
    for _ in range(5):
        page.keyboard.press("Minus")
        page.wait_for_timeout(300)
    page.wait_for_selector(".map .map-cluster")
    label = tab_to(page, ".map .map-cluster")
    assert "2" in page.locator(".map .map-cluster").inner_text()
    assert label is None  # named by its text, not an attribute
    page.keyboard.press("Enter")
    # The group opens: its two cities are on the map, and Tab reaches them.
    page.wait_for_function("s => document.querySelectorAll(s).length === 2", arg=MARKER)
    page.wait_for_function("() => !document.querySelector('.map .map-cluster')")
    tab_to(page, MARKER)


def test_the_small_maps_show_their_city_and_coalition(map_page, live_url, mapped):
    page, _asked = map_page
    goto(page, live_url + mapped.ghent.get_absolute_url())
    page.wait_for_selector(MARKER)
    assert page.locator(MARKER).count() == 1
    goto(page, live_url + mapped.eccar.get_absolute_url())
    page.wait_for_selector(MARKER)
    assert page.locator(MARKER).count() == 1  # Nowhere has no location
    assert_accessible(page)


def test_the_map_page_works_in_arabic(map_page, live_url, mapped):
    page, _asked = map_page
    goto(page, live_url + "/ar" + reverse("maps:map"))
    page.wait_for_selector(MARKER)
    tab_to(page, MARKER)
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup .map-popup").wait_for()
    assert_accessible(page)
