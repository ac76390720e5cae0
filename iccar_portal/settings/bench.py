"""The benchmark (`make bench`): the project's own settings, unchanged except for

- the URLs: the project's, plus a trivial view (bench/urls.py) that measures the ceiling — what
  Django with this middleware stack serves when a page costs nothing;
- DEBUG off and quiet logs, as in production.

Select it with DJANGO_SETTINGS_MODULE=iccar_portal.settings.bench; bench/run.py does. SECRET_KEY,
ALLOWED_HOSTS, REDIS_URL and PAGE_CACHE_SECONDS come from the environment as in production:
bench/run.py sets them, and switches the page cache on and off with the latter.
"""

from .base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Whether the project has a page cache to measure both ways (core/page_cache.py).
HAS_PAGE_CACHE = "PAGE_CACHE_SECONDS" in globals()
