"""Full-text search over real reports' sections, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).

Each query's result set is compared with a plain Python scan of the stored
section texts (what a correct search must return), and the top passages are
asserted from the files themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, text

from nianbao.db import forget_engine, get_engine
from nianbao.models import Report, Section
from nianbao.search import SearchFilters, search, snippet_html, snippet_text
from tests.eval_db import REPORTS, ingest

# The 平潭 区 main reports, 经济发展局 and 财政局 over all their years, and 2023–2025
# of every body: enough variety, quick to ingest on PostgreSQL too.
FILES = sorted(
    {
        *REPORTS.glob("pingtan/*-main-*.txt"),
        *REPORTS.glob("pingtan/*-jjf-*.txt"),
        *REPORTS.glob("pingtan/*-czj-*.txt"),
        *REPORTS.glob("pingtan/202[345]-*.txt"),
    }
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'search.db'}"
        drop = None
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database()
        drop = server
    ingest(FILES, url)
    yield get_engine(url)
    forget_engine(url)
    if drop is not None:
        drop.drop_database(url)


def _expected(engine: Engine, words: list[str], **where: object) -> set[tuple[str, str]]:
    """(file name, section number) of every current section containing all the words."""
    s, r = Section.__table__.c, Report.__table__.c
    stmt = select(r.source, r.year, s.number, s.text).join(Report.__table__, r.id == s.report_id)
    stmt = stmt.where(r.is_current.is_(True))
    out = set()
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            if "year" in where and row.year != where["year"]:
                continue
            if "section_number" in where and row.number != where["section_number"]:
                continue
            if all(w.lower() in row.text.lower() for w in words):
                out.add((Path(row.source).name, row.number))
    return out


def _found(engine: Engine, query: str, filters: SearchFilters | None = None):  # type: ignore[no-untyped-def]
    res = search(engine, query, filters or SearchFilters(), limit=10_000)
    with engine.connect() as conn:
        names = dict(conn.execute(select(Report.id, Report.source)).fetchall())
    got = {
        (Path(names[i]).name, n)
        for i, n in zip(res.table["report_id"], res.table["section_number"], strict=True)
    }
    return res, got


@pytest.mark.parametrize(
    "query",
    ["信息处理费", "依申请公开", "政务新媒体", "行政复议", "信息公开申请0条", "政府信息公开工作"],
)
def test_indexed_queries_find_exactly_the_sections_that_contain_them(
    engine: Engine, query: str
) -> None:
    res, got = _found(engine, query)
    expected = _expected(engine, [query])
    assert expected, query  # the corpus has them
    assert got == expected
    assert res.total == len(expected)
    assert res.method == ("fts5" if engine.dialect.name == "sqlite" else "pg_trgm")
    assert res.note == ""
    assert all(f"【{query}】" in s for s in res.table["snippet"])


def test_a_two_character_query_scans_and_says_so(engine: Engine) -> None:
    res, got = _found(engine, "复议")
    assert got == _expected(engine, ["复议"])
    assert res.method == "scan"
    assert "少于 3 个字符" in res.note and "逐段扫描" in res.note


def test_the_jjf_2023_zero_applications_sentence(engine: Engine) -> None:
    res, got = _found(engine, "信息公开申请0条")
    assert got == {("2023-jjf-057.txt", "三")}
    (row,) = res.table.itertuples()
    assert row.issuer == "平潭综合实验区经济发展局" and row.year == 2023 and row.hits == 1
    assert row.snippet.startswith("2023年，共收到政府【信息公开申请0条】。")


def test_ranking_puts_the_densest_passage_first(engine: Engine) -> None:
    res = search(engine, "信息处理费")
    top = res.table.iloc[0]
    # 市场监督管理局 2025 section 六 names 信息处理费 three times in a short section.
    assert (top["issuer"], top["year"], top["section_number"], top["hits"]) == (
        "平潭综合实验区市场监督管理局",
        2025,
        "六",
        3,
    )
    assert list(res.table["hits"][:1]) == [3]


def test_several_terms_must_all_occur(engine: Engine) -> None:
    res, got = _found(engine, "网站 政务新媒体")
    assert got == _expected(engine, ["网站", "政务新媒体"])
    assert got < _expected(engine, ["政务新媒体"])
    assert "「网站」" in res.note


def test_filters_by_year_and_section(engine: Engine) -> None:
    f = SearchFilters(year=2023, section_number="四")
    res, got = _found(engine, "复议", f)
    assert got == _expected(engine, ["复议"], year=2023, section_number="四")
    assert set(res.table["year"]) == {2023} and set(res.table["section_number"]) == {"四"}
    assert ("2023-jjf-057.txt", "四") in got


def test_filter_by_region(engine: Engine) -> None:
    from nianbao.models import Region

    with engine.connect() as conn:
        pingtan = conn.scalar(select(Region.id).where(Region.name == "平潭综合实验区"))
        fujian = conn.scalar(select(Region.id).where(Region.name == "福建省"))
    all_hits = _found(engine, "政务新媒体")[1]
    assert _found(engine, "政务新媒体", SearchFilters(region_id=fujian))[1] == all_hits
    assert _found(engine, "政务新媒体", SearchFilters(region_id=pingtan))[1] == all_hits
    assert _found(engine, "政务新媒体", SearchFilters(region_id=-1))[1] == set()


def test_empty_and_absent_queries(engine: Engine) -> None:
    assert search(engine, "   ").table.empty
    assert search(engine, "不存在的检索词甲乙丙").total == 0


def test_the_index_follows_new_and_deleted_reports(sqlite_url: str) -> None:
    ingest([REPORTS / "pingtan" / "2023-jjf-057.txt"], sqlite_url)
    engine = get_engine(sqlite_url)
    assert search(engine, "信息公开申请0条").total == 1  # back-filled when created
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='section_fts_ai'")).first()
    ingest([REPORTS / "pingtan" / "2024-jjf-058.txt"], sqlite_url)  # the trigger indexes it
    assert search(engine, "2024年，没有政府信息公开行政复议").total == 1
    with engine.begin() as conn:
        conn.execute(delete(Report).where(Report.source.like("%2023-jjf-057.txt")))
        n = conn.execute(
            text("SELECT count(*) FROM section_fts WHERE section_fts MATCH '\"信息公开申请0条\"'")
        ).scalar()
    assert n == 0  # the delete trigger removed it from the index, not only from section
    assert search(engine, "信息公开申请0条").total == 0


def test_snippets_escape_document_text() -> None:
    body = "前文<script>alert(1)</script>收取信息处理费&其他"
    assert snippet_html(body, ["信息处理费"]) == (
        "前文&lt;script&gt;alert(1)&lt;/script&gt;收取<mark>信息处理费</mark>&amp;其他"
    )
    assert snippet_text("a" * 100 + "信息处理费" + "b" * 100, ["信息处理费"]) == (
        "…" + "a" * 40 + "【信息处理费】" + "b" * 40 + "…"
    )
