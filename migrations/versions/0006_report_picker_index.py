"""An index for the 报告详情 report picker.

The picker lists reports by year (newest first), body and version, at most
300 of them. Without an index in that order the database read every report
row — with its full text, 45 KiB each — to sort 100,000 reports (SQLite
100k: 0.4–4 s, depending on the OS file cache). ix_report_picker holds the
sort columns first and then every column the picker shows or filters on
(synthetic, is_current, region_id, issuer), so SQLite reads the index in
year order and stops after the first 301 rows without touching a report row.

Runs only when the index is missing, so a database made by create_all from
the newer models upgrades without error.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAME = "ix_report_picker"
COLUMNS = ["year", "issuer_key", "version", "synthetic", "is_current", "region_id", "issuer"]


def upgrade() -> None:
    bind = op.get_bind()
    if NAME not in {ix["name"] for ix in sa.inspect(bind).get_indexes("report")}:
        op.create_index(NAME, "report", COLUMNS)
        op.execute("ANALYZE report")


def downgrade() -> None:
    bind = op.get_bind()
    if NAME in {ix["name"] for ix in sa.inspect(bind).get_indexes("report")}:
        op.drop_index(NAME, table_name="report")
