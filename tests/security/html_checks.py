"""What injected text must never become in a page or an e-mail, checked on the parsed HTML.

Python's parser is stricter than a browser in one way that helps here: it parses the content of
<textarea> and <title> as markup, so text that escaped them unescaped is caught as elements.
"""

import json
import re
from html.parser import HTMLParser

# Schemes that run code when a link is followed or a resource loaded.
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg", "livescript:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "srcset",
    "ping",
    "cite",
}
# The one inline script the pages may hold: data (schema.org JSON-LD), which no browser runs.
DATA_SCRIPT = [("type", "application/ld+json")]
# Elements the site never writes: if one appears, text became markup.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
# Browsers drop ASCII tab and newline anywhere in a URL, and controls and spaces around it.
URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
# The payloads' own markup, unescaped, anywhere in the source (escaped text has no "<").
RAW_MARKERS = [
    re.compile(re.escape(marker), re.I)
    for marker in ("<script>alert", "<img src=x onerror", "<svg onload", "<b onmouse", "<iframe")
]


def is_script_url(value):
    cleaned = URL_NOISE.sub("", value or "").lower()
    return cleaned.startswith(SCRIPT_SCHEMES)


class SafetyParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.texts = []
        self.data_script = None  # the text of the JSON-LD element being read, and where
        self.data_scripts = []  # each JSON-LD element's data, parsed

    def handle_starttag(self, tag, attrs):
        where = f"<{tag}> at line {self.getpos()[0]}"
        if tag == "script" and attrs == DATA_SCRIPT:
            # Exactly type="application/ld+json", nothing else: checked whole at its end.
            self.data_script = (where, [])
            return
        values = dict(attrs)
        for name, value in attrs:
            value = value or ""
            self.texts.append(value)
            if name.startswith("on"):
                self.problems.append(f"{where}: event handler attribute {name}={value!r}")
            if name == "srcdoc":
                self.problems.append(f"{where}: srcdoc={value!r}")
            if name in URL_ATTRIBUTES and is_script_url(value):
                self.problems.append(f"{where}: {name}={value!r} runs script")
            if name == "style" and ("javascript:" in value.lower() or "url(" in value.lower()):
                self.problems.append(f"{where}: style={value!r}")
        if tag == "script" and not values.get("src"):
            self.problems.append(f"{where}: inline script {attrs!r}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"{where}: element the site never writes")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"{where}: meta refresh {values!r}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self.data_script is not None:
            where, parts = self.data_script
            self.data_script = None
            self.check_data_script(where, "".join(parts))

    def check_data_script(self, where, text):
        """A JSON-LD element must be JSON and nothing else, and hold no "</" (with which a text
        could close the element and write markup after it) nor "<!--" (which changes how the
        browser finds its end)."""
        if "</" in text or "<!--" in text:
            self.problems.append(f"{where}: JSON-LD holding {'</' if '</' in text else '<!--'}")
        try:
            self.data_scripts.append(json.loads(text))
        except ValueError as error:
            self.problems.append(f"{where}: JSON-LD that is not JSON ({error})")

    def handle_data(self, data):
        if self.data_script is not None:
            # The element's raw text (a script's content is not HTML): data, not page text.
            self.data_script[1].append(data)
            return
        self.texts.append(data)

    def close(self):
        super().close()
        if self.data_script is not None:
            self.problems.append(f"{self.data_script[0]}: JSON-LD element never closed")


def check_html(html, where="", json_ld=None):
    """Assert no injected markup; return the page's text and attribute values, decoded. Given a
    list, ``json_ld`` receives the data of the page's JSON-LD elements."""
    parser = SafetyParser()
    parser.feed(html)
    parser.close()
    if json_ld is not None:
        json_ld.extend(parser.data_scripts)
    problems = list(parser.problems)
    for pattern in RAW_MARKERS:
        found = pattern.search(html)
        if found:
            problems.append(f"raw markup {found.group(0)!r}")
    assert not problems, f"{where}: {problems[:5]}"
    return "\n".join(parser.texts)


class FormScraper(HTMLParser):
    """Collect what a browser would submit with one form: its inputs, selects and textareas."""

    SKIPPED_TYPES = {"submit", "button", "file", "image", "reset"}

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.select_multiple = False
        self.select_first = None
        self.select_chosen = []
        self.option_value = None
        self.textarea = None
        self.textarea_fresh = False

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form":
            self.inside = values.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = values.get("name")
        if tag == "input" and name:
            kind = (values.get("type") or "text").lower()
            if kind in self.SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in values:
                    self.add(name, values.get("value") or "on")
                return
            self.add(name, values.get("value") or "")
        elif tag == "select" and name:
            self.select, self.select_multiple = name, "multiple" in values
            self.select_first, self.select_chosen = None, []
        elif tag == "option" and self.select:
            value = values.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in values:
                self.select_chosen.append(value)
        elif tag == "textarea" and name:
            self.textarea, self.textarea_fresh = name, True
            self.add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            chosen = self.select_chosen
            if not chosen and not self.select_multiple and self.select_first is not None:
                chosen = [self.select_first]
            for value in chosen:
                self.add(self.select, value)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            if self.textarea_fresh and data.startswith("\n"):
                data = data[1:]  # a textarea's first newline is not part of its value
            self.textarea_fresh = False
            self.data[self.textarea][-1] += data


def form_data(html, form_id):
    """Return the data a browser would post with the form whose id is given."""
    scraper = FormScraper(form_id)
    scraper.feed(html)
    scraper.close()
    assert scraper.data, f"no form {form_id!r}"
    return scraper.data
