"""Stored and reflected XSS: every text field officers and editors fill, on every page showing it.

Each payload carries an id naming the field it was typed into and the payload itself
(``Q<field><payload>Z``). Officers and editors type them through the site's own forms (the member
area, the admin), the workflow runs (submission, changes requested, resubmission, approval, a
proposed update sent back), and every page that can show them is parsed: no element may carry an
event handler, no script may be inline, no link or source may run script, no element the site
never writes may appear, and the payloads' markup may not appear unescaped in the source. The ids
found in a page's text say which (payload, field) pairs it really showed: their count, over all
pages, is the figure reported.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from cities.models import City
from practices.models import (
    CityRole,
    OutgoingEmail,
    Practice,
    PracticeRevision,
    TargetGroup,
    Theme,
)
from tests.cities.factories import CityFactory, CityOfficerFactory, CoalitionFactory, UserFactory

from .conftest import admin_save, pdf_file, png_file
from .html_checks import check_html

pytestmark = pytest.mark.django_db
Status = Practice.Status

# "{i}" becomes the id of the (field, payload) pair.
PAYLOADS = [
    "<script>alert({i})</script>",
    '"><img src=x onerror=alert({i})>',
    "javascript:alert({i})",
    "</textarea><script>alert({i})</script>",
    "{{7*7}}{% debug %}{i}",  # template syntax stays text
    "<svg onload=alert({i})>",
    "'\"`><b onmouseover=`alert({i})`>",  # quotes and backticks
    "\u202e</title><svg onload=alert({i})>",  # right-to-left override
    "<a href=javascript:alert({i})>x",
    "--><iframe src=javascript:alert({i})>",
    "%s%(x)s{0}alert{i}",  # printf and str.format placeholders
]
ID = re.compile(r"Q(\d\d)(\d\d)Z")
TITLE_LENGTH = 120  # the shortest limit of the fields filled (titles, city names)

# Every field filled, by number (two digits of the id).
FIELDS = {
    1: "title",
    2: "summary",
    3: "context",
    4: "implementation",
    5: "results",
    6: "why_it_works",
    7: "challenges",
    8: "transferability",
    9: "partners",
    10: "resources",
    11: "links",
    12: "image_alt",
    13: "contact_name",
    14: "contact_role",
    15: "contact_email",
    16: "reply (the officer's note to the editors)",
    17: "further image's description",
    18: "document title",
    19: "translation: title",
    20: "translation: summary",
    21: "translation: context",
    22: "translation: implementation",
    23: "translation: results",
    24: "translation: why_it_works",
    25: "translation: challenges",
    26: "translation: transferability",
    27: "translation: resources",
    28: "review message",
    29: "review private note",
    30: "update review message",
    31: "update review private note",
    32: "theme title",
    33: "theme description",
    34: "city name",
    35: "city profile",
    36: "coalition name",
    37: "coalition description",
    # Reflected: search parameters and the login page's next address.
    38: "search: q",
    39: "search: theme",
    40: "search: coalition",
    41: "search: country",
    42: "search: city",
    43: "search: role",
    44: "search: target",
    45: "search: year_from",
    46: "search: language",
    47: "search: sort",
    48: "search: page",
    49: "login: next",
}
# The practice's own fields (1–14), its translation's (19–27) and the search parameters (38–48).
PRACTICE_FIELDS = {number: FIELDS[number] for number in range(1, 15)}
TRANSLATION_FIELDS = {
    number: FIELDS[number].removeprefix("translation: ") for number in range(19, 28)
}
SEARCH_PARAMETERS = {number: FIELDS[number].removeprefix("search: ") for number in range(38, 49)}
PRIVATE_NOTES = {29, 31}
# Characters a quoted e-mail local part may hold (no space, no quote, no backslash, ASCII).
QUOTABLE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")


def make_id(field, payload):
    return f"Q{field:02d}{payload:02d}Z"


def payload(field, index):
    return PAYLOADS[index].replace("{i}", make_id(field, index))


def groups(count=3):
    """Split the payloads into ``count`` groups that each fit the shortest field, joined by
    spaces: every carrier practice then holds every field with a third of the payloads."""
    sizes = {i: len(payload(1, i)) + 1 for i in range(len(PAYLOADS))}
    order = sorted(sizes, key=lambda i: -sizes[i])

    def place(position, bins):
        if position == len(order):
            return bins
        index = order[position]
        for group in bins:
            if sum(sizes[i] for i in group) + sizes[index] - 1 <= TITLE_LENGTH:
                group.append(index)
                if place(position + 1, bins):
                    return bins
                group.pop()
        return None

    packed = place(0, [[] for _ in range(count)])
    assert packed, "the payloads no longer fit three titles: shorten them"
    return [sorted(group) for group in packed]


def value(field, group, separator=" ", prefix=""):
    return separator.join(prefix + payload(field, index) for index in group)


class Coverage:
    """The (payload, field, page) triples checked, and the private notes' whereabouts."""

    def __init__(self):
        self.triples = set()
        self.pages = {}

    def check(self, page, html, *, private=False):
        text = check_html(html, page)
        found = {(int(payload_), int(field)) for field, payload_ in ID.findall(text)}
        if private:
            leaked = sorted(f for _p, f in found if f in PRIVATE_NOTES)
            assert not leaked, f"{page} shows a private editor note (fields {leaked})"
        for payload_index, field in found:
            self.triples.add((payload_index, field, page))
        self.pages.setdefault(page, set()).update(found)
        return text


def practice_form(group, **extra):
    data = {
        name: value(field, group, "\n" if name == "partners" else " ")
        for field, name in PRACTICE_FIELDS.items()
        if name != "links"
    }
    # Web addresses carrying the payloads (spaces encoded, as in an address).
    data["links"] = "\n".join(
        "https://example.org/?" + payload(11, index).replace(" ", "%20") for index in group
    )
    quotable = [i for i in group if QUOTABLE.match(payload(15, i))] or [0]
    data["contact_email"] = f'"{payload(15, quotable[0])}"@example.org'
    data["reply"] = value(16, group)
    data.update(
        start_year="2020",
        end_year="",
        language="en",
        city_roles=[str(CityRole.objects.order_by("pk").first().pk)],
        target_groups=[str(TargetGroup.objects.order_by("pk").first().pk)],
    )
    data.update(extra)
    return data


def carrier(index, group, editor_client, common_theme):
    """Have an officer write, submit, revise and update a practice carrying one group."""
    theme = Theme.objects.order_by("pk")[index + 1]
    coalition = CoalitionFactory()
    city = CityFactory(coalition=coalition, country="BE")
    officer = CityOfficerFactory(city=city, user__username=f"carrier{index}").user
    # The editor names the theme, the city and the coalition.
    admin_save(
        editor_client,
        reverse("admin:practices_theme_change", args=[theme.pk]),
        {"title_en": value(32, group), "description_en": value(33, group)},
    )
    admin_save(
        editor_client,
        reverse("admin:cities_city_change", args=[city.pk]),
        {"name": value(34, group), "profile": value(35, group)},
    )
    admin_save(
        editor_client,
        reverse("admin:cities_coalition_change", args=[coalition.pk]),
        {"name_en": value(36, group), "description_en": value(37, group)},
    )
    client = Client()
    client.force_login(officer)
    themes = [str(theme.pk), str(common_theme.pk)]
    response = client.post(
        reverse("members:practice_new"),
        {**practice_form(group, themes=themes), "image": png_file(), "action": "save"},
    )
    assert response.status_code == 302, response.context["form"].errors
    practice = Practice.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    response = client.post(
        reverse("members:image_add", args=[practice.pk]),
        {"image-upload": png_file(), "image-alt_text": value(17, group)},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("members:attachment_add", args=[practice.pk]),
        {"document-upload": pdf_file(), "document-title": value(18, group)},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("members:translation_edit", args=[practice.pk, "fr"]),
        {name: value(field, group) for field, name in TRANSLATION_FIELDS.items()},
    )
    assert response.status_code == 302
    client.post(reverse("members:practice_submit", args=[practice.pk]), {"reply": value(16, group)})
    review = "admin:practices_practice_review"
    # Decisions are posted straight (naming the version), not after opening their page: the
    # admin's messages then wait for the admin index, where they are checked.
    practice.refresh_from_db()
    editor_client.post(
        reverse(review, args=[practice.pk, "request_changes"]),
        {"message": value(28, group), "note": value(29, group), "version": practice.version},
    )
    practice.refresh_from_db()
    assert practice.status == Status.CHANGES_REQUESTED
    response = client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        practice_form(group, themes=themes, version=practice.version, action="submit"),
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    editor_client.post(
        reverse(review, args=[practice.pk, "approve"]),
        {"message": value(28, group), "note": value(29, group), "version": practice.version},
    )
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    # A proposed update changes every text, and is sent back with a message and a note.
    update = practice_form(group, themes=themes)
    for name in [*PRACTICE_FIELDS.values(), "reply"]:
        if name != "title":  # already as long as a title may be
            update[name] += "&v2" if name == "links" else " v2"
    response = client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        {**update, "version": "", "action": "submit"},
    )
    assert response.status_code == 302, response.context["form"].errors
    revision = PracticeRevision.objects.get(practice=practice)
    editor_client.post(
        reverse("admin:practices_practicerevision_review", args=[revision.pk, "request_changes"]),
        {"message": value(30, group), "note": value(31, group), "version": revision.version},
    )
    revision.refresh_from_db()
    assert revision.status == PracticeRevision.Status.CHANGES_REQUESTED
    return {
        "practice": practice,
        "revision": revision,
        "client": client,
        "city": city,
        "coalition": coalition,
        "theme": theme,
    }


def test_no_payload_is_ever_rendered_as_markup(editor, figures):
    packed = groups()
    assert sorted(i for group in packed for i in group) == list(range(len(PAYLOADS)))
    editor_client = Client()
    editor_client.force_login(editor)
    reader = Client()  # signed in: the public page then shows the contact person too
    reader.force_login(UserFactory(username="reader"))
    visitor = Client()
    common_theme = Theme.objects.order_by("pk").first()
    carriers = [
        carrier(index, group, editor_client, common_theme) for index, group in enumerate(packed)
    ]
    coverage = Coverage()
    # The admin's index, with the message of the editor's last change (the last carrier's
    # coalition): checked on its own, so that no other page shows it by chance.
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    coverage.check("admin index after the last change", response.content.decode())
    for made in carriers:
        practice, client = made["practice"], made["client"]
        with override("en"):  # addresses in English, whatever the last page was
            pages = {
                "public practice page": (reader, practice.get_absolute_url()),
                "public practice page, French translation": (
                    visitor,
                    f"/fr/practices/{practice.slug}/",
                ),
                "city page": (visitor, made["city"].get_absolute_url()),
                "coalition page": (visitor, made["coalition"].get_absolute_url()),
                "theme page": (visitor, made["theme"].get_absolute_url()),
                "member dashboard": (client, reverse("members:dashboard")),
                "member practice page": (client, reverse("members:practice", args=[practice.pk])),
                "member preview": (client, reverse("members:practice_preview", args=[practice.pk])),
                "member preview of the update": (
                    client,
                    reverse("members:practice_preview", args=[practice.pk]) + "?update=1",
                ),
                "admin practice change page with review history": (
                    editor_client,
                    reverse("admin:practices_practice_change", args=[practice.pk]),
                ),
                "admin review page": (
                    editor_client,
                    reverse("admin:practices_practice_review", args=[practice.pk, "archive"]),
                ),
                "admin update page with diff and history": (
                    editor_client,
                    reverse("admin:practices_practicerevision_change", args=[made["revision"].pk]),
                ),
                "admin theme change page": (
                    editor_client,
                    reverse("admin:practices_theme_change", args=[made["theme"].pk]),
                ),
                "admin city change page": (
                    editor_client,
                    reverse("admin:cities_city_change", args=[made["city"].pk]),
                ),
                "admin coalition change page": (
                    editor_client,
                    reverse("admin:cities_coalition_change", args=[made["coalition"].pk]),
                ),
            }
        for page, (who, url) in pages.items():
            response = who.get(url)
            assert response.status_code == 200, (page, url)
            private = who is not editor_client
            coverage.check(page, response.content.decode(), private=private)

    for page, (who, url) in {
        "search results, highlighted": (visitor, "/practices/?q=alert"),
        "search results in French, highlighted": (visitor, "/fr/practices/?q=alert"),
        "home": (visitor, "/"),
        "theme list": (visitor, "/themes/"),
        "city list": (visitor, "/cities/"),
        "map page": (visitor, "/map/"),
        "admin practice list": (editor_client, "/admin/practices/practice/?state=all"),
        "admin review events": (editor_client, "/admin/practices/reviewevent/"),
    }.items():
        response = who.get(url)
        assert response.status_code == 200, page
        coverage.check(page, response.content.decode(), private=who is not editor_client)

    # Reflected: each payload as every search parameter at once, and as the login's next.
    for index in range(len(PAYLOADS)):
        params = "&".join(
            f"{name}={quote(payload(field, index))}" for field, name in SEARCH_PARAMETERS.items()
        )
        response = visitor.get(f"/practices/?{params}")
        assert response.status_code == 200
        coverage.check("search page, payload as every parameter", response.content.decode())
        response = visitor.get(f"/practices/?q={quote(payload(38, index))}")
        coverage.check("search page, payload as the words", response.content.decode())
        response = visitor.get(f"/accounts/login/?next={quote(payload(49, index))}")
        coverage.check("login page", response.content.decode())

    # The e-mails: what was queued, and what left (the HTML alternative).
    sent = OutgoingEmail.objects.all()
    assert {email.kind for email in sent} == {"submission", "decision"}
    for email in sent:
        page = "e-mail to editors" if email.kind == "submission" else "e-mail to the city"
        coverage.check(page, email.body_html, private=email.kind == "decision")
        assert "\n" not in email.subject and "\r" not in email.subject
    # Each page showed exactly the fields it should, each with every payload typed into it.
    shown = {}
    for payload_index, field, page in coverage.triples:
        shown.setdefault(page, {}).setdefault(field, set()).add(payload_index)
    expected = expected_display(packed)
    assert shown.keys() == expected.keys()
    for page, fields in expected.items():
        assert shown[page] == fields, (page, describe_difference(shown[page], fields))
    figure = len(coverage.triples)
    assert figure == sum(
        len(payloads) for fields in expected.values() for payloads in fields.values()
    )
    figures["XSS: (payload, field, page) triples rendered and checked"] = (
        f"{figure} ({len(PAYLOADS)} payloads, {len(FIELDS)} fields, {len(SHOWN)} kinds of page)"
    )


# Which fields (numbers of FIELDS) each page shows. Practice pages: the write-up, its images,
# documents and classifications; the contact person only to signed-in people; the review messages
# and the private notes only in the admin and (the messages) to the city.
WRITE_UP = set(range(1, 13))  # title to the main image's description
PUBLIC_PRACTICE = WRITE_UP | {13, 14, 15, 17, 18, 32, 34, 36}
SHOWN = {
    "public practice page": PUBLIC_PRACTICE,
    "public practice page, French translation": {1, 9, 11, 12, 17, 18, *range(19, 28), 34, 36},
    # 12: a result card shows the main image with its description.
    "city page": {1, 2, 12, 32, 34, 35, 36},
    "coalition page": {1, 2, 12, 32, 34, 36, 37},
    "theme page": {1, 2, 12, 32, 33, 34},
    "member dashboard": {1, 30, 34},
    "member practice page": {1, 16, 28, 30},
    "member preview": PUBLIC_PRACTICE,
    "member preview of the update": PUBLIC_PRACTICE,
    "admin practice change page with review history": WRITE_UP
    | {13, 14, 15, 16, 17, 18, 28, 29, 30, 31, 32, 34},
    "admin review page": WRITE_UP | {17, 18, 34},
    "admin update page with diff and history": WRITE_UP | {13, 14, 16, 30, 31},
    "admin theme change page": {32, 33},
    "admin city change page": {34, 35, 36},
    "admin coalition change page": {36, 37},
    # The recent actions (every carrier's theme, city and coalition) and the messages of the
    # editor's last actions, on the last carrier (its coalition and its practice's title).
    "admin index after the last change": {1, 32, 34, 36},
    "search results, highlighted": {1, 2, 12, 32, 34, 36},
    "search results in French, highlighted": {12, 19, 20, 34, 36},
    "home": {1, 2, 12, 32, 34},
    "theme list": {32, 33},
    "city list": {34, 36},
    # The map without JavaScript: its filters (themes), the cities by coalition with their
    # newest practices; the same in its data- attributes for the script.
    "map page": {1, 32, 34, 36},
    "admin practice list": {1, 32, 34, 36},
    "admin review events": {1},
    "search page, payload as every parameter": {34, *SEARCH_PARAMETERS},
    "search page, payload as the words": {34, 38},
    "login page": {49},
    "e-mail to editors": {1, 16, 34},
    "e-mail to the city": {1, 28, 30},
}


def expected_display(packed):
    """{page: {field: the payloads it shows}}: every payload, but in the contact e-mail the one
    each carrier could quote (practice_form), and in the admin index's title the last carrier's."""
    everything = set(range(len(PAYLOADS)))
    quoted = {next((i for i in group if QUOTABLE.match(payload(15, i))), 0) for group in packed}
    expected = {}
    for page, fields in SHOWN.items():
        expected[page] = {field: set(everything) for field in fields}
        if 15 in fields:
            expected[page][15] = quoted
    expected["admin index after the last change"][1] = set(packed[-1])
    return expected


def describe_difference(shown, expected):
    return {
        "fields not shown": sorted(expected.keys() - shown.keys()),
        "fields shown unexpectedly": sorted(shown.keys() - expected.keys()),
        "payloads missing": {
            f: sorted(expected[f] - shown[f])
            for f in expected
            if f in shown and expected[f] - shown[f]
        },
    }


def test_links_never_become_script_urls(officer, editor, make_practice):
    from practices import services

    practice = make_practice(Status.DRAFT)
    client = Client()
    client.force_login(officer)
    links = [
        "javascript:alert(document.cookie)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ]
    form = practice_form([0], themes=[str(Theme.objects.order_by("pk").first().pk)])
    form.update(links="\n".join(links), version=practice.version, action="save")
    response = client.post(reverse("members:practice_edit", args=[practice.pk]), form)
    practice.refresh_from_db()
    if response.status_code == 200:
        # Refused by the form: fine, provided nothing of it was stored.
        assert "script" not in practice.links.lower()
        return
    services.practice_submit(practice=practice, actor=officer)
    services.practice_approve(practice=practice, actor=editor)
    editor_client = Client()
    editor_client.force_login(editor)
    for who, url in [
        (Client(), practice.get_absolute_url()),
        (client, reverse("members:practice_preview", args=[practice.pk])),
        (editor_client, reverse("admin:practices_practice_change", args=[practice.pk])),
    ]:
        response = who.get(url)
        assert response.status_code == 200
        check_html(response.content.decode(), url)


# ---------------------------------------------------------------- JSON-LD, the map and the feeds

BREAKOUT = "</script><script>alert(1)</script><!-- \u2028 & '\" <img src=x onerror=alert(2)>"


def test_the_checker_accepts_json_ld_data_and_no_other_inline_script():
    """The one inline script a page may hold is JSON-LD (data): exactly that type, JSON, with no
    "</" or "<!--" in it; any other inline script is refused as before."""
    fine = '<script type="application/ld+json">{"name": "\\u003C/script\\u003E"}</script>'
    found = []
    check_html(fine, "JSON-LD", json_ld=found)
    assert found == [{"name": "</script>"}]
    for refused in [
        '<script type="application/ld+json">{"name": "</b>"}</script>',
        '<script type="application/ld+json">{"name": "<!--"}</script>',
        '<script type="application/ld+json">{"name": 1</script><script>alert(1)</script>',
        '<script type="application/ld+json">alert(1)</script>',
        '<script type="application/ld+json" onload="alert(1)">{}</script>',
        '<script type="application/ld+json" id="x">{}</script>',
        '<script type="APPLICATION/LD+JSON">{}</script>',
        '<script type="application/json">{}</script>',
        '<script type="text/javascript">{}</script>',
        "<script>{}</script>",
        '<script type="application/ld+json">{}',
    ]:
        with pytest.raises(AssertionError):
            check_html(refused, refused)


def test_hostile_titles_stay_data_in_json_ld_the_map_and_the_feeds(make_practice, editor, city):
    """A practice, its city, its coalition and a publication named to close a script element:
    their JSON-LD stays JSON holding exactly the name (never ending the element), the map's page
    and its data attributes stay text, and the GeoJSON, the API and the feed stay their own
    types, each holding the name as data."""
    import json
    from xml.etree import ElementTree

    from publications import services as publication_services

    from .conftest import compose_publication

    title = f"Desk {BREAKOUT}"[:120]
    City.objects.filter(pk=city.pk).update(
        name=f"Ghent {BREAKOUT}"[:100], latitude="51.05", longitude="3.72"
    )
    city.coalition.__class__.objects.filter(pk=city.coalition_id).update(
        name_en=f"Coalition {BREAKOUT}"[:100]
    )
    practice = make_practice(Status.PUBLISHED, title=title, summary=f"Summary {BREAKOUT}")
    publication = compose_publication(
        [practice],
        title=f"Report {BREAKOUT}"[:200],
        slug="hostile-report",
        subtitle=f"Subtitle {BREAKOUT}",
    )
    publication = publication_services.publish(
        publication=publication, actor=editor, version=publication.version
    )
    city.refresh_from_db()
    visitor = Client()
    names = {}
    for prefix in ("", "/fr"):
        for page, url, wanted in [
            ("practice page", f"{prefix}/practices/{practice.slug}/", title),
            ("city page", f"{prefix}/cities/{city.slug}/", city.name),
            ("publication page", f"{prefix}/publications/{publication.slug}/", publication.title),
            ("publications", f"{prefix}/publications/", None),
            ("map page", f"{prefix}/map/", None),
            ("map page, filtered", f"{prefix}/map/?coalition={city.coalition.slug}", None),
            ("search", f"{prefix}/practices/", None),
        ]:
            response = visitor.get(url)
            assert response.status_code == 200, url
            found = []
            check_html(response.content.decode(), url, json_ld=found)
            if wanted is not None:
                # The JSON-LD names the thing exactly as typed: the payload really went in.
                assert found, f"{url}: no JSON-LD"
                names[page] = [item.get("name") for item in found]
                assert wanted in names[page], (url, names[page])
    # Data, not pages: each in its own type, the names inside as typed.
    geojson = visitor.get("/api/v1/map/cities.geojson")
    assert geojson["Content-Type"].startswith("application/geo+json")
    features = json.loads(geojson.content)["features"]
    shown = {feature["properties"]["name"]: feature for feature in features}
    assert city.name in shown
    assert [item["title"] for item in shown[city.name]["properties"]["practices"]] == [title]
    api = visitor.get(f"/api/v1/practices/{practice.slug}/")
    assert api["Content-Type"] == "application/json" and api.json()["title"] == title
    feed = visitor.get("/feeds/practices/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(feed.content).findall(f"{atom}entry")
    assert [entry.find(f"{atom}title").text for entry in entries] == [title]
    city_feed = visitor.get(f"/feeds/cities/{city.slug}/")
    assert city_feed.status_code == 200
    ElementTree.fromstring(city_feed.content)  # still XML
