"""Tables of the evaluator workbench, on the same metadata as nianbao.models.

report 1─* evaluation_result   every rule's result for a report (evaluate())
evaluation_run                 one row per run: which rules, over which reports
indicator_profile              a named set of indicator weights (评估 page)

Importing this module registers the tables on ``Base.metadata``, so
``nianbao.db.init_db`` creates them (tables without a migration yet are made by
create_all after the migrations).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Engine, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from nianbao.models import Base


class EvaluationResult(Base):
    __tablename__ = "evaluation_result"
    __table_args__ = (
        Index("ix_evaluation_result_report", "report_id"),
        Index("ix_evaluation_result_rule_status", "rule", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))  # pass / fail / uncertain
    subject: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[str] = mapped_column(String(40))
    evaluated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class EvaluationRun(Base):
    """What the stored results were computed from: the rules' version and a
    fingerprint of the set of reports (ids of current reports), so a new
    report, a new version or a rule change makes the results stale."""

    __tablename__ = "evaluation_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules_version: Mapped[str] = mapped_column(String(40))
    reports_fingerprint: Mapped[str] = mapped_column(String(64))
    n_reports: Mapped[int] = mapped_column(Integer)
    n_results: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(10))  # all / subset
    evaluated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class IndicatorProfile(Base):
    __tablename__ = "indicator_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    weights: Mapped[str] = mapped_column(Text)  # JSON {indicator key: weight}
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


EVAL_TABLES = [
    Base.metadata.tables[name]
    for name in ("evaluation_result", "evaluation_run", "indicator_profile")
]


def ensure_tables(engine: Engine) -> None:
    """Create these tables if missing (init_db may have run before this module
    was imported in the process, and it runs create_all only once per URL)."""
    Base.metadata.create_all(engine, tables=EVAL_TABLES, checkfirst=True)
