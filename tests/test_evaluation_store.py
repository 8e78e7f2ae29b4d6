"""Evaluation results stored per report, from real reports ingested by the real pipeline."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from nianbao.db import get_engine
from nianbao.evaluation_store import (
    RULES_VERSION,
    evaluate_reports,
    evaluate_stale,
    is_stale,
    load_reports,
    rules_version,
    run_evaluation,
)
from nianbao.models_eval import EvaluationResult, EvaluationRun
from tests.eval_db import REPORTS, build_db, ingest, report_id


@pytest.fixture(scope="module")
def engine() -> Engine:
    return get_engine(build_db())


def _results(engine: Engine, name: str, status: str | None = None) -> list[EvaluationResult]:
    rid = report_id(engine, name)
    stmt = select(EvaluationResult).where(EvaluationResult.report_id == rid)
    if status:
        stmt = stmt.where(EvaluationResult.status == status)
    with Session(engine) as s:
        rows = list(s.scalars(stmt.order_by(EvaluationResult.id)))
        s.expunge_all()
    return rows


def test_rules_version_is_a_hash_of_the_evaluate_package() -> None:
    assert len(RULES_VERSION) == 16
    assert rules_version() == RULES_VERSION


def test_jjf_2023_text_says_0_applications_while_the_table_shows_3(engine: Engine) -> None:
    fails = _results(engine, "2023-jjf-057.txt", "fail")
    t1 = [r for r in fails if r.rule == "T1"]
    assert len(t1) == 1
    assert t1[0].subject == "收到申请"
    assert "正文：收到申请 0" in t1[0].detail
    assert "「2023年，共收到政府信息公开申请0条。」" in t1[0].detail
    assert "一、本年新收政府信息公开申请数量 3" in t1[0].detail
    assert t1[0].rules_version == RULES_VERSION


def test_gyz_2025_published_late(engine: Engine) -> None:
    (d1,) = [r for r in _results(engine, "2025-gyz-045.txt") if r.rule == "D1"]
    assert d1.status == "fail"
    assert "发布于 2026-04-17，比期限 2026-01-31 晚 76 天" in d1.detail


def test_gwh_2016_copies_2015(engine: Engine) -> None:
    o1 = [r for r in _results(engine, "2016-gwh-160.txt") if r.rule == "O1"]
    assert [(r.status, r.subject) for r in o1] == [("fail", "与2015年对比")]
    assert "「2015年未收到有关政府信息公开申请。」" in o1[0].detail


def test_a_clean_report_has_nothing_but_passes(engine: Engine) -> None:
    rows = _results(engine, "2024-gwh-037.txt")
    assert {r.status for r in rows} == {"pass"}
    assert {r.rule for r in rows} == {"D1", "F1", "F2", "S1", "T1", "X1", "A1", "O1", "O2", "V1"}


def test_every_current_report_has_results_and_the_run_is_recorded(engine: Engine) -> None:
    with engine.connect() as conn:
        n_reports = conn.scalar(select(func.count(func.distinct(EvaluationResult.report_id))))
        run = conn.execute(select(EvaluationRun)).one()
    assert n_reports == len(load_reports(engine)) == 207
    assert run.scope == "all" and run.n_reports == 207 and run.rules_version == RULES_VERSION
    assert not is_stale(engine)


def test_stored_reports_rebuild_what_the_parser_extracted(engine: Engine) -> None:
    rid = report_id(engine, "2023-jjf-057.txt")
    (stored,) = load_reports(engine, [rid])
    r = stored.report
    assert r.year == 2023 and r.format == "gov2021" and r.scope == "department"
    assert r.region.province == "福建省" and r.region.city == "福州市"
    assert r.region.county == "平潭综合实验区" and r.region.code == "350128"
    received = [f for f in r.facts if f.metric == "requests.received" and f.applicant == "total"]
    assert [f.value for f in received if f.source == "table"] == [3.0]
    assert [s.number for s in r.sections] == ["", "一", "二", "三", "四", "五", "六"]


def _small_db(url: str) -> Engine:
    files = [REPORTS / "pingtan" / n for n in ("2022-jjf-056.txt", "2023-jjf-057.txt")]
    ingest(files, url)
    return get_engine(url)


def test_a_rule_change_replaces_the_results(sqlite_url: str) -> None:
    engine = _small_db(sqlite_url)
    first = evaluate_stale(engine)
    assert not first.skipped and first.n_reports == 2
    assert evaluate_stale(engine).skipped
    assert is_stale(engine, version="changed-rules")
    again = evaluate_stale(engine, version="changed-rules")
    assert not again.skipped and again.n_results == first.n_results
    with engine.connect() as conn:
        versions = set(conn.scalars(select(EvaluationResult.rules_version)))
        total = conn.scalar(select(func.count()).select_from(EvaluationResult))
    assert versions == {"changed-rules"}  # replaced, not added to
    assert total == first.n_results


def test_a_new_report_makes_the_results_stale(sqlite_url: str) -> None:
    engine = _small_db(sqlite_url)
    evaluate_stale(engine)
    ingest([REPORTS / "pingtan" / "2024-jjf-058.txt"], sqlite_url)
    assert is_stale(engine)
    summary = run_evaluation(sqlite_url)
    assert summary.n_reports == 3
    x1 = [r for r in _results(engine, "2024-jjf-058.txt") if r.rule == "X1"]
    assert [r.subject for r in x1] == ["2023→2024"]


def test_a_subset_is_evaluated_with_its_context(sqlite_url: str) -> None:
    engine = _small_db(sqlite_url)
    rid = report_id(engine, "2023-jjf-057.txt")
    summary = evaluate_reports(engine, [rid])
    assert summary.n_reports == 1
    rows = _results(engine, "2023-jjf-057.txt")
    # The cross-year rules saw the 2022 report although only 2023 was asked for.
    assert [r.subject for r in rows if r.rule == "X1"] == ["2022→2023"]
    assert _results(engine, "2022-jjf-056.txt") == []


@pytest.mark.postgres
def test_storage_on_postgresql(pg_url: str) -> None:
    engine = _small_db(pg_url)
    summary = run_evaluation(pg_url, only_stale=False)
    assert summary.n_reports == 2
    t1 = [r for r in _results(engine, "2023-jjf-057.txt", "fail") if r.rule == "T1"]
    assert len(t1) == 1 and "一、本年新收政府信息公开申请数量 3" in t1[0].detail
    assert evaluate_stale(engine).skipped
