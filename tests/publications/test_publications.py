"""Publications: composed and published by editors, read by the public with the practices as
they were when published, printed, and downloaded as PDF."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from practices import services as practice_services
from practices.models import Practice
from publications import services
from publications.models import ClosingSection, Publication, PublicationEvent

from .conftest import compose

Status = Practice.Status


def page_url(publication, language=""):
    prefix = f"/{language}" if language else ""
    return f"{prefix}/publications/{publication.slug}/"


@pytest.mark.django_db
def test_a_draft_is_seen_by_editors_only(client, officer_client, editor_client, draft_publication):
    url = page_url(draft_publication)
    assert client.get(url).status_code == 404
    assert officer_client.get(url).status_code == 404
    assert client.get("/publications/").content.count(b"Cities against racism") == 0
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Draft: only editors see this page" in response.content.decode()
    # The PDF exists for published publications only.
    assert editor_client.get(url + "pdf/").status_code == 404


@pytest.mark.django_db
def test_published_publication_lists_its_chapters_and_practices(client, published, two_practices):
    response = client.get("/publications/")
    assert 'href="/publications/cities-against-racism/"' in response.content.decode()
    html = client.get(page_url(published)).content.decode()
    assert '<a href="#chapter-1">1. <span>The city as employer</span></a>' in html
    for practice in two_practices:
        assert practice.title in html
    assert "<em>this</em>" in html and "It transfers." in html


@pytest.mark.django_db
def test_publishing_freezes_the_practices_it_quotes(
    client, published, two_practices, officer, editor
):
    practice = two_practices[0]
    entry = published.chapters.get().entries.get(practice=practice)
    assert entry.frozen_version == practice.version
    assert entry.frozen["title"] == "Anonymised job applications"
    # The city updates its practice and an editor approves the update.
    revision = practice_services.revision_save(
        practice=practice, actor=officer, data={"title": "Blind recruitment, city-wide"}
    )
    practice_services.revision_submit(revision=revision, actor=officer)
    practice_services.revision_approve(revision=revision, actor=editor)
    practice.refresh_from_db()
    assert practice.title == "Blind recruitment, city-wide"

    html = client.get(page_url(published)).content.decode()
    assert "Anonymised job applications" in html
    assert "Blind recruitment, city-wide" not in html
    assert "A newer version has been published since" in html
    assert html.count("A newer version has been published since") == 1

    # Editors choose to quote the current versions: the note goes, the new title shows.
    services.refresh_quotes(publication=published, actor=editor, version=published.version)
    html = client.get(page_url(published)).content.decode()
    assert "Blind recruitment, city-wide" in html
    assert "A newer version has been published since" not in html


@pytest.mark.django_db
def test_an_archived_practice_stays_quoted_with_a_note(client, published, two_practices, editor):
    practice_services.practice_archive(practice=two_practices[1], actor=editor, message="Ended.")
    html = client.get(page_url(published)).content.decode()
    assert "Fair housing tests" in html
    assert "no longer published on the portal" in html


@pytest.mark.django_db
def test_only_published_practices_can_be_quoted(make_practice, editor):
    draft = make_practice(Status.DRAFT, title="Not yet public")
    publication = compose([draft], slug="with-a-draft")
    with pytest.raises(services.PublicationError, match="Not yet public"):
        services.publish(publication=publication, actor=editor, version=publication.version)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.DRAFT


@pytest.mark.django_db
def test_the_editors_texts_in_the_readers_language_with_english_as_fallback(
    client, two_practices, editor
):
    publication = compose(
        two_practices, title_fr="Des villes contre le racisme", introduction="In *English*."
    )
    services.publish(publication=publication, actor=editor, version=publication.version)
    french = client.get(page_url(publication, "fr")).content.decode()
    assert "<h1>Des villes contre le racisme</h1>" in french
    # No Spanish title: the English one, marked as English for screen readers.
    spanish = client.get(page_url(publication, "es")).content.decode()
    assert '<h1 lang="en" dir="ltr">Cities against racism</h1>' in spanish
    assert (
        '<div class="editors-text" lang="en" dir="ltr"><p>In <em>English</em>.</p></div>' in spanish
    )


@pytest.mark.django_db
def test_json_ld_describes_the_report(client, published, two_practices):
    html = client.get(page_url(published)).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "Report"
    assert data["name"] == "Cities against racism"
    assert [part["name"] for part in data["hasPart"]] == ["The city as employer"]
    assert {item["name"] for item in data["mentions"]} == {p.title for p in two_practices}


@pytest.mark.django_db
def test_gaps_are_frozen_when_published(client, published, make_practice):
    section = published.closing_sections.get(kind=ClosingSection.Kind.GAPS)
    assert set(section.frozen["languages"]) == {"en", "fr", "es", "ar", "ru", "zh-hans"}
    before = section.frozen["languages"]["en"]["evidence"]
    assert before, "with two practices and no evidence level, every theme is a gap"
    html = client.get(page_url(published)).content.decode()
    assert before[0]["text"] in html


@pytest.mark.django_db
def test_the_page_is_read_in_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(page_url(published)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/publications/").status_code == 200


def test_the_print_stylesheet_prints_on_a4_with_chapters_on_new_pages():
    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    printing = css[css.index("@media print") :]
    assert "size: A4" in printing
    assert ".publication .chapter" in printing and "break-before: page" in printing
    assert 'content: " (" attr(href) ")"' in printing


@pytest.mark.django_db
def test_editors_publish_in_the_admin_on_the_version_they_read(editor_client, draft_publication):
    url = reverse("admin:publications_publication_decide", args=[draft_publication.pk, "publish"])
    change = editor_client.get(
        reverse("admin:publications_publication_change", args=[draft_publication.pk])
    )
    assert f"{url}?version={draft_publication.version}" in change.content.decode()
    stale = editor_client.post(url, {"version": draft_publication.version + 1, "note": "Go"})
    assert stale.status_code == 409
    assert "changed while you were reading it" in stale.content.decode()
    assert "Go</textarea>" in stale.content.decode()  # what was typed stays
    response = editor_client.post(url, {"version": draft_publication.version, "note": "Go"})
    assert response.status_code == 302
    draft_publication.refresh_from_db()
    assert draft_publication.status == Publication.Status.PUBLISHED
    events = list(draft_publication.events.values_list("action", "note", "actor_name"))
    assert events[0][0] == PublicationEvent.Action.CREATED
    assert events[-1][:2] == (PublicationEvent.Action.PUBLISHED, "Go")
    # A second publish is refused with a message, not an error page.
    again = editor_client.post(url, {"version": draft_publication.version})
    assert again.status_code == 400
    assert "already published" in again.content.decode()


@pytest.mark.django_db
def test_officers_cannot_reach_the_publications_admin(officer_client, draft_publication):
    for url in [
        reverse("admin:publications_publication_changelist"),
        reverse("admin:publications_publication_start"),
        reverse("admin:publications_publication_decide", args=[draft_publication.pk, "publish"]),
    ]:
        response = officer_client.post(url, {"version": draft_publication.version})
        assert response.status_code in (302, 403)
    draft_publication.refresh_from_db()
    assert draft_publication.status == Publication.Status.DRAFT


@pytest.mark.django_db
def test_a_draft_started_from_the_data(editor_client, make_practice, editor):
    promising = make_practice(Status.PUBLISHED, title="Promising one", is_promising=True)
    make_practice(Status.PUBLISHED, title="Ordinary one")
    url = reverse("admin:publications_publication_start")
    wrong = editor_client.post(
        url,
        {
            "title": "Promising",
            "year": 2026,
            "published_from": 2026,
            "published_to": 2024,
            "group_by": "theme",
        },  # fmt: skip
    )
    assert wrong.status_code == 400
    assert "The last year comes before the first." in wrong.content.decode()
    response = editor_client.post(
        url,
        {
            "title": "Promising practices",
            "year": 2026,
            "promising_only": "on",
            "group_by": "theme",
        },  # fmt: skip
    )
    assert response.status_code == 302
    publication = Publication.objects.get(title="Promising practices")
    chapters = list(publication.chapters.all())
    assert [chapter.title for chapter in chapters] == [promising.themes.first().title]
    assert [entry.practice for entry in chapters[0].entries.all()] == [promising]
    assert publication.status == Publication.Status.DRAFT
    assert "Started from the data" in publication.events.get().note


@pytest.mark.django_db
def test_the_sitemap_lists_published_publications_only(client, published, make_practice):
    compose([make_practice(Status.PUBLISHED)], title="Unfinished", slug="unfinished")
    sitemap = client.get("/sitemap-publications.xml").content.decode()
    sitemap += client.get("/sitemap-pages.xml").content.decode()
    assert "/publications/cities-against-racism/</loc>" in sitemap
    assert "/publications/unfinished/" not in sitemap
    assert "/publications/</loc>" in sitemap


@pytest.mark.django_db
def test_without_pdf_libraries_the_pdf_is_refused_with_a_message(client, published, monkeypatch):
    from publications import pdf

    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "load_weasyprint", missing)
    response = client.get(page_url(published) + "pdf/")
    assert response.status_code == 503
    assert "cannot be made on this server" in response.content.decode()
    assert client.get(page_url(published)).status_code == 200


@pytest.mark.django_db
def test_a_practice_no_longer_published_is_quoted_without_a_dead_link(
    client, published, two_practices, editor
):
    practice_services.practice_archive(practice=two_practices[1], actor=editor, message="Ended.")
    html = client.get(page_url(published)).content.decode()
    assert f'href="http://testserver{two_practices[1].get_absolute_url()}"' not in html
    assert f'href="http://testserver{two_practices[0].get_absolute_url()}"' in html
