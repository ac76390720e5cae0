"""Fault drills: the database going away and coming back, the mail server down, a failing disk.

Every drill goes through HTTP and checks what the person sees (never a bare 500) and what is
left behind (nothing half-saved, nothing lost, nothing sent twice). Each drill counts once in
the figures the tests print.

- The database, simulated: every query fails (a styled 503 page, and the same client works
  again once it is back), and the database going away at each successive query of a request.
- The database, for real (PostgreSQL): the backends terminated with pg_terminate_backend from a
  second connection, and the database refusing every connection for a while.
- The mail server down: the change is saved, the failure recorded on the outbox row, and the
  message sent exactly once by `send_queued_emails` when the server is back.
- The disk failing half-way through storing an upload, and the object store refusing it: the
  form answers with a message, and nothing is half-saved (no row, no orphaned file).
"""

import io
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from practices.models import (
    OutgoingEmail,
    Practice,
    PracticeAttachment,
    PracticeImage,
    ReviewEvent,
)
from tests.practices.test_concurrency import flashed
from tests.practices.test_properties import edit_form_data, report
from tests.storage import stored_files

Status = Practice.Status
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Some drills commit: the migrations' rows are loaded back after the module.
pytestmark = pytest.mark.usefixtures("reload_migration_data")
DRILLS = Counter()


@pytest.fixture(scope="module", autouse=True)
def _figures(request):
    yield
    if DRILLS:
        total = sum(DRILLS.values())
        summary = ", ".join(f"{name} {count}" for name, count in sorted(DRILLS.items()))
        report(request, "fault drills", total, f"fault drills: {total} ({summary})")


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def pdf_upload():
    buffer = io.BytesIO(b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 200 + b"trailer<<>>\n%%EOF\n")
    buffer.name = "report.pdf"
    return buffer


def assert_unavailable_page(response, language="en"):
    """The styled 503 page: the site's layout, a plain explanation in the visitor's language,
    a time to come back."""
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    with translation.override(language):
        assert f"<h1>{gettext('Back in a moment')}</h1>" in content
    assert f'<html lang="{language}"' in content
    assert 'class="skip-link"' in content and "<main" in content
    assert "Traceback" not in content and "OperationalError" not in content


def ran_to_the_end(outage, response, drills):
    """Return True when the request ran before the nth query (it answered as usual); else check
    that the outage gave the 503 page.

    When it ran to the end, every query it makes was the one the database went away at in one
    drill before: the drills so far are as many as its queries.
    """
    if not outage.failed:
        assert response.status_code == 302
        assert drills == outage.queries, (
            f"{drills} drills for a request of {outage.queries} queries"
        )
        return True
    assert_unavailable_page(response)
    return False


class DatabaseOutage:
    """Make every query fail from the nth one on, as when the database goes away mid-request."""

    def __init__(self, monkeypatch, from_query=1):
        self.monkeypatch, self.from_query, self.queries, self.failed = monkeypatch, from_query, 0, 0
        real_cursor = BaseDatabaseWrapper.cursor
        outage = self

        def cursor(wrapper, *args, **kwargs):
            outage.queries += 1
            if outage.queries >= outage.from_query:
                outage.failed += 1
                raise OperationalError("server closed the connection unexpectedly")
            return real_cursor(wrapper, *args, **kwargs)

        monkeypatch.setattr(BaseDatabaseWrapper, "cursor", cursor)

    def end(self):
        self.monkeypatch.undo()


def post_during_outage(client, url, data, *, from_query):
    """POST with the database going away at the nth query; return (the outage, the answer)."""
    outage = DatabaseOutage(pytest.MonkeyPatch(), from_query=from_query)
    try:
        response = client.post(url, data)
    finally:
        outage.end()
    return outage, response


# ---------------------------------------------------------------- the database, simulated


@pytest.mark.parametrize(
    "path",
    ["/", "/practices/", "/practices/?q=housing&theme=housing", "PRACTICE", "/themes/", "/fr/"],
)
def test_public_pages_while_the_database_is_away(path, make_practice, monkeypatch):
    practice = make_practice(Status.PUBLISHED, title="Fair housing audits")
    path = practice.get_absolute_url() if path == "PRACTICE" else path
    client = Client()
    assert client.get(path).status_code == 200
    outage = DatabaseOutage(monkeypatch)
    try:
        assert_unavailable_page(client.get(path), "fr" if path.startswith("/fr/") else "en")
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
    finally:
        outage.end()
    # Back without a restart: the same client, the same page.
    assert client.get(path).status_code == 200
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    DRILLS["database away (simulated): public page"] += 1


def test_signed_in_people_while_the_database_is_away(make_practice, officer, editor, monkeypatch):
    draft = make_practice(Status.DRAFT)
    submitted = make_practice(Status.SUBMITTED)
    officer_client, editor_client = signed_in(officer), signed_in(editor)
    before = {p.pk: (p.version, p.status) for p in Practice.objects.all()}
    requests = [
        (officer_client, "get", reverse("members:dashboard"), None),
        (officer_client, "get", reverse("members:practice", args=[draft.pk]), None),
        (
            officer_client,
            "post",
            reverse("members:practice_edit", args=[draft.pk]),
            edit_form_data(draft.pk, str(draft.version), "New summary.", "New results.", "save"),
        ),
        (officer_client, "post", reverse("members:practice_submit", args=[draft.pk]), {}),
        (
            editor_client,
            "post",
            reverse("admin:practices_practice_review", args=[submitted.pk, "approve"]),
            {"message": "", "note": "", "version": submitted.version},
        ),
        (Client(), "post", reverse("login"), {"username": "officer", "password": "whatever"}),
    ]
    outage = DatabaseOutage(monkeypatch)
    try:
        for client, method, url, data in requests:
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            assert_unavailable_page(response)
            DRILLS["database away (simulated): signed-in request"] += 1
    finally:
        outage.end()
    assert {p.pk: (p.version, p.status) for p in Practice.objects.all()} == before
    # Recovered without a restart, and the sessions survived the outage.
    assert officer_client.get(reverse("members:dashboard")).status_code == 200
    response = officer_client.post(
        reverse("members:practice_edit", args=[draft.pk]),
        edit_form_data(draft.pk, str(draft.version), "New summary.", "New results.", "save"),
    )
    assert response.status_code == 302
    assert Practice.objects.get(pk=draft.pk).summary == "New summary."


def practice_is_consistent(practice):
    """What a crash may never leave: a version, status or e-mail without its record."""
    practice.refresh_from_db()
    events = list(practice.events.order_by("created_at", "pk"))
    changes = practice.changes.count()
    # The factory made it at version 1; every change and every move raises it by one.
    assert practice.version == 1 + changes + len(events)
    state = Status.DRAFT
    for event in events:
        assert event.from_status == state
        state = event.to_status
    assert state == practice.status
    return events


@TRANSACTIONAL
def test_the_database_going_away_at_each_query_of_a_submission(make_practice, officer, editor):
    """Save-and-submit through the form, with the database gone from its 1st, 2nd … query on.

    Each time: a 503, and the practice as before, or saved, or saved and submitted — never
    in between. Then the database is back and the officer sends the same form again.
    """
    client = signed_in(officer)
    drills = 0
    for nth in range(1, 200):
        practice = make_practice(Status.DRAFT, title=f"Crash test {nth}")
        old = (practice.summary, practice.results)
        new = (f"Summary after crash {nth}.", f"Results after crash {nth}.")
        data = edit_form_data(practice.pk, str(practice.version), *new, "submit")
        emails = OutgoingEmail.objects.count()
        url = reverse("members:practice_edit", args=[practice.pk])
        outage, response = post_during_outage(client, url, data, from_query=nth)
        if ran_to_the_end(outage, response, drills):
            break
        drills += 1
        events = practice_is_consistent(practice)
        content = (practice.summary, practice.results)
        assert content in (old, new), content
        if practice.status == Status.SUBMITTED:
            assert content == new
            # The submission's e-mail is queued with it; it may not have left yet.
            assert OutgoingEmail.objects.count() == emails + 1
        else:
            assert practice.status == Status.DRAFT and len(events) == 0
            assert OutgoingEmail.objects.count() == emails
        if content == old:
            assert practice.changes.count() == 0
        # The database is back: sending the form again works (or, if the save had gone
        # through, says so: the form is stale and the text is still in it).
        retry = client.post(url, data)
        practice.refresh_from_db()
        if practice.status == Status.SUBMITTED and content == new:
            assert retry.status_code == 302
        elif content == new:
            assert retry.status_code == 409 and new[0] in retry.content.decode()
            fresh = edit_form_data(practice.pk, str(practice.version), *new, "submit")
            assert client.post(url, fresh).status_code == 302
        else:
            assert retry.status_code == 302
        practice.refresh_from_db()
        assert practice.status == Status.SUBMITTED and (practice.summary, practice.results) == new
        practice_is_consistent(practice)
    else:
        pytest.fail("the request never completed")
    DRILLS["database away at query n: officer save and submit"] += drills


@TRANSACTIONAL
def test_the_database_going_away_at_each_query_of_a_decision(make_practice, editor):
    client = signed_in(editor)
    drills = 0
    for nth in range(1, 200):
        practice = make_practice(Status.SUBMITTED, title=f"Decision crash {nth}")
        url = reverse("admin:practices_practice_review", args=[practice.pk, "approve"])
        public = Client()
        decision = {"message": "Welcome.", "note": "", "version": practice.version}
        outage, response = post_during_outage(client, url, decision, from_query=nth)
        if ran_to_the_end(outage, response, drills):
            break
        drills += 1
        events = practice_is_consistent(practice)
        published = practice.status == Status.PUBLISHED
        assert practice.status in (Status.SUBMITTED, Status.PUBLISHED)
        assert public.get(practice.get_absolute_url()).status_code == (200 if published else 404)
        retry = client.post(url, decision)  # sent again from the same page
        assert retry.status_code == 302
        if published:  # decided before the crash: the retry is told so, nothing doubles
            _level, text = flashed(retry)[-1]
            assert "no longer awaiting review" in text
        practice.refresh_from_db()
        assert practice.status == Status.PUBLISHED
        decisions = [e for e in practice_is_consistent(practice) if e.to_status == "published"]
        assert len(decisions) == 1 and len(events) <= 2
    else:
        pytest.fail("the request never completed")
    DRILLS["database away at query n: editor approval"] += drills


@TRANSACTIONAL
def test_the_database_going_away_at_each_query_of_an_image_upload(
    make_practice, officer, media_root
):
    """The files are written first, then the row: a crash at any point leaves no orphan."""
    client = signed_in(officer)
    drills = 0
    for nth in range(1, 200):
        practice = make_practice(Status.DRAFT, title=f"Upload crash {nth}")
        url = reverse("members:image_add", args=[practice.pk])
        outage, response = post_during_outage(
            client, url, {"image-upload": png_upload(), "image-alt_text": "Desk"}, from_query=nth
        )
        if ran_to_the_end(outage, response, drills):
            break
        drills += 1
        practice_is_consistent(practice)
        referenced = set()
        for image in PracticeImage.objects.all():
            referenced |= {image.image.name, *image.renditions.values()}
        assert set(stored_files(media_root)) == referenced, "a file without its row, or a row"
    else:
        pytest.fail("the request never completed")
    DRILLS["database away at query n: image upload"] += drills


# ---------------------------------------------------------------- the database, for real


class OneThreadServer:
    """The site served over real HTTP by one thread, which keeps its database connection
    between requests (CONN_MAX_AGE), as a gunicorn worker does."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import WSGIServer
        from django.test.testcases import QuietWSGIRequestHandler

        handler = WSGIHandler()

        def app(environ, start_response):
            if environ["PATH_INFO"] == "/__close_connections__":
                connections.close_all()
                start_response("204 No Content", [])
                return [b""]
            return handler(environ, start_response)

        self.httpd = WSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler)
        self.httpd.set_app(app)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def get(self, path):
        url = f"http://127.0.0.1:{self.httpd.server_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def close(self):
        self.get("/__close_connections__")
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def check_503(status, headers, body, language="en"):
    assert status == 503, (status, body[:300])
    assert headers.get("Retry-After") == "30"
    with translation.override(language):
        assert f"<h1>{gettext('Back in a moment')}</h1>" in body
    assert 'class="skip-link"' in body and "Traceback" not in body


@pytest.fixture
def second_connection():
    """A plain psycopg2 connection to the maintenance database, outside Django."""
    import psycopg2

    settings_dict = connection.settings_dict
    raw = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
    )
    raw.autocommit = True
    yield raw
    raw.close()


def terminate_backends(raw):
    """Terminate every connection to the test database but the test's own; return how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
            [connection.settings_dict["NAME"], own],
        )
        results = [row[0] for row in cursor.fetchall()]
    assert results and all(results), "no connection of the server was terminated"
    time.sleep(0.2)  # let the backends go
    return len(results)


@pytest.fixture
def served(make_practice):
    practice = make_practice(Status.PUBLISHED, title="Served over HTTP")
    server = OneThreadServer()
    yield server, practice.get_absolute_url()
    server.close()


@pytest.mark.postgres
@TRANSACTIONAL
def test_backends_terminated_the_next_request_reconnects(served, second_connection):
    """The connections are cut (a failover, a restart of PostgreSQL): with the health checks
    of the settings, the very next request reconnects and answers."""
    server, page = served
    for _round in range(3):
        assert server.get(page)[0] == 200
        terminate_backends(second_connection)
        status, _headers, body = server.get(page)
        assert status == 200, body[:300]
        DRILLS["backends terminated (PostgreSQL), health checks on"] += 1


@pytest.mark.postgres
@TRANSACTIONAL
def test_backends_terminated_without_health_checks(served, second_connection):
    """Without health checks the request that finds its connection cut gets the 503 page; the
    connection is dropped after it, and the next request works: no restart needed."""
    server, page = served
    settings_dict = connections.settings["default"]
    saved = settings_dict["CONN_HEALTH_CHECKS"]
    settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        server.get("/__close_connections__")  # reconnect with the new setting
        for _round in range(3):
            assert server.get(page)[0] == 200
            terminate_backends(second_connection)
            check_503(*server.get(page))
            status, _headers, body = server.get(page)
            assert status == 200, body[:300]
            DRILLS["backends terminated (PostgreSQL), health checks off"] += 1
    finally:
        settings_dict["CONN_HEALTH_CHECKS"] = saved
        server.get("/__close_connections__")


@pytest.mark.postgres
@TRANSACTIONAL
def test_database_refusing_connections_then_back(served, second_connection):
    """The database refuses every connection for a while: styled 503 pages (and /healthz says
    so), then it accepts them again and the same server answers."""
    server, page = served
    name = connection.settings_dict["NAME"]
    assert server.get(page)[0] == 200
    with second_connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        terminate_backends(second_connection)
        for path in [page, "/practices/?q=served", "/", "/fr/themes/"]:
            check_503(*server.get(path), language="fr" if path.startswith("/fr/") else "en")
            DRILLS["database refusing connections (PostgreSQL)"] += 1
        status, _headers, body = server.get("/healthz")
        assert status == 503 and '"unavailable"' in body
    finally:
        with second_connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert server.get(page)[0] == 200
    assert server.get("/healthz")[0] == 200


# ---------------------------------------------------------------- the mail server


class RefusingOneAddress:
    """A mail server that refuses one address and accepts the others."""

    refused = "editor2@example.org"

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.delivered = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise ConnectionRefusedError("550 mailbox unavailable")
        return self.delivered.send_messages(messages)


def mail_server(settings, state):
    backends = {
        "down": "tests.practices.failing_mail.BrokenBackend",
        "partial": "tests.practices.test_faults.RefusingOneAddress",
        "up": "django.core.mail.backends.locmem.EmailBackend",
    }
    settings.MAILERS = {"default": {"BACKEND": backends[state]}}


def sent_to():
    return Counter((message.to[0], message.subject) for message in mail.outbox)


@TRANSACTIONAL
def test_mail_server_down_then_back(make_practice, officer, editor, second_editor, settings):
    mail_server(settings, "down")
    practice = make_practice(Status.DRAFT)
    officer_client, editor_client = signed_in(officer), signed_in(editor)
    # The officer submits through the form: saved and submitted, whatever the mail server.
    response = officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        edit_form_data(practice.pk, str(practice.version), "Summary.", "Results.", "submit"),
    )
    assert response.status_code == 302
    assert flashed(response)[0][1] == "Submitted for review. The editors have been told."
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    # The editor decides, the mail server still down.
    response = editor_client.post(
        reverse("admin:practices_practice_review", args=[practice.pk, "approve"]),
        {"message": "Published, thank you.", "note": "", "version": practice.version},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    queued = list(OutgoingEmail.objects.order_by("pk"))
    assert sorted(message.to for message in queued) == sorted(
        [editor.email, second_editor.email, officer.email]
    )
    for message in queued:
        assert message.sent_at is None and message.attempts == 1
        assert message.last_error == "ConnectionRefusedError: mail server down"
    assert mail.outbox == []
    # A retry while still down: another attempt recorded, nothing sent.
    call_command("send_queued_emails", stdout=io.StringIO())
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {2}
    DRILLS["mail server down"] += 1
    # The server is back: each message leaves exactly once, however often cron runs.
    mail_server(settings, "up")
    output = io.StringIO()
    call_command("send_queued_emails", stdout=output)
    assert output.getvalue().strip() == "Sent 3; 0 waiting; 0 given up."
    call_command("send_queued_emails", stdout=output)
    assert output.getvalue().strip().endswith("Sent 0; 0 waiting; 0 given up.")
    assert len(mail.outbox) == 3 and set(sent_to().values()) == {1}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        message.to for message in queued
    )
    for message in OutgoingEmail.objects.all():
        assert message.sent_at is not None and message.last_error == ""


@TRANSACTIONAL
def test_mail_server_refusing_one_address(make_practice, officer, editor, second_editor, settings):
    mail_server(settings, "partial")
    practice = make_practice(Status.DRAFT)
    response = signed_in(officer).post(reverse("members:practice_submit", args=[practice.pk]))
    assert response.status_code == 302
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED
    assert [message.to[0] for message in mail.outbox] == [editor.email]
    refused = OutgoingEmail.objects.get(to=second_editor.email)
    assert refused.sent_at is None and "550 mailbox unavailable" in refused.last_error
    DRILLS["mail server refusing one address"] += 1
    mail_server(settings, "up")
    call_command("send_queued_emails", stdout=io.StringIO())
    call_command("send_queued_emails", stdout=io.StringIO())
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [editor.email, second_editor.email]
    )


@TRANSACTIONAL
def test_mail_given_up_after_five_attempts(make_practice, officer, editor, settings):
    mail_server(settings, "down")
    practice = make_practice(Status.DRAFT)
    signed_in(officer).post(reverse("members:practice_submit", args=[practice.pk]))
    for _attempt in range(6):
        call_command("send_queued_emails", stdout=io.StringIO())
    message = OutgoingEmail.objects.get()
    assert message.attempts == 5 and message.sent_at is None
    mail_server(settings, "up")
    output = io.StringIO()
    call_command("send_queued_emails", stdout=output)
    assert output.getvalue().strip() == "Sent 0; 0 waiting; 1 given up."
    assert mail.outbox == []
    DRILLS["mail server down for good"] += 1


class SlowServer:
    """A mail server that takes a moment to accept each message (a real SMTP round trip)."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.delivered = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        time.sleep(0.3)
        return self.delivered.send_messages(messages)


@pytest.mark.postgres
@TRANSACTIONAL
def test_two_senders_at_once_send_each_message_once(make_practice, officer, editor, settings):
    mail_server(settings, "down")
    for n in range(3):
        practice = make_practice(Status.DRAFT, title=f"Queued {n}")
        signed_in(officer).post(reverse("members:practice_submit", args=[practice.pk]))
    assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 3
    settings.MAILERS = {"default": {"BACKEND": "tests.practices.test_faults.SlowServer"}}
    barrier = threading.Barrier(2)
    errors, spans = [], []

    def cron():
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            call_command("send_queued_emails", stdout=io.StringIO())
            spans.append((started, time.monotonic()))
        except BaseException as error:  # an exception in a thread would otherwise be lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cron) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sender never finished"
    if errors:
        raise errors[0]
    # The two senders ran at the same time: each started before the other finished.
    (first_start, first_end), (second_start, second_end) = spans
    assert first_start < second_end and second_start < first_end, spans
    DRILLS["two senders at once"] += 1
    assert len(mail.outbox) == 3, f"{len(mail.outbox)} messages sent for 3 queued"


# ---------------------------------------------------------------- the disk


class FailingDisk:
    """default_storage.save() that fails at its nth call, after writing part of the file.

    By default a full disk (OSError); `error` gives another failure, e.g. the object store's.
    """

    def __init__(self, monkeypatch, media_root, nth, error=None):
        self.calls = 0
        real_save = default_storage.save

        def save(name, content, max_length=None):
            self.calls += 1
            if self.calls == nth:
                target = Path(media_root) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content.read()[:100])  # half-written
                raise error or OSError(28, "No space left on device")
            return real_save(name, content, max_length=max_length)

        monkeypatch.setattr(default_storage, "save", save)


# What each upload form posts, and where a stored file would be recorded.
UPLOADS = {
    "image": (
        "members:image_add",
        lambda: {"image-upload": png_upload(), "image-alt_text": "Volunteers at the desk"},
        PracticeImage,
    ),
    "document": (
        "members:attachment_add",
        lambda: {"document-upload": pdf_upload(), "document-title": "Evaluation"},
        PracticeAttachment,
    ),
}


def upload_while_storage_fails(officer, practice, kind, media_root):
    """Post an upload that the (already failing) storage cannot keep; check nothing is kept."""
    url_name, data, model = UPLOADS[kind]
    before = (practice.version, practice.changes.count())
    response = signed_in(officer).post(reverse(url_name, args=[practice.pk]), data())
    # Nothing half-saved, whatever the answer.
    assert stored_files(media_root) == []
    assert not model.objects.filter(practice=practice).exists()
    practice.refresh_from_db()
    assert (practice.version, practice.changes.count()) == before
    # The officer is told, on the page with the form.
    assert response.status_code == 400, response.status_code
    assert "could not be stored" in response.content.decode().lower()


@pytest.mark.parametrize("kind, nth", [("image", 1), ("image", 2), ("image", 3), ("document", 1)])
def test_disk_failing_while_storing_an_upload(
    kind, nth, make_practice, officer, media_root, monkeypatch
):
    practice = make_practice(Status.DRAFT)
    FailingDisk(monkeypatch, media_root, nth)
    upload_while_storage_fails(officer, practice, kind, media_root)
    DRILLS["disk failing during an upload"] += 1


def test_disk_failing_while_storing_the_main_image(make_practice, officer, media_root, monkeypatch):
    practice = make_practice(Status.DRAFT)
    FailingDisk(monkeypatch, media_root, 2)
    data = edit_form_data(practice.pk, str(practice.version), "Typed summary.", "Typed.", "save")
    data["image"] = png_upload()
    data["image_alt"] = "The desk"
    response = signed_in(officer).post(reverse("members:practice_edit", args=[practice.pk]), data)
    DRILLS["disk failing during an upload"] += 1
    assert stored_files(media_root) == []
    practice.refresh_from_db()
    assert not practice.image
    events = ReviewEvent.objects.filter(practice=practice)
    assert not events.exists()
    # The text is saved (its own step, before the image); the form says the image was not.
    assert response.status_code == 200, response.status_code
    assert "could not be stored" in response.content.decode().lower()


def object_store_error(failure):
    """What django-storages' S3 backend raises when the store is unreachable or refuses."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    if failure == "unreachable":
        return EndpointConnectionError(endpoint_url="https://media.example.org/practices/x.png")
    return ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your rate"}}, "PutObject")


@pytest.mark.parametrize("failure", ["unreachable", "refusing"])
@pytest.mark.parametrize("kind, nth", [("image", 2), ("document", 1)])
def test_object_store_failing_while_storing_an_upload(
    kind, nth, failure, make_practice, officer, media_root, monkeypatch, caplog
):
    practice = make_practice(Status.DRAFT)
    FailingDisk(monkeypatch, media_root, nth, error=object_store_error(failure))
    upload_while_storage_fails(officer, practice, kind, media_root)
    DRILLS["object store failing during an upload"] += 1
    # The cause is in the log for whoever looks after the storage.
    assert any(record.exc_info for record in caplog.records if record.name == "practices.services")
