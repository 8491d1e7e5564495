"""gunicorn's settings for one eventreg instance behind nginx (deploy/nginx.conf).

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001

Options given on the command line win over these (deploy/eventreg@.service gives --bind).
The app reads its own settings from the environment (see eventreg/config.py).
"""

import gc
import os

wsgi_app = "eventreg:create_app()"
bind = "127.0.0.1:8001"

# Sync workers: one request at a time each, the database does the waiting. WEB_CONCURRENCY sets
# how many; two instances on one machine share its cores, so about one per core each is plenty.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
# The app is built once, in the master, and each worker is forked from it ready to serve: a
# worker spares building it (about 0.7 s of CPU) at every start and every restart below,
# and the workers share that memory. Building the app opens no database connection; each
# worker still drops any pool it inherits (post_fork below), so it opens its own (a
# connection shared by two processes would mix their conversations). New code or settings
# therefore take effect on a restart of the instance, not on a HUP.
preload_app = True

# A worker silent this long is restarted (its request answered 502 by nginx, whose
# proxy_read_timeout is longer). Exports and reports of big events take a few seconds.
timeout = 60
# On a stop or a restart, requests under way get this long to finish.
graceful_timeout = 30
# Restart each worker now and then, so that a slow leak cannot grow without end.
max_requests = 2000
max_requests_jitter = 200

# Whose X-Forwarded-* headers gunicorn believes: nginx's, on this machine. Set nginx's address
# when it runs on another one. (The app itself reads them through PROXY_FIX_HOPS=1.)
forwarded_allow_ips = "127.0.0.1,::1"

# To the journal through systemd: one line per request, errors with their stack.
accesslog = "-"
errorlog = "-"


def pre_fork(server, worker):
    # The master's objects (the whole app) are put out of the collector's reach before each
    # fork: a worker's collections then never walk them, and so never copy the memory they
    # share, which cost each new worker's first requests about 70 ms of CPU (Python's
    # gc.freeze, made for this).
    gc.freeze()


def post_fork(server, worker):
    # Whatever connection the master's app may hold is the master's (see preload_app).
    from eventreg.database import forget_inherited_connections

    forget_inherited_connections(server.app.wsgi())
