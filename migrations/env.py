"""Alembic environment: the URL and the connection come from nianbao.

``nianbao.db.upgrade_db`` passes its open connection in
``config.attributes["connection"]`` (so the migration runs under its lock);
the ``alembic`` command line gets the URL from nianbao.db.database_url
(DATABASE_URL, else data/nianbao.db).
"""

from __future__ import annotations

import importlib.util

from alembic import context
from sqlalchemy import Connection

from nianbao.db import database_url, get_engine
from nianbao.models import Base

# Tables other helpers add in their own modules join the same metadata.
if importlib.util.find_spec("nianbao.models_eval") is not None:
    importlib.import_module("nianbao.models_eval")

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: Alembic copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    with get_engine(database_url()).connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
