"""Shared people and objects for the adversarial tests: one client per role, one practice per state.

Roles: anonymous, an officer of city A (the owner of A's practices), an officer of city B, a
switched-off officer of city A, an editor, a superuser, and a staff account outside the Editors
group. Besides the practices, two publications: a draft and a published one.
Everything is made through the services, as the site would.
"""

import io
import re
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from django.utils.text import slugify
from PIL import Image

from practices import services
from practices.models import (
    OutgoingEmail,
    Practice,
    PracticeAttachment,
    PracticeImage,
    PracticeRevision,
)
from publications import services as publication_services
from tests import figures as run_figures
from tests.cities.factories import UserFactory
from tests.practice_form import complete_form as shared_complete_form
from tests.practices.factories import PracticeFactory

from .html_checks import form_data

Status = Practice.Status

ROLES = [
    "anonymous",
    "owner",  # an active officer of city A
    "other_city",  # an active officer of city B
    "inactive",  # a switched-off officer of city A
    "editor",
    "superuser",
    "staff",  # staff, but not in the Editors group
]

# The practice targets: one practice of city A in each state, one published practice of city A
# whose proposed update awaits review, and city B's practice.
STATES = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.CHANGES_REQUESTED,
    Status.PUBLISHED,
    Status.REJECTED,
    Status.ARCHIVED,
    "published_update_submitted",
]
OTHER_CITY = "other_city_practice"
# The publication targets: a draft and a published publication, each quoting published practices
# in one chapter, with a gaps section; the published one's quotes frozen.
PUBLICATION_DRAFT = "publication_draft"
PUBLICATION_PUBLISHED = "publication_published"


@pytest.fixture(autouse=True)
def english():
    """Start each test in English: a request to a /fr/ page leaves French active afterwards,
    and addresses built with reverse() would follow it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="helpdesk", is_staff=True, first_name="Hal")


@pytest.fixture
def people(officer, other_city_officer, inactive_officer, editor, superuser, staff_user):
    return {
        "anonymous": None,
        "owner": officer,
        "other_city": other_city_officer,
        "inactive": inactive_officer,
        "editor": editor,
        "superuser": superuser,
        "staff": staff_user,
    }


@pytest.fixture
def clients(people):
    """One logged-in client per role (anonymous: none)."""
    made = {}
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        made[role] = client
    return made


@pytest.fixture
def world(make_practice, officer, editor, other_city_officer):
    """A practice of city A in every state, city B's practice, and their images and files; a
    draft and a published publication quoting the published practices."""
    practices = {}
    for state in STATES:
        if state == "published_update_submitted":
            practice = make_practice(Status.PUBLISHED, title="Published with an update")
            revision = services.revision_save(
                practice=practice, actor=officer, data={"summary": "A proposed new summary."}
            )
            services.revision_submit(revision=revision, actor=officer)
        else:
            practice = make_practice(state, title=f"Practice {state}")
        practices[state] = practice
    other_city = other_city_officer.city_officer.city
    practices[OTHER_CITY] = PracticeFactory(city=other_city, title="City B's draft")
    images, attachments = {}, {}
    for key, practice in practices.items():
        # Rows only: the files themselves are not needed to answer a request about them.
        images[key] = PracticeImage.objects.create(
            practice=practice, image=f"practices/{key}.png", alt_text=f"Image of {key}"
        )
        attachments[key] = PracticeAttachment.objects.create(
            practice=practice, file=f"attachments/{key}.pdf", title=f"Report of {key}", size=10
        )
    revision = PracticeRevision.objects.get(practice=practices["published_update_submitted"])
    email = OutgoingEmail.objects.order_by("pk").first()
    assert email is not None  # the workflow above queued some
    quoted = [practices[Status.PUBLISHED], practices["published_update_submitted"]]
    publications = {
        PUBLICATION_DRAFT: compose_publication(quoted, title="A draft publication"),
        PUBLICATION_PUBLISHED: compose_publication(quoted, title="A published publication"),
    }
    published = publications[PUBLICATION_PUBLISHED]
    publications[PUBLICATION_PUBLISHED] = publication_services.publish(
        publication=published, actor=editor, version=published.version
    )
    return {
        "practices": practices,
        "images": images,
        "attachments": attachments,
        "revision": revision,
        "email": email,
        "publications": publications,
        "chapters": {key: p.chapters.get() for key, p in publications.items()},
    }


def compose_publication(practices, *, title, slug="", **fields):
    """A publication of one chapter quoting these practices, each with a commentary, and a gaps
    section, as an editor composes it in the admin (then saved through the service)."""
    from tests.publications.factories import compose_publication as compose

    return compose(
        practices,
        title=title,
        slug=slug or slugify(title),
        chapter=f"The chapter of {title}",
        chapter_text="What they show.",
        introduction="Why *these* practices.",
        **fields,
    )


def complete_form(**overrides):
    """A complete practice form with the first theme, role and target group, and a link."""
    from practices.models import CityRole, TargetGroup, Theme

    def first(model):
        return [str(model.objects.order_by("pk").first().pk)]

    defaults = {
        "themes": first(Theme),
        "city_roles": first(CityRole),
        "target_groups": first(TargetGroup),
        "links": "https://example.org/desk",
    }
    return shared_complete_form(**{**defaults, **overrides})


def admin_save(client, url, changes):
    """Change an object through its admin page, as an editor would: every other field kept."""
    page = client.get(url)
    assert page.status_code == 200, url
    form_id = re.search(r'<form [^>]*id="([a-z]+_form)"', page.content.decode()).group(1)
    data = form_data(page.content.decode(), form_id)
    for name, new in changes.items():
        assert name in data, f"{url} has no field {name}"
        data[name] = [new]
    data["_save"] = ["Save"]
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])


def png_file(name="photo.png", size=(24, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def pdf_file(name="report.pdf"):
    buffer = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    buffer.name = name
    return buffer


@contextmanager
def rolled_back():
    """Run a request whose effects must not last: everything it writes is rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Columns of a practice that no officer's form may set: the workflow, the city, the editors'
# highlight, and what the portal derives.
NOT_THE_OFFICERS = [
    "status",
    "city_id",
    "is_promising",
    "promising_note",
    "published_at",
    "submitted_at",
    "created_by_id",
    "search_extra",
    "available_languages",
]


def fingerprint():
    """Return the state of everything a request could change, to compare before and after."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from cities.models import City, CityOfficer, Coalition
    from practices.models import (
        PracticeChange,
        PracticeTranslation,
        ReviewEvent,
        Theme,
    )
    from publications.models import Chapter, Publication, PublicationEntry, PublicationEvent

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "practices": rows(
            Practice,
            "version",
            "title",
            "summary",
            "slug",
            *NOT_THE_OFFICERS,
            "updated_at",
        ),
        "revisions": rows(PracticeRevision, "status", "version", "data"),
        "events": rows(ReviewEvent, "to_status"),
        "changes": rows(PracticeChange, "version"),
        "translations": rows(PracticeTranslation, "language", "title", "summary"),
        "images": rows(PracticeImage, "alt_text"),
        "attachments": rows(PracticeAttachment, "title"),
        "emails": rows(OutgoingEmail, "to", "subject"),
        "users": rows(get_user_model(), "password", "is_active", "is_staff", "email", "last_login"),
        "officers": rows(CityOfficer, "city_id", "is_active", "preferred_language", "user_id"),
        "cities": rows(City, "name", "slug", "profile"),
        "coalitions": rows(Coalition, "name", "slug"),
        "themes": rows(Theme, "title", "slug", "description"),
        "publications": rows(Publication, "status", "version", "title", "slug", "published_at"),
        "chapters": rows(Chapter, "publication_id", "title", "text"),
        "publication_entries": rows(PublicationEntry, "chapter_id", "practice_id", "frozen"),
        "publication_events": rows(PublicationEvent, "action", "version"),
        "sessions": sorted(Session.objects.values_list("session_key", flat=True)),
    }


# ---------------------------------------------------------------- the figures of a run


class Figures(dict):
    """Figures set like a dict's items, kept for the end of the run (tests/figures.py)."""

    def __init__(self, config):
        super().__init__()
        self.config = config

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        run_figures.record(self.config, f"{name}: {value}")


@pytest.fixture
def figures(request):
    """Record a figure (e.g. how many cases a test checked); printed at the end of the run."""
    return Figures(request.config)
