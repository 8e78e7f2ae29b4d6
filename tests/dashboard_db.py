"""The dashboard's test database, built once per test session from real reports.

REAL_FILES are ingested with ``nianbao.store.ingest_paths`` (the real parser
and store). While those are not in place yet, :func:`_insert_by_hand` writes
the same reports' figures with ORM inserts instead: every number below is
copied from the named file in data/reports, so tests that assert them hold in
both modes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from nianbao.models import Base, CheckResult, Fact, Region, Report

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"

# The 平潭综合实验区 main reports 2011–2025, two departments over all their
# years, the seed (长春市朝阳区 2016, legacy table with blank cells) and the
# Shanghai 2019 HTML (blank 总计 column).
REAL_FILES: tuple[Path, ...] = (
    *sorted(REPORTS.glob("pingtan/*-main-*.txt")),
    *sorted(REPORTS.glob("pingtan/*-jjf-*.txt")),
    *sorted(REPORTS.glob("pingtan/*-czj-*.txt")),
    REPORTS / "seed" / "000_082f890431297067.txt",
    REPORTS / "other" / "2019-002.html",
)

PINGTAN = "平潭综合实验区"
JJF = "平潭综合实验区经济发展局"
SEED_REGION = "朝阳区"


def _real_ingest(url: str) -> bool:
    """Ingest REAL_FILES with the real pipeline. False while the parser cannot
    yet read the tables (then the hand-made rows below are used)."""
    if os.environ.get("NIANBAO_TEST_DB") == "hand":
        return False
    try:
        from nianbao.store import ingest_paths
    except ImportError:
        return False
    ingest_paths([str(p) for p in REAL_FILES], url=url, progress=False)
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            received = s.scalar(
                select(Fact.value)
                .join(Report)
                .where(
                    Report.year == 2023,
                    Report.issuer_key == PINGTAN,
                    Fact.metric == "requests.received",
                    Fact.applicant == "total",
                )
            )
    finally:
        engine.dispose()
    return received == 81


@cache
def build_db() -> str:
    """Create the test database once per process; returns its SQLAlchemy URL.

    Real ingestion first; a bundled report the parser cannot read yet (e.g. a
    legacy table while that parser is being written) is added from the
    hand-copied rows below, so every test has its data either way.
    """
    folder = Path(tempfile.mkdtemp(prefix="nianbao-dash-"))
    url = f"sqlite:///{folder / 'dashboard.db'}"
    if not _real_ingest(url):
        url = f"sqlite:///{folder / 'dashboard-hand.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        stored = {Path(src).name for src in s.scalars(select(Report.source))}
    _insert_by_hand(engine, skip=stored)
    engine.dispose()
    return url


def mode() -> str:
    """'real', 'hybrid' (some reports hand-copied) or 'hand'."""
    engine = create_engine(build_db())
    with Session(engine) as s:
        sources = s.scalars(select(Report.source)).all()
    engine.dispose()
    hand = sum(src.startswith("hand:") for src in sources)
    return "real" if not hand else ("hand" if hand == len(sources) else "hybrid")


# ------------------------------------------------------------------ by hand

_APPS = ("natural_person", "commercial", "research", "social_org", "legal_services", "other_org")

_GOV_ROWS = (
    "requests.received",
    "requests.carried_over",
    "requests.disclosed",
    "requests.partially_disclosed",
    "requests.withheld.state_secret",
    "requests.withheld.prohibited_by_law",
    "requests.withheld.security_stability",
    "requests.withheld.third_party",
    "requests.withheld.internal_affairs",
    "requests.withheld.deliberative",
    "requests.withheld.enforcement_file",
    "requests.withheld.query_service",
    "requests.unavailable.not_held",
    "requests.unavailable.needs_creation",
    "requests.unavailable.still_unclear",
    "requests.not_processed.petition",
    "requests.not_processed.repeated",
    "requests.not_processed.publication",
    "requests.not_processed.excessive",
    "requests.not_processed.confirmation",
    "requests.other_handling.no_correction",
    "requests.other_handling.unpaid_fee",
    "requests.other_handling.other",
    "requests.closed",
    "requests.carried_forward",
)
_C_ROWS = tuple(
    f"{p}.{k}"
    for p in ("review", "litigation.direct", "litigation.after_review")
    for k in ("upheld", "corrected", "other", "pending", "total")
)


def _gov(totals: dict[str, float], received: dict[str, float], c: tuple[float, ...] | None):
    """Table B 总计 column (0 where not given, as the reports print 0), the
    本年新收 row by applicant, and Table C if given."""
    facts = [
        Fact(
            metric=m,
            applicant="total",
            value=totals.get(m, 0),
            raw=str(int(totals.get(m, 0))),
            unit="件",
            source="table",
        )
        for m in _GOV_ROWS
    ]
    facts += [
        Fact(
            metric="requests.received",
            applicant=a,
            value=received.get(a, 0),
            raw=str(received.get(a, 0)),
            unit="件",
            source="table",
        )
        for a in _APPS
    ]
    if c is not None:
        facts += [
            Fact(metric=m, applicant=None, value=v, raw=str(int(v)), unit="件", source="table")
            for m, v in zip(_C_ROWS, c, strict=True)
        ]
    return facts


def _legacy(values: dict[str, float | None], units: dict[str, str] | None = None):
    units = units or {}
    return [
        Fact(
            metric=m,
            applicant=None,
            value=v,
            raw="" if v is None else f"{v:g}",
            unit=units.get(m, "件"),
            source="table",
        )
        for m, v in values.items()
    ]


def _region(s: Session, chain: tuple[tuple[str, str], ...]) -> Region:
    """The region at the end of a (name, level) chain, created where missing."""
    parent: Region | None = None
    for name, level in chain:
        found = s.scalars(
            select(Region).where(
                Region.name == name,
                Region.parent_id.is_(None) if parent is None else Region.parent_id == parent.id,
            )
        ).first()
        if found is None:
            found = Region(name=name, level=level, parent=parent)
            s.add(found)
            s.flush()
        parent = found
    assert parent is not None
    return parent


def _insert_by_hand(engine, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """The bundled reports' figures, copied by hand; files in ``skip`` are stored already."""
    with Session(engine) as s:
        pt = _region(s, (("福建省", "province"), ("福州市", "prefecture"), (PINGTAN, "county")))
        cy = _region(s, (("吉林省", "province"), ("长春市", "prefecture"), (SEED_REGION, "county")))

        def report(
            file: str,
            issuer: str,
            scope: str,
            region: Region,
            year: int,
            fmt: str,
            facts: list[Fact],
            checks: tuple[tuple[str, str, str], ...] = (),
        ) -> None:
            if Path(file).name in skip:
                return
            text = (REPORTS / file).read_text(encoding="utf-8")
            r = Report(
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                issuer=issuer,
                issuer_key=issuer,
                scope=scope,
                region=region,
                year=year,
                format=fmt,
                title=f"{issuer}{year}年政府信息公开工作年度报告",
                published=None,
                source=f"hand:{file}",
                media_type="txt",
                parser_version="hand",
                full_text=text,
                facts=facts,
                checks=[CheckResult(rule=a, status=b, detail=c) for a, b, c in checks],
                ingested_at=dt.datetime(2026, 1, 1),
            )
            s.add(r)

        # pingtan/2023-main-017.txt: Table B, Table C 1 1 0 0 2 | 4 0 0 1 5 | 1 0 1 0 2
        report(
            "pingtan/2023-main-017.txt",
            PINGTAN,
            "government",
            pt,
            2023,
            "gov2021",
            _gov(
                {
                    "requests.received": 81,
                    "requests.disclosed": 22,
                    "requests.partially_disclosed": 20,
                    "requests.withheld.third_party": 1,
                    "requests.withheld.deliberative": 1,
                    "requests.withheld.enforcement_file": 1,
                    "requests.withheld.query_service": 2,
                    "requests.unavailable.not_held": 31,
                    "requests.not_processed.repeated": 1,
                    "requests.other_handling.no_correction": 1,
                    "requests.other_handling.other": 1,
                    "requests.closed": 81,
                },
                {"natural_person": 80, "commercial": 1},
                (1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2),
            ),
            (("B1", "pass", "81 + 0 = 81 + 0"),),
        )
        # pingtan/2024-main-018.txt: Table B (Table C is run together ambiguously; left out)
        report(
            "pingtan/2024-main-018.txt",
            PINGTAN,
            "government",
            pt,
            2024,
            "gov2021",
            _gov(
                {
                    "requests.received": 218,
                    "requests.disclosed": 71,
                    "requests.partially_disclosed": 29,
                    "requests.withheld.state_secret": 4,
                    "requests.withheld.third_party": 3,
                    "requests.withheld.internal_affairs": 32,
                    "requests.unavailable.not_held": 75,
                    "requests.not_processed.repeated": 1,
                    "requests.other_handling.no_correction": 1,
                    "requests.other_handling.other": 2,
                    "requests.closed": 218,
                },
                {"natural_person": 217, "commercial": 1},
                None,
            ),
        )
        # pingtan/2018-main-013.txt: the Fujian legacy 统计表 (2018年度 column)
        report(
            "pingtan/2018-main-013.txt",
            PINGTAN,
            "government",
            pt,
            2018,
            "legacy",
            _legacy(
                {
                    "legacy.proactive.total": 2069,
                    "legacy.proactive.via_website": 2069,
                    "legacy.proactive.via_gazette": 0,
                    "legacy.requests.received": 0,
                    "legacy.requests.in_person": 0,
                    "legacy.requests.online": 0,
                    "legacy.requests.by_letter_or_fax": 0,
                    "legacy.requests.answered": 0,
                    "legacy.answers.disclosed": 0,
                    "legacy.answers.partially_disclosed": 0,
                    "legacy.answers.withheld": 0,
                    "legacy.answers.other": 0,
                    "legacy.litigation_and_complaints": 0,
                    "legacy.review.total": 0,
                    "legacy.litigation.total": 0,
                },
                {
                    "legacy.proactive.total": "条",
                    "legacy.proactive.via_website": "条",
                    "legacy.proactive.via_gazette": "条",
                },
            ),
        )
        # pingtan/2022-jjf-056.txt and 2023-jjf-057.txt (2023: 新收 3 but 总计 0: B1 fails)
        report(
            "pingtan/2022-jjf-056.txt",
            JJF,
            "department",
            pt,
            2022,
            "gov2021",
            _gov(
                {"requests.received": 3, "requests.partially_disclosed": 3, "requests.closed": 3},
                {"natural_person": 3},
                (0,) * 15,
            ),
            (("B1", "pass", "3 + 0 = 3 + 0"),),
        )
        report(
            "pingtan/2023-jjf-057.txt",
            JJF,
            "department",
            pt,
            2023,
            "gov2021",
            _gov({"requests.received": 3}, {"natural_person": 3}, (0,) * 15),
            (("B1", "fail", "3 + 0 ≠ 0 + 0"),),
        )
        # seed: 长春市朝阳区 2016, legacy 附表 with blank cells (value None, raw '')
        report(
            "seed/000_082f890431297067.txt",
            "长春市朝阳区人民政府",
            "government",
            cy,
            2016,
            "legacy",
            _legacy(
                {
                    "legacy.proactive.total": 3649,
                    "legacy.requests.received": 2,
                    "legacy.requests.in_person": 0,
                    "legacy.requests.by_fax": 0,
                    "legacy.requests.online": 1,
                    "legacy.requests.by_letter": 1,
                    "legacy.requests.completed": 2,
                    "legacy.requests.on_time": 2,
                    "legacy.requests.extended": None,
                    "legacy.requests.answered": 2,
                    "legacy.answers.already_public": None,
                    "legacy.answers.disclosed": 2,
                    "legacy.answers.partially_disclosed": None,
                    "legacy.answers.withheld": None,
                    "legacy.answers.not_this_agency": None,
                    "legacy.answers.not_exist": None,
                    "legacy.review.total": 0,
                    "legacy.review.corrected": None,
                    "legacy.litigation.total": 0,
                    "legacy.litigation.corrected": None,
                    "legacy.staff.total": 65,
                    "legacy.staff.full_time": 0,
                    "legacy.staff.part_time": 65,
                    "legacy.funding": 5,
                    "legacy.fees": 0,
                },
                {
                    "legacy.proactive.total": "条",
                    "legacy.staff.total": "人",
                    "legacy.staff.full_time": "人",
                    "legacy.staff.part_time": "人",
                    "legacy.funding": "万元",
                    "legacy.fees": "万元",
                },
            ),
        )
        s.commit()
