import pytest

from practices.models import Practice
from publications import services
from publications.models import Chapter, ClosingSection, Publication, PublicationEntry

Status = Practice.Status


def compose(practices, *, title="Cities against racism", slug="cities-against-racism", **texts):
    """A publication of one chapter quoting these practices, with a gaps section, as an
    editor composes it in the admin."""
    publication = Publication.objects.create(title=title, slug=slug, year=2026, **texts)
    chapter = Chapter.objects.create(
        publication=publication, position=1, title="The city as employer", text="Why *this*."
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
    return services.saved(publication, actor=None, created=True)


@pytest.fixture
def two_practices(make_practice):
    return [
        make_practice(Status.PUBLISHED, title="Anonymised job applications"),
        make_practice(Status.PUBLISHED, title="Fair housing tests"),
    ]


@pytest.fixture
def draft_publication(two_practices):
    return compose(two_practices)


@pytest.fixture
def published(draft_publication, editor):
    return services.publish(
        publication=draft_publication, actor=editor, version=draft_publication.version
    )
