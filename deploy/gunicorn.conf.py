"""gunicorn settings for Kenes: `gunicorn -c deploy/gunicorn.conf.py kenes.wsgi`.

Sync workers, one process per core by default (KENES_WEB_WORKERS; KENES_WEB_THREADS=N > 1 gives
threaded gthread workers). Measured with bench/load.py (50 closed-loop clients, 100,000
proposals, PostgreSQL and the load generator on the same 2-core machine, docs/deploy.md), in one
hour on one code: 2 sync workers 391 requests/s, 2 x 2 threads 316, 3 x 4 threads (the old
default) 226 with a p95 of ~690 ms; on the final code, in one hour, 2 sync workers 482-498
against 410-462 for 3 sync (the machine's speed varied by up to 30% between runs). Every
process or thread beyond the cores, on a machine whose cores PostgreSQL also uses, costs CPU in
context switches and GIL hand-overs (3.7 ms of server CPU per request with 2 sync workers against
6.6 ms with 3 x 4 threads), and a threaded worker queues unevenly (p95 up to 14 times p50). Where
PostgreSQL runs on another machine a worker waits longer for each query: try 2 x cores there.

Sync workers need a buffering proxy in front (nginx; docs/deploy.md): a slow client must not
hold a worker. One slow request holds its worker too, so run analysts' exports on their own app
server if they grow long. Each worker (or thread) holds its own database connection: count
workers x threads per app server against max_connections. Workers are recycled after a bounded
number of requests (with jitter) so a slow leak never takes the server down; a worker that hangs
longer than `timeout` is killed and replaced by the arbiter (a killed worker costs only the
request it was serving).
"""

import multiprocessing
import os

bind = os.environ.get("KENES_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KENES_WEB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("KENES_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("KENES_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = int(os.environ.get("KENES_WEB_KEEPALIVE", "5"))  # threaded workers only
max_requests = int(os.environ.get("KENES_WEB_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# Bodies: the proposal form and the API are small; file imports go through the command line.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Off by default: the proxy in front logs every request with its time ($upstream_response_time in
# nginx; docs/deploy.md); gunicorn's own access log cost ~4% of the server's CPU under load.
# KENES_ACCESS_LOG=- writes it to stdout (e.g. with no logging proxy), or to a file.
accesslog = os.environ.get("KENES_ACCESS_LOG") or None
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
