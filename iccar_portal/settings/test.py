"""Settings for the test suite: fast rather than strong, and the same whatever the environment
says.

Only the database comes from the environment (DATABASE_URL: SQLite by default, PostgreSQL in
CI). Every other variable base.py reads is removed before it reads them, so that a developer's
Redis, bucket, site address or login limits never reach a test; the values the tests rely on are
then set here.
"""

import os
import tempfile
from datetime import timedelta

# What base.py reads from the environment, besides DATABASE_URL.
FROM_THE_ENVIRONMENT = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_CONN_MAX_AGE",
    "STATIC_ROOT",
    "MEDIA_URL",
    "MEDIA_ROOT",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "LOGIN_ACCOUNT_SLOWDOWN",
    "LOGIN_ACCOUNT_PACE_SECONDS",
    "REDIS_URL",
    "PAGE_CACHE_SECONDS",
    "LOG_LEVEL",
    "EXCHANGE_QUESTIONS_PER_HOUR",
]
for name in FROM_THE_ENVIRONMENT:
    os.environ.pop(name, None)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .base import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = []
SITE_URL = "http://127.0.0.1:8000"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No shared cache: each test process keeps its own, and the page cache is off unless a test
# switches it on.
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE_SECONDS = 0
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Uploads on the local disk, in a folder of this run.
AWS_STORAGE_BUCKET_NAME = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = tempfile.mkdtemp(prefix="iccar-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="iccar-test-static-")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The login limits the tests (and the pages they check, "Try again in 15 minutes") expect.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
LOGIN_ADDRESS_FAILURE_LIMIT = 30
LOGIN_ACCOUNT_SLOWDOWN = 20
LOGIN_ACCOUNT_PACE_SECONDS = 10
EXCHANGE_QUESTIONS_PER_HOUR = 5
# Logins in tests use force_login or pass a request; the lockout tests switch it on.
AXES_ENABLED = False
