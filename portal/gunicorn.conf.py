"""gunicorn settings for production: `gunicorn -c portal/gunicorn.conf.py portal.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so one file serves every machine size.
Why these defaults: see docs/deploy.md (two threaded workers per core; the measurements are in bench/RESULTS.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
# Threaded workers keep browsers' connections alive between requests (sync workers close every connection);
# measured in bench/RESULTS.md (bench/workers.py): 2 workers per core with 2 threads each.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread" if threads > 1 else "sync")
# A request that takes longer than this is killed; exports run as background tasks, not in requests.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak in any library cannot grow without bound; not so often that
# a worker's memory cache (pages, fragments: portal/pagecache.py) is thrown away every few seconds under load.
# (Without Redis each worker keeps its own cached pages: at 20,000 requests a busy worker started afresh every
# half minute, and each restart showed as a burst of slow cache misses in the p99.)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = 10000
# Load Django once in the master: a new or recycled worker is a fork that answers at once, instead of spending
# a second importing while requests queue behind it. (A code change then needs a restart, not HUP.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Worker heartbeat files live in memory (/dev/shm) so that a slow disk cannot make workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Only method, path and status: query strings may hold a tracking number.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
certfile = os.environ.get("GUNICORN_CERTFILE") or None
keyfile = os.environ.get("GUNICORN_KEYFILE") or None
control_socket_disable = True
