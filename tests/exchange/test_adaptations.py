"""Adaptations: a city records that it took up another city's practice; the editors review the
record like other content, with the same feedback loop; the public sees "Adapted by" and
"Adapted from", counts, a filter, a sort and the network of adaptations."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from exchange.models import Adaptation, AdaptationEvent
from practices.models import Practice
from tests.decisions import decide

from .conftest import client_for
from .factories import ADAPTATION, adaptation, approved_adaptation

Status = Practice.Status
pytestmark = pytest.mark.django_db


def record_form(**overrides):
    return {
        "started_in": "2023",
        "progress": "running",
        "what_changed": "We tested job offers as well as flats.",
        "outcome": "",
        "own_practice": "",
        "message": "",
        **overrides,
    }


def decide_url(record, action):
    return reverse("admin:exchange_adaptation_decide", args=[record.pk, action])


def test_the_review_loop_from_record_to_public_page(
    practice, asker, answerer, editor, editor_client, django_capture_on_commit_callbacks
):
    """Liège (asker) records that it adapted Ghent's practice; the editors ask for figures;
    Liège adds them and resubmits; the editors approve; the public sees it on both sides."""
    liege = client_for(asker)
    new_url = reverse("adaptations:adaptation_new", args=[practice.pk])
    page = liege.get(practice.get_absolute_url()).content.decode()
    assert new_url in page  # "our city adapted this practice"
    with django_capture_on_commit_callbacks(execute=True):
        response = liege.post(new_url, record_form(submit="1", message="First year done."))
    record = Adaptation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{record.pk}/")
    assert record.status == "submitted" and record.city == asker.city_officer.city
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "First year done." in mail.outbox[0].body
    assert (
        Client().get(practice.get_absolute_url()).content.decode().count("tested job offers") == 0
    )

    # The editors ask for changes: Liège's officer is told in French, with the message.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = decide(
            editor_client, decide_url(record, "request_changes"), {"reason": "Add figures."}
        )
    assert asked.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [asker.email]
    assert (
        "Add figures." in mail.outbox[0].body
        and "Modifications demandées" in mail.outbox[0].subject
    )
    detail = liege.get(reverse("adaptations:adaptation", args=[record.pk])).content.decode()
    assert "Add figures." in detail

    # Liège revises and resubmits; the editors approve.
    record.refresh_from_db()
    revised = record_form(
        submit="1", outcome="Two agencies changed their rules.", version=str(record.version)
    )
    assert (
        liege.post(reverse("adaptations:adaptation", args=[record.pk]), revised).status_code == 302
    )
    record.refresh_from_db()
    assert record.status == "submitted"
    assert decide(editor_client, decide_url(record, "approve")).status_code == 302
    record.refresh_from_db()
    assert record.status == "approved" and record.public_version["outcome"].startswith("Two")
    actions = list(record.events.values_list("action", flat=True))
    assert actions == ["submitted", "changes_requested", "submitted", "approved"]

    public = Client().get(practice.get_absolute_url()).content.decode()
    assert "Adapted by 1 city" in public and "Liège" in public
    assert "tested job offers" in public and "Two agencies changed their rules." in public
    practice.refresh_from_db()
    assert practice.adapted_in == 1
    listing = Client().get("/practices/?adapted=1").content.decode()
    assert practice.title in listing and "adapted in 1 other city" in listing
    network = Client().get("/transfers/")
    assert network.context["total"] == 1 and network.context["pairs"][0]["count"] == 1


def test_an_edit_of_an_approved_record_waits_for_review(practice, asker, editor):
    record = approved_adaptation(practice, asker, editor)
    record.refresh_from_db()
    liege = client_for(asker)
    url = reverse("adaptations:adaptation", args=[record.pk])
    changed = record_form(
        progress="ended", what_changed="A completely new text.", version=str(record.version)
    )
    assert liege.post(url, changed).status_code == 302  # saved as a draft
    record.refresh_from_db()
    assert record.status == "draft" and record.what_changed == "A completely new text."
    public = Client().get(practice.get_absolute_url()).content.decode()
    assert "We tested job offers as well as flats." in public
    assert "A completely new text." not in public


def test_a_rejection_takes_the_record_off_the_public_pages_and_the_count(
    practice, asker, editor, editor_client
):
    record = approved_adaptation(practice, asker, editor)
    practice.refresh_from_db()
    assert practice.adapted_in == 1
    record.refresh_from_db()
    liege = client_for(asker)
    url = reverse("adaptations:adaptation", args=[record.pk])
    liege.post(url, record_form(submit="1", outcome="Spam", version=str(record.version)))
    record.refresh_from_db()
    refused = decide(editor_client, decide_url(record, "reject"), {"reason": ""})
    assert refused.status_code == 200 and "Write a message" in refused.content.decode()
    assert (
        decide(editor_client, decide_url(record, "reject"), {"reason": "Not real."}).status_code
        == 302
    )
    practice.refresh_from_db()
    assert practice.adapted_in == 0
    assert "We tested job offers" not in Client().get(practice.get_absolute_url()).content.decode()


def test_a_decision_on_an_older_version_is_refused_with_the_reason_kept(
    practice, asker, editor_client
):
    record = adaptation(practice, asker)
    url = decide_url(record, "approve")
    seen = record.version
    # Liège edits after the editor opened the page.
    client_for(asker).post(
        reverse("adaptations:adaptation", args=[record.pk]),
        record_form(submit="1", outcome="Later.", version=str(seen)),
    )
    response = editor_client.post(url, {"version": seen, "reason": "Fine by me."})
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed since you opened it" in content and "Fine by me." in content
    record.refresh_from_db()
    assert record.status == "submitted" and record.public_version is None


def test_a_stale_edit_by_an_officer_keeps_what_was_typed(practice, asker, editor):
    record = adaptation(practice, asker)
    liege = client_for(asker)
    url = reverse("adaptations:adaptation", args=[record.pk])
    response = liege.post(url, record_form(what_changed="My careful text.", version="1"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone changed this adaptation" in content and "My careful text." in content
    record.refresh_from_db()
    assert record.what_changed == ADAPTATION["what_changed"]


def test_refusals_own_city_unpublished_and_other_cities_records(
    practice, asker, answerer, third_city_officer, make_practice
):
    own = client_for(answerer)
    response = own.get(reverse("adaptations:adaptation_new", args=[practice.pk]))
    assert response.status_code == 403 and "your own city" in response.content.decode()
    draft = make_practice(Status.DRAFT)
    liege = client_for(asker)
    assert liege.get(reverse("adaptations:adaptation_new", args=[draft.pk])).status_code == 404
    record = adaptation(practice, asker)
    third = client_for(third_city_officer)
    assert third.get(reverse("adaptations:adaptation", args=[record.pk])).status_code == 404
    assert own.get(reverse("adaptations:adaptation", args=[record.pk])).status_code == 404
    # A second record of the same practice leads to the first.
    again = liege.get(reverse("adaptations:adaptation_new", args=[practice.pk]))
    assert again.status_code == 302 and again["Location"].endswith(f"/{record.pk}/")
    # Empty or oversized text: refused, what was typed kept, nothing stored.
    url = reverse("adaptations:adaptation", args=[record.pk])
    long_text = "x" * 5_001
    refused = liege.post(url, record_form(what_changed=long_text, version=str(record.version)))
    assert (
        refused.status_code == 200 and refused.context["form"]["what_changed"].value() == long_text
    )
    # Own practice: only one of the officer's city may be linked.
    other = make_practice(Status.PUBLISHED, title="Ghent's other practice")
    linked = liege.post(url, record_form(own_practice=str(other.pk), version=str(record.version)))
    assert linked.status_code == 200 and "Select a valid choice" in linked.content.decode()
    assert AdaptationEvent.objects.count() == 1


def test_officers_name_the_practices_theirs_adapted_in_their_own_form(
    officer_client, practice, asker, make_practice
):
    """Liège's officer names Ghent's practice as the inspiration of a new practice, by its
    address; it counts once published."""
    from tests.practice_form import complete_form

    liege = client_for(asker)
    address = "https://iccar.example.org" + practice.get_absolute_url()
    data = complete_form(action="save", title="Tests in Liège", inspired_by=address)
    assert liege.post(reverse("members:practice_new"), data).status_code == 302
    mine = Practice.objects.get(title="Tests in Liège")
    assert list(mine.inspired_by.all()) == [practice]
    # Unknown addresses and the city's own practices are refused, the text kept.
    bad = complete_form(action="save", title="Another", inspired_by="no-such-practice")
    response = liege.post(reverse("members:practice_new"), bad)
    assert response.status_code == 200 and "no-such-practice" in response.content.decode()
    ghent_own = complete_form(action="save", title="Own", inspired_by=practice.slug)
    response = officer_client.post(reverse("members:practice_new"), ghent_own)
    assert "your own city cannot be its inspiration" in response.content.decode()


def test_a_decision_that_names_no_version_decides_nothing(practice, asker, editor_client):
    record = adaptation(practice, asker)
    response = editor_client.post(decide_url(record, "approve"), {"reason": "Fine."})
    assert response.status_code == 200
    assert "Open the adaptation again, then decide." in response.content.decode()
    record.refresh_from_db()
    assert record.status == "submitted" and record.public_version is None
