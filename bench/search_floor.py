"""The floor for the search benchmark: a bare WSGI app that runs only the raw full-text query.

No Flask, no session, no permissions, no template: it returns the 25 best record ids for ``q``
(FTS5 ``MATCH ... ORDER BY rank`` on SQLite, ``@@ ... ORDER BY ts_rank_cd`` on PostgreSQL).
It exists only for bench/records_search.py and is never part of the app.

    DATABASE_URL=sqlite:///bench/.cache/records-1000000.sqlite gunicorn bench.search_floor:app
"""

import os
import re
import threading
from urllib.parse import parse_qs

URL = os.environ["DATABASE_URL"]
_local = threading.local()
_WORD = re.compile(r"[^\W_]+")


def _connection():
    if not hasattr(_local, "conn"):
        if URL.startswith("sqlite"):
            import sqlite3

            _local.conn = sqlite3.connect(URL.split("sqlite:///", 1)[1], check_same_thread=False)
        else:
            import psycopg

            _local.conn = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    return _local.conn


def _ids(words):
    conn = _connection()
    if URL.startswith("sqlite"):
        match = " ".join(f'"{w}"' for w in words)
        sql = "SELECT rowid FROM record_search WHERE record_search MATCH ? ORDER BY rank LIMIT 25"
        return [row[0] for row in conn.execute(sql, (match,))]
    sql = (
        "SELECT record_id FROM record_search, plainto_tsquery('english', %s) q WHERE document @@ q"
        " ORDER BY ts_rank_cd(document, q) DESC LIMIT 25"
    )
    return [row[0] for row in conn.execute(sql, (" ".join(words),))]


def app(environ, start_response):
    """GET /?q=words: the ids of the 25 best matches, one per line."""
    words = _WORD.findall(parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0])[:8]
    body = "\n".join(str(i) for i in _ids(words)).encode() if words else b""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
