"""Production settings, security headers, the page cache, /healthz and the error pages."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from practices.models import Practice

Status = Practice.Status
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "iccar_portal.settings.production",
    "SECRET_KEY": "a" * 20 + "-production-test-key-with-plenty-of-entropy-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "practices.example.org",
    "PATH": os.environ.get("PATH", ""),
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.django_db
def test_security_headers_on_real_responses(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_anonymous_pages_are_cached_and_forgotten_at_once_on_change(
    page_cache, make_practice, editor
):
    visitor = Client()
    practice = make_practice(Status.SUBMITTED, title="Freshly approved practice")
    assert visitor.get("/practices/")["X-Page-Cache"] == "miss"
    assert visitor.get("/practices/")["X-Page-Cache"] == "hit"
    editors = Client()
    editors.force_login(editor)
    editors.post(reverse("admin:practices_practice_review", args=[practice.pk, "approve"]), {})
    response = visitor.get("/practices/")
    assert response["X-Page-Cache"] == "miss"
    assert "Freshly approved practice" in response.content.decode()
    assert visitor.get(practice.get_absolute_url()).status_code == 200
    editors.post(
        reverse("admin:practices_practice_review", args=[practice.pk, "archive"]),
        {"message": "Ended."},
    )
    assert "Freshly approved practice" not in visitor.get("/practices/").content.decode()
    assert visitor.get(practice.get_absolute_url()).status_code == 404


def test_renaming_a_theme_shows_at_once(page_cache, make_practice, client):
    from practices.models import Theme

    make_practice(Status.PUBLISHED)
    client.get("/themes/")
    theme = Theme.objects.get(slug="housing")
    theme.title = "Housing for everyone"
    theme.save()
    assert "Housing for everyone" in client.get("/themes/").content.decode()


def test_a_process_never_serves_its_own_copy_of_a_page_after_the_shared_cache_is_emptied(
    page_cache, make_practice
):
    from django.core.cache import cache

    from core import page_cache as page_cache_module
    from practices.models import Practice

    visitor = Client()
    practice = make_practice(Status.PUBLISHED, title="Practice about to be archived")
    assert "Practice about to be archived" in visitor.get("/practices/").content.decode()
    assert visitor.get("/practices/")["X-Page-Cache"] == "hit"  # this process's own copy
    # The shared cache restarts empty (Redis keeps nothing on disk) while the content changes
    # without a signal: the generation must not start again where this process's pages were.
    served_in = page_cache_module.generation()
    cache.clear()
    Practice.objects.filter(pk=practice.pk).update(status=Status.ARCHIVED)
    later = {page_cache_module.generation()}
    for _change in range(50):
        page_cache_module.forget_public_pages()
        later.add(page_cache_module.generation())
    assert served_in not in later
    response = visitor.get("/practices/")
    assert response["X-Page-Cache"] == "miss"
    assert "Practice about to be archived" not in response.content.decode()


def test_signed_in_people_never_get_a_cached_page(page_cache, officer, other_city_officer, db):
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(other_city_officer)
    response = first.get("/")
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in second.get("/")
    assert "Log out" in second.get("/").content.decode()


def test_each_language_is_cached_apart(page_cache, db):
    client = Client()
    client.get("/practices/")
    french = client.get("/fr/practices/").content.decode()
    assert '<html lang="fr"' in french


def test_healthz_with_the_database_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_and_pages_with_the_database_down(client, db, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    page = client.get("/practices/")
    assert page.status_code == 503
    content = page.content.decode()
    assert "Back in a moment" in content and 'class="skip-link"' in content
    assert page["Retry-After"] == "30"
    monkeypatch.undo()
    assert client.get("/practices/").status_code == 200  # recovered, no restart


@pytest.mark.parametrize(
    "status,text",
    [
        (400, "Bad request"),
        (403, "Access refused"),
        (404, "Page not found"),
        (500, "Something went wrong"),
    ],
)
def test_error_pages_render_without_the_database(status, text):
    from django.template.loader import render_to_string

    content = render_to_string(f"{status}.html")
    assert text in content and "<main" in content


def test_the_redis_cache_keeps_one_client_and_works_like_djangos():
    from core.redis_cache import ReusedClientRedisCache

    redis = pytest.importorskip("redis")
    cache = ReusedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "iccar-test"})
    try:
        cache.clear()
    except redis.exceptions.ConnectionError:
        from tests.browser.conftest import tool_missing

        tool_missing("needs Redis on 127.0.0.1:6379")
    cache.set("page", {"html": "<p>Roma &amp; Sinti</p>"}, 60)
    cache.set("generation", 10**18, None)
    cache.incr("generation")
    assert cache.get_many(["page", "generation"]) == {
        "page": {"html": "<p>Roma &amp; Sinti</p>"},
        "generation": 10**18 + 1,
    }
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.clear()
