"""gunicorn settings, read from the project folder whatever the command line says.

The app is loaded once, in the master, before the workers fork: a worker that dies (or is killed)
is replaced by a fork in milliseconds instead of importing and building the app again, which took
12-22 s on a busy 2-core machine (bench/load_faults.py).
"""

preload_app = True


def post_fork(server, worker):
    """Give each worker its own database connections: none opened by the master may be shared."""
    app = server.app.wsgi()
    extension = getattr(app, "extensions", {}).get("sqlalchemy")  # any Flask-SQLAlchemy app
    if extension is not None:
        with app.app_context():
            for engine in extension.engines.values():
                engine.dispose(close=False)
