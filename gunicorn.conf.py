"""gunicorn settings, read from the project folder whatever the command line says.

The app is loaded once, in the master, before the workers fork: a worker that dies (or is killed)
is replaced by a fork in milliseconds instead of importing and building the app again, which took
12-22 s on a busy 2-core machine (bench/load_faults.py).

The objects the master made while loading the app are frozen out of the cycle collector before
each fork (the fork-server pattern of the gc module's docs): a worker's full collections then
walk only what it made itself, instead of stalling a request for about 100 ms now and then, and
the shared pages are not copied by the collector touching them.
"""

import gc

preload_app = True


def pre_fork(server, worker):
    """Move everything the master holds (the loaded app) to the collector's permanent generation."""
    gc.freeze()


def post_fork(server, worker):
    """Give each worker its own database connections: none opened by the master may be shared."""
    app = server.app.wsgi()
    extension = getattr(app, "extensions", {}).get("sqlalchemy")  # any Flask-SQLAlchemy app
    if extension is not None:
        with app.app_context():
            for engine in extension.engines.values():
                engine.dispose(close=False)
