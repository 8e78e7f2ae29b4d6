"""Unique report versions and region names; indexes for the pages.

- uq_report_issuer_year_version: two imports racing for the same next
  version cannot both win. Existing duplicates (from such a race before this
  constraint) are renumbered first: the later row gets the next free version.
- uq_region_name_parent0 on (name, coalesce(parent_id, 0)): top-level regions
  were not unique (NULL parents are distinct). Existing duplicates are merged
  into the lowest id first (reports and child regions repointed).
- ix_region_parent, ix_report_current_synthetic_year,
  ix_fact_metric_applicant_report: the dashboard's access paths.

Every index is created only when missing: a database made by create_all from
the newer models and stamped at 0001 already has them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES: list[tuple[str, str, list[str | sa.TextClause], bool]] = [
    ("uq_region_name_parent0", "region", ["name", sa.text("coalesce(parent_id, 0)")], True),
    ("ix_region_parent", "region", ["parent_id"], False),
    ("uq_report_issuer_year_version", "report", ["issuer_key", "year", "version"], True),
    ("ix_report_current_synthetic_year", "report", ["is_current", "synthetic", "year"], False),
    ("ix_fact_metric_applicant_report", "fact", ["metric", "applicant", "report_id"], False),
]


def _merge_duplicate_regions(conn: sa.Connection) -> None:
    dups = conn.execute(
        sa.text(
            "SELECT name, coalesce(parent_id, 0) AS p, min(id) AS keep FROM region "
            "GROUP BY name, coalesce(parent_id, 0) HAVING count(*) > 1"
        )
    ).all()
    for name, p, keep in dups:
        ids = conn.scalars(
            sa.text(
                "SELECT id FROM region WHERE name = :name AND coalesce(parent_id, 0) = :p "
                "AND id <> :keep ORDER BY id"
            ),
            {"name": name, "p": p, "keep": keep},
        ).all()
        for old in ids:
            _merge_region(conn, old, keep)


def _merge_region(conn: sa.Connection, old: int, keep: int) -> None:
    """Fold region ``old`` into ``keep``: children with a name ``keep`` already
    has are merged in turn, the others move; reports follow."""
    children = conn.execute(
        sa.text("SELECT id, name FROM region WHERE parent_id = :old"), {"old": old}
    ).all()
    for child, name in children:
        twin = conn.scalar(
            sa.text("SELECT min(id) FROM region WHERE parent_id = :keep AND name = :name"),
            {"keep": keep, "name": name},
        )
        if twin is None:
            conn.execute(
                sa.text("UPDATE region SET parent_id = :keep WHERE id = :child"),
                {"keep": keep, "child": child},
            )
        else:
            _merge_region(conn, child, twin)
    conn.execute(
        sa.text("UPDATE report SET region_id = :keep WHERE region_id = :old"),
        {"keep": keep, "old": old},
    )
    conn.execute(
        sa.text(
            "UPDATE region SET code = (SELECT code FROM region WHERE id = :old) "
            "WHERE id = :keep AND code IS NULL"
        ),
        {"keep": keep, "old": old},
    )
    conn.execute(sa.text("DELETE FROM region WHERE id = :old"), {"old": old})


def _renumber_duplicate_versions(conn: sa.Connection) -> None:
    dups = conn.execute(
        sa.text(
            "SELECT issuer_key, year FROM report WHERE year IS NOT NULL "
            "GROUP BY issuer_key, year, version HAVING count(*) > 1"
        )
    ).all()
    for key, year in set(dups):
        rows = conn.execute(
            sa.text(
                "SELECT id FROM report WHERE issuer_key = :k AND year = :y ORDER BY version, id"
            ),
            {"k": key, "y": year},
        ).all()
        for n, (rid,) in enumerate(rows, start=1):
            conn.execute(
                sa.text("UPDATE report SET version = :v, is_current = :c WHERE id = :id"),
                {"v": n, "c": n == len(rows), "id": rid},
            )


def _index_names(conn: sa.Connection) -> set[str]:
    # Read from the catalog: the inspector skips expression indexes on SQLite.
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return set(conn.scalars(sa.text(query)).all())


def upgrade() -> None:
    conn = op.get_bind()
    _merge_duplicate_regions(conn)
    _renumber_duplicate_versions(conn)
    existing = _index_names(conn)
    for name, table, columns, unique in INDEXES:
        if name not in existing:
            op.create_index(name, table, columns, unique=unique)


def downgrade() -> None:
    for name, table, _columns, _unique in reversed(INDEXES):
        op.drop_index(name, table_name=table)
