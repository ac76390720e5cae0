"""A publication as the editors compose it, for the tests of every app that shows one."""

from publications import services
from publications.models import Chapter, ClosingSection, Publication, PublicationEntry


def compose_publication(practices, *, title="Cities against racism", slug=None, actor=None,
                        publish=False, chapter="The city as employer", chapter_text="Why *this*.",
                        **texts):  # fmt: skip
    """A publication of one chapter quoting these practices with a commentary, and a gaps
    section; saved through the services, and published if asked."""
    publication = Publication.objects.create(
        title=title, slug=slug or title.lower().replace(" ", "-"), year=2026, **texts
    )
    chapter = Chapter.objects.create(
        publication=publication, position=1, title=chapter, text=chapter_text
    )
    for position, practice in enumerate(practices, start=1):
        PublicationEntry.objects.create(
            chapter=chapter, position=position, practice=practice, commentary="It transfers."
        )
    ClosingSection.objects.create(
        publication=publication,
        position=1,
        kind=ClosingSection.Kind.GAPS,
        title="Where more work is needed",
    )
    publication = services.saved(publication, actor=actor, created=True)
    if publish:
        publication = services.publish(
            publication=publication, actor=actor, version=publication.version
        )
    return publication
