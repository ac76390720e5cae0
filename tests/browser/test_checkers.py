"""The checkers themselves: each must fail on a page that breaks its rules, or it checks nothing."""

import pytest

from tests.browser.conftest import assert_no_axe_violations, assert_valid_html

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
