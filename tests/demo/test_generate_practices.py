"""generate_practices: synthetic published practices for load tests, found by the public search."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from cities.models import City
from practices.models import SECTIONS, Practice, PracticeTranslation
from practices.search.index import search_extra_for
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db
URL = reverse("public:practice_list")
SYNTHETIC = {"slug__startswith": "synthetic-"}


def generate(count=50, seed=7, **options):
    call_command("generate_practices", count=count, seed=seed, **options)


def snapshot():
    practices = Practice.objects.filter(**SYNTHETIC).order_by("slug")
    return [
        (
            p.slug,
            p.title,
            p.summary,
            p.context,
            p.results,
            p.language,
            p.city.slug,
            p.city.name,
            p.start_year,
            p.published_at,
            p.created_at,
            p.search_extra,
            p.available_languages,
            sorted(p.themes.values_list("slug", flat=True)),
            sorted(p.target_groups.values_list("slug", flat=True)),
            sorted(p.translations.values_list("language", "title")),
        )
        for p in practices.select_related("city")
    ]


def test_generates_published_practices_with_what_the_signals_would_set(capsys):
    generate(50)
    practices = Practice.objects.filter(**SYNTHETIC)
    assert practices.count() == 50
    assert set(practices.values_list("status", flat=True)) == {Practice.Status.PUBLISHED}
    assert not practices.filter(published_at__isnull=True).exists()
    assert City.objects.filter(**SYNTHETIC).count() >= 10
    for practice in practices.prefetch_related("themes", "translations").select_related(
        "city__coalition"
    ):
        words = sum(len(getattr(practice, name).split()) for name in ["summary", *SECTIONS])
        assert 280 <= words <= 800, words
        assert len(practice.summary) <= 600 and len(practice.title) <= 120
        assert 1 <= practice.themes.count() <= 3
        assert practice.city_roles.exists() and practice.target_groups.exists()
        assert 1995 <= practice.start_year <= 2025
        # What practices.signals keeps current for practices saved one by one.
        assert practice.search_extra == search_extra_for(practice)
        codes = sorted({practice.language, *(t.language for t in practice.translations.all())})
        assert practice.available_languages == f",{','.join(codes)},"
    # Progress goes to standard error, the summary to standard output.
    output = capsys.readouterr()
    assert "Generated 50 published practices" in output.out
    assert "50/50" in output.err


def test_generated_practices_are_found_by_the_public_search(client):
    generate(50)
    practice = Practice.objects.filter(**SYNTHETIC).select_related("city").first()
    response = client.get(URL, {"q": practice.title, "city": practice.city.slug})
    assert response.status_code == 200
    found = [item.slug for item in response.context["outcome"].page]
    assert practice.slug in found
    # The common word is in most of them.
    response = client.get(URL, {"q": "discrimination"})
    assert response.context["outcome"].total >= 25
    assert client.get(practice.get_absolute_url()).status_code == 200


def test_the_same_seed_gives_the_same_practices_and_clear_removes_them():
    kept = PracticeFactory(slug="a-real-practice")
    generate(50, seed=7)
    first = snapshot()
    assert len(first) == 50
    call_command("generate_practices", clear=True)
    assert not Practice.objects.filter(**SYNTHETIC).exists()
    assert not City.objects.filter(**SYNTHETIC).exists()
    assert not PracticeTranslation.objects.filter(practice__slug__startswith="synthetic-").exists()
    assert Practice.objects.filter(pk=kept.pk).exists()
    generate(50, seed=7)
    assert snapshot() == first
    call_command("generate_practices", clear=True, count=50, seed=8)
    assert snapshot() != first


def test_a_second_run_adds_after_the_first():
    generate(20, seed=3)
    generate(30, seed=3)
    slugs = sorted(Practice.objects.filter(**SYNTHETIC).values_list("slug", flat=True))
    assert len(slugs) == 50
    assert [int(slug.split("-")[1]) for slug in slugs] == list(range(50))


def test_it_refuses_to_do_nothing():
    with pytest.raises(CommandError):
        call_command("generate_practices")


@pytest.mark.postgres
def test_translations_are_searchable_on_postgres(client):
    generate(120, seed=5)
    translation = (
        PracticeTranslation.objects.filter(practice__slug__startswith="synthetic-")
        .select_related("practice__city")
        .first()
    )
    assert translation is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT translation_vector <> '' FROM practices_practice WHERE id = %s",
            [translation.practice_id],
        )
        assert cursor.fetchone()[0]
    practice = translation.practice
    response = client.get(URL, {"q": translation.title, "city": practice.city.slug})
    assert practice.slug in [item.slug for item in response.context["outcome"].page]


@pytest.mark.postgres
def test_runs_with_debug_on(settings):
    # DEBUG wraps database cursors in Django's debug cursor, whose COPY takes fewer arguments.
    settings.DEBUG = True
    generate(30, seed=2)
    assert Practice.objects.filter(slug__startswith="synthetic-").count() == 30


def translation_vectors():
    """{slug: translation_vector as text} of the synthetic practices, where the column exists."""
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "practices_practice")
        if "translation_vector" not in {column.name for column in described}:
            return {}
        cursor.execute(
            "SELECT slug, translation_vector::text FROM practices_practice WHERE slug LIKE %s",
            ["synthetic-%"],
        )
        return dict(cursor.fetchall())


@pytest.mark.postgres
def test_copy_writes_what_bulk_create_and_the_signals_write(monkeypatch):
    from demo import writers
    from practices.search.index import refresh_languages

    generate(120, seed=5)
    copied, copied_vectors = snapshot(), translation_vectors()
    assert any(row[-1] for row in copied)  # some have translations
    assert any(copied_vectors.values())
    call_command("generate_practices", clear=True)

    # The same practices through the ORM, with the signal's own statement for the translations.
    monkeypatch.setattr(writers, "CopyWriter", writers.OrmWriter)
    generate(120, seed=5)
    refresh_languages(
        list(
            PracticeTranslation.objects.filter(practice__slug__startswith="synthetic-").values_list(
                "practice_id", flat=True
            )
        )
    )
    assert snapshot() == copied
    assert translation_vectors() == copied_vectors


@pytest.fixture(scope="module")
def _reload_migration_data(django_db_setup, django_db_blocker):
    """After a test that commits, Django empties every table and serialized_rollback loads the
    migrations' rows (themes, coalitions…) back only before the next such test: load them back
    at the end of this module too, for the tests that follow."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for each in connections.all(initialized_only=True):
            if contents := getattr(each, "_test_serialized_contents", None):
                each.creation.deserialize_db_from_string(contents)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_write_every_batch_once(_reload_migration_data, capsys, client):
    # Outside a transaction the command writes on two connections at once, as for a real load.
    call_command("generate_practices", count=450, seed=4, batch_size=100)
    practices = Practice.objects.filter(**SYNTHETIC)
    assert practices.count() == 450
    slugs = sorted(practices.values_list("slug", flat=True))
    assert [int(slug.split("-")[1]) for slug in slugs] == list(range(450))
    # Ids follow the practices' numbers, whichever connection wrote them.
    ids = [pk for _slug, pk in sorted(practices.values_list("slug", "pk"))]
    assert ids == sorted(ids)
    themes = Practice.themes.through.objects.filter(practice__slug__startswith="synthetic-")
    assert themes.values("practice").distinct().count() == 450
    assert "450/450" in capsys.readouterr().err
    practice = practices.select_related("city").order_by("-slug").first()
    response = client.get(URL, {"q": practice.title, "city": practice.city.slug})
    assert practice.slug in [item.slug for item in response.context["outcome"].page]
