"""The evaluator's tables (nianbao/models_eval.py): evaluation_result,
evaluation_run, indicator_profile.

Before this revision they were made by create_all (models_eval.ensure_tables,
or init_db after the migrations): each table and index is created only when
missing, so such a database upgrades without error.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "evaluation_result" not in tables:
        op.create_table(
            "evaluation_result",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("rule", sa.String(length=12), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("subject", sa.Text(), nullable=False),
            sa.Column("detail", sa.Text(), nullable=False),
            sa.Column("rules_version", sa.String(length=40), nullable=False),
            sa.Column("evaluated_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_evaluation_result_report", "evaluation_result", ["report_id"])
        op.create_index("ix_evaluation_result_rule_status", "evaluation_result", ["rule", "status"])
    if "evaluation_run" not in tables:
        op.create_table(
            "evaluation_run",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("rules_version", sa.String(length=40), nullable=False),
            sa.Column("reports_fingerprint", sa.String(length=64), nullable=False),
            sa.Column("n_reports", sa.Integer(), nullable=False),
            sa.Column("n_results", sa.Integer(), nullable=False),
            sa.Column("scope", sa.String(length=10), nullable=False),
            sa.Column("evaluated_at", sa.DateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "indicator_profile" not in tables:
        op.create_table(
            "indicator_profile",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("weights", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )


def downgrade() -> None:
    op.drop_table("indicator_profile")
    op.drop_table("evaluation_run")
    op.drop_table("evaluation_result")
