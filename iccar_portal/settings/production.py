"""Production: HTTPS behind a proxy, secure cookies, hashed and compressed static files.

Select it with DJANGO_SETTINGS_MODULE=iccar_portal.settings.production. It refuses to start
without SECRET_KEY and ALLOWED_HOSTS, and `python manage.py check --deploy` reports nothing.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ["DEBUG"] = "0"  # never on in production, whatever the environment says

from .base import *  # noqa: E402,F403
from .base import ALLOWED_HOSTS, STORAGES, env_bool  # noqa: E402

if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) in production.")

DEBUG = False

# The load balancer ends TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer checks it over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind the proxy every visitor would share its address, and one person's failed logins would
# lock everybody out: the login limit reads the visitor's address from X-Forwarded-For.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
