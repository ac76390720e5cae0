"""The checkers themselves: each must fail on a page that breaks its rules, or it checks nothing."""

import pytest

from tests.browser.conftest import (
    NAV_SIDEBAR,
    assert_landmarks,
    assert_no_axe_violations,
    assert_skip_link_works,
    assert_valid_html,
    require_html_validator,
)

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!DOCTYPE html>
<html><head><title>Broken</title></head>
<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a>
<p style="color:#bbb;background:#fff">Too faint</p></main></body></html>"""

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good</h1><p>Fine.</p></main></body></html>"""


def test_axe_reports_violations(page):
    page.set_content(BROKEN_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)
    report = str(failure.value)
    for rule in ["html-has-lang", "image-alt", "link-name", "color-contrast"]:
        assert f"- {rule} (" in report, report
    assert "<img src=" in report and "target: img" in report, report


def test_axe_passes_a_good_page(page):
    page.set_content(GOOD_PAGE)
    assert_no_axe_violations(page)


def test_nu_checker_reports_errors_by_page_and_line():
    require_html_validator()
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_valid_html(
            {
                "good page": GOOD_PAGE,
                "bad page": "<!DOCTYPE html>\n<html lang=en><title>x</title>\n<p><div></p>",
                "good again": GOOD_PAGE.encode(),
            }
        )
    report = str(failure.value)
    assert "bad page (01-bad-page.html) line 3" in report, report
    assert "good page" not in report and "good again" not in report, report


# Text over a background image: axe cannot tell its contrast, and says so ("incomplete").
UNDECIDED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Undecided</title></head>
<body><main><h1>Undecided</h1><p style="color:#777;background-image:linear-gradient(#fff,#eee)">
Grey on a gradient</p></main></body></html>"""


def test_axe_reports_what_it_could_not_decide(page):
    page.set_content(UNDECIDED_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)
    assert "- color-contrast (incomplete, serious)" in str(failure.value), str(failure.value)


# The warning Django's navigation sidebar causes in the admin, and a page of the site's own.
SHORT_ROW = """<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead>
<tbody><tr><th>1</th><td></td></tr></tbody></table>"""
SIDEBAR_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sidebar</title></head>
<body><nav class="sticky" id="nav-sidebar" aria-label="Sidebar">
{SHORT_ROW}
</nav><main><h1>Page</h1></main></body></html>"""
OWN_TABLE_PAGE = SIDEBAR_PAGE.replace(f"\n{SHORT_ROW}\n</nav><main>", f"</nav><main>\n{SHORT_ROW}")


def test_nu_checker_reports_warnings_except_those_allowed_where_they_are_allowed():
    require_html_validator()
    assert NAV_SIDEBAR[0] in SIDEBAR_PAGE
    assert_valid_html({"review queue (/admin/practices/practice/)": SIDEBAR_PAGE})
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_valid_html(
            {
                "review queue (/admin/practices/practice/)": OWN_TABLE_PAGE,
                "home (/)": SIDEBAR_PAGE,
            }
        )
    report = str(failure.value)
    assert report.count("warning: A table row was 2 columns wide") == 2, report
    assert "review queue" in report and "home (/)" in report, report


SKIP_LINK_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Skip</title><style>
.skip {{ position: absolute; top: -4rem; }} .skip:focus {{ top: {focused_top}; }}
</style></head>
<body>{skip_link}<nav><a href="/a">A</a></nav>
<main id="main"{main_attrs}><h1>Main</h1><p style="height: 3000px">Long.</p></main></body></html>"""
SKIP_LINK = '<a class="skip" href="#main">Skip to main content</a>'


def test_skip_link_check_passes_a_good_page(page):
    good = SKIP_LINK_PAGE.format(
        skip_link=SKIP_LINK, focused_top="0.5rem", main_attrs=' tabindex="-1"'
    )
    page.set_content(good)
    assert_skip_link_works(page)


@pytest.mark.parametrize(
    "skip_link, focused_top, main_attrs, complaint",
    [
        ("", "0.5rem", ' tabindex="-1"', "the first Tab should focus a skip link"),
        (SKIP_LINK, "-4rem", ' tabindex="-1"', "inside the viewport"),
        (SKIP_LINK, "0.5rem", "", "should focus <main>"),
    ],
    ids=["no-skip-link", "offscreen-when-focused", "main-not-focusable"],
)
def test_skip_link_check_fails_a_bad_page(page, skip_link, focused_top, main_attrs, complaint):
    page.set_content(
        SKIP_LINK_PAGE.format(skip_link=skip_link, focused_top=focused_top, main_attrs=main_attrs)
    )
    with pytest.raises(AssertionError, match=complaint):
        assert_skip_link_works(page)


def test_landmarks_check():
    assert_landmarks(GOOD_PAGE.replace("<main>", '<nav aria-label="Main"></nav><main>'))
    bad = (
        "<!DOCTYPE html><html><title>x</title><nav></nav><nav aria-labelledby=n></nav>"
        "<main><h1>One</h1><h1>Two</h1></main><main></main>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_landmarks(bad)
    for problem in [
        "no lang",
        "one <h1>, found 2",
        "one <main>, found 2",
        "a <nav> with an aria-label",
        "<nav> without aria-label or aria-labelledby: [{}]",
    ]:
        assert problem in str(failure.value)
