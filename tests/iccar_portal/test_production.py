"""Production settings, security headers, /healthz and the error pages."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError

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


def test_gunicorn_listens_on_the_loopback_address_unless_told(monkeypatch):
    """An app server reachable without the proxy would accept a forged X-Forwarded-For."""
    import runpy

    monkeypatch.delenv("BIND", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    config = runpy.run_path(str(settings.BASE_DIR / "iccar_portal" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8000"
    monkeypatch.setenv("BIND", "10.0.0.5:8000")
    config = runpy.run_path(str(settings.BASE_DIR / "iccar_portal" / "gunicorn.conf.py"))
    assert config["bind"] == "10.0.0.5:8000"


def test_the_development_server_refuses_paths_climbing_out_of_the_static_folder(tmp_path):
    import http.client
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "iccar_portal.settings.base", "DEBUG": "1"}
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answers = {}
        for path in ["/static/../manage.py", "/static/css/../../manage.py", "/static/css/site.css"]:
            for _attempt in range(100):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                try:
                    connection.request("GET", path)
                    answers[path] = connection.getresponse().status
                    break
                except ConnectionRefusedError:
                    time.sleep(0.1)
                finally:
                    connection.close()
        assert answers == {
            "/static/../manage.py": 404,
            "/static/css/../../manage.py": 404,
            "/static/css/site.css": 200,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
