"""gunicorn settings for Kenes: `gunicorn -c deploy/gunicorn.conf.py kenes.wsgi`.

Threaded workers: cores + 1 processes x 4 threads by default (KENES_WEB_WORKERS,
KENES_WEB_THREADS; KENES_WEB_THREADS=1 gives plain sync workers). Measured with bench/load.py (50
clients, 100,000 proposals, PostgreSQL on the same 2-core machine, docs/deploy.md), one run each
on a machine shared with other test suites: 3 x 4 threads answered 62.7 requests/s against 25.0
for 3 and 24.3 for 5 sync workers, p50 3x and p95 1.2x lower, with 9.7 ms of server CPU per
request against 11.9-12.8 ms; it also got more of the contended CPU, so re-measure on the real
machine. A thread waiting for PostgreSQL lets another one of the same process use the CPU, and
HTTP keep-alive saves a connection per request (sync workers close each one); the price is one
database connection per thread and a less even queue (p95/p50 about 2-3 against 1.2-1.4).
Each thread holds its own database connection: count workers x threads per app server against
max_connections. Workers are recycled after a bounded number of requests (with jitter) so a slow
leak never takes the server down; a worker that hangs longer than `timeout` is killed and
replaced by the arbiter (a killed worker costs only the requests it was serving).
"""

import multiprocessing
import os

bind = os.environ.get("KENES_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KENES_WEB_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("KENES_WEB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("KENES_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = int(os.environ.get("KENES_WEB_KEEPALIVE", "5"))
max_requests = int(os.environ.get("KENES_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Bodies: the proposal form and the API are small; file imports go through the command line.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("KENES_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KENES_LOG_LEVEL", "warning").lower()
forwarded_allow_ips = os.environ.get("KENES_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "kenes"

# The public list, search results and article bodies are rendered once per worker and period
# (kenes.pagecache): new proposals and supports show within these seconds, a hidden proposal at
# once. 0 turns it off. Set before the app is loaded (preload_app below).
os.environ.setdefault("KENES_PAGE_CACHE_SECONDS", "10")

# Load Django and import every view once in the arbiter, before the workers are forked: a fresh
# worker then answers its first request at once (importing the analysis stack lazily in each of
# five workers at the same time can take longer than `timeout` on a busy 2-core machine).
preload_app = True


def when_ready(server: object) -> None:  # gunicorn hook
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every urls.py and view module)
    connections.close_all()  # no database connection may be shared by the forked workers
