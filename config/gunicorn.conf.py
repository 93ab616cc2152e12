"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py` (docs/deploy.md).

Read from the environment like the Django settings. The background tasks
(e-mails) are not run here: `python manage.py db_worker` is a process of its own.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# nginx in front talks to this address (a local port, or unix:/run/causerie/gunicorn.sock).
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Processes, one request at a time each, with the sync worker: a request here is CPU work (templates,
# the ORM) with sub-millisecond waits for PostgreSQL and Redis, and threads of one process share its
# GIL, so two requests in one process each took twice as long and more (at 4 threads a process,
# comment submissions paced at 20 a second had a p99 of 74–170 ms; at 1, 41 ms). Sync, not gthread
# at one thread: a gthread worker accepts connections while its thread is busy and keeps each
# kept-alive connection to itself, so requests queue in one process while others sit idle —
# `make bench` saw all 32 of wrk's connections taken by one of five workers (957 pages/s on one
# core) and its figures swing twofold from run to run. A sync worker accepts only when it is free
# and closes the connection after each answer: the kernel's queue hands the next request to
# whichever process is idle. nginx buffers slow clients, so a process is never held by one.
# GUNICORN_THREADS above 1 turns gunicorn to the gthread worker (gunicorn's own rule); each thread
# then holds its own database connection (CONN_MAX_AGE).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# Off, so that each process opens its own database connections after the fork
# instead of sharing one inherited from the master; it also lets `systemctl reload`
# (HUP) bring in new code.
preload_app = False

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a request stuck this long gets its worker restarted
graceful_timeout = 30  # on restart, time for requests in flight to finish
# Recycle each process now and then, staggered by the jitter: rarely, as a restart costs a Django
# start-up and cold connections and caches (at 2,000, a busy server restarted a worker every minute).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# No gunicornc control socket: systemd's signals are enough, and two instances
# on one host would fight over its default path in $HOME.
control_socket_disable = True

# Addresses allowed to tell gunicorn the scheme (X-Forwarded-Proto): our proxies only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (the journal under systemd). The access log ends with the
# time the request took, in milliseconds, and starts with the client as nginx saw it.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
