"""The API's interactive docs (/api/docs/, api/README.md) in Chromium: Swagger UI from this
site's static files (drf-spectacular-sidecar) and its script from /api/docs/?script=, under the
site's Content Security Policy, with nothing asked of another host.

Swagger UI is a third party's interface: it is not held to axe-core and the Nu Html Checker like
the site's own pages (README.md).
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.browser.conftest import failed_requests, goto, new_context

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "::1", "[::1]"}

# An operation the OpenAPI document describes, as the docs list it.
OPERATION = "/api/v1/practices/"

# Every violation of the page's Content Security Policy, as the browser reports it to the page.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", event => {
    window.__cspViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "an inline"} ` +
        `(${event.sourceFile || "?"}:${event.lineNumber})`
    );
});
"""


@pytest.fixture
def docs_page(browser):
    """A page of its own (no axe-core in it: it is not checked here), which records the CSP
    violations of each document."""
    context = new_context(browser, axe=False)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield context.new_page()
    context.close()


def test_the_api_docs_load_from_this_site_under_its_csp(docs_page, live_url):
    page = docs_page
    site = urlsplit(live_url)
    assert site.hostname in {"127.0.0.1", "localhost"}, f"the live server is at {live_url}"
    asked, answers, console, errors = [], [], [], []
    page.on("request", lambda request: asked.append(request.url))
    page.on("response", lambda response: answers.append(response))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(str(error)))

    docs = reverse("api:docs")
    with failed_requests(page) as failed:
        goto(page, live_url + docs)
        # The UI has fetched the OpenAPI document and lists its operations.
        operation = page.locator(f'.opblock-summary-path[data-path="{OPERATION}"]')
        operation.wait_for()
        page.wait_for_load_state("networkidle")

    elsewhere = [
        url
        for url in asked
        if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != site.netloc
    ]
    assert elsewhere == [], f"the docs asked another host than {site.netloc}: {elsewhere}"
    paths = [urlsplit(url)._replace(scheme="", netloc="").geturl() for url in asked]
    assert any(path.startswith(docs + "?script") for path in paths), paths
    assert reverse("api:schema") in [urlsplit(url).path for url in asked], paths
    assert not failed, "requests of the docs failed:\n" + "\n".join(failed)
    # And every answer came from this machine.
    servers = {(answer.server_addr() or {}).get("ipAddress") for answer in answers}
    assert servers <= LOOPBACK, f"answers from {servers - LOOPBACK}"

    violations = page.evaluate("() => window.__cspViolations")
    refused = [line for line in console if "Content Security Policy" in line]
    assert violations == [] and refused == [], f"CSP violations: {violations}\n{refused}"
    assert errors == [], f"the docs' scripts failed: {errors}"
    assert operation.inner_text().strip() == OPERATION
