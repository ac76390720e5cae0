"""Browser, accessibility and HTML-validity checks that every page of the site is held to.

Tools (installed by ``.ci/install-browser-tools``, which is safe to run again):

- Debian's Chromium at ``/usr/bin/chromium`` (package ``chromium``), driven by Playwright for
  Python (``requirements.txt``). Never ``playwright install``: it downloads a browser of its own.
- axe-core and the Nu Html Checker (npm package vnu-jar), pinned in ``tests/browser/package.json``
  and ``package-lock.json``, installed into ``tests/browser/node_modules`` (git-ignored).
- Java 11 or newer, to run ``vnu.jar``.

Where a tool is missing the tests that need it are skipped, with a message saying what to
install; but when the environment variable ``CI`` is set (to anything but ``0``, ``false`` or
``no``) they fail instead, so that CI can never silently skip them.

Environment variables read here (mostly to point at other installs, or to hide a tool when
checking the skip-or-fail behaviour):

``ICCAR_CHROMIUM``
    the Chromium executable (default ``/usr/bin/chromium``).
``ICCAR_BROWSER_NODE_MODULES``
    the folder holding axe-core and vnu-jar (default ``tests/browser/node_modules``).
``ICCAR_JAVA``
    the Java executable for vnu.jar (default ``java`` on ``PATH``).
``CI``
    set: a missing tool fails the tests instead of skipping them.

Fixtures: ``browser`` (one Chromium for the whole session), ``page`` (one page, reused by every
test; open a context of your own with ``new_context(browser)`` for a test that must not share
cookies), ``live_url`` (pytest-django's ``live_server`` with a transactional database that keeps
the rows the migrations made).

The tests have no internet. The maps of the city, coalition and map pages (maps/README.md) ask
the tile server (``settings.MAP_TILES_URL``) for their images: every context made here
(``new_context``, hence ``page``) answers each request to that origin with a blank PNG
(``answer_tiles_locally``), so no page waits on the network or fails a request.

Helpers, imported from this module: ``goto(page, url)``, ``assert_no_axe_violations(page)``
(on a page with a map, it first waits for the map to be drawn and hides its tiles while axe
runs: see ``tiles_hidden``), ``assert_skip_link_works(page)``, ``assert_landmarks(html)`` and
``assert_valid_html(html_by_name)`` (the HTML as the server sent it, which the map's script has
not touched), ``new_context(browser)``.

For pages behind a login or a form: ``log_in_browser(page, base_url, user)`` (a session cookie,
no form), ``open_page(page, navigate, status=200)`` (like ``goto`` for any navigation: a click,
a form sent, a reload), ``submit_form(page, data)`` (fill a form as the test client would post
it, and send it), and the fixture ``served_media`` (uploaded files, which the live server does
not serve, answered from ``MEDIA_ROOT``).
"""

import asyncio
import base64
import functools
import inspect
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
INSTALL_HINT = ".ci/install-browser-tools"

CHROMIUM = Path(os.environ.get("ICCAR_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NODE_MODULES = Path(os.environ.get("ICCAR_BROWSER_NODE_MODULES") or BROWSER_DIR / "node_modules")
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("ICCAR_JAVA") or shutil.which("java") or "/usr/bin/java"

# WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# A short-lived JVM finishes about twice as fast with only the quick JIT compiler and the simple
# garbage collector; the checker's schema evaluation then needs a deeper stack than by default.
JAVA_OPTIONS = ["-Xss2m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def tool_missing(*problems):
    """Skip the current test because a tool is missing, or fail it in CI."""
    message = "; ".join(problems)
    if in_ci():
        pytest.fail(f"{message} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


def require_browser_tools():
    problems = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(
            f"Chromium not found at {CHROMIUM}: install Debian's package chromium "
            f"(apt-get install -y chromium), or run {INSTALL_HINT}"
        )
    if not AXE_SCRIPT.is_file():
        problems.append(f"axe-core not found at {AXE_SCRIPT}: run {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing: pip install -r requirements.txt")
    if problems:
        tool_missing(*problems)


def require_html_validator():
    problems = []
    if not shutil.which(JAVA):
        problems.append(
            f"Java not found ({JAVA}): install Java 11 or newer "
            f"(apt-get install -y default-jre-headless), or run {INSTALL_HINT}"
        )
    if not VNU_JAR.is_file():
        problems.append(f"the Nu Html Checker not found at {VNU_JAR}: run {INSTALL_HINT}")
    if problems:
        tool_missing(*problems)


# --- Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    require_browser_tools()
    from playwright.sync_api import sync_playwright

    _keep_playwright_loop_to_its_calls()
    playwright = sync_playwright().start()
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        asyncio._set_running_loop(loop)
        try:
            playwright.stop()
        finally:
            asyncio._set_running_loop(None)


def _keep_playwright_loop_to_its_calls():
    """Mark Playwright's asyncio loop as running only while Playwright's own code runs.

    Playwright's sync API runs its loop in a greenlet of this thread and, between its calls,
    leaves the loop marked as running in this thread. Django then takes the test's own code for
    async code: the ORM raises SynchronousOnlyOperation, and the database connections become
    others than those the test database was set up with (so serialized rollback loses the rows
    the migrations made). The usual DJANGO_ALLOW_ASYNC_UNSAFE silences only the first.

    Here every method and property of the sync API's classes marks the loop as running on its
    way in and clears the mark on its way out, so Django sees an ordinary synchronous thread
    between calls, and the page, locators, ``expect()`` and ``page.expect_*()`` work as usual.
    Code that Playwright runs inside its loop (``page.on`` handlers, nested calls) finds the mark
    set and leaves it alone. This relies on the layout of Playwright's sync API (its version is
    pinned in requirements.txt): if an upgrade changes it, this fails loudly.
    """
    try:
        from playwright._impl import _sync_base
        from playwright.sync_api import _generated
    except ImportError as error:
        raise RuntimeError(
            f"Playwright's sync API moved ({error}): update "
            "_keep_playwright_loop_to_its_calls() in tests/browser/conftest.py"
        ) from error
    if getattr(_sync_base, "_iccar_loop_kept_to_calls", False):
        return

    def loop_of(obj):
        if isinstance(obj, _sync_base.SyncBase):
            return obj._loop
        if isinstance(obj, _sync_base.EventInfo):
            return obj._sync_base._loop
        return obj._event._sync_base._loop  # EventContextManager

    def bracket(function):
        @functools.wraps(function)
        def call(obj, *args, **kwargs):
            if asyncio._get_running_loop() is not None:  # inside Playwright already
                return function(obj, *args, **kwargs)
            asyncio._set_running_loop(loop_of(obj))
            try:
                return function(obj, *args, **kwargs)
            finally:
                asyncio._set_running_loop(None)

        return call

    classes = [_sync_base.SyncBase, _sync_base.EventInfo, _sync_base.EventContextManager]
    classes += [
        cls
        for cls in vars(_sync_base).values()
        if isinstance(cls, type) and issubclass(cls, _sync_base.SyncBase)
    ]
    classes += [
        cls
        for cls in vars(_generated).values()
        if isinstance(cls, type) and issubclass(cls, _sync_base.SyncBase)
    ]
    if not hasattr(_sync_base.SyncBase, "_sync") or len(classes) < 10:
        raise RuntimeError(
            "Playwright's sync API changed: update _keep_playwright_loop_to_its_calls() "
            "in tests/browser/conftest.py"
        )
    for cls in dict.fromkeys(classes):
        for name, member in list(vars(cls).items()):
            if name.startswith("__") and name not in {"__enter__", "__exit__"}:
                continue
            if isinstance(member, property):
                setattr(
                    cls,
                    name,
                    property(
                        member.fget and bracket(member.fget),
                        member.fset and bracket(member.fset),
                        member.fdel,
                        member.__doc__,
                    ),
                )
            elif inspect.isfunction(member):
                setattr(cls, name, bracket(member))
    _sync_base._iccar_loop_kept_to_calls = True


def new_context(browser, *, axe=True):
    """A browser context as the checks use it: a 1280×800 window in English, a 10 s timeout,
    the map tiles answered locally, and (unless axe=False) axe-core in every document."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.set_default_timeout(10_000)
    if axe and AXE_SCRIPT.exists():
        # Loaded with every page before its own scripts: the site's Content Security Policy
        # (rightly) refuses a script tag added afterwards.
        context.add_init_script(path=str(AXE_SCRIPT))
    answer_tiles_locally(context)
    return context


# A transparent 1×1 PNG: the answer to every request for a map tile.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def tile_origin():
    """The scheme and host of settings.MAP_TILES_URL (a ``{s}`` subdomain as the glob ``*``)."""
    from django.conf import settings

    parts = urlsplit(settings.MAP_TILES_URL)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def answer_tiles_locally(context):
    """Answer every request of the context to the tile server with BLANK_TILE."""

    def blank(route):
        route.fulfill(status=200, body=BLANK_TILE, content_type="image/png")

    context.route(f"{tile_origin()}/**", blank)


@pytest.fixture(scope="session")
def _shared_page(browser):
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(_shared_page):
    """The session's one page, without cookies or a document left over from the previous test."""
    _shared_page.context.clear_cookies()
    # set_content() writes into the current document, which keeps its Content Security Policy.
    _shared_page.goto("about:blank")
    return _shared_page


@pytest.fixture
def live_url(reload_migration_data, django_db_serialized_rollback, transactional_db, live_server):
    """The live server's address (no trailing slash), for a test whose data it must see.

    Such a test's data is committed, and emptied after it; the rows the migrations made are kept.
    """
    return live_server.url


@contextmanager
def failed_requests(page, *, except_navigation=False):
    """Collect, while the block runs, what the page loads that fails: an answer of 400 or more,
    or none. With except_navigation, the page's own answer is left to the caller to check."""
    failed = []

    def on_response(response):
        request = response.request
        if except_navigation and request.is_navigation_request():
            if request.frame == page.main_frame:
                return
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        failed.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    try:
        yield failed
    finally:
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_request_failed)


def goto(page, url):
    """Open url and check that it and everything it loaded (stylesheets…) answered below 400."""
    with failed_requests(page) as failed:
        response = page.goto(url, wait_until="load")
    status = response.status if response is not None else "nothing"
    assert status == 200, f"{url} answered {status}"
    assert not failed, f"requests made by {url} failed:\n" + "\n".join(failed)
    return response


# --- Pages behind a login or a form ------------------------------------------------------------


def log_in_browser(page, base_url, user):
    """Log the page's browser context in as user, without the login form: Django's test client
    makes the session (force_login) and its cookie is copied into the context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [
            {
                "name": name,
                "value": client.cookies[name].value,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def open_page(page, navigate, *, status=200):
    """Call navigate() (``lambda: page.goto(url)``, a click on a link or a submit button, a
    reload…), wait until the page it opens has loaded, and check that this page answered
    `status` (after any redirects) and that everything it loaded answered below 400."""
    with failed_requests(page, except_navigation=True) as failed:
        with page.expect_navigation(wait_until="load") as navigation:
            navigate()
        response = navigation.value
    answered = response.status if response is not None else "nothing"
    assert answered == status, f"{page.url} answered {answered}, expected {status}"
    assert not failed, f"requests made by {page.url} failed:\n" + "\n".join(failed)
    return response


_FILL_FORM = """([selector, data]) => {
    const form = document.querySelector(selector);
    if (!form) return {error: `no form matches ${selector}`};
    const seen = new Set();
    let button = null;
    for (const el of form.elements) {
        if (!el.name || el.type === "file") continue;
        const value = data[el.name];
        if (el.type === "hidden") {  // the CSRF token, the version opened…: as the page set them
            if (value !== undefined) seen.add(el.name);
            continue;
        }
        if (el.type === "submit") {
            if (value !== undefined && String(value) === el.value) button = el;
            if (value !== undefined) seen.add(el.name);
            continue;
        }
        if (value !== undefined) seen.add(el.name);
        const values = [].concat(value ?? []).map(String);
        if (el.type === "checkbox" || el.type === "radio") {
            el.checked = values.includes(el.value);
        } else if (el.tagName === "SELECT") {
            if (value !== undefined) el.value = values[0] ?? "";
        } else {
            el.value = values[0] ?? "";
        }
    }
    button = button || form.querySelector("button[type=submit], input[type=submit]");
    if (!button) return {error: `the form ${selector} has no submit button`};
    for (const old of document.querySelectorAll("[data-test-submit]")) {
        old.removeAttribute("data-test-submit");
    }
    button.setAttribute("data-test-submit", "");
    return {unknown: Object.keys(data).filter(name => !seen.has(name))};
}"""


def submit_form(page, data, *, form="main form[method=post]", status=200):
    """Fill the form as the test client would post `data` and send it with a click on its
    submit button: the one whose name and value are in `data`, otherwise its first one. Fields
    that `data` leaves out are emptied and check boxes unticked (a select keeps its choice);
    hidden fields (the CSRF token, the version the form was opened on…) keep the values the page
    gave them; a name in `data` that the form lacks fails the test. Check the answer as
    `open_page` does; return it."""
    found = page.evaluate(_FILL_FORM, [form, data])
    assert "error" not in found, found.get("error")
    assert not found["unknown"], f"the form {form} has no field named {found['unknown']}"
    submit = page.locator("[data-test-submit]")
    return open_page(page, submit.click, status=status)


@pytest.fixture
def served_media(page, live_url):
    """Answer the page's requests for uploaded files from MEDIA_ROOT, as the web server does in
    production (the live server, like Django with DEBUG off, does not serve them); a missing
    file answers 404."""
    from django.conf import settings

    prefix = f"{live_url}/{settings.MEDIA_URL.strip('/')}/"
    root = Path(settings.MEDIA_ROOT).resolve()

    def serve(route):
        wanted = unquote(urlsplit(route.request.url).path)[len(urlsplit(prefix).path) :]
        file = (root / wanted).resolve()
        if file.is_file() and root in file.parents:
            route.fulfill(status=200, path=file)
        else:
            route.fulfill(status=404, body="not found", content_type="text/plain")

    pattern = prefix + "**"
    page.context.route(pattern, serve)
    yield
    page.context.unroute(pattern, serve)


# --- Accessibility: axe-core --------------------------------------------------------------------


def assert_no_axe_violations(page):
    """Run axe-core (WCAG 2.0 and 2.1, A and AA) on the page as it is and fail on any violation
    and on any result axe could not decide ("incomplete"), except what AXE_ALLOWED accepts
    (README.md in this folder gives the rules)."""
    require_browser_tools()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    maps_drawn(page)
    with tiles_hidden(page):
        results = page.evaluate(
            "options => window.axe.run(document, options)",
            {
                "runOnly": {"type": "tag", "values": AXE_TAGS},
                "resultTypes": ["violations", "incomplete"],
            },
        )
    path = urlsplit(page.url).path
    problems = unexplained(results["violations"], path)
    problems += [
        {**result, "impact": f"incomplete, {result['impact']}"}
        for result in unexplained(results["incomplete"], path)
    ]
    if problems:
        pytest.fail(format_axe_violations(page.url, problems), pytrace=False)


def maps_drawn(page):
    """On a page with a map ([data-map], drawn by static/js/map.js after it has fetched its
    GeoJSON), wait until the network is quiet, so that axe sees the map as a visitor does: drawn,
    or left hidden when it has nothing to show."""
    if page.locator("[data-map]").count():
        page.wait_for_load_state("networkidle")


@contextmanager
def tiles_hidden(page):
    """Hide the maps' tiles (.leaflet-tile-pane) while the block runs. axe-core 4.14 stacks each
    tile at its whole size, not clipped to the map (getRectStack ignores overflow: hidden), and
    so reports the text near the map, and over it, as of unknown contrast. The tiles are images
    without text (blank ones here); the map's controls, markers and attribution stay checked,
    over the map's own background."""
    hidden = page.evaluate(
        """() => {
            const panes = document.querySelectorAll('.leaflet-tile-pane');
            panes.forEach(pane => {
                pane.dataset.axeDisplay = pane.style.display;
                pane.style.display = 'none';
            });
            return panes.length;
        }"""
    )
    try:
        yield
    finally:
        if hidden:
            page.evaluate(
                """() => document.querySelectorAll('.leaflet-tile-pane').forEach(pane => {
                    pane.style.display = pane.dataset.axeDisplay || '';
                    delete pane.dataset.axeDisplay;
                })"""
            )


@dataclass(frozen=True)
class Allowed:
    """A finding of axe-core or of the Nu Html Checker that the checks accept, and why.

    axe: `rule` is the rule's id; `where` a regular expression searched in the element's CSS
    target and HTML ("<target> <html>"). Nu: `rule` is a regular expression searched in the
    message; `where` one searched in the extract, or `inside` a (start, end) pair of regular
    expressions: the message's line must be within the element they open and close. `pages`
    is a regular expression the address's path (axe) or the document's name (Nu) must match.
    """

    rule: str
    why: str
    where: str = ""
    pages: str = ""
    inside: tuple = ()


ADMIN = r"^/(?:ar/|zh-hans/)?admin/"
ADMIN_INDEX = r"^/(?:ar/|zh-hans/)?admin/$"
ADMIN_PRACTICE_CHANGE = r"^/(?:ar/|zh-hans/)?admin/practices/practice/\d+/change/$"
ADMIN_CHANGELIST = r"^/(?:ar/|zh-hans/)?admin/practices/practice/$"
DJANGO_DEFECT = "Django's own admin markup, which the project cannot change without overriding it: "
MEASURED = "axe cannot tell the background; measured in Chromium: "

# What axe finds on a page and the checks accept: violations only in Django's own admin markup,
# and results axe could not decide that a person looked at. README.md says why each is here.
AXE_ALLOWED = [
    Allowed(
        "aria-prohibited-attr",
        DJANGO_DEFECT + "the filter of a filter_horizontal list (admin/js/SelectFilter2.js) puts "
        "aria-label on a span without a role; the search box itself is labelled.",
        where=r'class="help-tooltip search-label-icon"',
        pages=ADMIN_PRACTICE_CHANGE,
    ),
    Allowed(
        "label",
        DJANGO_DEFECT + "the search box select2 (the admin's autocomplete widget, "
        "admin/js/vendor/select2) adds to a many-to-many autocomplete has no label.",
        where=r'class="select2-search__field"',
        pages=ADMIN_PRACTICE_CHANGE,
    ),
    Allowed(
        "label",
        DJANGO_DEFECT + "the admin puts a file field in a fieldset whose legend names it "
        "(admin/includes/fieldset.html, ClearableFileInput.use_fieldset) and gives the input "
        "no label of its own.",
        where=r'^#id_image <input type="file" name="image"',
        pages=ADMIN_PRACTICE_CHANGE,
    ),
    Allowed(
        "color-contrast",
        MEASURED + "the admin's add, change, view and view-on-site links, and the change link of "
        "an inline's object (admin/edit_inline/stacked.html, show_change_link), draw their icon "
        "as a background image beside the text: #417893 on white 4.85:1 (the inline's link "
        "14px bold on the white fieldset), white on #747474 4.67:1, #666 on #f8f8f8 5.41:1.",
        where=r'class="(addlink|changelink|inlinechangelink|viewlink|viewsitelink)"',
        pages=ADMIN,
    ),
    Allowed(
        "color-contrast",
        MEASURED + "the index's recent actions: #333 and #666 on #f8f8f8, 11.90:1 and 5.41:1.",
        where=r"^(h2|h3|p) ",
        pages=ADMIN_INDEX,
    ),
    Allowed(
        "color-contrast",
        MEASURED + "the two lists of a filter_horizontal field, partly under their buttons: "
        "#333 on white, 12.63:1.",
        where=r"^#id_(themes|city_roles|target_groups|commitments)_(from|to) ",
        pages=ADMIN_PRACTICE_CHANGE,
    ),
    Allowed(
        "color-contrast",
        MEASURED + "a link of the list's filter panel, partly under the panel's edge: #666 on "
        "#f8f8f8, 5.41:1.",
        where=r'^a\[href="\?',
        pages=ADMIN_CHANGELIST,
    ),
    Allowed(
        "th-has-data-cells",
        DJANGO_DEFECT + "the navigation sidebar lists each app's models in a table "
        "(admin/app_list.html) whose header names three columns and whose rows fill two, the "
        "second empty where there is nothing to add.",
        where=r"^(\.app-[\w-]+|\.current-app) > table ",
        pages=ADMIN,
    ),
]


def unexplained(results, path):
    """The results with the nodes no entry of AXE_ALLOWED accepts on this page."""
    left = []
    for result in results:
        nodes = [
            node
            for node in result["nodes"]
            if not any(
                entry.rule == result["id"]
                and re.search(entry.pages, path)
                and re.search(entry.where, f"{' '.join(map(str, node['target']))} {node['html']}")
                for entry in AXE_ALLOWED
            )
        ]
        if nodes:
            left.append({**result, "nodes": nodes})
    return left


def format_axe_violations(url, violations):
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {url}:"]
    for violation in violations:
        lines.append("")
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  * target: {', '.join(map(str, node['target']))}")
            lines.append(f"    html:   {_shorten(node['html'], 300)}")
            summary = (node.get("failureSummary") or "").strip()
            for summary_line in summary.splitlines():
                lines.append(f"    {summary_line.strip()}".rstrip())
    return "\n".join(lines)


def _shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Keyboard ------------------------------------------------------------------------------------


def assert_skip_link_works(page):
    """On the page as loaded: the first Tab focuses a skip link to <main>, shown in the viewport
    while focused, and following it moves the focus to <main>."""
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const target = el && el.hash ? document.getElementById(el.hash.slice(1)) : null;
            const style = getComputedStyle(el);
            return {
                html: el.outerHTML.slice(0, 200),
                tag: el.tagName.toLowerCase(),
                targetTag: target ? target.tagName.toLowerCase() : null,
                opacity: Number(style.opacity),
                visibility: style.visibility,
            };
        }"""
    )
    assert focused["tag"] == "a" and focused["targetTag"] == "main", (
        f"the first Tab should focus a skip link to <main>; it focused {focused['html']}"
    )
    box = page.locator(":focus").bounding_box()
    viewport = page.viewport_size
    assert box and box["width"] >= 8 and box["height"] >= 8, (
        f"the focused skip link should be visible; its box is {box}"
    )
    assert (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    ), f"the focused skip link should be inside the viewport {viewport}; its box is {box}"
    assert focused["opacity"] > 0 and focused["visibility"] == "visible", (
        f"the focused skip link should be visible: {focused}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash !== ''")
    now_focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    assert page.evaluate("() => document.activeElement.tagName.toLowerCase()") == "main", (
        f"following the skip link should focus <main> (give it tabindex=-1); "
        f"the focus is on {now_focused}"
    )


# --- Structure ----------------------------------------------------------------------------------


class _Landmarks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.h1 = 0
        self.main = 0
        self.navs = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "").strip() for name, value in attrs}
        if tag == "html":
            self.html_lang = attrs.get("lang", "")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "nav":
            self.navs.append(attrs)


def assert_landmarks(html):
    """The document has <html lang>, exactly one <h1>, exactly one <main>, and a <nav> with an
    aria-label; every <nav> is labelled (aria-label or aria-labelledby), so that they can be
    told apart."""
    found = _Landmarks()
    found.feed(html)
    found.close()
    problems = []
    if not found.html_lang:
        problems.append("<html> has no lang attribute")
    if found.h1 != 1:
        problems.append(f"expected exactly one <h1>, found {found.h1}")
    if found.main != 1:
        problems.append(f"expected exactly one <main>, found {found.main}")
    if not any(nav.get("aria-label") for nav in found.navs):
        problems.append("expected a <nav> with an aria-label")
    unlabelled = [
        nav for nav in found.navs if not (nav.get("aria-label") or nav.get("aria-labelledby"))
    ]
    if unlabelled:
        problems.append(f"<nav> without aria-label or aria-labelledby: {unlabelled}")
    assert not problems, "; ".join(problems)


# --- HTML validity: the Nu Html Checker ---------------------------------------------------------


def assert_valid_html(html_by_name):
    """Check every document of {name: HTML} with one run of the Nu Html Checker; fail on its
    errors and warnings, except what NU_ALLOWED accepts.

    The documents are written byte for byte to a temporary folder, so the line numbers reported
    are those of the HTML as served.
    """
    require_html_validator()
    with tempfile.TemporaryDirectory(prefix="iccar-vnu-") as folder:
        name_by_file = {}
        for index, (name, html) in enumerate(html_by_name.items()):
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            path = Path(folder) / f"{index:02d}-{slug or 'page'}.html"
            path.write_bytes(html if isinstance(html, bytes) else html.encode())
            name_by_file[path.name] = name
        completed = subprocess.run(
            [
                JAVA,
                *JAVA_OPTIONS,
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                *sorted(str(Path(folder) / file) for file in name_by_file),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    try:
        messages = json.loads(completed.stderr or completed.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"the Nu Html Checker did not answer in JSON (exit code {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}",
            pytrace=False,
        )
    documents = {file: (name, html_by_name[name]) for file, name in name_by_file.items()}

    def reported(message):
        if message.get("type") == "info" and message.get("subType") != "warning":
            return False
        name, html = documents.get(message.get("url", "").rsplit("/", 1)[-1], ("", ""))
        return not nu_message_allowed(message, name, html)

    # Errors and warnings alike.
    errors = [message for message in messages if reported(message)]
    if errors:
        pytest.fail(format_vnu_errors(errors, name_by_file), pytrace=False)
    # The checker exits with 1 when it reported an error, accepted or not; anything else is its
    # own failure.
    accepted_errors = any(message.get("type") == "error" for message in messages)
    assert completed.returncode == (1 if accepted_errors else 0), completed.stderr


NAV_SIDEBAR = (r'<nav class="sticky" id="nav-sidebar"', r"</nav>")
# "عدِّل أو استعرض رابط القائمة" as Django's Arabic catalogue writes it (shadda, then kasra) or
# normalized (kasra, then shadda), in the header cell of admin/app_list.html.
SIDEBAR_EDIT_HEADER = '<th scope="col">عد(?:\u0651\u0650|\u0650\u0651)ل أو استعرض رابط القائمة'

# What the Nu Html Checker reports and the checks accept: only in Django's own admin markup.
NU_ALLOWED = [
    Allowed(
        r"^A table row was 2 columns wide, which is less than the column count established by "
        r"the first row \(3\)\.$",
        DJANGO_DEFECT + "the navigation sidebar's tables of models (admin/app_list.html) name "
        "three columns and fill two.",
        inside=NAV_SIDEBAR,
        pages=r"\(/(ar/|zh-hans/)?admin/",
    ),
    Allowed(
        r"not in Unicode Normalization Form C",
        "Django's Arabic catalogue (django/contrib/admin/locale/ar) writes these two phrases "
        "with the shadda before the kasra or damma; they display the same.",
        where="عدِّل أو استعرض رابط القائمة|روابط التنقُّل",
        pages=r"\(/ar/admin/",
    ),
    Allowed(
        r"not in Unicode Normalization Form C",
        "The same phrase of Django's Arabic catalogue, the last column header of the sidebar's "
        "tables of models (admin/app_list.html), where the checker's extract cuts it short "
        "(to as little as its first word): named by the header it is in.",
        where="عدِّل",
        inside=(SIDEBAR_EDIT_HEADER, "</th>"),
        pages=r"\(/ar/admin/",
    ),
    Allowed(
        r"^The first “option” element in a “select” element with a “required” attribute",
        DJANGO_DEFECT + "the admin's autocomplete widget (AutocompleteSelect) renders a "
        "required relation as a select holding only the chosen option, which select2 then "
        "replaces for the editor.",
        inside=(
            r'<select name="city" required id="id_city" class="admin-autocomplete"',
            "</select>",
        ),
        pages=r"^practice change page \(",
    ),
]


def nu_message_allowed(message, name, html):
    """Whether an entry of NU_ALLOWED accepts the message about the document `html`."""
    for entry in NU_ALLOWED:
        if not (
            re.search(entry.rule, message.get("message", ""))
            and re.search(entry.pages, name)
            # Compared in one normal form: the finding may be that a text is not in it.
            and re.search(nfc(entry.where), nfc(message.get("extract", "")))
        ):
            continue
        if not entry.inside or within(message.get("lastLine", 0), html, *entry.inside):
            return True
    return False


def nfc(text):
    return unicodedata.normalize("NFC", text)


def within(line, html, start, end):
    """Whether the line (1-based) lies in an element that `start` opens and `end` closes."""
    text = html.decode() if isinstance(html, bytes) else html
    for opening in re.finditer(start, text):
        closing = re.compile(end).search(text, opening.end())
        last = text.count("\n", 0, closing.end() if closing else len(text)) + 1
        if text.count("\n", 0, opening.start()) + 1 <= line <= last:
            return True
    return False


def format_vnu_errors(errors, name_by_file):
    def position(error):
        file = error.get("url", "").rsplit("/", 1)[-1]
        return file, error.get("lastLine", 0), error.get("firstColumn", 0)

    lines = [f"the Nu Html Checker found {len(errors)} error(s) or warning(s):"]
    for error in sorted(errors, key=position):
        file = error.get("url", "").rsplit("/", 1)[-1]
        line = error.get("lastLine", error.get("firstLine", "?"))
        column = error.get("firstColumn", error.get("lastColumn", "?"))
        kind = "warning" if error.get("subType") == "warning" else "error"
        lines.append(
            f"- {name_by_file.get(file, file)} ({file}) line {line}, column {column}, {kind}: "
            f"{error.get('message', error)}"
        )
        if error.get("extract"):
            lines.append(f"    {_shorten(error['extract'], 200)}")
    return "\n".join(lines)
