"""Cross-site request forgery: every state-changing URL refuses a POST without a valid token.

The client enforces CSRF checks as a browser-facing server does. For each URL the victim first
opens a page (so their browser holds the CSRF cookie, as a forged cross-site POST would carry
it), then three forged POSTs are sent: without the token, with a made-up token, and with the
right token but from another site (Origin). Each must be refused with 403 and change nothing.
Then the same POST with the token, from the site, must go through and change something (rolled
back): proof that the refusal came from the CSRF check, not from the request being useless.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from practices.models import Theme
from tests.cities.factories import PASSWORD

from .conftest import (
    PUBLICATION_DRAFT,
    Status,
    complete_form,
    fingerprint,
    pdf_file,
    png_file,
    rolled_back,
)
from .html_checks import form_data

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Lantern-orchard-1987"


def state():
    return {**fingerprint(), "mail": len(mail.outbox)}


def seen(obj, **data):
    """A decision's form as its page sends it: naming the version the page showed."""
    return {**data, "version": type(obj).objects.get(pk=obj.pk).version}


def cases(world, people):
    """(who, url, data, what it does): every POST that changes something."""
    p = world["practices"]
    draft, submitted = p[Status.DRAFT], p[Status.SUBMITTED]
    published, archived = p[Status.PUBLISHED], p[Status.ARCHIVED]
    image, attachment = world["images"][Status.DRAFT], world["attachments"][Status.DRAFT]
    revision = world["revision"]
    officer = people["owner"]
    review = "admin:practices_practice_review"
    revision_review = "admin:practices_practicerevision_review"
    theme = Theme.objects.order_by("pk").first()
    draft_publication = world["publications"][PUBLICATION_DRAFT]
    return [
        ("owner", reverse("members:practice_new"), lambda: complete_form(action="save"), "new"),
        ("owner", reverse("members:account"), lambda: {"preferred_language": "fr"}, "language"),
        (
            "owner",
            reverse("members:practice_edit", args=[draft.pk]),
            lambda: complete_form(version=draft.version, action="save"),
            "edit a draft",
        ),
        ("owner", reverse("members:practice_submit", args=[draft.pk]), dict, "submit"),
        ("owner", reverse("members:practice_withdraw", args=[submitted.pk]), dict, "withdraw"),
        ("owner", reverse("members:practice_delete", args=[draft.pk]), dict, "delete a draft"),
        (
            "owner",
            reverse("members:image_add", args=[draft.pk]),
            lambda: {"image-upload": png_file(), "image-alt_text": "A desk"},
            "add an image",
        ),
        (
            "owner",
            reverse("members:image_delete", args=[draft.pk, image.pk]),
            dict,
            "remove an image",
        ),
        (
            "owner",
            reverse("members:translation_edit", args=[draft.pk, "fr"]),
            lambda: {"title": "Guichet", "summary": "Un guichet."},
            "translate",
        ),
        (
            "owner",
            reverse("members:attachment_add", args=[draft.pk]),
            lambda: {"document-upload": pdf_file(), "document-title": "Report"},
            "attach a PDF",
        ),
        (
            "owner",
            reverse("members:attachment_delete", args=[draft.pk, attachment.pk]),
            dict,
            "remove a PDF",
        ),
        ("owner", reverse("logout"), dict, "log out"),
        (
            "owner",
            reverse("password_change"),
            lambda: {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            "change the password",
        ),
        (
            "editor",
            reverse(review, args=[submitted.pk, "approve"]),
            lambda: seen(submitted),
            "approve",
        ),
        (
            "editor",
            reverse(review, args=[submitted.pk, "request_changes"]),
            lambda: seen(submitted, message="More, please."),
            "request changes",
        ),
        (
            "editor",
            reverse(review, args=[submitted.pk, "reject"]),
            lambda: seen(submitted, message="No."),
            "reject",
        ),
        (
            "editor",
            reverse(review, args=[published.pk, "archive"]),
            lambda: seen(published, message="Ended."),
            "archive",
        ),
        (
            "editor",
            reverse(review, args=[archived.pk, "restore"]),
            lambda: seen(archived),
            "restore",
        ),
        (
            "editor",
            reverse(revision_review, args=[revision.pk, "approve"]),
            lambda: seen(revision),
            "approve update",
        ),
        (
            "editor",
            reverse(revision_review, args=[revision.pk, "request_changes"]),
            lambda: seen(revision, message="Shorter."),
            "send the update back",
        ),
        (
            "editor",
            reverse(revision_review, args=[revision.pk, "reject"]),
            lambda: seen(revision, message="No."),
            "reject the update",
        ),
        (
            "editor",
            reverse(
                "admin:publications_publication_decide", args=[draft_publication.pk, "publish"]
            ),
            lambda: seen(draft_publication, note="Ready."),
            "publish a publication",
        ),
        (
            "editor",
            reverse("admin:publications_publication_start"),
            lambda: {"title": "Started from the data", "year": "2026", "group_by": "theme"},
            "start a publication from the data",
        ),
        (
            "editor",
            reverse("admin:cities_cityofficer_invite"),
            lambda: {
                "username": "new-officer",
                "email": "new-officer@example.org",
                "city": str(officer.city_officer.city_id),
            },
            "invite an officer",
        ),
        (
            "editor",
            reverse("admin:practices_theme_change", args=[theme.pk]),
            "scrape",
            "edit a theme",
        ),
        ("editor", reverse("admin:logout"), dict, "log out of the admin"),
        (
            "editor",
            reverse("admin:password_change"),
            lambda: {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            "change the password in the admin",
        ),
        (
            "anonymous",
            reverse("login"),
            lambda: {"username": "officer", "password": PASSWORD},
            "log in",
        ),
        (
            "anonymous",
            reverse("admin:login"),
            lambda: {"username": "editor", "password": PASSWORD},
            "log in to the admin",
        ),
        (
            "anonymous",
            reverse("password_reset"),
            lambda: {"email": officer.email},
            "ask for a password link",
        ),
        ("anonymous", "set-password", lambda: {}, "choose a new password with a link"),
    ]


def victim(role, people):
    """A browser of the role that has opened a page of the site: it holds the CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    if people[role] is not None:
        client.force_login(people[role])
    client.get(reverse("login"))
    assert client.cookies["csrftoken"].value
    return client


def set_password_url(client, user):
    """Follow a set-password link: the token moves into the session, the form opens."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert response.status_code == 302
    return response["Location"]


def forgeries(token):
    """(extra data, headers) of each forged POST: no token, a made-up one, and the right one
    sent from another site."""
    return [
        ({}, {}),
        ({"csrfmiddlewaretoken": "x" * 32}, {}),
        ({"csrfmiddlewaretoken": token}, {"HTTP_ORIGIN": "https://evil.example"}),
    ]


def test_every_state_changing_post_needs_the_token(world, people, figures):
    refused = genuine = 0
    editor_client = Client()
    editor_client.force_login(people["editor"])
    listed = cases(world, people)
    for role, url, make_data, what in listed:
        client = victim(role, people)
        if url == "set-password":
            url = set_password_url(client, people["owner"])

            def make_data():
                return {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}

        if make_data == "scrape":
            page = editor_client.get(url).content.decode()
            scraped = {**form_data(page, "theme_form"), "title_en": ["Changed"], "_save": ["1"]}

            def make_data(scraped=scraped):
                return scraped

        token = client.cookies["csrftoken"].value
        before = state()
        for extra_data, headers in forgeries(token):
            response = client.post(url, {**make_data(), **extra_data}, **headers)
            assert response.status_code == 403, (what, headers, response.status_code)
            assert b"CSRF" in response.content, what
            assert state() == before, f"{what}: a forged POST changed something"
            refused += 1
        # The same request with the token goes through.
        with rolled_back():
            response = client.post(url, {**make_data(), "csrfmiddlewaretoken": token})
            assert response.status_code in (200, 302), (what, response.status_code)
            assert state() != before, f"{what}: the genuine POST changed nothing"
            genuine += 1
    # Every listed POST was forged each way and refused, then sent genuinely and accepted.
    assert (refused, genuine) == (len(forgeries("")) * len(listed), len(listed))
    figures["CSRF: forged POSTs refused"] = (
        f"{refused} ({len(listed)} state-changing POSTs x {len(forgeries(''))} forgeries)"
    )


def test_a_token_from_the_page_of_another_session_is_refused(people, officer, make_practice):
    """The token of the attacker's own session does not work in the victim's."""
    practice = make_practice(Status.DRAFT)
    attacker = victim("other_city", people)
    stolen = attacker.cookies["csrftoken"].value
    client = victim("owner", people)
    before = state()
    response = client.post(
        reverse("members:practice_submit", args=[practice.pk]), {"csrfmiddlewaretoken": stolen}
    )
    assert response.status_code == 403
    assert state() == before
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT
