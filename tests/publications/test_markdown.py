"""The editors' Markdown reaches pages only sanitized (publications/markdown.py)."""

import pytest

from publications.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    "<svg><script>alert(1)</script></svg>",
    "<form action=https://evil.example><input name=password></form>",
    "<<script>script>alert(1)<</script>/script>",
    '<p title="x" onmouseover="alert(1)">hover</p>',
    "<object data=x></object><embed src=x>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_made_harmless(text):
    html = render_markdown(f"Before\n\n{text}\n\nAfter").lower()
    for forbidden in ["<script", "onerror", "onclick", "onmouseover", "javascript:", "data:",
                      "<iframe", "<svg", "<form", "<input", "<object", "<embed", "<math",
                      "<style", "style="]:  # fmt: skip
        assert forbidden not in html
    assert "before" in html and "after" in html


def test_markdown_keeps_what_editors_write():
    html = render_markdown(
        "# A heading\n\nSome *emphasis*, **strength** and a [link](https://example.org).\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    # Headings start at level 3 under the page's own h1 and h2.
    assert "<h3>A heading</h3>" in html
    assert "<em>emphasis</em>" in html and "<strong>strength</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">link</a>' in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
