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
        Index("ix_report_year_format", "year", "format"),
        # One row per version: two imports racing for the same next version
        # cannot both win (the loser retries with the one after).
        Index("uq_report_issuer_year_version", "issuer_key", "year", "version", unique=True),
        # The pages' usual filter: current, real (not synthetic) reports by year.
        Index("ix_report_current_synthetic_year", "is_current", "synthetic", "year"),
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
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
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
        Index("ix_fact_metric_report", "metric", "report_id"),
        # A measure is (metric, applicant); the pages read it for many reports.
        Index("ix_fact_metric_applicant_report", "metric", "applicant", "report_id"),
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
