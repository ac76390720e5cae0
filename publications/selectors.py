"""What the publication pages and the PDF read: a publication with its chapters, the practices
it quotes in the reader's language, and whether a newer version of each exists."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.urls import reverse
from django_countries import countries

from practices import selectors as practice_selectors
from practices.models import practice_language_for

from .models import Chapter, ClosingSection, Publication, PublicationEntry, PublicationFile
from .services import quoted_content, same_text


def published_publications():
    """Return the published publications, newest first, each with its number of practices."""
    return Publication.objects.published().annotate(num_practices=Count("chapters__entries"))


@dataclass
class Quote:
    """A practice as the publication quotes it, in the reader's language where it can."""

    entry: PublicationEntry
    title: str
    summary: str
    why_it_works: str
    place: str
    years: str
    evidence_level: int | None
    url: str
    language: str  # the language of the quoted text
    direction: str  # of the quoted text: "rtl" or "ltr"
    # "newer": a newer version is published; "gone": no longer published; "": as quoted
    status: str = ""
    live: bool = False  # a draft quotes the current version


@dataclass
class Page:
    publication: Publication
    chapters: list = field(default_factory=list)  # of (chapter, [Quote])
    closing: list = field(default_factory=list)
    num_practices: int = 0


def _years(start, end):
    if start and end and end != start:
        return f"{start}–{end}"
    return str(start or "")


def _quote(entry, content, language, *, status="", live=False):
    practice_language = practice_language_for(language)
    text = content
    text_language = content.get("language", "")
    translated = content.get("translations", {}).get(practice_language)
    if practice_language != text_language and translated:
        text, text_language = {**content, **translated}, practice_language
    country = countries.name(content.get("country", "")) if content.get("country") else ""
    return Quote(
        entry=entry,
        title=text["title"],
        summary=text["summary"],
        why_it_works=text.get("why_it_works", ""),
        place=", ".join(part for part in [content.get("city", ""), str(country)] if part),
        years=_years(content.get("start_year"), content.get("end_year")),
        evidence_level=content.get("evidence_level"),
        url=reverse("public:practice_detail", args=[content["slug"]]),
        language="zh-hans" if text_language == "zh" else text_language,
        direction="rtl" if text_language == "ar" else "ltr",
        status=status,
        live=live,
    )


def publication_page(slug, language, *, drafts=False):
    """Return the publication of that slug ready to show (None if there is none, or it is a
    draft and drafts are not wanted)."""
    publications = Publication.objects.all() if drafts else Publication.objects.published()
    publication = (
        publications.filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "chapters",
                queryset=Chapter.objects.prefetch_related(
                    Prefetch(
                        "entries", queryset=PublicationEntry.objects.order_by("position", "pk")
                    )
                ),
            ),
            Prefetch("closing_sections", queryset=ClosingSection.objects.all()),
        )
        .first()
    )
    if publication is None:
        return None
    entries = [entry for chapter in publication.chapters.all() for entry in chapter.entries.all()]
    current = practice_selectors.practices_by_id(
        entry.practice_id for entry in entries if entry.practice_id
    )
    page = Page(publication=publication, closing=list(publication.closing_sections.all()))
    for chapter in publication.chapters.all():
        quotes = []
        for entry in chapter.entries.all():
            practice = current.get(entry.practice_id)
            quote = _entry_quote(entry, practice, language, publication.is_published)
            if quote is not None:
                quotes.append(quote)
        page.chapters.append((chapter, quotes))
        page.num_practices += len(quotes)
    return page


def _entry_quote(entry, practice, language, published):
    is_public = practice is not None and practice.is_published
    if published and entry.frozen:
        if not is_public:
            status = "gone"
        elif not same_text(entry.frozen, practice):
            status = "newer"
        else:
            status = ""
        return _quote(entry, entry.frozen, language, status=status)
    if is_public:  # a draft, or a practice added since: the current version
        return _quote(entry, quoted_content(practice), language, live=True)
    return None


def stored_pdf(publication, language):
    """Return the stored PDF of the publication's current version in that language, or None."""
    return PublicationFile.objects.filter(
        publication=publication, language=language, version=publication.version
    ).first()
