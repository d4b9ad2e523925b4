"""gunicorn settings for production: `gunicorn -c python:tracker.gunicorn_conf`.

Read from the environment: BIND (or PORT), WEB_CONCURRENCY, GUNICORN_TIMEOUT,
GUNICORN_MAX_REQUESTS, LOG_LEVEL.
The app logs one JSON line per request itself, so gunicorn's access log is off.
"""

from __future__ import annotations

import os


def bind_address() -> str:
    """BIND as given (host:port or unix:path), else 127.0.0.1:PORT (PORT defaults to 8000)."""
    bind = os.environ.get("BIND", "").strip()
    if bind:
        return bind
    return f"127.0.0.1:{os.environ.get('PORT', '').strip() or '8000'}"


def worker_count() -> int:
    """WEB_CONCURRENCY worker processes (default 2)."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 5 else 2


# gunicorn serves production: the factory then refuses to start without a real SECRET_KEY.
os.environ.setdefault("TRACKER_ENV", "production")

wsgi_app = "tracker:create_app()"
bind = [bind_address()]
workers = worker_count()
worker_class = "sync"
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 2
# Recycle workers now and then so a slow leak can never grow without bound. Not too often:
# a new worker boots for seconds and starts with an empty page cache, and a cached page takes
# about a millisecond, so 2,000 requests would restart each worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
capture_output = False
proc_name = "tracker"
