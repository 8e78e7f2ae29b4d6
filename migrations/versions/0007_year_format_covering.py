"""ix_report_year_format covers the pages' report filters.

A filter on a year range (总览's headline: this year and the one before)
made SQLite pick (year, format) and then read every report row of those
years — the rows carry the full text — for is_current, synthetic, scope and
the body. The index now carries those columns after (year, format), so the
same range read never leaves the index (its prefix is unchanged, so every
plan that used it still can).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NAME = "ix_report_year_format"
OLD = ["year", "format"]
NEW = ["year", "format", "is_current", "synthetic", "scope", "region_id", "issuer_key"]


def _columns(bind: sa.Connection) -> list[str] | None:
    for ix in sa.inspect(bind).get_indexes("report"):
        if ix["name"] == NAME:
            return list(ix["column_names"])
    return None


def _replace(columns: list[str]) -> None:
    bind = op.get_bind()
    have = _columns(bind)
    if have == columns:
        return
    if have is not None:
        op.drop_index(NAME, table_name="report")
    op.create_index(NAME, "report", columns)
    op.execute("ANALYZE report")


def upgrade() -> None:
    _replace(NEW)


def downgrade() -> None:
    _replace(OLD)
