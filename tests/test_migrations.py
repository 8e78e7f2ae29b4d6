"""Alembic migrations: a new database gets the models' schema; a database
made by create_all before migrations existed upgrades in place, data intact."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from nianbao import models_eval
from nianbao.db import _alembic_config, current_revision, get_engine, head_revision, init_db
from nianbao.models import Base


def _old_schema(url: str) -> None:
    """The schema as create_all made it before migrations: revision 0001's
    tables without the alembic_version table."""
    engine = get_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("DROP TABLE alembic_version"))


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_a_new_database_gets_exactly_the_models_schema(db_url: str) -> None:
    engine = get_engine(db_url)
    init_db(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Expression indexes are not compared by Alembic; everything else must match.
    assert [d for d in diffs if "uq_region_name_parent0" not in repr(d)] == []


def test_an_old_database_upgrades_in_place(db_url: str) -> None:
    _old_schema(db_url)
    engine = get_engine(db_url)
    assert current_revision(engine) is None
    with engine.begin() as conn:
        # Two top-level 福建省 rows (the old schema allowed it), each with a 福州市.
        conn.execute(
            text(
                "INSERT INTO region (id, name, level, parent_id) VALUES "
                "(1, '福建省', 'province', NULL), (2, '福建省', 'province', NULL), "
                "(3, '福州市', 'prefecture', 1), (4, '福州市', 'prefecture', 2), "
                "(5, '平潭县', 'county', 4)"
            )
        )
        # Two imports that raced for version 1 of the same report.
        for rid, digest, region in ((1, "a" * 64, 3), (2, "b" * 64, 5), (3, "c" * 64, 4)):
            conn.execute(
                text(
                    "INSERT INTO report (id, content_hash, issuer_key, scope, region_id, year, "
                    "format, source, media_type, parser_version, full_text, version, "
                    "is_current, synthetic, warnings) VALUES (:id, :h, :k, 'government', :r, "
                    "2023, 'gov2021', 'x', 'txt', '1', 'text', 1, :cur, :syn, '')"
                ),
                {
                    "id": rid,
                    "h": digest,
                    "k": "福州市人民政府" if rid < 3 else "平潭县人民政府",
                    "r": region,
                    "cur": True,
                    "syn": False,
                },
            )
        conn.execute(
            text(
                "INSERT INTO fact (report_id, metric, applicant, value, raw, unit, source, "
                "location) VALUES (1, 'requests.received', 'total', 12, '12', '件', 'table', '')"
            )
        )

    init_db(engine)

    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        regions = conn.execute(text("SELECT id, name, parent_id FROM region ORDER BY id")).all()
        reports = conn.execute(
            text("SELECT id, region_id, version, is_current FROM report ORDER BY id")
        ).all()
        fact = conn.execute(text("SELECT report_id, value FROM fact")).all()
    assert [tuple(r) for r in regions] == [(1, "福建省", None), (3, "福州市", 1), (5, "平潭县", 3)]
    assert [(r.id, r.region_id, r.version, bool(r.is_current)) for r in reports] == [
        (1, 3, 1, False),
        (2, 5, 2, True),
        (3, 3, 1, True),
    ]
    assert [tuple(f) for f in fact] == [(1, 12.0)]


def test_upgrading_twice_changes_nothing(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    init_db(engine)
    # A second process (or a restart) finds the database at head.
    from nianbao import db

    db._upgraded.clear()
    init_db(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1


def test_evaluation_tables_made_by_create_all_upgrade_too(db_url: str) -> None:
    _old_schema(db_url)
    engine = get_engine(db_url)
    models_eval.ensure_tables(engine)  # what the evaluator did before revision 0003
    init_db(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM evaluation_run")) == 0
