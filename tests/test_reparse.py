"""nianbao reparse on SQLite and PostgreSQL, with real bundled reports.

A database built by an older parser is simulated on reports stored by the
real pipeline: parser_version set back to 0.1.0, a warning and a check
detail replaced by English ones (what 0.1.0 wrote), a fact deleted (with the
rollup rebuilt, as it was consistent in that database). Re-parsing must
bring back the parser's Chinese lines and the real figure, keep the rollup
equal to a rebuild, and leave ids, versions and is_current alone.

Figures, from the files:
- pingtan/2019-main-001.txt (gov2019): 收到申请 总计 23;
- pingtan/2011-jjf-208.txt: the 统计表 breaks off after “3、电子邮件申请数”;
- other/2024-001.txt (淮安市 2024, version 1) and
  other/2024-huaian-szfgs2024.pdf (its re-publication, version 2, current).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from loaders.parse import PARSER_VERSION
from nianbao import cli, rollup
from nianbao.db import get_engine
from nianbao.models import CheckResult, Fact, Report, Section
from nianbao.reparse import has_outdated, reparse
from nianbao.search import search
from nianbao.store import ingest_paths
from tests.test_rollup import _kept_and_rebuilt

pytestmark = pytest.mark.usefixtures("no_database_url")

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
MAIN_2019 = REPORTS / "pingtan" / "2019-main-001.txt"
JJF_2011 = REPORTS / "pingtan" / "2011-jjf-208.txt"
HUAIAN_V1 = REPORTS / "other" / "2024-001.txt"
HUAIAN_V2 = REPORTS / "other" / "2024-huaian-szfgs2024.pdf"
SHANGHAI_HTML = REPORTS / "other" / "2019-002.html"
FILES = (MAIN_2019, JJF_2011, HUAIAN_V1, HUAIAN_V2, SHANGHAI_HTML)

BROKEN_TABLE = "统计表在“3、电子邮件申请数”之后中断"
ENGLISH = "the statistics table breaks off after row 3 (old parser)"


def _id(session: Session, file: Path) -> int:
    return session.scalars(select(Report.id).where(Report.source == str(file))).one()


def _received_total(session: Session, rid: int) -> list[float | None]:
    return list(
        session.scalars(
            select(Fact.value).where(
                Fact.report_id == rid,
                Fact.metric == "requests.received",
                Fact.applicant == "total",
            )
        )
    )


def _old_database(url: str) -> dict[str, int]:
    """The five reports as an older parser left them; their ids by name."""
    summary = ingest_paths(FILES, url=url, progress=False, workers=1)
    assert (summary.parsed, summary.failed, summary.new_versions) == (5, 0, 1)
    engine = get_engine(url)
    with Session(engine) as s, s.begin():
        ids = {f.name: _id(s, f) for f in FILES}
        assert _received_total(s, ids[MAIN_2019.name]) == [23]
        s.execute(update(Report).values(parser_version="0.1.0"))
        jjf = ids[JJF_2011.name]
        s.execute(update(Report).where(Report.id == jjf).values(warnings=ENGLISH))
        s.execute(update(CheckResult).where(CheckResult.report_id == jjf).values(detail=ENGLISH))
        s.execute(update(Section).where(Section.report_id == jjf).values(text=ENGLISH))
        # The old PDF reader found no table in the re-publication.
        s.execute(update(Report).where(Report.id == ids[HUAIAN_V2.name]).values(format="narrative"))
        s.execute(
            delete(Fact).where(
                Fact.report_id == ids[MAIN_2019.name],
                Fact.metric == "requests.received",
                Fact.applicant == "total",
            )
        )
        # That database's rollup agreed with its facts.
        rollup.rebuild(s.connection())
    return ids


def test_reparse_restores_what_the_current_parser_reads(db_url: str) -> None:
    ids = _old_database(db_url)
    engine = get_engine(db_url)
    with Session(engine) as s:
        search(engine, "电子邮件")  # creates the search index while the text is English
        before = {
            r.id: (r.content_hash, r.version, r.is_current, r.issuer_key, r.year)
            for r in s.scalars(select(Report))
        }
    assert has_outdated(engine)
    assert ids[JJF_2011.name] not in set(search(engine, "电子邮件申请").table["report_id"])

    dry = reparse(db_url, dry_run=True, progress=False, workers=1)  # parsed inline
    assert (dry.selected, dry.reparsed, dry.failures) == (5, 5, [])
    with Session(engine) as s:  # nothing written
        assert s.scalar(select(Report.warnings).where(Report.id == ids[JJF_2011.name])) == ENGLISH

    summary = reparse(db_url, progress=False)
    assert (summary.selected, summary.reparsed, summary.failures) == (5, 5, [])
    assert summary.lines()[0] == (
        f"需重新解析 5 份报告，已重新解析 5 份，失败 0 份（当前解析器版本 {PARSER_VERSION}）"
    )
    with Session(engine) as s:
        jjf = s.get(Report, ids[JJF_2011.name])
        assert jjf is not None
        assert BROKEN_TABLE in jjf.warnings and ENGLISH not in jjf.warnings
        details = s.scalars(select(CheckResult.detail).where(CheckResult.report_id == jjf.id)).all()
        assert details and ENGLISH not in details
        assert _received_total(s, ids[MAIN_2019.name]) == [23]
        assert set(s.scalars(select(Report.parser_version))) == {PARSER_VERSION}
        assert s.scalar(select(Report.format).where(Report.id == ids[HUAIAN_V2.name])) == (
            "gov2021"
        )
        after = {
            r.id: (r.content_hash, r.version, r.is_current, r.issuer_key, r.year)
            for r in s.scalars(select(Report))
        }
    assert after == before
    assert (after[ids[HUAIAN_V1.name]][1:3], after[ids[HUAIAN_V2.name]][1:3]) == (
        (1, False),
        (2, True),
    )
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt
    assert not has_outdated(engine)
    # The search index follows the replaced sections.
    found = search(engine, "电子邮件申请").table
    assert ids[JJF_2011.name] in set(found["report_id"])
    # Nothing left to do; --all re-parses everything again, same result.
    assert reparse(db_url, progress=False).selected == 0
    again = reparse(db_url, everything=True, progress=False)
    assert (again.selected, again.reparsed) == (5, 5)
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt


def test_a_corrupt_original_keeps_its_rows_and_is_reported(db_url: str) -> None:
    ids = _old_database(db_url)
    engine = get_engine(db_url)
    bad = ids[SHANGHAI_HTML.name]
    with Session(engine) as s, s.begin():
        s.execute(update(Report).where(Report.id == bad).values(original=b"\x00\x01 not a report"))
        s.execute(update(Report).where(Report.id == ids[HUAIAN_V1.name]).values(original=None))
    with Session(engine) as s:
        facts_before = len(s.scalars(select(Fact.id).where(Fact.report_id == bad)).all())
        warnings_before = s.scalar(select(Report.warnings).where(Report.id == bad))
    assert facts_before > 0

    summary = reparse(db_url, progress=False)
    assert (summary.selected, summary.reparsed, summary.no_original) == (4, 3, 1)
    [html_line] = summary.failures
    assert html_line.startswith(f"{SHANGHAI_HTML}：")
    assert html_line.endswith(f"（报告 {bad} 保留原有数据）")
    assert summary.lines()[-2:] == [
        "另有 1 份报告没有保存原始文件，无法重新解析，保留原有数据"
        "（如需更新，请用 nianbao ingest 重新导入原文件）",
        "评估结果不会自动更新：如已运行过评估，请再运行 nianbao evaluate --all",
    ]
    assert all("\n" not in line for line in summary.lines())
    with Session(engine) as s:
        assert len(s.scalars(select(Fact.id).where(Fact.report_id == bad)).all()) == facts_before
        row = s.get(Report, bad)
        assert row is not None
        assert (row.parser_version, row.warnings) == ("0.1.0", warnings_before)
        assert _received_total(s, ids[MAIN_2019.name]) == [23]
    kept, rebuilt = _kept_and_rebuilt(engine)
    assert kept == rebuilt
    assert has_outdated(engine)  # the corrupt one (without its original: no hint)
    with Session(engine) as s, s.begin():
        s.execute(update(Report).where(Report.id == bad).values(original=None))
    assert not has_outdated(engine)


def test_init_and_the_command_say_when_reports_are_outdated(capsys, sqlite_url: str) -> None:
    _old_database(sqlite_url)
    assert cli.main(["init", "--db", sqlite_url, "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == cli.OUTDATED_HINT
    assert cli.main(["reparse", "--db", sqlite_url, "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("需重新解析 5 份报告，已重新解析 5 份，失败 0 份")
    assert cli.main(["init", "--db", sqlite_url, "--no-progress"]) == 0
    assert cli.OUTDATED_HINT not in capsys.readouterr().out


def test_metadata_given_at_import_is_kept(sqlite_url: str, tmp_path: Path) -> None:
    # Imported with a sidecar naming the issuer and year differently from the
    # text (平潭综合实验区, 2019); the sidecar is gone when the report is
    # re-parsed: the stored values stay (a new year would move the report to
    # another version chain).
    copy = tmp_path / "r.txt"
    copy.write_bytes(MAIN_2019.read_bytes())
    sidecar = tmp_path / "r.txt.meta.json"
    sidecar.write_text('{"issuer": "平潭综合实验区管理委员会", "year": 2018}', encoding="utf-8")
    assert ingest_paths([copy], url=sqlite_url, progress=False).failed == 0
    engine = get_engine(sqlite_url)
    with Session(engine) as s, s.begin():
        s.execute(update(Report).values(parser_version="0.1.0"))
        before = s.execute(select(Report.issuer, Report.issuer_key, Report.year)).one()
    assert tuple(before) == ("平潭综合实验区管理委员会", "平潭综合实验区", 2018)

    sidecar.unlink()
    summary = reparse(sqlite_url, progress=False)
    assert (summary.reparsed, summary.failures) == (1, [])
    assert summary.kept_metadata == [
        f"{copy}：新解析器读出的元数据不同"
        "（发布机关 平潭综合实验区管理委员会→平潭综合实验区；年度 2018→2019），"
        "保留了原有值（如需更改，请修正元数据后重新导入该文件）"
    ]
    with Session(engine) as s:
        after = s.execute(select(Report.issuer, Report.issuer_key, Report.year)).one()
        rid = s.scalars(select(Report.id)).one()
        assert _received_total(s, rid) == [23]
    assert after == before
    # The sidecar back in place: it is applied as at import, nothing to say.
    sidecar.write_text('{"issuer": "平潭综合实验区管理委员会", "year": 2018}', encoding="utf-8")
    again = reparse(sqlite_url, everything=True, progress=False)
    assert (again.reparsed, again.kept_metadata) == (1, [])


def test_serve_says_it_too_and_does_not_reparse(
    capsys, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_database(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)  # serve sets it: undone after the test
    started: list[str] = []
    monkeypatch.setattr(cli.os, "execv", lambda exe, command: started.append(exe))
    assert cli.main(["serve", "--db", sqlite_url]) == 0
    assert started  # the dashboard would start now
    assert capsys.readouterr().out.splitlines() == [cli.OUTDATED_HINT]
    with Session(get_engine(sqlite_url)) as s:
        assert set(s.scalars(select(Report.parser_version))) == {"0.1.0"}
