"""Where the database is and how to reach it.

One function decides the URL (:func:`database_url`); one engine per URL per
process (:func:`get_engine`); sessions are opened per call by the code that
needs them (``with Session(engine) as s, s.begin(): ...``). Nothing here holds
a connection at import time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
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
    # 64 MiB of page cache instead of 2: an ingest inserts into the fact
    # index at one point per (metric, applicant), ~1,000 leaf pages that must
    # stay in memory at 30 million facts; the pages' aggregates sort in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


MIGRATIONS = REPO / "migrations"
INITIAL_REVISION = "0001"  # the schema create_all made before migrations existed
_PG_MIGRATION_LOCK = 7_352_050_001  # pg_advisory_xact_lock key: one migrator at a time

_upgraded: set[str] = set()  # URLs already at head in this process


def init_db(engine: Engine) -> None:
    """Bring the database to the newest schema (see :func:`upgrade_db`)."""
    upgrade_db(engine)


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_db(engine: Engine) -> None:
    """Run the Alembic migrations up to head, in place.

    A new database gets every table; a database created by ``create_all``
    before migrations existed (tables but no alembic_version) is stamped at
    the initial revision and upgraded from there. Two processes starting at
    once take turns (PostgreSQL advisory lock; on SQLite a lock on the file),
    and the second finds nothing left to do. Tables other modules define on
    the same metadata without a migration yet are created last.
    """
    key = engine.url.render_as_string(hide_password=False)
    if key in _upgraded:
        return
    try:
        head = head_revision()
        if current_revision(engine) != head:
            with _migration_lock(engine):
                _upgrade_locked(engine, head)
        Base.metadata.create_all(engine)
    except SQLAlchemyError as e:
        raise StorageError(explain(engine, e)) from None
    _upgraded.add(key)


def _upgrade_locked(engine: Engine, head: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        from alembic.migration import MigrationContext

        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:  # another process got here first
            return
        cfg.attributes["connection"] = conn
        if current is None and inspect(conn).has_table("report"):
            command.stamp(cfg, INITIAL_REVISION)
        command.upgrade(cfg, "head")


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On SQLite, an exclusive flock on the database file while migrating
    (SQLite's own locks are fcntl locks: the two do not interfere)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or not Path(path).exists():
        yield
        return
    with open(path, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
