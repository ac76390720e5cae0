"""The audit trail: an editor's change made in the admin is on record, with who, when and what,
and editors can read it back; the records themselves cannot be altered through the admin."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from practices.models import Practice, PracticeChange, ReviewEvent

from .conftest import admin_save

pytestmark = pytest.mark.django_db
Status = Practice.Status


def test_an_editors_correction_in_the_admin_is_on_record(editor, editor_client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    before = practice.version
    admin_save(
        editor_client,
        reverse("admin:practices_practice_change", args=[practice.pk]),
        {"summary": "Corrected by the editors: 412 residents, not 421."},
    )
    practice.refresh_from_db()
    assert practice.summary.startswith("Corrected by the editors")
    # The portal's own record: who, when, which fields, and the version it made.
    change = PracticeChange.objects.filter(practice=practice).latest("created_at", "pk")
    assert (change.actor, change.actor_name) == (editor, "Erin Editor")
    assert change.changed_fields == ["summary"]
    assert change.version == practice.version > before
    assert change.created_at is not None
    # Django's admin log too.
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Practice),
        object_id=str(practice.pk),
        action_flag=CHANGE,
    )
    assert entry.user == editor and "Summary" in entry.get_change_message()
    # Editors read it back: the practice's history page and the list of content changes.
    history = editor_client.get(
        reverse("admin:practices_practice_history", args=[practice.pk])
    ).content.decode()
    assert "Summary" in history and editor.username in history
    changes = editor_client.get(
        reverse("admin:practices_practicechange_changelist"), {"q": practice.title}
    )
    assert changes.status_code == 200
    assert list(changes.context["cl"].result_list) == list(
        PracticeChange.objects.filter(practice=practice).order_by("-created_at", "-pk")
    )


def test_records_cannot_be_changed_or_deleted_through_the_admin(
    editor_client, superuser, make_practice
):
    practice = make_practice(Status.PUBLISHED)
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    admin_save(editor_client, url, {"summary": "Corrected."})
    event = ReviewEvent.objects.filter(practice=practice).latest("pk")
    change = PracticeChange.objects.filter(practice=practice).latest("pk")
    root = Client()
    root.force_login(superuser)
    for client in (editor_client, root):
        for name, record in [("reviewevent", event), ("practicechange", change)]:
            url = reverse(f"admin:practices_{name}_change", args=[record.pk])
            page = client.get(url)
            assert page.status_code == 200  # readable
            assert 'name="_save"' not in page.content.decode()  # not editable
            assert client.post(url, {"message": "rewritten"}).status_code == 403
            delete = reverse(f"admin:practices_{name}_delete", args=[record.pk])
            assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.message != "rewritten"
    assert ReviewEvent.objects.filter(pk=event.pk).exists()
    assert PracticeChange.objects.filter(pk=change.pk).exists()
