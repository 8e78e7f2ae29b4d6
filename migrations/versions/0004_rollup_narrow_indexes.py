"""The fact rollup and narrower access paths for 100,000 reports and more.

- fact_rollup (nianbao/models.py, nianbao/rollup.py): facts pre-summed per
  year and cell, filled here from the stored facts; ingest keeps it in step.
- ix_report_filter replaces ix_report_current_synthetic_year and
  ix_report_is_current (both are prefixes of it): every page filter and the
  columns the pages group reports by, so counting or joining reports reads
  the index and not the report rows with their full text. (Moving full_text
  and original into a 1:1 table was the alternative: it would rewrite the
  largest table on upgrade and touch every module that reads them, for the
  same effect on the pages' queries, which now never read a report row.)
- ix_fact_measure (metric, applicant, report_id, source, value) replaces
  ix_fact_metric_applicant_report and ix_fact_metric_report: the measure
  reads become index-only, and ingest maintains one index fewer on the
  largest table.

Each step runs only when needed, so a database made by create_all from the
newer models upgrades without error. ANALYZE at the end gives SQLite's
planner the statistics to pick the narrow indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_INDEXES: list[tuple[str, str, list[str]]] = [
    (
        "ix_report_filter",
        "report",
        ["is_current", "synthetic", "year", "region_id", "scope", "format", "issuer_key"],
    ),
    ("ix_fact_measure", "fact", ["metric", "applicant", "report_id", "source", "value"]),
]
OLD_INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_report_current_synthetic_year", "report", ["is_current", "synthetic", "year"]),
    ("ix_report_is_current", "report", ["is_current"]),
    ("ix_fact_metric_applicant_report", "fact", ["metric", "applicant", "report_id"]),
    ("ix_fact_metric_report", "fact", ["metric", "report_id"]),
]


def _indexes(bind: sa.Connection) -> set[str]:
    insp = sa.inspect(bind)
    return {ix["name"] for t in ("report", "fact") for ix in insp.get_indexes(t) if ix["name"]}


def upgrade() -> None:
    from nianbao import rollup

    bind = op.get_bind()
    have = _indexes(bind)
    for name, table, cols in NEW_INDEXES:
        if name not in have:
            op.create_index(name, table, cols)
    for name, table, _cols in OLD_INDEXES:
        if name in have:
            op.drop_index(name, table_name=table)
    if "fact_rollup" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "fact_rollup",
            sa.Column("is_current", sa.Boolean(), nullable=False),
            sa.Column("synthetic", sa.Boolean(), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("scope", sa.String(length=12), nullable=False),
            sa.Column("format", sa.String(length=12), nullable=False),
            sa.Column("metric", sa.String(length=80), nullable=False),
            sa.Column("applicant", sa.String(length=20), nullable=False),
            sa.Column("source", sa.String(length=8), nullable=False),
            sa.Column("unit", sa.String(length=8), nullable=False),
            sa.Column("total", sa.Float(), nullable=False),
            sa.Column("n_values", sa.Integer(), nullable=False),
            sa.Column("n_facts", sa.Integer(), nullable=False),
            sa.Column("n_reports", sa.Integer(), nullable=False),
            sa.Column("n_value_reports", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(
                "is_current",
                "synthetic",
                "year",
                "scope",
                "format",
                "metric",
                "applicant",
                "source",
                "unit",
            ),
        )
    rollup.rebuild(bind)
    op.execute("ANALYZE")


def downgrade() -> None:
    op.drop_table("fact_rollup")
    have = _indexes(op.get_bind())
    for name, table, cols in OLD_INDEXES:
        if name not in have:
            op.create_index(name, table, cols)
    for name, table, _cols in NEW_INDEXES:
        if name in have:
            op.drop_index(name, table_name=table)
