"""Issuer keys by body, not by wording (QA finding 4).

Recomputes report.issuer_key of every report with nianbao/issuers.py: a
government's 管委会 / 人民政府 wording, the region's short form and the alias
table (nianbao/issuer_aliases.csv) no longer split one body. Where two
reports of one body and year come to share a key, they are numbered again
as the store numbers re-publications (in stored order, the last current),
and the fact rollup is rebuilt. ``nianbao rekey`` runs the same step after
the alias table is edited.

Data only: the schema does not change, so downgrade keeps the new keys.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from nianbao.issuers import rekey_database

    rekey_database(op.get_bind())


def downgrade() -> None:
    # The old keys are not kept anywhere; they were a worse grouping anyway.
    pass
