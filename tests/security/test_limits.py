"""Oversized and malformed requests: refused with 400 (or 413), never a 500.

Too many fields in a POST or a query string, a body larger than the limit, too many files, a
5,000-character search, NUL bytes and invalid UTF-8 (lone surrogates, overlong forms) in every
public parameter and address, and NUL bytes in what officers and editors type (PostgreSQL
refuses them in text: a form must, before the database does).
"""

import io
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from practices.models import Practice, PracticeTranslation
from tests.cities.factories import PASSWORD

from .conftest import complete_form, fingerprint, png_file

pytestmark = pytest.mark.django_db
Status = Practice.Status
FORM = "application/x-www-form-urlencoded"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
# Invalid inputs: NUL, NUL inside a word, lone surrogates (as UTF-8 bytes, CESU-8), an overlong
# "/", bytes that are never UTF-8, and a mix.
# PostgreSQL's own query syntax and other oddities typed into the search box.
SEARCH_SYNTAX = [
    "-",
    '-"',
    '"-"',
    "!!a",
    "a & b | !c",
    "a:*",
    "<->",
    "a <-> b",
    '"a" -"b" or -c',
    "-a or -b",
    "or or",
    "(a|b)&!c",
    "a'b' \\",
    "\ufb03 \U0001d51e \U0001f600 \u0130stanbul \u0661\u0662",
    "\u00ad\u200b\ufeff",
    "\ue000a\ue001",
]
# Hostile values: NUL, NUL inside a word, lone surrogates (as UTF-8 bytes, CESU-8), an overlong
# "/", bytes that are never UTF-8, and a mix. Django reads invalid UTF-8 as U+FFFD, so each of
# them reaches a view as text no parameter accepts.
BAD_VALUES = ["%00", "a%00b", "%ED%A0%80", "%ED%B3%BF", "%C0%AF", "%FF%FE", "x%00%ED%A0%80%FF"]
# Page numbers past any database integer (an OFFSET beyond 64 bits is an error on PostgreSQL).
HUGE_NUMBERS = ["1000000000000000000", "9" * 40]
# Names no view reads: a plain one, and names that are themselves hostile (a known name with a
# NUL in it is another name).
UNKNOWN_NAMES = ["unknown", "a%00b", "%ED%A0%80", "%FF%FE", "q%00"]
SEARCH = [
    "q",
    "theme",
    "coalition",
    "country",
    "city",
    "role",
    "target",
    "year_from",
    "year_to",
    "language",
    "sort",
    "page",
]


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """The API's rate limit counts every request of the test client: these tests send hundreds
    (tests/api/ checks the limit itself)."""
    settings.API_RATE = "1000000/min"


@pytest.fixture
def published(make_practice):
    return make_practice(Status.PUBLISHED)


def public_addresses(practice):
    """Every public GET address: (the address, the parameters its view reads, what a bad value of
    one of them answers, what a parameter it does not read answers).

    A bad value is left out (the page as without it; the search says so), except for a sitemap
    page, which cannot exist (404), and in the API, which refuses the request with a problem
    naming it (400), as it refuses any parameter it does not read. The public pages, the map's
    GeoJSON and the feeds send any other parameter away, to the same address without it (301);
    the others ignore it.
    """
    search = [name for name in SEARCH if name != "page"]
    return [
        ("/", [], None, 301),
        ("/practices/", SEARCH, 200, 301),
        ("/fr/practices/", SEARCH, 200, 301),
        (practice.get_absolute_url(), ["original"], 200, 301),
        ("/themes/", [], None, 301),
        ("/themes/housing/", ["page"], 200, 301),
        ("/cities/", [], None, 301),
        (practice.city.get_absolute_url(), ["page"], 200, 301),
        (practice.city.coalition.get_absolute_url(), ["page"], 200, 301),
        ("/sitemap.xml", ["p"], 404, 200),
        ("/sitemap-practices.xml", ["p"], 404, 200),
        # The open data: the API (the search's parameters and its language), the map and its
        # GeoJSON, the downloads (which read the search's parameters, and ignore the page) and
        # the feeds. Copies of SEARCH: only the search page says what it left out.
        ("/api/v1/practices/", [*SEARCH, "lang"], 400, 400),
        (f"/api/v1/practices/{practice.slug}/", ["original", "lang"], 400, 400),
        ("/api/v1/facets/", [*search, "lang"], 400, 400),
        ("/api/v1/themes/", ["lang"], 400, 400),
        ("/map/", ["theme", "coalition", "target"], 200, 301),
        ("/api/v1/map/cities.geojson", ["theme", "coalition", "target", "city", "lang"], 200, 301),
        ("/exports/practices.csv", list(SEARCH), 200, 200),
        ("/exports/practices.xlsx", list(SEARCH), 200, 200),
        ("/feeds/practices/", [], None, 301),
        ("/feeds/search/", search, 200, 301),
        ("/robots.txt", [], None, 200),
        ("/healthz", [], None, 200),
        ("/language/fr/", ["next"], 302, 302),
        ("/accounts/login/", ["next"], 200, 200),
        ("/accounts/password_reset/", [], None, 200),
    ]


def public_parameters(practice):
    """Every public GET address and the parameters its view reads."""
    return {address: params for address, params, _bad, _unknown in public_addresses(practice)}


def test_too_many_fields_in_a_query_string(published, officer, editor):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    query = "&".join(f"f{number}=1" for number in range(limit + 1))
    officer_client, editor_client = Client(), Client()
    officer_client.force_login(officer)
    editor_client.force_login(editor)
    urls = [(Client(), url, params) for url, params in public_parameters(published).items()]
    urls += [
        (officer_client, reverse("members:dashboard"), []),
        (officer_client, reverse("members:practice_preview", args=[published.pk]), ["update"]),
        (editor_client, reverse("admin:practices_practice_changelist"), ["q"]),
    ]
    redirecting = {
        address for address, _p, _b, unknown in public_addresses(published) if unknown == 301
    }
    for client, url, params in urls:
        response = client.get(f"{url}?{query}")
        # A view that reads its parameters refuses them all, and so does a public page, which
        # reads their names to send unknown ones away; one that reads none answers.
        expected = (400, 413) if params or url in redirecting else (200,)
        assert response.status_code in expected, (url, response.status_code)


def test_too_many_fields_in_a_post(published, make_practice, officer, editor):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    draft = make_practice(Status.DRAFT)
    submitted = make_practice(Status.SUBMITTED)
    padding = {f"f{number}": "1" for number in range(limit + 1)}
    officer_client, editor_client = Client(), Client()
    officer_client.force_login(officer)
    editor_client.force_login(editor)
    posts = [
        (Client(), reverse("login"), {"username": "officer", "password": PASSWORD}),
        (Client(), reverse("password_reset"), {"email": officer.email}),
        (officer_client, reverse("members:practice_new"), complete_form(action="submit")),
        (
            officer_client,
            reverse("members:practice_edit", args=[draft.pk]),
            complete_form(version=draft.version, action="submit"),
        ),
        (
            officer_client,
            reverse("members:translation_edit", args=[draft.pk, "fr"]),
            {"title": "T", "summary": "S"},
        ),
        (officer_client, reverse("members:account"), {"preferred_language": "fr"}),
        (
            editor_client,
            reverse("admin:practices_practice_review", args=[submitted.pk, "approve"]),
            {"message": "OK", "version": submitted.version},
        ),
    ]
    before = fingerprint()
    for client, url, data in posts:
        body = urlencode({**data, **padding}, doseq=True)
        response = client.post(url, body, content_type=FORM)
        assert response.status_code in (400, 413), (url, response.status_code)
        # The same in a multipart body.
        response = client.post(url, {**data, **padding})
        assert response.status_code in (400, 413), (url, "multipart", response.status_code)
    assert fingerprint() == before


def test_a_body_over_the_memory_limit(make_practice, officer, editor):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    submitted = make_practice(Status.SUBMITTED)
    officer_client, editor_client = Client(), Client()
    officer_client.force_login(officer)
    editor_client.force_login(editor)
    posts = [
        (Client(), reverse("login"), {"username": "officer", "password": PASSWORD}),
        (officer_client, reverse("members:practice_new"), complete_form(action="save")),
        (
            editor_client,
            reverse("admin:practices_practice_review", args=[submitted.pk, "request_changes"]),
            {"message": "OK", "version": submitted.version},
        ),
    ]
    before = fingerprint()
    for client, url, data in posts:
        big = {**data, "summary": "x" * size, "message": "m" * size}
        response = client.post(url, urlencode(big, doseq=True), content_type=FORM)
        assert response.status_code in (400, 413), (url, response.status_code)
        response = client.post(url, big)  # multipart: the text fields count too
        assert response.status_code in (400, 413), (url, "multipart", response.status_code)
    assert fingerprint() == before


def test_too_many_files(make_practice, officer):
    draft = make_practice(Status.DRAFT)
    client = Client()
    client.force_login(officer)
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    before = fingerprint()
    for url, data in [
        (reverse("members:image_add", args=[draft.pk]), {"image-alt_text": "Many"}),
        (reverse("members:practice_new"), complete_form(action="save")),
        (reverse("members:attachment_add", args=[draft.pk]), {"document-title": "Many"}),
    ]:
        files = []
        for number in range(limit + 1):
            upload = io.BytesIO(b"x")
            upload.name = f"f{number}.png"
            files.append(upload)
        response = client.post(url, {**data, "image-upload": files, "extra": png_file()})
        assert response.status_code in (400, 413), (url, response.status_code)
    assert fingerprint() == before


def test_a_5000_character_search_and_other_long_values(published):
    client = Client()
    long_text = "discrimination " * 334  # 5,010 characters
    response = client.get("/practices/", {"q": long_text[:5000]})
    assert response.status_code == 200
    content = response.content.decode()
    assert "This part of the search was left out" in content
    assert response.context["outcome"].total == 1  # the other filters still apply
    for params in [
        {"theme": "x" * 5000},
        {"sort": "x" * 5000, "page": "9" * 5000},
        {"year_from": "9" * 5000, "year_to": "-" + "9" * 4999},
        {"q": '"' * 200},
        {"q": "or " * 66},
        {"q": "a " * 100},
        {"q": "-" * 200},
        {"q": "-" + "a" * 199},
        *({"q": text} for text in SEARCH_SYNTAX),
    ]:
        response = client.get("/practices/", params)
        assert response.status_code == 200, list(params)
    assert client.get("/language/fr/", {"next": "/" + "x" * 5000}).status_code == 302
    assert client.get("/accounts/login/", {"next": "/" + "x" * 5000}).status_code == 200
    assert client.get(published.get_absolute_url(), {"original": "1" * 5000}).status_code == 200
    # The open data: the API refuses what the search page leaves out (400); the downloads, the
    # feed and the map leave it out.
    for params in [{"q": long_text[:5000]}, {"page": "9" * 5000}, {"theme": "x" * 5000}]:
        assert client.get("/api/v1/practices/", params).status_code == 400, list(params)
    for address in ["/exports/practices.csv", "/exports/practices.xlsx", "/feeds/search/"]:
        response = client.get(address, {"q": long_text[:5000], "theme": "x" * 5000})
        assert response.status_code == 200, address
        if response.streaming:
            b"".join(response.streaming_content)
    for address in ["/map/", "/api/v1/map/cities.geojson"]:
        assert client.get(address, {"theme": "x" * 5000}).status_code == 200, address
    assert client.get("/sitemap-practices.xml", {"p": "9" * 5000}).status_code == 404


def test_a_search_excluding_many_words(published):
    client = Client()
    for excluded in ["-a " * 60, " ".join(f"-{chr(97 + n % 26)}{n}" for n in range(40))]:
        text = f"desk {excluded}"
        assert len(text) <= 200  # within the limit the search form accepts
        response = client.get("/practices/", {"q": text})
        assert response.status_code == 200, text[:20]
        assert response.context["outcome"].text == text.strip()  # really searched


def hostile_cases(practice):
    """(address, query string, expected status, the parameters it makes the search leave out)."""
    cases = []
    for address, params, bad_answer, unknown_answer in public_addresses(practice):
        left_out = 1 if params is SEARCH else 0
        # Each parameter alone with each hostile value…
        for name in params:
            for bad in BAD_VALUES:
                cases.append((address, f"{name}={bad}", bad_answer, left_out))
            if name in ("page", "p"):
                for huge in HUGE_NUMBERS:
                    cases.append((address, f"{name}={huge}", bad_answer, left_out))
        # …every one at once where a view reads several…
        if len(params) > 1:
            for bad in BAD_VALUES:
                query = "&".join(f"{name}={bad}" for name in params)
                cases.append((address, query, bad_answer, left_out * len(params)))
        # …and names it does not read.
        for name in UNKNOWN_NAMES:
            cases.append((address, f"{name}=a%00b", unknown_answer, 0))
    return cases


def test_nul_bytes_and_invalid_utf8_in_every_public_parameter(published, figures):
    """Every case answers exactly what its address promises: never a 500, and never a 400 either
    (a bad value is refused by the parameter that reads it, as any other bad value is) but from
    the API, whose refusal is a problem (400, JSON); a search leaves out, with a note, each
    parameter it was given a hostile value for; a redirect stays on the site. A download is read
    to its end: its rows are written as it is sent."""
    client = Client()
    cases = hostile_cases(published)
    answered = []
    for address, query, expected, left_out in cases:
        response = client.get(f"{address}?{query}")
        if response.streaming:
            b"".join(response.streaming_content)
        answered.append((address, query, response.status_code))
        if response.status_code != expected:
            continue
        if response.status_code == 400:
            assert response["Content-Type"] == "application/problem+json", (address, query)
        if response.status_code == 301:
            assert response["Location"] == address, query  # the same page, without it
        elif response.status_code == 302:
            target = urlsplit(response["Location"])
            assert not target.scheme and not target.netloc, (address, query)  # on the site
        if left_out:
            assert len(response.context["outcome"].notes) == left_out, (address, query)
    wrong = [
        (address, query, status)
        for (address, query, status), case in zip(answered, cases, strict=True)
        if status != case[2]
    ]
    assert not wrong, wrong
    # 103 parameters read × 7 values, 10 page numbers × 2 huge ones, 10 addresses reading
    # several × 7 values with every parameter at once, 26 addresses × 5 names no view reads.
    assert len(cases) == 103 * 7 + 10 * 2 + 10 * 7 + 26 * 5 == 941
    figures["limits: public parameter x hostile value cases"] = len(cases)


def test_nul_bytes_and_invalid_utf8_in_addresses(published, officer):
    client = Client()
    signed_in = Client()
    signed_in.force_login(officer)
    for bad in BAD_VALUES:
        for path in [
            f"/practices/{bad}/",
            f"/themes/{bad}/",
            f"/cities/{bad}/",
            f"/coalitions/{bad}/",
            f"/fr/practices/{bad}/",
            f"/{bad}/",
            f"/api/v1/practices/{bad}/",
            f"/feeds/themes/{bad}/",
            f"/feeds/cities/{bad}/",
            f"/feeds/coalitions/{bad}/",
            f"/sitemap-{bad}.xml",
        ]:
            assert client.get(path).status_code == 404, path
        response = client.get(f"/language/{bad}/")
        assert response.status_code == 302, bad
        url = reverse("members:translation_edit", args=[published.pk, "fr"])
        response = signed_in.get(url.replace("/fr/", f"/{bad}/"))
        assert response.status_code == 404, bad


def test_nul_bytes_in_what_people_type_are_refused_by_the_forms(make_practice, officer, editor):
    draft = make_practice(Status.DRAFT)
    submitted = make_practice(Status.SUBMITTED)
    officer_client, editor_client = Client(), Client()
    officer_client.force_login(officer)
    editor_client.force_login(editor)
    before = fingerprint()
    posts = [
        (Client(), reverse("login"), {"username": "off\x00icer", "password": PASSWORD}),
        (Client(), reverse("password_reset"), {"email": "officer\x00@example.org"}),
        (
            officer_client,
            reverse("members:practice_new"),
            complete_form(title="Desk\x00", action="save"),
        ),
        (
            officer_client,
            reverse("members:practice_edit", args=[draft.pk]),
            complete_form(summary="a\x00b", version=draft.version, action="save"),
        ),
        (
            officer_client,
            reverse("members:translation_edit", args=[draft.pk, "fr"]),
            {"title": "Guichet\x00", "summary": "Un guichet."},
        ),
        (
            officer_client,
            reverse("members:image_add", args=[draft.pk]),
            {"image-upload": png_file(), "image-alt_text": "a\x00"},
        ),
        (
            editor_client,
            reverse("admin:practices_practice_review", args=[submitted.pk, "request_changes"]),
            {"message": "More\x00", "note": "x", "version": submitted.version},
        ),
        (
            editor_client,
            reverse("admin:cities_cityofficer_invite"),
            {"username": "new\x00", "email": "new@example.org", "city": "1"},
        ),
    ]
    for client, url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 400), (url, response.status_code)
    assert fingerprint() == before
    assert not PracticeTranslation.objects.exists()


def test_nul_bytes_in_the_admins_searches(editor, make_practice):
    make_practice(Status.SUBMITTED)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    assert connection.vendor in ("sqlite", "postgresql")
    for url in [
        "/admin/practices/practice/?q=a%00b",
        "/admin/cities/city/?q=%00",
        "/admin/cities/cityofficer/?q=%00",
        "/admin/practices/practicerevision/?q=%00",
        "/admin/auth/user/?q=%00",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)


# Every relation the admin's autocomplete can be asked about by an editor or a superuser:
# (model, field) → the admin whose search runs.
AUTOCOMPLETE_FIELDS = [
    ("practices", "practice", "city"),
    ("practices", "practice", "inspired_by"),
    ("practices", "practice", "themes"),
    ("practices", "practice", "commitments"),
    ("practices", "commitment", "coalition"),
    ("practices", "commitment", "theme"),
    ("cities", "coalition", "lead_city"),
    ("cities", "cityofficer", "city"),
    ("practices", "practicechange", "practice"),
    # Relations to user accounts: Django's own user admin searches them.
    ("practices", "practice", "created_by"),
    ("practices", "practicerevision", "created_by"),
    ("practices", "reviewevent", "actor"),
    ("cities", "cityofficer", "user"),
    ("auth", "user", "groups"),
]


def test_nul_bytes_in_every_admin_autocomplete(editor, superuser, make_practice):
    make_practice(Status.SUBMITTED)
    checked = 0
    for user in (editor, superuser):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for app, model, field in AUTOCOMPLETE_FIELDS:
            url = (
                f"/admin/autocomplete/?app_label={app}&model_name={model}"
                f"&field_name={field}&term=a%00b"
            )
            response = client.get(url)
            # 403/404: not a relation this account may search; never a 500.
            assert response.status_code in (200, 400, 403, 404), (user.username, field)
            checked += 1
    assert checked == 2 * len(AUTOCOMPLETE_FIELDS)


def test_the_admin_autocomplete_searches_without_the_nul(editor, superuser, officer):
    """A NUL inside the typed term is dropped: the rest of it still finds the account."""
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    for app, model, field in [
        ("practices", "reviewevent", "actor"),
        ("cities", "cityofficer", "user"),
        ("auth", "user", "groups"),
    ]:
        term = "Edi%00tors" if field == "groups" else "edi%00tor"
        response = client.get(
            f"/admin/autocomplete/?app_label={app}&model_name={model}"
            f"&field_name={field}&term={term}"
        )
        assert response.status_code == 200, (field, response.status_code)
        found = [result["text"] for result in response.json()["results"]]
        assert found == (["Editors"] if field == "groups" else ["editor"]), (field, found)
