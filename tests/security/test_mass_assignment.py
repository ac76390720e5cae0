"""Crafted POSTs: fields a form does not show cannot be set by adding them to the request.

Officers own the text of their practices; editors own the state, the highlight, the city and the
dates; the system owns the version, the slug once published, the search text and the languages.
Every officer form (new practice, edit, proposed update, translation, account, images, files)
and the admin's practice form get requests carrying all of those.
"""

import json
import re

import pytest
from django.urls import reverse

from cities.models import CityOfficer
from practices.models import CLASSIFICATION_FIELDS as RELATED_FIELDS
from practices.models import CONTENT_FIELDS, Practice, PracticeRevision, PracticeTranslation
from tests.decisions import decide

from .conftest import NOT_THE_OFFICERS, complete_form, fingerprint, pdf_file, png_file
from .html_checks import form_data

pytestmark = pytest.mark.django_db
Status = Practice.Status
OWNED_BY_OTHERS = [*NOT_THE_OFFICERS, "image_renditions", "created_at"]


def crafted(other_city, editor, other_practice):
    """Everything an officer's form does not offer, with values an attacker would like."""
    return {
        "status": Status.PUBLISHED,
        "city": str(other_city.pk),
        "city_id": str(other_city.pk),
        "is_promising": "on",
        "promising_note": "Promoted by ourselves",
        "published_at": "2020-01-01 00:00:00",
        "submitted_at": "2020-01-01 00:00:00",
        "created_at": "2001-01-01 00:00:00",
        "created_by": str(editor.pk),
        "slug": "hijacked-address",
        "search_extra": "casino loans spam",
        "available_languages": ",en,fr,es,ar,ru,zh,de,",
        "image_renditions": json.dumps({"page": "../../settings.py"}),
        "image": "practices/someone-elses.webp",
        "id": str(other_practice.pk),
        "pk": str(other_practice.pk),
        "practice": str(other_practice.pk),
    }


def owned_by_others(practice):
    practice = Practice.objects.get(pk=practice.pk)
    return {name: getattr(practice, name) for name in OWNED_BY_OTHERS} | {"slug": practice.slug}


def assert_untouched(practice, expected_status, officer, city):
    practice = Practice.objects.get(pk=practice.pk)
    assert practice.status == expected_status
    assert practice.city_id == city.pk
    assert practice.is_promising is False and practice.promising_note == ""
    assert practice.created_by_id in (None, officer.pk)
    assert practice.slug != "hijacked-address"
    assert "casino" not in practice.search_extra
    assert practice.image_renditions in ({}, None) or "settings" not in str(
        practice.image_renditions
    )
    assert practice.image.name != "practices/someone-elses.webp"
    assert practice.created_at.year != 2001
    return practice


@pytest.fixture
def other_practice(other_city):
    from tests.practices.factories import PracticeFactory

    return PracticeFactory(city=other_city, title="City B's practice")


def test_a_new_practice_takes_only_the_officers_fields(
    officer_client, officer, city, other_city, editor, other_practice
):
    response = officer_client.post(
        reverse("members:practice_new"),
        {**complete_form(action="save"), **crafted(other_city, editor, other_practice)},
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="Anti-discrimination desk")
    practice = assert_untouched(practice, Status.DRAFT, officer, city)
    assert practice.published_at is None and practice.submitted_at is None
    assert practice.available_languages == ",en,"
    assert practice.pk != other_practice.pk
    assert Practice.objects.get(pk=other_practice.pk).title == "City B's practice"


def test_editing_takes_only_the_officers_fields_and_the_version_cannot_be_forged(
    officer_client, officer, city, other_city, editor, other_practice, make_practice
):
    practice = make_practice(Status.CHANGES_REQUESTED)
    before = owned_by_others(practice)
    url = reverse("members:practice_edit", args=[practice.pk])
    forged = {**complete_form(action="save"), **crafted(other_city, editor, other_practice)}
    response = officer_client.post(url, {**forged, "version": "9999"})
    assert response.status_code == 409  # a version from nowhere is a stale form
    assert owned_by_others(practice) == before
    response = officer_client.post(url, {**forged, "version": str(practice.version)})
    assert response.status_code == 302
    practice = assert_untouched(practice, Status.CHANGES_REQUESTED, officer, city)
    assert practice.summary == complete_form()["summary"]  # the officer's own field did change
    after = owned_by_others(practice)
    changed = {name for name in before if before[name] != after[name]}
    # Recomputed, not taken from the POST: the names searched, and (never published) the
    # address, from the new title.
    assert changed <= {"search_extra", "slug"}, changed
    assert after["slug"] == "anti-discrimination-desk"
    assert practice.version < 9999


def test_a_proposed_update_and_its_approval_keep_the_address_and_the_editors_fields(
    officer_client, officer, city, other_city, editor, editor_client, other_practice, make_practice
):
    practice = make_practice(Status.PUBLISHED, is_promising=True, promising_note="Editors' pick")
    Practice.objects.filter(pk=practice.pk).update(is_promising=True)
    before = owned_by_others(practice)
    response = officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        {
            **complete_form(title="A brand-new title", action="submit", version=""),
            **crafted(other_city, editor, other_practice),
        },
    )
    assert response.status_code == 302
    revision = PracticeRevision.objects.get(practice=practice)
    allowed = set(CONTENT_FIELDS) | set(RELATED_FIELDS) | {"translations"}
    assert set(revision.data) <= allowed, set(revision.data) - allowed
    decide(
        editor_client,
        reverse("admin:practices_practicerevision_review", args=[revision.pk, "approve"]),
        {},
    )
    practice.refresh_from_db()
    assert practice.title == "A brand-new title"
    after = owned_by_others(practice)
    assert after["slug"] == before["slug"], "the public address changed after publication"
    assert after["status"] == Status.PUBLISHED and after["city_id"] == city.pk
    assert after["is_promising"] is True and after["promising_note"] == "Editors' pick"
    assert after["published_at"] == before["published_at"]
    assert after["created_by_id"] == before["created_by_id"]
    assert "casino" not in after["search_extra"]


def test_a_translation_is_only_ever_the_one_named_in_the_address(
    officer_client, officer, other_city, editor, other_practice, make_practice
):
    practice = make_practice(Status.DRAFT)
    before = owned_by_others(practice)
    response = officer_client.post(
        reverse("members:translation_edit", args=[practice.pk, "fr"]),
        {
            "title": "Guichet",
            "summary": "Un guichet.",
            **crafted(other_city, editor, other_practice),
            "language": "de",
            "practice_id": str(other_practice.pk),
        },
    )
    assert response.status_code == 302
    translations = PracticeTranslation.objects.all()
    assert [(t.practice_id, t.language) for t in translations] == [(practice.pk, "fr")]
    after = owned_by_others(practice)
    assert after["available_languages"] == ",en,fr,"
    assert {k: v for k, v in after.items() if k != "available_languages"} == {
        k: v for k, v in before.items() if k != "available_languages"
    }


def test_commitments_of_another_coalition_are_refused(officer_client, make_practice, other_city):
    from practices.models import Commitment, Theme
    from tests.cities.factories import CoalitionFactory

    practice = make_practice(Status.DRAFT)
    foreign = Commitment.objects.create(
        coalition=CoalitionFactory(), number=1, title="Theirs", theme=Theme.objects.first()
    )
    response = officer_client.post(
        reverse("members:practice_edit", args=[practice.pk]),
        complete_form(commitments=[str(foreign.pk)], version=practice.version, action="save"),
    )
    assert response.status_code == 200 and "commitments" in response.context["form"].errors
    assert not practice.commitments.exists()


def test_the_account_form_changes_the_language_only(officer_client, officer, other_city, editor):
    record = CityOfficer.objects.get(user=officer)
    response = officer_client.post(
        reverse("members:account"),
        {
            "preferred_language": "fr",
            "city": str(other_city.pk),
            "is_active": "",
            "user": str(editor.pk),
            "created_at": "2001-01-01",
            "email": "attacker@example.org",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": ["1"],
        },
    )
    assert response.status_code == 302
    after = CityOfficer.objects.get(pk=record.pk)
    assert after.preferred_language == "fr"
    assert (after.city_id, after.is_active, after.user_id) == (record.city_id, True, officer.pk)
    assert after.created_at == record.created_at
    officer.refresh_from_db()
    assert officer.email != "attacker@example.org"
    assert not officer.is_staff and not officer.is_superuser and not officer.groups.exists()


def test_images_and_files_belong_to_the_practice_of_the_address(
    officer_client, make_practice, other_practice
):
    practice = make_practice(Status.DRAFT)
    response = officer_client.post(
        reverse("members:image_add", args=[practice.pk]),
        {
            "image-upload": png_file(),
            "image-alt_text": "Volunteers",
            "image-practice": str(other_practice.pk),
            "image-renditions": json.dumps({"page": "../../settings.py"}),
            "image-image": "practices/someone-elses.webp",
        },
    )
    assert response.status_code == 302
    image = practice.images.get()
    assert image.practice_id == practice.pk and "settings" not in str(image.renditions)
    assert image.image.name != "practices/someone-elses.webp"
    response = officer_client.post(
        reverse("members:attachment_add", args=[practice.pk]),
        {
            "document-upload": pdf_file(),
            "document-title": "Report",
            "document-size": "1",
            "document-practice": str(other_practice.pk),
            "document-file": "../../settings.py",
        },
    )
    assert response.status_code == 302
    attachment = practice.attachments.get()
    assert attachment.size > 1 and attachment.file.name.startswith("attachments/")
    assert not other_practice.images.exists() and not other_practice.attachments.exists()


def test_officers_posting_to_the_admin_are_sent_to_its_login(
    officer_client, officer, other_city, make_practice, editor
):
    practice = make_practice(Status.SUBMITTED)
    record = CityOfficer.objects.get(user=officer)
    before = fingerprint()
    posts = [
        (
            reverse("admin:practices_practice_change", args=[practice.pk]),
            {"title": "Mine now", "status": "published", "is_promising": "on"},
        ),
        (reverse("admin:practices_practice_review", args=[practice.pk, "approve"]), {}),
        (
            reverse("admin:cities_cityofficer_change", args=[record.pk]),
            {"city": str(other_city.pk), "is_active": "on", "preferred_language": "en"},
        ),
        (
            reverse("admin:cities_cityofficer_invite"),
            {"username": "friend", "email": "friend@example.org", "city": str(other_city.pk)},
        ),
        (reverse("admin:auth_user_change", args=[officer.pk]), {"is_staff": "on"}),
        (reverse("admin:practices_practice_add"), {"title": "Injected", "city": "1"}),
    ]
    for url, data in posts:
        response = officer_client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert fingerprint() == before


def test_the_admin_practice_form_cannot_set_what_the_workflow_and_system_own(
    editor_client, make_practice, other_city, editor
):
    practice = make_practice(Status.PUBLISHED)
    before = owned_by_others(practice) | {"version": practice.version}
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    page = editor_client.get(url).content.decode()
    form_id = re.search(r'<form [^>]*id="([a-z]+_form)"', page).group(1)
    data = form_data(page, form_id)
    data.update(
        {
            "status": ["draft"],
            "slug": ["hijacked-address"],
            "published_at": ["2001-01-01 00:00:00"],
            "submitted_at": ["2001-01-01 00:00:00"],
            "created_by": [str(editor.pk)],
            "version": ["1"],
            "search_extra": ["casino"],
            "available_languages": [",de,"],
            "summary": ["Edited by an editor."],
            "_save": ["Save"],
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice.refresh_from_db()
    assert practice.summary == "Edited by an editor."  # the save went through
    after = owned_by_others(practice)
    for name in ["status", "slug", "published_at", "submitted_at", "created_by_id"]:
        assert after[name] == before[name], name
    assert "casino" not in after["search_extra"]
    assert after["available_languages"] == before["available_languages"]
    assert practice.version > before["version"]  # raised by the save, never set by it
