"""nianbao.store on SQLite and on a real PostgreSQL server.

The reports are built by hand with numbers copied from real files in
data/reports, so storage is pinned independently of the parser:
- 长春市朝阳区 2016 (seed/000_082f890431297067.txt, legacy 统计表);
- 平潭综合实验区苏平片区管理局 2019 (pingtan/2019-spp-129.txt, gov2019:
  政府集中采购 2 项, 45.82万元);
- 平潭综合实验区 2019 (pingtan/2019-main-001.txt, gov2019: 23 requests).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.errors import LoaderError
from loaders.metadata import Overrides
from loaders.model import CheckResult, Fact, ParsedReport, Region, Section
from nianbao import models as m
from nianbao.db import database_url, get_engine, init_db
from nianbao.store import (
    SaveFailed,
    expand_paths,
    internal_error,
    issuer_key,
    overrides_for,
    save_report,
    store_one,
)

pytestmark = pytest.mark.usefixtures("no_database_url")

CHAOYANG_2016 = ParsedReport(
    source="data/reports/seed/000_082f890431297067.txt",
    media_type="text",
    content_hash="a" * 64,
    title="长春市朝阳区2016年政府信息公开工作年度报告",
    issuer="长春市朝阳区人民政府",
    scope="government",
    region=Region(province="吉林省", city="长春市", county="朝阳区", code="220104"),
    year=2016,
    format="legacy",
    published=None,
    facts=(
        Fact("legacy.proactive.total", None, 3649, "3649", "条", location="统计表 一、(一)"),
        Fact("legacy.proactive.via_wechat", None, 10, "10", "条"),
        Fact("legacy.requests.received", None, 2, "2", "件"),
        Fact("legacy.requests.extended", None, None, "", "件"),  # the blank cell
        Fact("legacy.funding", None, 5, "5", "万元"),
        Fact(
            "legacy.requests.received",
            None,
            2,
            "2件",
            "件",
            source="text",
            evidence="2016年朝阳区政府共收到政府信息公开申请2件。",
        ),
    ),
    sections=(
        Section("一", "概述", "2016年我区政府信息公开工作,依据……", 0),
        Section("二", "主动公开政府信息情况", "区政府对政府信息进行了梳理和编目……", 1),
        Section("八", "附表", "政府信息公开情况统计表(样表)", 2),
    ),
    warnings=("row label '(二)被依法纠错九' matched to legacy.litigation.corrected",),
    full_text="一、概述\n2016年我区政府信息公开工作……",
)
CHAOYANG_CHECKS = (CheckResult("P1", "pass", "2 = 0 + 0 + 1 + 1"),)

SUPING_2019 = ParsedReport(
    source="data/reports/pingtan/2019-spp-129.txt",
    media_type="text",
    content_hash="b" * 64,
    title="平潭综合实验区苏平片区管理局2019年政府信息公开工作年度报告",
    issuer="平潭综合实验区苏平片区管理局",
    scope="department",
    region=Region(province="福建省", city="福州市", county="平潭综合实验区", code="350128"),
    year=2019,
    format="gov2019",
    published=dt.date(2020, 1, 16),
    facts=(
        Fact("proactive.procurement.projects", None, 2, "2", "项"),
        Fact("proactive.procurement.amount", None, 45.82, "45.82万元", "万元"),
    ),
    sections=(Section("一", "总体情况", "2019年……", 0),),
    warnings=(),
    full_text="平潭综合实验区苏平片区管理局2019年政府信息公开工作年度报告……",
)

PINGTAN_2019 = ParsedReport(
    source="data/reports/pingtan/2019-main-001.txt",
    media_type="text",
    content_hash="c" * 64,
    title="平潭综合实验区2019年度政府信息公开工作年度报告",
    issuer="平潭综合实验区",
    scope="government",
    region=Region(province="福建省", city="福州市", county="平潭综合实验区", code="350128"),
    year=2019,
    format="gov2019",
    published=dt.date(2020, 1, 20),
    facts=(
        Fact("requests.received", "natural_person", 23, "23", "件"),
        Fact("requests.received", "total", 23, "23", "件"),
        Fact("requests.disclosed", "natural_person", 7, "7", "件"),
    ),
    sections=(Section("一", "总体情况", "2019年，在省政府办公厅……", 0),),
    warnings=(),
    full_text="平潭综合实验区2019年政府信息公开工作年度报告……",
)


@pytest.fixture
def engine(db_url: str):
    engine = get_engine(db_url)
    init_db(engine)
    return engine


def _save(engine, report, checks=None, original=None):
    with Session(engine) as s, s.begin():
        return save_report(s, report, checks, original)


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_database_url_order_and_postgres_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url().startswith("sqlite:///") and database_url().endswith("data/nianbao.db")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:pw@db.example/nianbao")
    assert database_url() == "postgresql+psycopg://u:pw@db.example/nianbao"
    assert database_url("postgresql://u@h/x") == "postgresql+psycopg://u@h/x"
    assert database_url("sqlite:///tmp/x.db") == "sqlite:///tmp/x.db"


def test_engine_is_created_once_per_url(sqlite_url: str) -> None:
    assert get_engine(sqlite_url) is get_engine(sqlite_url)


def test_sqlite_connection_settings(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_save_and_read_back(engine) -> None:
    outcome = _save(engine, CHAOYANG_2016, CHAOYANG_CHECKS, b"original bytes")
    assert (outcome.status, outcome.version) == ("new", 1)
    with Session(engine) as s:
        r = s.get(m.Report, outcome.report_id)
        assert r is not None
        # The issuer as written; the key without the government's wording
        # (nianbao/issuers.py), so 长春市朝阳区 and …人民政府 are one body.
        assert (r.title, r.issuer, r.issuer_key) == (
            "长春市朝阳区2016年政府信息公开工作年度报告",
            "长春市朝阳区人民政府",
            "长春市朝阳区",
        )
        assert (r.scope, r.year, r.format, r.published) == ("government", 2016, "legacy", None)
        assert (r.version, r.is_current, r.content_hash) == (1, True, "a" * 64)
        assert r.original == b"original bytes"
        assert r.media_type == "text" and r.parser_version
        assert r.warnings == CHAOYANG_2016.warnings[0]
        assert [(x.number, x.title, x.order) for x in r.sections] == [
            ("一", "概述", 0),
            ("二", "主动公开政府信息情况", 1),
            ("八", "附表", 2),
        ]
        facts = {(f.metric, f.source): f for f in r.facts}
        assert len(r.facts) == 6
        assert facts["legacy.proactive.total", "table"].value == 3649
        assert facts["legacy.proactive.total", "table"].location == "统计表 一、(一)"
        blank = facts["legacy.requests.extended", "table"]
        assert (blank.value, blank.raw) == (None, "")  # NULL, not 0
        text = facts["legacy.requests.received", "text"]
        assert text.evidence == "2016年朝阳区政府共收到政府信息公开申请2件。"
        assert facts["legacy.requests.received", "table"].evidence is None
        assert [(c.rule, c.status, c.detail) for c in r.checks] == [
            ("P1", "pass", "2 = 0 + 0 + 1 + 1")
        ]
        # The blank is NULL in SQL too, so aggregates can count what is missing.
        assert s.scalar(select(func.count()).where(m.Fact.value.is_(None))) == 1
        # Region chain with codes derived from the county's.
        county = r.region
        assert county is not None
        chain = []
        node = county
        while node is not None:
            chain.append((node.name, node.level, node.code))
            node = node.parent
        assert chain == [
            ("朝阳区", "county", "220104"),
            ("长春市", "prefecture", "220100"),
            ("吉林省", "province", "220000"),
        ]


def test_money_keeps_decimals_and_checks_default_to_the_report(engine) -> None:
    report = dataclasses.replace(
        SUPING_2019, checks=(CheckResult("B1", "uncertain", "no Table B", subject="total"),)
    )
    outcome = _save(engine, report)
    with Session(engine) as s:
        amount = s.scalar(
            select(m.Fact.value).where(
                m.Fact.report_id == outcome.report_id,
                m.Fact.metric == "proactive.procurement.amount",
            )
        )
        assert amount == 45.82
        check = s.scalars(select(m.CheckResult)).one()
        assert (check.rule, check.status, check.subject) == ("B1", "uncertain", "total")
        assert s.get(m.Report, outcome.report_id).published == dt.date(2020, 1, 16)


def test_regions_are_shared_between_reports(engine) -> None:
    _save(engine, SUPING_2019)
    _save(engine, PINGTAN_2019)
    with Session(engine) as s:
        rows = s.execute(select(m.Region.name, m.Region.level, m.Region.code)).all()
        assert sorted(rows) == sorted(
            [
                ("福建省", "province", "350000"),
                ("福州市", "prefecture", "350100"),
                ("平潭综合实验区", "county", "350128"),
            ]
        )
        region_ids = set(s.scalars(select(m.Report.region_id)))
        assert len(region_ids) == 1


def test_report_without_region_has_no_region_row(engine) -> None:
    report = dataclasses.replace(PINGTAN_2019, region=Region(), content_hash="d" * 64)
    outcome = _save(engine, report)
    with Session(engine) as s:
        assert s.get(m.Report, outcome.report_id).region_id is None
    assert _count(engine, m.Region) == 0


def test_duplicate_hash_writes_nothing(engine) -> None:
    first = _save(engine, CHAOYANG_2016, CHAOYANG_CHECKS)
    counts = [_count(engine, t) for t in (m.Report, m.Section, m.Fact, m.CheckResult, m.Region)]
    # Same bytes again, even under another name and with other metadata.
    again = dataclasses.replace(CHAOYANG_2016, source="copy.txt", year=2017)
    second = _save(engine, again, CHAOYANG_CHECKS)
    assert (second.status, second.report_id, second.version) == ("duplicate", first.report_id, 1)
    assert counts == [
        _count(engine, t) for t in (m.Report, m.Section, m.Fact, m.CheckResult, m.Region)
    ]
    assert counts == [1, 3, 6, 1, 3]


def test_republication_becomes_the_current_version(engine) -> None:
    v1 = _save(engine, SUPING_2019)
    # The corrected re-publication: other bytes; the issuer written with a space
    # and full-width letters still groups with the first one.
    corrected = dataclasses.replace(
        SUPING_2019, content_hash="e" * 64, issuer="平潭综合实验区 苏平片区管理局"
    )
    v2 = _save(engine, corrected)
    assert (v2.status, v2.version) == ("version", 2)
    v3 = _save(engine, dataclasses.replace(SUPING_2019, content_hash="f" * 64))
    assert (v3.status, v3.version) == ("version", 3)
    other_year = _save(engine, dataclasses.replace(SUPING_2019, content_hash="0" * 64, year=2020))
    assert (other_year.status, other_year.version) == ("new", 1)
    with Session(engine) as s:
        rows = s.execute(
            select(m.Report.id, m.Report.year, m.Report.version, m.Report.is_current).order_by(
                m.Report.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (v1.report_id, 2019, 1, False),
        (v2.report_id, 2019, 2, False),
        (v3.report_id, 2019, 3, True),
        (other_year.report_id, 2020, 1, True),
    ]


def test_issuer_key() -> None:
    assert issuer_key(
        dataclasses.replace(SUPING_2019, issuer="平潭 综合实验区\u3000苏平片区管理局")
    ) == ("平潭综合实验区苏平片区管理局")
    # NFKC: full-width letters and digits become ASCII.
    assert issuer_key(dataclasses.replace(SUPING_2019, issuer="ＡＢＣ区１")) == "ABC区1"
    no_issuer = dataclasses.replace(SUPING_2019, issuer=None)
    assert issuer_key(no_issuer) == "平潭综合实验区苏平片区管理局2019年政府信息公开工作年度报告"
    nothing = dataclasses.replace(SUPING_2019, issuer=None, title=None)
    assert issuer_key(nothing) == "2019-spp-129.txt"


def _bad_check(report: ParsedReport) -> ParsedReport:
    # Written last: the report, its sections, facts and regions are already
    # flushed when the NOT NULL violation hits, so a rollback must undo them.
    return dataclasses.replace(
        report,
        checks=(CheckResult("P1", "pass", "ok"), CheckResult("P2", None, "x")),  # type: ignore[arg-type]
    )


def _too_long_metric(report: ParsedReport) -> ParsedReport:
    return dataclasses.replace(report, facts=(*report.facts, Fact("x" * 81, None, 1, "1", "件")))


BREAKERS = [
    pytest.param(_bad_check, id="null-check-status"),
    pytest.param(_too_long_metric, id="metric-too-long"),
]


@pytest.mark.parametrize("breaker", BREAKERS)
def test_failure_rolls_back_that_report_and_the_batch_goes_on(engine, breaker) -> None:
    if breaker is _too_long_metric and engine.dialect.name == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    # The failing report gets a region of its own (test-only), so we can see
    # that the region rows it created were rolled back with it.
    bad = dataclasses.replace(
        breaker(SUPING_2019), region=Region(province="福建省", city="南平市", code="350700")
    )
    batch = [CHAOYANG_2016, bad, PINGTAN_2019]
    outcomes, failures = [], []
    for report in batch:
        try:
            outcomes.append(store_one(engine, report, label=report.source))
        except SaveFailed as e:
            failures.append(str(e))
    assert [o.status for o in outcomes] == ["new", "new"]
    assert len(failures) == 1
    assert failures[0].startswith("data/reports/pingtan/2019-spp-129.txt：无法保存：")
    assert "\n" not in failures[0]
    with Session(engine) as s:
        assert sorted(s.scalars(select(m.Report.content_hash))) == ["a" * 64, "c" * 64]
        # Nothing of the failed report stayed: no facts, sections or checks of it.
        assert s.scalar(select(func.count()).select_from(m.Fact)) == 6 + 3
        assert s.scalar(select(func.count()).select_from(m.Section)) == 3 + 1
        assert s.scalar(select(func.count()).select_from(m.CheckResult)) == 0
        assert "45.82万元" not in set(s.scalars(select(m.Fact.raw)))
        assert sorted(s.scalars(select(m.Region.name))) == sorted(
            ["吉林省", "长春市", "朝阳区", "福建省", "福州市", "平潭综合实验区"]
        )


def test_expand_paths_walks_folders_and_skips_what_is_not_a_report(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in (
        "a/r1.txt",
        "a/r2.PDF",
        "r3.docx",
        "r4.htm",
        "r5.html",
        "r6.md",
        "manifest.csv",
        "README.md",
        ".secret.txt",
        ".hidden/r7.txt",
        "notes.csv",
        "r1.txt.meta.json",
    ):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, missing = expand_paths([tmp_path, tmp_path / "nope.txt"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a/r1.txt",
        "a/r2.PDF",
        "r3.docx",
        "r4.htm",
        "r5.html",
        "r6.md",
    ]
    assert missing == [
        (str(tmp_path / "nope.txt"), f"{tmp_path / 'nope.txt'}：找不到文件（请检查路径）")
    ]


def test_overrides_from_sidecar_and_options(tmp_path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("x", encoding="utf-8")
    assert overrides_for(report) is None
    sidecar = tmp_path / "r.txt.meta.json"
    sidecar.write_text(
        json.dumps(
            {
                "issuer": "平潭综合实验区",
                "year": 2019,
                "published": "2020-01-20",
                "scope": "government",
            }
        ),
        encoding="utf-8",
    )
    # Command-line values win over the sidecar; None means "not given".
    assert overrides_for(report, explicit={"year": 2018, "title": None}) == Overrides(
        issuer="平潭综合实验区", year=2018, published=dt.date(2020, 1, 20), scope="government"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"issuer": "x", "yaer": 2019}', "未知的元数据项 'yaer'（可用的项：title、issuer、"),
        ('{"year": "2019年"}', "year 应为四位数年份，而不是 '2019年'（例如 \"year\": 2019）"),
        ('{"published": "2020/01/20"}', "published 应为日期，而不是 '2020/01/20'（例如"),
        (
            '{"scope": "county"}',
            "scope 的值 'county' 无效（可用的值：government、department、township、other）",
        ),
        ("[1]", "元数据文件必须是一个 JSON 对象（请按 {"),
        ("{oops", "元数据文件不是有效的 JSON（第 1 行第 2 列有误）"),
    ],
)
def test_bad_sidecar_is_one_clear_line(tmp_path, content: str, message: str) -> None:
    report = tmp_path / "r.txt"
    sidecar = tmp_path / "r.txt.meta.json"
    sidecar.write_text(content, encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        overrides_for(report)
    assert str(err.value).startswith(f"{sidecar}：{message}")


def test_internal_parser_error_is_one_line() -> None:
    # What ingest and parse print for a parser bug, instead of a traceback.
    assert internal_error(KeyError("B")) == (
        "解析器内部错误：KeyError: 'B'（请把这个文件报告给开发者）"
    )
    assert internal_error(ValueError("bad\n  cell")) == (
        "解析器内部错误：ValueError: bad cell（请把这个文件报告给开发者）"
    )
    assert internal_error(NotImplementedError()) == (
        "解析器内部错误：NotImplementedError（请把这个文件报告给开发者）"
    )
