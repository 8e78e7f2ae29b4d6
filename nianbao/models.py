"""The database schema (SQLAlchemy 2): long, not wide.

region 1─* report 1─* section
                  1─* fact
                  1─* check_result

A report is one published document. Re-publications of the same issuer and
year are kept as versions; exactly one of them has ``is_current`` set.
A statistic absent from a document has no fact row; a blank cell has a fact
row whose ``value`` is NULL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"
    __table_args__ = (
        UniqueConstraint("name", "parent_id", name="uq_region_name_parent"),
        # The constraint above lets two top-level rows share a name (NULLs are
        # distinct in SQL); this expression index closes that gap on both
        # SQLite and PostgreSQL.
        Index(
            "uq_region_name_parent0",
            "name",
            func.coalesce(text("parent_id"), 0),
            unique=True,
        ),
        Index("ix_region_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(12))  # province / prefecture / county / township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class Report(Base):
    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_region_year", "region_id", "year"),
        Index("ix_report_issuer_year", "issuer_key", "year"),
        # Year ranges read reports from this index alone (the columns the
        # pages filter and group on ride along; migration 0007).
        Index(
            "ix_report_year_format",
            "year",
            "format",
            "is_current",
            "synthetic",
            "scope",
            "region_id",
            "issuer_key",
        ),
        # One row per version: two imports racing for the same next version
        # cannot both win (the loser retries with the one after).
        Index("uq_report_issuer_year_version", "issuer_key", "year", "version", unique=True),
        # The pages' filters and the columns they group by, in one narrow
        # index (the row id rides along): counting or joining reports reads
        # this index instead of the report rows, which carry the full text.
        Index(
            "ix_report_filter",
            "is_current",
            "synthetic",
            "year",
            "region_id",
            "scope",
            "format",
            "issuer_key",
        ),
        # The 报告详情 picker: its sort order first, then every column it shows
        # or filters on, so the newest 300 reports come from the index alone.
        Index(
            "ix_report_picker",
            "year",
            "issuer_key",
            "version",
            "synthetic",
            "is_current",
            "region_id",
            "issuer",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issuer: Mapped[str | None] = mapped_column(String(200))  # as written
    issuer_key: Mapped[str] = mapped_column(String(200))  # normalised, groups versions
    scope: Mapped[str] = mapped_column(String(12))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(12))
    title: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(8))
    parser_version: Mapped[str] = mapped_column(String(20))
    full_text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    original: Mapped[bytes | None] = mapped_column(default=None)  # the file as uploaded
    warnings: Mapped[str] = mapped_column(Text, default="")  # one warning per line
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    region: Mapped[Region | None] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Section.order"
    )
    facts: Mapped[list[Fact]] = relationship(back_populates="report", cascade="all, delete-orphan")
    checks: Mapped[list[CheckResult]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class Section(Base):
    __tablename__ = "section"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer)

    report: Mapped[Report] = relationship(back_populates="sections")


class Fact(Base):
    __tablename__ = "fact"
    __table_args__ = (
        # A measure is (metric, applicant); the pages read it for many
        # reports. source and value ride along so those reads never touch the
        # fact rows (which carry location and evidence text). One index
        # serves metric-only lookups too: fewer indexes, faster ingest.
        Index("ix_fact_measure", "metric", "applicant", "report_id", "source", "value"),
        Index("ix_fact_report", "report_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(80))
    applicant: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(8))  # table / text
    location: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str | None] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="facts")


class FactRollup(Base):
    """Facts summed per (version state, synthetic, year, scope, format, cell):
    what the year-level aggregates of the pages read instead of millions of
    facts (nianbao/rollup.py keeps it in step at ingest; see there).

    Key columns are NOT NULL so that the upsert's conflict target matches:
    year 0 is an unknown year, applicant '' no applicant column. Two kinds of
    marker rows: applicant '*' (source and unit '*') sums every fact of a
    metric, so n_reports there counts reports having the metric at all;
    metric '' counts reports (also those without facts).
    """

    __tablename__ = "fact_rollup"

    is_current: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(12), primary_key=True)
    format: Mapped[str] = mapped_column(String(12), primary_key=True)
    metric: Mapped[str] = mapped_column(String(80), primary_key=True)
    applicant: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit: Mapped[str] = mapped_column(String(8), primary_key=True)
    total: Mapped[float] = mapped_column(Float)  # sum of the known values (0 if none)
    n_values: Mapped[int] = mapped_column(Integer)  # facts with a value
    n_facts: Mapped[int] = mapped_column(Integer)  # facts, blank cells included
    n_reports: Mapped[int] = mapped_column(Integer)  # reports with a fact in the cell
    n_value_reports: Mapped[int] = mapped_column(Integer)  # … with a known value


class CheckResult(Base):
    __tablename__ = "check_result"
    __table_args__ = (Index("ix_check_rule_status", "rule", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))  # pass / fail / uncertain
    subject: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="checks")
