"""Shared fixtures: databases to test against.

- ``sqlite_url``: a fresh SQLite file in the test's tmp folder.
- ``pg_server``: a real PostgreSQL server (Debian's binaries), one per test
  process (each pytest-xdist worker starts its own), stopped and deleted at
  the end. Tests using it are skipped only when the binaries are absent.
- ``pg_url``: a fresh empty database on that server, per test.
- ``db_url``: parametrized over both, so storage tests run on SQLite and
  PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.db import forget_engine
from tests.pg import Cluster, find_bin_dir


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    yield url
    forget_engine(url)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Cluster]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql, or set NIANBAO_PG_BIN)"
        )
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: Cluster) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    forget_engine(url)
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not write to a database named in the developer's environment."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
