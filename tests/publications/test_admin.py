"""Editors compose a publication in the admin: the publication with its chapters, then each
chapter with the practices it quotes; every save is a new version in the history."""

import pytest
from django.urls import reverse

from practices.models import Practice
from publications.models import Publication, PublicationEvent

Status = Practice.Status
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh_hans"]


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def translated(prefix, name, english, **others):
    return {f"{prefix}{name}_{code}": others.get(code, english if code == "en" else "")
            for code in LANGUAGES}  # fmt: skip


@pytest.mark.django_db
def test_an_editor_composes_a_publication_in_the_admin(editor_client, make_practice):
    published = make_practice(Status.PUBLISHED, title="Fair housing tests")
    draft = make_practice(Status.DRAFT, title="Still a draft")
    data = {
        "slug": "the-roles-of-cities",
        "year": "2026",
        **translated("", "title", "The roles of cities", fr="Les rôles des villes"),
        **translated("", "subtitle", ""),
        **translated("", "introduction", "An *introduction*."),
        **management("chapters", 1),
        "chapters-0-position": "1",
        **translated("chapters-0-", "title", "The city as employer"),
        **translated("chapters-0-", "text", ""),
        **management("closing_sections", 1),
        "closing_sections-0-position": "1",
        "closing_sections-0-kind": "gaps",
        **translated("closing_sections-0-", "title", "Where more work is needed"),
        **translated("closing_sections-0-", "text", ""),
        **management("events", 0),
    }
    response = editor_client.post(reverse("admin:publications_publication_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    publication = Publication.objects.get(slug="the-roles-of-cities")
    assert publication.title_fr == "Les rôles des villes"
    chapter = publication.chapters.get()
    assert publication.closing_sections.get().kind == "gaps"

    chapter_url = reverse("admin:publications_chapter_change", args=[chapter.pk])
    entries = {
        "publication": str(publication.pk),
        "position": "1",
        **translated("", "title", "The city as employer"),
        **translated("", "text", "Why they *work*."),
        **management("entries", 1),
        "entries-0-position": "1",
        "entries-0-practice": str(draft.pk),
        **translated("entries-0-", "commentary", "It transfers."),
    }
    refused = editor_client.post(chapter_url, entries)
    assert refused.status_code == 200
    assert "Choose a published practice" in refused.content.decode()
    assert not chapter.entries.exists()

    entries["entries-0-practice"] = str(published.pk)
    assert editor_client.post(chapter_url, entries).status_code == 302
    assert [entry.practice for entry in chapter.entries.all()] == [published]
    publication.refresh_from_db()
    assert publication.version == 2
    assert list(publication.events.values_list("action", "version")) == [
        (PublicationEvent.Action.CREATED, 1),
        (PublicationEvent.Action.CHANGED, 2),
    ]
    # The editor reads the draft as the public will, with the current version of the practice.
    page = editor_client.get(publication.get_absolute_url()).content.decode()
    assert "Fair housing tests" in page and "Why they <em>work</em>." in page


@pytest.mark.django_db
def test_deleting_a_chapter_is_a_new_version_of_its_publication(
    editor_client, make_practice, editor
):
    from publications import services

    from .conftest import compose

    publication = compose([make_practice(Status.PUBLISHED)], slug="one-chapter")
    publication = services.publish(
        publication=publication, actor=editor, version=publication.version
    )
    chapter = publication.chapters.get()
    url = reverse("admin:publications_chapter_delete", args=[chapter.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    publication.refresh_from_db()
    assert not publication.chapters.exists()
    assert publication.events.last().action == PublicationEvent.Action.CHANGED
    assert publication.events.last().version == publication.version
    # A chapter cannot be moved to another publication (which would change it unrecorded).
    other = compose([make_practice(Status.PUBLISHED)], slug="another")
    page = editor_client.get(
        reverse("admin:publications_chapter_change", args=[other.chapters.get().pk])
    ).content.decode()
    assert 'name="publication"' not in page


@pytest.mark.django_db
def test_quoting_another_practice_in_a_published_publication_quotes_it(make_practice, editor):
    from publications import services

    from .conftest import compose

    first = make_practice(Status.PUBLISHED, title="First practice")
    second = make_practice(Status.PUBLISHED, title="Second practice")
    publication = compose([first], slug="swap")
    publication = services.publish(
        publication=publication, actor=editor, version=publication.version
    )
    entry = publication.chapters.get().entries.get()
    entry.practice = second
    entry.save()
    services.saved(publication, actor=editor, created=False)
    entry.refresh_from_db()
    assert entry.frozen["title"] == "Second practice"
    assert entry.frozen_version == second.version
