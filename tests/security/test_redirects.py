"""Where the site sends people, whose session they keep, and what its e-mails' headers say.

Open redirects through ``next`` (login, admin login, the language switcher, the set-password
flow) and through the first-visit language redirect; session keys rotated at login and at a
password change; the password-reset answer the same for any address; header injection through
a practice title, a city name and a user's name.
"""

from email import message_from_bytes
from email.header import decode_header, make_header
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cities.models import CityOfficer
from practices.models import Practice
from tests.cities.factories import PASSWORD, CityOfficerFactory, UserFactory
from tests.decisions import decide

from .conftest import complete_form

pytestmark = pytest.mark.django_db
Status = Practice.Status
HOST = "testserver"

EVIL_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "http:///evil.example/",
    "/\t/evil.example/",
    " //evil.example/",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "//testserver.evil.example/",
    "///evil.example/",
    "/%2F%2Fevil.example/",
    "/%09/evil.example/",
    "\x00//evil.example/",
]


def stays_on_the_site(location):
    """True if a browser following this Location stays on this site."""
    normalised = location.replace("\\", "/").strip()
    normalised = "".join(ch for ch in normalised if ch not in "\t\n\r")
    parts = urlsplit(normalised)
    if parts.scheme not in ("", "http", "https"):
        return False
    if parts.netloc not in ("", HOST):
        return False
    return not normalised.startswith("//")


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "action", "src"):
            if values.get(name):
                self.found.append((tag, name, values[name]))
        if tag == "input" and values.get("name") == "next":
            self.found.append((tag, "next", values.get("value") or ""))


def assert_page_links_stay(html, target):
    """No link, form or hidden next field of the page leads off the site."""
    parser = Links()
    parser.feed(html)
    site = urlsplit(settings.SITE_URL).netloc
    for tag, name, url in parser.found:
        if name != "next" and urlsplit(url).netloc == site:
            continue  # canonical and alternate addresses
        assert stays_on_the_site(url), (target, tag, name, url)


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_login_never_sends_anyone_off_the_site(officer, editor, login_url):
    user = editor if login_url.startswith("/admin/") else officer
    checked = 0
    for target in EVIL_NEXT:
        client = Client()
        page = client.get(login_url, {"next": target})
        assert page.status_code == 200
        assert_page_links_stay(page.content.decode(), target)
        response = client.post(
            login_url, {"username": user.username, "password": PASSWORD, "next": target}
        )
        assert response.status_code == 302, target
        assert stays_on_the_site(response["Location"]), (target, response["Location"])
        checked += 1
    assert checked == len(EVIL_NEXT)


def test_the_language_switcher_never_sends_anyone_off_the_site(db):
    client = Client()
    for code in ["fr", "ar", "zh-hans", "xx"]:
        for target in EVIL_NEXT:
            response = client.get(f"/language/{code}/", {"next": target})
            assert response.status_code == 302
            assert stays_on_the_site(response["Location"]), (code, target, response["Location"])
    # A page of the site keeps its path and query.
    response = client.get("/language/fr/", {"next": "/practices/?q=logement&theme=housing"})
    assert response["Location"] == "/fr/practices/?q=logement&theme=housing"


def test_the_first_visit_language_redirect_never_sends_anyone_off_the_site(db):
    """A link to https://portal//evil.example/practices/ opened by a French-speaking browser
    (no language chosen yet) is answered with a redirect to the French page: on this site."""
    redirected = 0
    for path in [
        "//evil.example/practices/",
        "//evil.example/",
        "///evil.example/practices/",
        "/\t/evil.example/practices/",
        "/\\evil.example/practices/",
        "//evil.example/themes/housing/",
        "//testserver@evil.example/practices/",
        "/practices/",  # the ordinary case, which must still be redirected
    ]:
        response = Client().get(
            "/", PATH_INFO=path, QUERY_STRING="q=1", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"
        )
        assert response.status_code in (200, 301, 302, 404), path
        if response.status_code in (301, 302):
            assert stays_on_the_site(response["Location"]), (path, response["Location"])
            redirected += 1
    assert redirected >= 1  # /practices/ went to /fr/practices/


def test_the_set_password_flow_ignores_next(client, officer):
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    link = reverse("password_reset_confirm", args=[uid, token])
    response = client.get(link, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert stays_on_the_site(response["Location"])
    form_url = response["Location"]
    assert "evil" not in form_url
    response = client.post(
        form_url + "?next=https://evil.example/",
        {
            "new_password1": "Lantern-orchard-1987",
            "new_password2": "Lantern-orchard-1987",
            "next": "//evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    # It does not log in either: the officer logs in with the new password themselves.
    assert SESSION_KEY not in client.session


# ---------------------------------------------------------------- sessions


def anonymous_session(client):
    """Give the client a session before logging in, as a visitor who used the site has."""
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    return session.session_key


@pytest.mark.parametrize(
    "login_url,who", [("/accounts/login/", "officer"), ("/admin/login/", "editor")]
)
def test_logging_in_gives_a_new_session_key(officer, editor, login_url, who):
    client = Client()
    before = anonymous_session(client)
    response = client.post(login_url, {"username": who, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before
    assert not SessionStore().exists(before), "the pre-login session key still works"
    assert client.session[SESSION_KEY]


def test_a_session_key_planted_before_login_is_worthless_after_it(officer):
    """Session fixation: the attacker's known key does not become the victim's login."""
    attacker, victim = Client(), Client()
    planted = anonymous_session(attacker)
    victim.cookies["sessionid"] = planted
    victim.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    attacker.cookies["sessionid"] = planted
    response = attacker.get(reverse("members:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_changing_the_password_rotates_the_key_and_logging_out_ends_the_session(officer):
    client = Client()
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    logged_in = client.cookies["sessionid"].value
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lantern-orchard-1987",
            "new_password2": "Lantern-orchard-1987",
        },
    )
    changed = client.cookies["sessionid"].value
    assert changed != logged_in and not SessionStore().exists(logged_in)
    assert client.get(reverse("members:dashboard")).status_code == 200  # still logged in
    client.post(reverse("logout"))
    assert not SessionStore().exists(changed)


# ---------------------------------------------------------------- password reset


def test_password_reset_answers_the_same_for_any_address(officer, editor, inactive_officer):
    switched_off = UserFactory(username="gone", email="gone@example.org", is_active=False)
    invited = UserFactory(username="invited", email="invited@example.org")
    invited.set_unusable_password()
    invited.save()
    addresses = [
        officer.email,
        officer.email.upper(),
        "nobody@example.org",
        inactive_officer.email,
        switched_off.email,
        editor.email,
        invited.email,
        "nobody@evil.example",
    ]
    answers = set()
    for address in addresses:
        client = Client()
        response = client.post(reverse("password_reset"), {"email": address})
        done = client.get(response["Location"])
        answers.add(
            (
                response.status_code,
                response["Location"],
                tuple(sorted(response.cookies)),
                done.status_code,
                done.content.decode(),
            )
        )
    assert len(answers) == 1, "the answer tells which addresses have an account"
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert "nobody@example.org" not in sent_to and switched_off.email not in sent_to
    assert officer.email in sent_to


# ---------------------------------------------------------------- e-mail headers

INJECTION = "\r\nBcc: victim@example.org\r\nX-Injected: yes"


def assert_clean_headers(message, expected_to):
    assert message.to == expected_to
    assert not message.cc and not message.bcc
    assert message.recipients() == expected_to
    assert "\n" not in message.subject and "\r" not in message.subject
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert "victim@example.org" not in str(parsed["To"]) + str(parsed.get("Cc", ""))


def test_header_injection_through_titles_city_names_and_user_names(
    officer, editor, city, django_capture_on_commit_callbacks
):
    officer.first_name = "Olga" + INJECTION
    officer.save()
    city.name = "Ghent" + INJECTION
    city.save()
    client = Client()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:practice_new"),
            complete_form(title="Desk" + INJECTION, action="submit"),
        )
    assert response.status_code == 302
    practice = Practice.objects.get(city=city)
    assert practice.status == Status.SUBMITTED
    editor_client = Client()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            editor_client,
            reverse("admin:practices_practice_review", args=[practice.pk, "approve"]),
            {"message": "Published." + INJECTION},
        )
    # An invitation names the city in its subject.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:cities_cityofficer_invite"),
            {"username": "colleague", "email": "colleague@example.org", "city": str(city.pk)},
        )
    assert response.status_code == 302
    assert CityOfficer.objects.filter(user__username="colleague").exists()
    kinds = {}
    for message in mail.outbox:
        kinds.setdefault(message.to[0], []).append(message.subject)
    assert set(kinds) == {editor.email, officer.email, "colleague@example.org"}, kinds
    for message in mail.outbox:
        assert_clean_headers(message, [message.to[0]])
    assert len(mail.outbox) == 3


def test_subjects_are_plain_text_not_html(
    officer, editor, city, django_capture_on_commit_callbacks
):
    """Subjects are headers, not HTML: "&" and "<" arrive as typed (and still on one line)."""
    title = 'Roma & Sinti <inclusion> "desk"'
    city.name = "Ghent & Co"
    city.save()
    client = Client()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:practice_new"), complete_form(title=title, action="submit")
        )
    assert response.status_code == 302
    practice = Practice.objects.get(city=city)
    editor_client = Client()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            editor_client,
            reverse("admin:practices_practice_review", args=[practice.pk, "approve"]),
            {},
        )
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:cities_cityofficer_invite"),
            {"username": "colleague", "email": "colleague@example.org", "city": str(city.pk)},
        )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        editor.email: f"To review: “{title}” from Ghent & Co",
        officer.email: f"“{title}”: Published",
        "colleague@example.org": "Your ICCAR Good Practices account for Ghent & Co: "
        "choose your password",
    }
    for message in mail.outbox:
        assert_clean_headers(message, [message.to[0]])
        parsed = message_from_bytes(message.message().as_bytes())
        # What a mail program shows, once the folding of a long header line is undone.
        shown = " ".join(str(make_header(decode_header(parsed["Subject"]))).split())
        assert shown == message.subject
    # The HTML alternative is HTML: there the title is escaped.
    html = next(
        body
        for message in mail.outbox
        for body, kind in getattr(message, "alternatives", [])
        if kind == "text/html" and message.to == [officer.email]
    )
    assert "Roma &amp; Sinti &lt;inclusion&gt;" in html and "<inclusion>" not in html


def test_header_injection_through_an_invited_users_name(
    editor, city, django_capture_on_commit_callbacks
):
    """A user's name is typed by administrators; it must not reach a header either."""
    existing = UserFactory(
        username="renamed", first_name="Ann" + INJECTION, email="ann@example.org"
    )
    CityOfficerFactory(user=existing, city=city)
    editor_client = Client()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:cities_cityofficer_invite"),
            {"username": "renamed", "email": "ann@example.org", "city": str(city.pk)},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert_clean_headers(message, ["ann@example.org"])
    assert quote("victim") not in message.subject
