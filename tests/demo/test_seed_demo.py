import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cities.models import City, CityOfficer, Coalition
from practices.models import Commitment, Practice, ReviewEvent, Theme
from tests.decisions import decide

Status = Practice.Status
pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "cities": sorted(City.objects.values_list("slug", "name", "country", "coalition__slug")),
        "practices": sorted(
            Practice.objects.values_list("slug", "status", "updated_at", "published_at")
        ),
        "events": ReviewEvent.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
        "links": sorted(
            Practice.inspired_by.through.objects.values_list(
                "from_practice__slug", "to_practice__slug"
            )
        ),
    }


def test_seed_demo_loads_realistic_data_and_a_second_run_changes_nothing(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert Coalition.objects.count() == 8
    assert Theme.objects.count() == 10
    assert Commitment.objects.count() == 30
    assert City.objects.count() == 70
    practices = Practice.objects.all()
    assert practices.count() >= 40
    assert set(practices.values_list("status", flat=True)) == set(Status.values)
    published = Practice.objects.published()
    # Every theme and every coalition has published practices.
    assert Theme.objects.exclude(practices__in=published).count() == 0
    assert Coalition.objects.exclude(cities__practices__in=published).count() == 0
    languages = set(practices.values_list("language", flat=True))
    assert {"en", "fr", "es"} <= languages
    assert Practice.inspired_by.through.objects.exists()
    assert "lorem" not in " ".join(practices.values_list("summary", flat=True)).lower()
    # Evidence levels over the whole scale, each with the city's evidence; one still proposed.
    assert set(published.values_list("evidence_level", flat=True)) == {None, 1, 2, 3, 4, 5}
    assert not published.filter(evidence_level__isnull=False, evidence="").exists()
    assert practices.filter(
        status=Status.SUBMITTED, proposed_evidence_level__isnull=False, evidence_level=None
    ).exists()
    # The coalitions' profiles are filled; ECCAR's plan is shown with its ten points.
    eccar = Coalition.objects.get(slug="eccar")
    assert eccar.plan_of_action and eccar.leadership and eccar.description
    # Each status was reached through the workflow's moves, one event per move.
    for practice in practices:
        events = list(practice.events.values_list("from_status", "to_status"))
        if practice.status == Status.DRAFT:
            assert events == []
        else:
            assert events[-1][1] == practice.status
    # With DEBUG off no account is created.
    assert get_user_model().objects.count() == 0


def test_with_debug_on_it_creates_demo_accounts_and_prints_them(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "demo-editor" in output and "demo-officer-ghent" in output
    editor = get_user_model().objects.get(username="demo-editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    assert CityOfficer.objects.filter(
        user__username="demo-officer-ghent", city__slug="ghent"
    ).exists()
    assert client.login(username="demo-editor", password="iccar-demo-2026")
    submitted = Practice.objects.awaiting_review().first()
    response = decide(client, f"/admin/practices/practice/{submitted.pk}/review/approve/", {})
    assert response.status_code == 302
    assert client.get(submitted.get_absolute_url()).status_code == 200
