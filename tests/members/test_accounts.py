"""Logging in and out, passwords and login limits, through HTTP as a browser would use them."""

import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.urls import reverse

from cities.models import CityOfficer
from practices.models import OutgoingEmail
from tests.cities.factories import PASSWORD, CityOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-orchard-1987"
LOGIN = reverse("login")
MEMBERS = reverse("members:dashboard")
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageChecker(HTMLParser):
    """Collects what the checks need: nesting problems, ids, labels, form controls, headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.problems = []
        self.ids = Counter()
        self.label_targets = set()
        self.controls = []
        self.h1_count = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if tag == "label":
            self.label_targets.add(attrs.get("for"))
        elif tag in {"input", "select", "textarea"}:
            self.controls.append((tag, attrs))
        elif tag == "h1":
            self.h1_count += 1
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            self.problems.append(f"end tag for void element </{tag}> at {self.getpos()}")
        elif not self.open or self.open[-1][0] != tag:
            expected = self.open[-1] if self.open else None
            self.problems.append(f"</{tag}> at {self.getpos()} closes {expected}")
        else:
            self.open.pop()


def check_page(response):
    """Assert the page uses the site's layout, is well formed and its form controls labelled."""
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert '<main id="main"' in html
    assert '<meta name="robots" content="noindex">' in html
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.open, f"unclosed elements: {checker.open}"
    assert [name for name, count in checker.ids.items() if count > 1] == []
    assert checker.h1_count == 1
    for tag, attrs in checker.controls:
        if attrs.get("type") in UNLABELLED_TYPES or "hidden" in attrs:
            continue
        assert attrs.get("id") in checker.label_targets, f"<{tag} name={attrs.get('name')}>"
    return checker


def autocomplete_of(checker):
    return {
        attrs["name"]: attrs.get("autocomplete")
        for tag, attrs in checker.controls
        if attrs.get("type") not in UNLABELLED_TYPES and "hidden" not in attrs
    }


def link_in(message):
    """Return the path of the one set-password link in an e-mail."""
    urls = re.findall(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert len(urls) == 1, message.body
    return urlsplit(urls[0]).path


def set_password_through(client, path, password=NEW_PASSWORD):
    """Follow a set-password link as the officer would, and choose ``password``."""
    response = client.get(path)
    assert response.status_code == 302  # the token moves into the session, out of the address
    form_url = response["Location"]
    assert "set-password" in form_url
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    checker = check_page(response)
    assert autocomplete_of(checker) == {
        "new_password1": "new-password",
        "new_password2": "new-password",
    }
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    return form_url


def log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def is_logged_in(client):
    return SESSION_KEY in client.session


# Layout and accessibility ------------------------------------------------------------------


def test_account_pages_use_the_site_layout_and_label_every_field(client, officer):
    pages = {
        LOGIN: {"username": "username", "password": "current-password"},
        reverse("password_reset"): {"email": "email"},
        reverse("password_reset_done"): {},
        reverse("password_reset_complete"): {},
        reverse("password_reset_confirm", args=["MQ", "bad-token"]): {},
    }
    for url, autocomplete in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert autocomplete_of(check_page(response)) == autocomplete, url
    client.force_login(officer)
    pages = {
        reverse("password_change"): {
            "old_password": "current-password",
            "new_password1": "new-password",
            "new_password2": "new-password",
        },
        reverse("password_change_done"): {},
    }
    for url, autocomplete in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert autocomplete_of(check_page(response)) == autocomplete, url


def test_login_errors_are_listed_and_named_in_the_title(client, officer):
    response = log_in(client, "officer", "wrong password")
    assert response.status_code == 200
    checker = check_page(response)
    html = response.content.decode()
    assert re.search(r"<title>Error: Log in", html)
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert autocomplete_of(checker)["username"] == "username"
    assert not is_logged_in(client)


def test_field_errors_link_to_their_field(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    check_page(response)
    html = response.content.decode()
    assert '<a href="#id_old_password">' in html
    assert 'aria-invalid="true"' in html


# Logging in and out --------------------------------------------------------------------------


def test_an_officer_logs_in_and_lands_on_the_member_area(client, officer):
    response = log_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    assert is_logged_in(client)
    assert client.get(MEMBERS).status_code == 200


def test_a_same_site_next_address_is_followed(client, officer):
    response = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD, "next": "/cities/ghent/"}
    )
    assert response["Location"] == "/cities/ghent/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "https:evil.example", "\\\\evil"]
)
def test_a_next_address_off_the_site_is_ignored(client, officer, next_url):
    page = client.get(LOGIN, {"next": next_url})
    assert page.status_code == 200
    response = client.post(LOGIN, {"username": "officer", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    assert "evil" not in response["Location"]


def test_a_switched_off_account_cannot_log_in(client, officer):
    officer.is_active = False
    officer.save()
    response = log_in(client, "officer", PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not is_logged_in(client)


def test_a_switched_off_officer_cannot_log_in_either(client, inactive_officer):
    # cities.backends.OfficerAwareBackend: the account is active, its officer record is not.
    response = log_in(client, "former-officer", PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not is_logged_in(client)
    # Switched on again (a new invitation does that), the officer may log in again.
    CityOfficer.objects.filter(user=inactive_officer).update(is_active=True)
    assert log_in(client, "former-officer", PASSWORD)["Location"] == MEMBERS


def test_logging_out_takes_a_post_and_returns_home(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:home")
    assert not is_logged_in(client)


# Password reset -----------------------------------------------------------------------------


def test_password_reset_does_not_reveal_whether_an_account_exists(client, officer, mailoutbox):
    url = reverse("password_reset")
    known = client.post(url, {"email": "officer@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["officer@example.org"]
    done = client.get(known["Location"])
    html = done.content.decode()
    assert "If an account uses the address you entered" in html
    assert "officer@example.org" not in html and "nobody@example.org" not in html
    check_page(done)


def test_the_reset_answer_costs_the_same_with_or_without_an_account(rf, officer, mailoutbox):
    """The link and the e-mail are made after the answer: before it, the same reads for any
    address, so the answer's time tells nothing."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.after_response import run_waiting_work
    from members.views.signing_in import PasswordResetRequestView

    view = PasswordResetRequestView.as_view()
    answers, queries = {}, {}
    for address in ["officer@example.org", "nobody@example.org"]:
        request = rf.post(reverse("password_reset"), {"email": address})
        request.session, request._dont_enforce_csrf_checks = SessionStore(), True
        request._messages = FallbackStorage(request)
        with CaptureQueriesContext(connection) as captured:
            answers[address] = view(request)
        queries[address] = [query["sql"].split(" WHERE")[0] for query in captured]
        assert mailoutbox == [] and not OutgoingEmail.objects.exists()  # nothing sent yet
    assert queries["officer@example.org"] == queries["nobody@example.org"]
    assert {answer.status_code for answer in answers.values()} == {302}
    run_waiting_work()  # what Django does once the answers have been sent
    assert [message.to for message in mailoutbox] == [["officer@example.org"]]


def test_reset_links_are_rate_limited_per_account_and_per_address(client, officer, mailoutbox):
    from members.forms import RESET_MAILS_PER_ACCOUNT
    from members.views.signing_in import RESET_REQUESTS_PER_ADDRESS

    url = reverse("password_reset")
    for _ask in range(5):
        response = client.post(url, {"email": "officer@example.org"}, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 302  # the same answer every time
    assert len(mailoutbox) == RESET_MAILS_PER_ACCOUNT
    # From another address too: the limit is the account's.
    client.post(url, {"email": "officer@example.org"}, REMOTE_ADDR="203.0.113.20")
    assert len(mailoutbox) == RESET_MAILS_PER_ACCOUNT
    # One address asking for many: told to wait, with the address typed kept.
    for number in range(RESET_REQUESTS_PER_ADDRESS - 5):
        client.post(url, {"email": f"someone{number}@example.org"}, REMOTE_ADDR="198.51.100.1")
    response = client.post(url, {"email": "last@example.org"}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert "Try again in an hour" in response.content.decode()
    assert 'value="last@example.org"' in response.content.decode()


def test_editors_never_read_a_reset_link_in_the_outbox(client, officer, editor, mailoutbox):
    client.post(reverse("password_reset"), {"email": "officer@example.org"})
    (message,) = mailoutbox
    token_path = link_in(message)
    stored = OutgoingEmail.objects.get(kind="password_reset")
    assert token_path not in stored.body_text + stored.body_html  # not kept once sent
    client.force_login(editor)
    page = client.get(reverse("admin:practices_outgoingemail_change", args=[stored.pk]))
    assert page.status_code == 200 and token_path not in page.content.decode()


def test_password_reset_mail_and_link_let_the_officer_choose_a_new_password(
    client, officer, mailoutbox
):
    client.post(reverse("password_reset"), {"email": "OFFICER@example.org"})
    (message,) = mailoutbox
    assert "\n" not in message.subject
    assert message.subject == "Reset your password for ICCAR Good Practices"
    assert "officer" in message.body  # the user name, in case it was forgotten
    assert "&#x27;" not in message.body and "&quot;" not in message.body  # plain text
    path = link_in(message)
    form_url = set_password_through(client, path)
    complete = client.get(reverse("password_reset_complete"))
    check_page(complete)
    assert log_in(client, "officer", PASSWORD).status_code == 200  # the old one no longer works
    response = log_in(client, "officer", NEW_PASSWORD)
    assert response["Location"] == MEMBERS
    # The link works once.
    client.logout()
    used = client.get(path, follow=True)
    assert used.context["validlink"] is False
    assert "This link no longer works" in used.content.decode()
    assert client.get(form_url).context["validlink"] is False


@pytest.mark.parametrize(
    "site_url", ["https://practices.example.org", "http://127.0.0.1:8000/portal"]
)
def test_the_reset_link_points_at_the_configured_site_whatever_the_host(
    client, officer, mailoutbox, settings, site_url
):
    """The link is built from SITE_URL: a request naming another of the allowed hosts (or
    claiming to be secure) cannot make the e-mail send the officer's token elsewhere."""
    settings.SITE_URL = site_url
    for host, secure in [("localhost", False), ("127.0.0.1", True), ("testserver", False)]:
        mailoutbox.clear()
        response = client.post(
            reverse("password_reset"),
            {"email": "officer@example.org"},
            HTTP_HOST=host,
            secure=secure,
        )
        assert response.status_code == 302
        (message,) = mailoutbox
        urls = re.findall(r"https?://\S+/accounts/reset/\S+/", message.body)
        assert len(urls) == 1 and urls[0].startswith(f"{site_url}/accounts/reset/"), (host, urls)
    # And the link works where it points.
    path = urlsplit(urls[0]).path.removeprefix(urlsplit(site_url).path)
    set_password_through(client, path)


def test_a_weak_new_password_is_refused_with_the_reason(client, officer, mailoutbox):
    client.post(reverse("password_reset"), {"email": "officer@example.org"})
    response = client.get(link_in(mailoutbox[0]))
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    check_page(response)
    assert "This password is too common" in response.content.decode()


# Password change ----------------------------------------------------------------------------


def test_password_change_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


def test_an_officer_changes_their_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    done = client.get(response["Location"])
    assert MEMBERS in done.content.decode()
    client.logout()
    assert log_in(client, "officer", NEW_PASSWORD)["Location"] == MEMBERS


# Login limits (django-axes) -----------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    """Login limits as in production: the test settings switch them off."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    axes_reset()
    yield settings
    axes_reset()


def fail_until_locked(client, username, **extra):
    """Fail to log in until locked out; return the locking response."""
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = log_in(client, username, f"wrong-{attempt}", **extra)
        assert response.status_code == 200, f"locked after only {attempt} attempts"
    response = log_in(client, username, f"wrong-{limit}", **extra)
    assert response.status_code == 429
    return response


def pass_time(minutes):
    """Move every recorded failure back in time, as if ``minutes`` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_login_limits_are_off_in_tests_unless_switched_on(client, officer):
    for _attempt in range(7):
        assert log_in(client, "officer", "wrong").status_code == 200
    assert not AccessAttempt.objects.exists()


def test_failures_are_recorded_when_switched_on(client, officer, axes_on):
    log_in(client, "officer", "wrong")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "officer"
    assert attempt.failures_since_start == 1


def test_the_locked_out_page_says_when_to_try_again(client, officer, axes_on):
    response = fail_until_locked(client, "officer")
    # The login view answered first; axes' middleware replaced its page.
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "<h1>Logging in is paused</h1>" in response.content.decode()
    html = response.content.decode()
    assert "Try again in 15 minutes." in html
    assert "After 5 failed attempts" in html
    assert reverse("password_reset") in html
    check_page(response)
    axes_on.AXES_COOLOFF_TIME = timedelta(hours=1)
    assert "Try again in 60 minutes." in log_in(client, "officer", "x").content.decode()
    axes_on.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert "Try again in 1 minute." in log_in(client, "officer", "x").content.decode()


def test_guessing_a_user_name_locks_that_address_for_it_not_its_owner_elsewhere(
    client, officer, axes_on
):
    """Anyone who knows an editor's user name could otherwise keep the editor out."""
    fail_until_locked(client, "officer", REMOTE_ADDR="198.51.100.7")
    assert log_in(client, "officer", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert not is_logged_in(client)
    response = log_in(client, "officer", PASSWORD, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 302 and is_logged_in(client)


def test_an_address_failing_on_many_accounts_is_locked_for_all(client, officer, axes_on):
    axes_on.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for number in range(4):  # two failures on each of four names: no pair reaches five
        for _attempt in range(2):
            response = log_in(client, f"name-{number}", "wrong", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert log_in(client, "officer", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert log_in(client, "officer", PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


def test_many_failures_on_one_account_from_everywhere_slow_it_down_but_never_lock_it(
    client, editor, axes_on
):
    from django.core.cache import cache

    axes_on.LOGIN_ACCOUNT_SLOWDOWN = 6
    axes_on.LOGIN_ACCOUNT_PACE_SECONDS = 30
    for number in range(6):  # one failure from each of six addresses: nothing is locked
        assert (
            log_in(client, "editor", "wrong", REMOTE_ADDR=f"198.51.100.{number}").status_code == 200
        )
    # From now on one attempt every 30 seconds, whoever makes it.
    assert log_in(client, "editor", "wrong", REMOTE_ADDR="198.51.100.99").status_code == 200
    response = log_in(client, "editor", PASSWORD, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 429
    assert "one attempt is allowed every 30 seconds" in response.content.decode()
    assert not is_logged_in(client)
    cache.delete("login-pace:editor")  # thirty seconds later
    response = log_in(client, "editor", PASSWORD, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 302 and is_logged_in(client)
    # The admin's login page keeps the same pace.
    client.logout()
    log_in(client, "editor", "wrong", REMOTE_ADDR="198.51.100.98")
    admin = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.20",
    )
    assert "one attempt is allowed every 30 seconds" in admin.content.decode()
    assert not is_logged_in(client)


def test_a_locked_address_is_refused_for_another_user_name(client, officer, axes_on):
    axes_on.LOGIN_ADDRESS_FAILURE_LIMIT = axes_on.AXES_FAILURE_LIMIT
    other = UserFactory(username="someone-else")
    CityOfficerFactory(user=other)
    fail_until_locked(client, "no-such-user", REMOTE_ADDR="198.51.100.7")
    response = log_in(client, "someone-else", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert not is_logged_in(client)
    # The same person from another address is not affected.
    response = log_in(client, "someone-else", PASSWORD, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 302


def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lock(
    client, officer, axes_on
):
    """As in production: the proxy appends the visitor's address to X-Forwarded-For, and the
    limit counts that one, whatever the visitor wrote in front of it."""
    axes_on.PROXY_COUNT = 1
    axes_on.AXES_CLIENT_IP_CALLABLE = "core.addresses.client_ip"
    axes_on.LOGIN_ADDRESS_FAILURE_LIMIT = axes_on.AXES_FAILURE_LIMIT
    other = UserFactory(username="someone-else")
    CityOfficerFactory(user=other)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    fail_until_locked(client, "no-such-user", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    for forged in ["203.0.113.20, 198.51.100.7", "203.0.113.21,198.51.100.7"]:
        response = log_in(client, "someone-else", PASSWORD, HTTP_X_FORWARDED_FOR=forged, **proxy)
        assert response.status_code == 429, forged
    assert not is_logged_in(client)
    # Another visitor behind the same proxy is not locked out with them.
    response = log_in(
        client, "someone-else", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.20", **proxy
    )
    assert response.status_code == 302


def test_logging_in_works_again_once_the_cool_off_time_has_passed(client, officer, axes_on):
    fail_until_locked(client, "officer")
    pass_time(14)
    assert log_in(client, "officer", PASSWORD).status_code == 429
    pass_time(16)  # each attempt during the lockout starts the wait again
    response = log_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    assert is_logged_in(client)


def test_an_administrator_can_unlock_at_once(client, officer, axes_on):
    fail_until_locked(client, "officer")
    axes_reset(username="officer", ip="127.0.0.1", ip_or_username=True)
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, officer, axes_on):
    limit = axes_on.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        assert log_in(client, "officer", "wrong").status_code == 200
    assert log_in(client, "officer", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.exists()
    for _attempt in range(limit - 1):
        assert log_in(client, "officer", "wrong").status_code == 200
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_editors_change_their_password_from_the_admin_on_the_same_pages(client, editor):
    # The admin's "Change password" uses these templates too.
    client.force_login(editor)
    page = client.get(reverse("admin:password_change"))
    assert page.status_code == 200
    check_page(page)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("admin:password_change_done")
    done = client.get(response["Location"])
    assert reverse("admin:index") in done.content.decode()
    check_page(done)
