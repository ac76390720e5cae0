import pytest

from practices.models import Practice
from publications import services

from .factories import compose_publication

Status = Practice.Status


def compose(practices, *, title="Cities against racism", slug="cities-against-racism", **texts):
    """A publication of one chapter quoting these practices, with a gaps section, as an
    editor composes it in the admin."""
    return compose_publication(practices, title=title, slug=slug, **texts)


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
