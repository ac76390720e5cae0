import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.test import Client

from core.editors import EDITORS_GROUP
from practices.models import Practice
from tests import figures
from tests.cities.factories import CityFactory, CityOfficerFactory, UserFactory
from tests.practices.factories import PracticeFactory, bring_to

Status = Practice.Status


def pytest_terminal_summary(terminalreporter, config):
    lines = figures.recorded(config)
    if lines:
        terminalreporter.section("figures of this run")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as after a deploy, and in English."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A request in another language leaves that language active in the thread.
    translation.activate("en")
    yield
    cache.clear()
    translation.activate("en")


@pytest.fixture(scope="module")
def reload_migration_data(django_db_setup, django_db_blocker):
    """Leave the rows the migrations made (themes, the Editors group…) after a module whose
    tests commit.

    Django empties every table after each transactional test; serialized_rollback loads the
    migrations' rows back before the next one, but not after the last: do it then, for the
    tests of other modules.
    """
    yield
    with django_db_blocker.unblock():
        for each in connections.all(initialized_only=True):
            contents = getattr(each, "_test_serialized_contents", None)
            if contents:
                each.creation.deserialize_db_from_string(contents)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files of this test go to its own empty folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def city(db):
    return CityFactory(name="Ghent", slug="ghent", country="BE")


@pytest.fixture
def other_city(db):
    return CityFactory(name="Liège", slug="liege", country="BE")


@pytest.fixture
def officer(city):
    return CityOfficerFactory(city=city, user__username="officer", user__first_name="Olga").user


@pytest.fixture
def other_city_officer(other_city):
    return CityOfficerFactory(city=other_city, user__username="other-officer").user


@pytest.fixture
def inactive_officer(city):
    return CityOfficerFactory(city=city, is_active=False, user__username="former-officer").user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True, first_name="Erin", last_name="Editor")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def second_editor(db):
    user = UserFactory(username="editor2", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def officer_client(officer):
    """A browser of its own, signed in as the officer."""
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def editor_client(editor):
    """A browser of its own, signed in as the editor."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def draft(city):
    return PracticeFactory(city=city)


@pytest.fixture
def one_of_each(make_practice):
    """A practice of the officer's city in every state, by state."""
    return {
        status: make_practice(status, title=f"Practice in state {status}")
        for status in Status.values
    }


@pytest.fixture
def make_practice(officer, editor):
    """Return a function making a practice of the officer's city in any state, via the services."""

    def make(status=Status.DRAFT, **fields):
        practice = PracticeFactory(city=fields.pop("city", officer.city_officer.city), **fields)
        return bring_to(practice, status, officer, editor)

    return make


def pytest_configure(config):
    # Pages are tested in every language: the catalogues must be compiled first.
    from iccar_portal.catalogues import compile_catalogues

    compile_catalogues()


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
