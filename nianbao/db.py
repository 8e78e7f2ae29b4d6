"""Where the database is and how to reach it.

One function decides the URL (:func:`database_url`); one engine per URL per
process (:func:`get_engine`); sessions are opened per call by the code that
needs them (``with Session(engine) as s, s.begin(): ...``). Nothing here holds
a connection at import time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from nianbao.models import Base

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = REPO / "data" / "nianbao.db"

# SQLite waits this long for another writer before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


class StorageError(Exception):
    """The database cannot be reached or written; the message says what to do."""


def database_url(explicit: str | None = None) -> str:
    """The database URL: the argument, else $DATABASE_URL, else the SQLite file.

    ``postgres://`` and ``postgresql://`` (what hosting providers hand out)
    are mapped to SQLAlchemy's psycopg 3 driver, the one we install.
    """
    url = explicit or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def display_url(url: str) -> str:
    """The URL as shown in messages: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()  # Streamlit runs scripts in several threads


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (resolved by :func:`database_url`), created once."""
    url = database_url(url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create(url)
            _engines[url] = engine
        return engine


def forget_engine(url: str) -> None:
    """Dispose of the cached engine for ``url`` (tests drop their databases)."""
    url = database_url(url)
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"not a database URL: {url!r} (use sqlite:///path/to/file.db or "
            "postgresql://user:password@host/dbname in --db or DATABASE_URL)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StorageError(
                    f"cannot create the folder {folder} for the SQLite database ({e.strerror}) "
                    "(choose another path with --db sqlite:///PATH or DATABASE_URL)"
                ) from None
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as e:
        raise StorageError(
            f"cannot use {display_url(url)}: {type(e).__name__}: {e} "
            "(check DATABASE_URL; PostgreSQL URLs look like postgresql://user:pw@host/dbname)"
        ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while an import writes; in WAL mode
    # synchronous=NORMAL cannot corrupt the file (a power cut may lose the last
    # commit) and spares one fsync per report; busy_timeout makes a second
    # writer wait instead of failing; SQLite enforces foreign keys only when
    # asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_db(engine: Engine) -> None:
    """Create the tables that do not exist yet (Alembic migrations come later)."""
    try:
        Base.metadata.create_all(engine)
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None


def explain(engine: Engine, error: BaseException) -> str:
    """One line telling the user what went wrong with the database and what to do."""
    url = display_url(engine.url.render_as_string(hide_password=False))
    first = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = first[0] if first else type(error).__name__
    if engine.dialect.name == "sqlite":
        return (
            f"cannot use the SQLite database {engine.url.database}: {reason} "
            "(check that the folder is writable; if the file was made by an older "
            "version, delete it and run nianbao init)"
        )
    if isinstance(error, OperationalError):
        return (
            f"cannot connect to {url}: {reason} "
            "(is the server running and the database created? check DATABASE_URL or --db)"
        )
    return f"database error on {url}: {reason} (check the database's permissions and DATABASE_URL)"
