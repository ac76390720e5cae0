"""gunicorn settings: `gunicorn -c iccar_portal/gunicorn.conf.py iccar_portal.wsgi`.

Everything can be tuned from the environment; logs go to standard output.
"""

import multiprocessing
import os

# Only the proxy in front may reach the app servers: it sets X-Forwarded-For, which the login
# limit trusts. Listen on the loopback address unless BIND names the one the proxy reaches.
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: the pages are short database reads; two per core plus one is the usual start.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow memory growth can never build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Uploads up to 20 MB pass through; the proxy in front should allow as much.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
