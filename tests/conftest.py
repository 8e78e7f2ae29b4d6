"""Shared fixtures: databases to test against.

- ``sqlite_url``: a fresh SQLite file in the test's tmp folder.
- ``pg_server``: a real PostgreSQL server (Debian's binaries), one per test
  process (each pytest-xdist worker starts its own), stopped and deleted at
  the end. Tests using it are skipped only when the binaries are absent.
- ``pg_url``: a fresh empty database on that server, per test.
- ``db_url``: parametrized over both, so storage tests run on SQLite and
  PostgreSQL alike.

With ``NIANBAO_TEST_PG=1`` the shared read-only test databases of the
dashboard and the evaluator (tests/dashboard_db.py, tests/eval_db.py) are
built on a PostgreSQL server instead of a SQLite file: one cluster per test
process, started on first use and stopped at exit. ``make test`` runs the
database-dependent test files a second time that way.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

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


# --- the shared test databases on PostgreSQL (NIANBAO_TEST_PG=1) -------------------


@cache
def _process_cluster() -> Cluster:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "NIANBAO_TEST_PG=1 but no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"
        )
    cluster = Cluster(bin_dir)
    cluster.start()
    atexit.register(cluster.stop)
    return cluster


def _on_postgres(build: Callable[[str], None], prefix: str) -> Callable[[], str]:
    @cache
    def build_db() -> str:
        url = _process_cluster().create_database(prefix)
        build(url)
        return url

    return build_db


def _dashboard(url: str) -> None:
    from nianbao.store import ingest_paths
    from tests import dashboard_db

    summary = ingest_paths(dashboard_db.REAL_FILES, url=url, progress=False)
    if summary.failures:
        raise RuntimeError("\n".join(reason for _, reason in summary.failures))


def _evaluator(url: str) -> None:
    from nianbao.db import get_engine
    from nianbao.evaluation_store import evaluate_reports
    from tests import eval_db

    eval_db.ingest(eval_db.FILES, url)
    evaluate_reports(get_engine(url))


if os.environ.get("NIANBAO_TEST_PG") == "1":
    # Replaced before the test modules import build_db by name.
    from tests import dashboard_db, eval_db

    dashboard_db.build_db = _on_postgres(_dashboard, "dash")  # type: ignore[assignment]
    eval_db.build_db = _on_postgres(_evaluator, "eval")  # type: ignore[assignment]


# --- end-to-end tests in Debian's chromium (tests/browser.py) ---------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from nianbao.app_server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh context per test (no cookies or state carried over), Chinese locale."""
    from tests.browser import TIMEOUT_MS, VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()
