"""Issuer keys (nianbao/issuers.py): one key per body whatever the wording,
distinct bodies kept apart, and stored databases re-keyed in place.

The names are the bundled reports' own (data/reports, manifest.csv): QA
finding 4 found 平潭综合实验区 2014 filed under 平潭综合实验区管委会,
财政金融局 2016 under 财金局, 市场监督管理局 2016 under 平潭市场监督管理局
and 公安局 2009 under 公安局.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from loaders.model import ParsedReport
from loaders.parse import parse_file
from nianbao import issuers
from nianbao.cli import main
from nianbao.db import _alembic_config, get_engine, init_db
from nianbao.issuers import canonical_name, issuer_key, read_aliases, region_short_form
from nianbao.store import ingest_paths, overrides_for

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
PINGTAN_CODE = "350128"


def _parse(rel: str) -> ParsedReport:
    path = REPORTS / rel
    return parse_file(path, overrides_for(path))


# --- the rules on real names ---------------------------------------------------------

# (a report filed under a variant, a report of the same body in another year,
#  the key both get)
MERGED = [
    ("pingtan/2014-main-009.txt", "pingtan/2015-main-010.txt", "平潭综合实验区"),
    ("pingtan/2016-czj-158.txt", "pingtan/2017-czj-147.txt", "平潭综合实验区财政金融局"),
    ("pingtan/2016-scj-165.txt", "pingtan/2017-scj-154.txt", "平潭综合实验区市场监督管理局"),
    ("pingtan/2009-gaj-207.txt", "pingtan/2010-gaj-210.txt", "平潭县公安局"),
    ("pingtan/2016-zhz-167.txt", "pingtan/2015-zhz-177.txt", "平潭综合实验区综合执法局"),
]


@pytest.mark.parametrize(("variant", "usual", "key"), MERGED)
def test_name_variants_of_one_body_get_one_key(variant: str, usual: str, key: str) -> None:
    a, b = _parse(variant), _parse(usual)
    assert a.issuer != b.issuer  # the reports do name the body differently …
    assert issuer_key(a) == issuer_key(b) == key  # … and are grouped as one


def test_the_issuer_stays_what_the_report_says() -> None:
    # Only the grouping key changes; report.issuer is stored as written.
    assert _parse("pingtan/2016-czj-158.txt").issuer == "财金局"
    assert _parse("pingtan/2014-main-009.txt").issuer == "平潭综合实验区管委会"
    assert _parse("pingtan/2016-scj-165.txt").issuer == "平潭市场监督管理局"


# Pairs of different bodies that a careless rule would merge.
DISTINCT = [
    # the county government (平潭县, 2011–2013) beside the zone's, same years
    ("pingtan/2011-county-003.txt", "pingtan/2011-main-002.txt"),
    # the zone's general office reports on itself, in the government's years
    ("pingtan/2015-gwh-171.txt", "pingtan/2015-main-010.txt"),
    # the county's finance bureau and the zone's, both with a 2013 report
    ("pingtan/2013-czj-188.txt", "pingtan/2013-czj-187.txt"),
    # the county's public security bureau (2009–2010) and the zone's (2013–):
    # nothing bundled says they are one body
    ("pingtan/2010-gaj-210.txt", "pingtan/2013-gaj-189.txt"),
    # the county's 综合执法局 (2013) and the zone's (2014–)
    ("pingtan/2013-zhz-201.txt", "pingtan/2014-zhz-185.txt"),
    # 综合执法局 and its successor 综合执法与应急管理局 (a reorganised body)
    ("pingtan/2018-zhz-145.txt", "pingtan/2019-zhz-095.txt"),
    # 上海市人民政府办公厅 reports on the office (its own budget), not the city
    ("other/2019-002.html", "other/2022-015.txt"),
]


@pytest.mark.parametrize(("one", "other"), DISTINCT)
def test_distinct_bodies_stay_distinct(one: str, other: str) -> None:
    assert issuer_key(_parse(one)) != issuer_key(_parse(other))


def test_government_wording() -> None:
    def gov(name: str, scope: str = "government") -> str:
        return canonical_name(
            name, scope=scope, region_name="平潭综合实验区", region_code=PINGTAN_CODE
        )

    assert gov("平潭综合实验区管委会") == gov("平潭综合实验区管理委员会") == "平潭综合实验区"
    assert gov("平潭综合实验区人民政府") == gov("平潭管委会") == "平潭综合实验区"
    assert gov("平潭县人民政府") == "平潭县"  # the county, not the zone
    # Only a government drops the wording: the office is a department of its own.
    assert gov("平潭综合实验区管委会办公室", "department") == "平潭综合实验区管委会办公室"
    assert gov("平潭综合实验区管委会", "department") == "平潭综合实验区管委会"
    assert gov("人民政府") == "人民政府"  # nothing left to key on: kept
    huaian = canonical_name(
        "淮安市人民政府", scope="government", region_name="淮安市", region_code=None
    )
    assert huaian == "淮安市"


def test_region_short_form() -> None:
    assert region_short_form("平潭综合实验区") == "平潭"
    assert region_short_form("淮安市") == "淮安"
    assert region_short_form("朝阳区") == "朝阳"
    assert region_short_form("上海市") == "上海"
    assert region_short_form("沙市") is None  # one character would match too much

    def dep(name: str) -> str:
        return canonical_name(
            name, scope="department", region_name="平潭综合实验区", region_code=PINGTAN_CODE
        )

    assert dep("平潭市场监督管理局") == "平潭综合实验区市场监督管理局"  # 平潭 + 市场…
    assert dep("平潭县交通局") == "平潭县交通局"  # 平潭县 is another place
    assert dep("平潭综合实验区交通与建设局") == "平潭综合实验区交通与建设局"
    # Without the report's region, no short form is known.
    assert (
        canonical_name("平潭市场监督管理局", scope="department", region_name=None, region_code=None)
        == "平潭市场监督管理局"
    )


def test_an_alias_holds_only_in_its_region() -> None:
    assert (
        canonical_name("财金局", scope="department", region_name="晋安区", region_code="350111")
        == "财金局"
    )
    assert (
        canonical_name(
            "财 金 局", scope="department", region_name="平潭综合实验区", region_code=PINGTAN_CODE
        )
        == "平潭综合实验区财政金融局"
    )


def test_the_alias_table_names_real_bodies_with_evidence() -> None:
    rows = read_aliases()
    assert rows, "the bundled alias table is empty"
    with open(REPORTS / "manifest.csv", encoding="utf-8", newline="") as fh:
        issuers_in_manifest = {row["issuer"] for row in csv.DictReader(fh)}
    for a in rows:
        assert len(a.region_code) == 6 and a.region_code.isdigit(), a
        # Both names are ones a bundled report is filed under.
        assert a.alias in issuers_in_manifest, a
        assert a.canonical in issuers_in_manifest, a
        assert a.alias != a.canonical
        # The canonical name is already a key: no rule moves it on.
        key = canonical_name(
            a.canonical, scope="department", region_name="平潭综合实验区", region_code=a.region_code
        )
        assert key == a.canonical
        assert ".txt" in a.note  # the evidence cites the report


def test_a_malformed_alias_row_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.csv"
    bad.write_text("region_code,alias,canonical,note\n350128,财金局,平潭综合实验区财政金融局,\n")
    with pytest.raises(ValueError, match="line 2: note missing"):
        read_aliases(bad)


# --- the bundled corpus ----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'all.db'}"
    summary = ingest_paths([REPORTS], url=url, progress=False, workers=2)
    assert summary.failures == []
    return url


def _years(url: str) -> dict[str, list[int]]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT issuer_key, year FROM report ORDER BY year")).all()
    out: dict[str, list[int]] = defaultdict(list)
    for key, year in rows:
        out[key].append(year)
    return out


def test_the_merged_bodies_have_every_year_once(corpus_url: str) -> None:
    years = _years(corpus_url)
    assert years["平潭综合实验区财政金融局"] == list(range(2012, 2026))
    assert years["平潭综合实验区市场监督管理局"] == [
        2015,
        2016,
        2017,
        2018,
        2019,
        *range(2021, 2026),
    ]
    assert years["平潭综合实验区综合执法局"] == [2014, 2015, 2016, 2017, 2018]
    assert years["平潭县公安局"] == [2009, 2010]
    assert years["平潭综合实验区"] == [2011, 2012, 2013, 2014, 2015, *range(2017, 2022), 2023, 2024]
    assert not {"财金局", "平潭市场监督管理局", "公安局", "平潭综合实验区管委会"} & set(years)


def test_no_merge_makes_a_second_version(corpus_url: str) -> None:
    """Merging names must not turn two bodies' reports into versions of one:
    the only body and year with two reports is 淮安市 2024, the same report
    bundled as text and as PDF (it was so before the keys changed)."""
    with get_engine(corpus_url).connect() as conn:
        twice = conn.execute(
            sa.text(
                "SELECT issuer_key, year FROM report WHERE year IS NOT NULL "
                "GROUP BY issuer_key, year HAVING count(*) > 1"
            )
        ).all()
    assert [tuple(r) for r in twice] == [("淮安市", 2024)]


def test_ingest_and_rekey_agree_on_every_bundled_report(corpus_url: str) -> None:
    """The store keys a report from its parsed metadata, the re-key from the
    stored rows (region by id): both must give the same key."""
    with get_engine(corpus_url).connect() as conn:
        summary = issuers.rekey(conn, dry_run=True)
    assert (summary.reports, summary.rekeyed, summary.renumbered) == (219, 0, 0)


def test_overview_no_longer_lists_merged_years_as_missing(
    corpus_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """总览 /?region=<平潭综合实验区>&year=2023, its 缺失的年份 table (QA 4)."""
    from streamlit.testing.v1 import AppTest

    with get_engine(corpus_url).connect() as conn:
        pingtan = conn.scalar(sa.text("SELECT id FROM region WHERE code = '350128'"))
    monkeypatch.setenv("DATABASE_URL", corpus_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["region"] = str(pingtan)
    at.query_params["year"] = "2023"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [t.value for t in at.dataframe if "缺失年份" in t.value.columns]
    assert len(tables) == 1
    missing = set(zip(tables[0]["主体"], tables[0]["缺失年份"].astype(int), strict=True))
    assert ("平潭综合实验区", 2014) not in missing
    assert ("平潭综合实验区市场监督管理局", 2016) not in missing
    assert ("平潭综合实验区财政金融局", 2016) not in missing
    # Years the corpus really lacks are still listed.
    assert {("平潭综合实验区", 2016), ("平潭综合实验区", 2022)} <= missing
    assert ("平潭综合实验区市场监督管理局", 2020) in missing


# --- re-keying a stored database ---------------------------------------------------------

_REPORT_SQL = (
    "INSERT INTO report (id, content_hash, issuer, issuer_key, scope, region_id, year, "
    "format, source, media_type, parser_version, full_text, version, is_current, synthetic, "
    "warnings) VALUES (:id, :h, :issuer, :k, :scope, :region, :year, 'legacy', 'x.txt', "
    "'text', '1', 'text', :v, :cur, false, '')"
)


def _old_database(url: str) -> None:
    """A database at the revision before the re-key, holding reports with the
    keys the old issuer_key() gave them (the issuer, normalised)."""
    cfg = _alembic_config()
    before = ScriptDirectory.from_config(cfg).get_revision("0005").down_revision
    engine = get_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, str(before))
        conn.execute(
            sa.text(
                "INSERT INTO region (id, name, code, level, parent_id) VALUES "
                "(1, '福建省', '350000', 'province', NULL), "
                "(2, '福州市', '350100', 'prefecture', 1), "
                "(3, '平潭综合实验区', '350128', 'county', 2), "
                "(4, '上海市', '310000', 'province', NULL)"
            )
        )
        rows = [
            # id, issuer, scope, region, year, version, current
            (1, "平潭综合实验区财政金融局", "department", 3, 2015, 1, True),
            (2, "财金局", "department", 3, 2016, 1, True),
            (3, "平潭综合实验区管委会", "government", 3, 2014, 1, True),
            (4, "平潭综合实验区", "government", 3, 2015, 1, True),
            (5, "平潭县人民政府", "government", 3, 2013, 1, True),
            (6, "平潭综合实验区管委会办公室", "department", 3, 2014, 1, True),
            (7, "上海市人民政府", "government", 4, 2022, 1, True),
            # Not in the bundled data: two names of one body in one year.
            # After the merge they are versions 1–3 in stored order.
            (8, "平潭综合实验区市场监督管理局", "department", 3, 2017, 1, True),
            (9, "平潭市场监督管理局", "department", 3, 2017, 1, False),
            (10, "平潭市场监督管理局", "department", 3, 2017, 2, True),
            (11, None, "other", None, 2020, 1, True),  # key from the file name
        ]
        for rid, issuer, scope, region, year, v, cur in rows:
            key = issuer if issuer is not None else "某报告.txt"
            conn.execute(
                sa.text(_REPORT_SQL),
                {
                    "id": rid,
                    "h": f"{rid:064d}",
                    "issuer": issuer,
                    "k": key,
                    "scope": scope,
                    "region": region,
                    "year": year,
                    "v": v,
                    "cur": cur,
                },
            )
        conn.execute(
            sa.text(
                "INSERT INTO fact (report_id, metric, applicant, value, raw, unit, source, "
                "location) VALUES "
                "(8, 'legacy.requests.received', NULL, 5, '5', '件', 'table', ''), "
                "(10, 'legacy.requests.received', NULL, 7, '7', '件', 'table', '')"
            )
        )


def _rows(url: str) -> list[tuple[int, str | None, str, int, bool]]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, issuer, issuer_key, version, is_current FROM report ORDER BY id")
        ).all()
    return [(r.id, r.issuer, r.issuer_key, r.version, bool(r.is_current)) for r in rows]


def test_an_old_database_is_rekeyed_in_place(db_url: str) -> None:
    _old_database(db_url)
    engine = get_engine(db_url)
    init_db(engine)  # the migrations up to head, 0005 among them
    assert _rows(db_url) == [
        (1, "平潭综合实验区财政金融局", "平潭综合实验区财政金融局", 1, True),
        (2, "财金局", "平潭综合实验区财政金融局", 1, True),
        (3, "平潭综合实验区管委会", "平潭综合实验区", 1, True),
        (4, "平潭综合实验区", "平潭综合实验区", 1, True),
        (5, "平潭县人民政府", "平潭县", 1, True),
        (6, "平潭综合实验区管委会办公室", "平潭综合实验区管委会办公室", 1, True),
        (7, "上海市人民政府", "上海市", 1, True),
        (8, "平潭综合实验区市场监督管理局", "平潭综合实验区市场监督管理局", 1, False),
        (9, "平潭市场监督管理局", "平潭综合实验区市场监督管理局", 2, False),
        (10, "平潭市场监督管理局", "平潭综合实验区市场监督管理局", 3, True),
        (11, None, "某报告.txt", 1, True),
    ]
    with engine.connect() as conn:
        if "fact_rollup" in sa.inspect(conn).get_table_names():
            from nianbao import rollup

            # Report 8 stopped being current: the rollup was rebuilt to match.
            assert rollup.fresh(conn)


def test_rekey_after_the_alias_table_is_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    files = [REPORTS / "pingtan" / f for f in ("2015-czj-169.txt", "2016-czj-158.txt")]
    assert ingest_paths(files, url=url, progress=False).failures == []
    # Before 财金局 was in the table: an alias table without it.
    header_only = tmp_path / "aliases.csv"
    header_only.write_text("region_code,alias,canonical,note\n", encoding="utf-8")
    monkeypatch.setattr(issuers, "ALIASES_CSV", header_only)
    assert main(["rekey", "--db", url]) == 0
    assert [r[2] for r in _rows(url)] == ["平潭综合实验区财政金融局", "财金局"]
    capsys.readouterr()

    # The row is added (here: the bundled table): --dry-run shows, rekey does.
    monkeypatch.setattr(issuers, "ALIASES_CSV", ROOT / "nianbao" / "issuer_aliases.csv")
    assert main(["rekey", "--db", url, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "reports 2, new keys 1, versions renumbered 0",
        "平潭综合实验区财政金融局 + 财金局 -> 平潭综合实验区财政金融局",
        "dry run: nothing written",
    ]
    assert [r[2] for r in _rows(url)] == ["平潭综合实验区财政金融局", "财金局"]
    assert main(["rekey", "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "reports 2, new keys 1, versions renumbered 0"
    assert [r[2] for r in _rows(url)] == ["平潭综合实验区财政金融局"] * 2


def test_rekey_reports_a_bad_alias_table_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert ingest_paths([REPORTS / "pingtan" / "2016-czj-158.txt"], url=url, progress=False).parsed
    bad = tmp_path / "aliases.csv"
    bad.write_text("region_code,alias,canonical,note\n350128,财金局,,\n", encoding="utf-8")
    monkeypatch.setattr(issuers, "ALIASES_CSV", bad)
    assert main(["rekey", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "canonical, note missing" in err
    assert "Traceback" not in err
