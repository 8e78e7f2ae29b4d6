"""The read-side queries of 报告详情 / 数据 / 指标说明 on a small database.

The database is built with ORM inserts whose numbers are copied from real
reports in data/reports (淮安 2024 from other/2024-001.txt, 平潭财政金融局
2022 from pingtan/2022-czj-023.txt, 长春市朝阳区 2016 from the seed), plus one
test-only report whose text holds `<script>` and a markdown link. It does
not need the parser, so these tests pin the queries independently of it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from loaders.catalog import metrics
from nianbao.models import Base, CheckResult, Fact, Region, Report, Section
from nianbao.queries import facts as fq
from nianbao.queries import reports as rq

DATA = Path(__file__).resolve().parents[1] / "data" / "reports"
APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_services",
    "other_org",
    "total",
)

# 淮安市人民政府 2024, Table B (other/2024-001.txt), one tuple per row, 7 columns.
HUAIAN_B: dict[str, tuple[int, ...]] = {
    "requests.received": (3001, 53, 0, 0, 61, 4, 3119),
    "requests.carried_over": (34, 0, 0, 0, 0, 0, 34),
    "requests.disclosed": (1288, 21, 0, 0, 50, 3, 1362),
    "requests.partially_disclosed": (447, 7, 0, 0, 0, 0, 454),
    "requests.withheld.state_secret": (2, 0, 0, 0, 0, 0, 2),
    "requests.withheld.prohibited_by_law": (30, 1, 0, 0, 0, 0, 31),
    "requests.withheld.security_stability": (5, 0, 0, 0, 0, 0, 5),
    "requests.withheld.third_party": (6, 0, 0, 0, 0, 0, 6),
    "requests.withheld.internal_affairs": (7, 1, 0, 0, 0, 0, 8),
    "requests.withheld.deliberative": (12, 0, 0, 0, 0, 0, 12),
    "requests.withheld.enforcement_file": (9, 0, 0, 0, 0, 0, 9),
    "requests.withheld.query_service": (105, 0, 0, 0, 0, 0, 105),
    "requests.unavailable.not_held": (746, 12, 0, 0, 10, 1, 769),
    "requests.unavailable.needs_creation": (11, 0, 0, 0, 0, 0, 11),
    "requests.unavailable.still_unclear": (1, 0, 0, 0, 0, 0, 1),
    "requests.not_processed.petition": (56, 6, 0, 0, 0, 0, 62),
    "requests.not_processed.repeated": (25, 0, 0, 0, 0, 0, 25),
    "requests.not_processed.publication": (0, 0, 0, 0, 0, 0, 0),
    "requests.not_processed.excessive": (0, 0, 0, 0, 0, 0, 0),
    "requests.not_processed.confirmation": (1, 0, 0, 0, 0, 0, 1),
    "requests.other_handling.no_correction": (67, 3, 0, 0, 1, 0, 71),
    "requests.other_handling.unpaid_fee": (6, 0, 0, 0, 0, 0, 6),
    "requests.other_handling.other": (108, 2, 0, 0, 0, 0, 110),
    "requests.closed": (2932, 53, 0, 0, 61, 4, 3050),
    "requests.carried_forward": (103, 0, 0, 0, 0, 0, 103),
}
HUAIAN_C = dict(
    zip(
        [
            f"{p}.{o}"
            for p in ("review", "litigation.direct", "litigation.after_review")
            for o in ("upheld", "corrected", "other", "pending", "total")
        ],
        (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20),
        strict=True,
    )
)
HUAIAN_A = {
    "proactive.rules.issued": 1,
    "proactive.rules.repealed": 0,
    "proactive.rules.in_force": 11,
    "proactive.normative_docs.issued": 8,
    "proactive.normative_docs.repealed": 26,
    "proactive.normative_docs.in_force": 66,
    "proactive.licensing.decisions": 447228,
    "proactive.penalties.decisions": 3985758,
    "proactive.coercion.decisions": 88283,
    "proactive.fees.amount": 96171.6,
}
# 长春市朝阳区 2016 统计表 (seed): (metric, raw as written); '' is a blank cell.
SEED_LEGACY: tuple[tuple[str, str], ...] = (
    ("legacy.proactive.total", "3649"),
    ("legacy.proactive.normative_docs", "0"),
    ("legacy.proactive.via_website", "3649"),
    ("legacy.proactive.via_wechat", "10"),
    ("legacy.requests.received", "2"),
    ("legacy.requests.online", "1"),
    ("legacy.requests.by_letter", "1"),
    ("legacy.requests.completed", "2"),
    ("legacy.requests.on_time", "2"),
    ("legacy.requests.extended", ""),
    ("legacy.requests.answered", "2"),
    ("legacy.answers.already_public", ""),
    ("legacy.answers.disclosed", "2"),
)

HOSTILE_TEXT = (
    "一、总体情况\n本机关网站 <script>alert('x')</script> 已更新。"
    "详见[点此下载](http://example.com/evil) 与 **加粗** 文字。"
)


def _table_fact(metric: str, applicant: str | None, raw: str, location: str) -> Fact:
    value = None if raw.strip() == "" else float(raw)
    return Fact(
        metric=metric,
        applicant=applicant,
        value=value,
        raw=raw,
        unit="万元" if metric.endswith("amount") else "件",
        source="table",
        location=location,
    )


def build_small_db(url: str) -> Engine:
    """A database with four reports built by ORM inserts (see module docstring)."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        jiangsu = Region(name="江苏省", level="province", code="320000")
        huaian = Region(name="淮安市", level="prefecture", code="320800", parent=jiangsu)
        fujian = Region(name="福建省", level="province", code="350000")
        fuzhou = Region(name="福州市", level="prefecture", code="350100", parent=fujian)
        pingtan = Region(name="平潭综合实验区", level="county", code="350128", parent=fuzhou)
        jilin = Region(name="吉林省", level="province", code="220000")
        changchun = Region(name="长春市", level="prefecture", code="220100", parent=jilin)
        chaoyang = Region(name="朝阳区", level="county", code="220104", parent=changchun)
        s.add_all([jiangsu, huaian, fujian, fuzhou, pingtan, jilin, changchun, chaoyang])
        s.flush()

        huaian_text = (DATA / "other" / "2024-001.txt").read_text(encoding="utf-8")
        r1 = Report(
            content_hash="huaian-2024",
            issuer="淮安市人民政府",
            issuer_key="淮安市人民政府",
            scope="government",
            region_id=huaian.id,
            year=2024,
            format="gov2021",
            title="淮安市人民政府2024年政府信息公开工作年度报告",
            published=None,
            source=str(DATA / "other" / "2024-001.txt"),
            media_type="text",
            parser_version="test",
            full_text=huaian_text,
            warnings="表三 跨页：按数字顺序读取\n标题取自正文第一行",
        )
        r1.sections = [
            Section(
                number="一", title="总体情况", text="2024 年，我市坚持以习近平新时代…", order=1
            ),
            Section(
                number="六",
                title="其他需要报告的事项",
                text="2024 年，市政府严格落实《政府信息公开信息处理费管理办法》，"
                "全年收取政府信息公开信息处理费 3940 元。",
                order=6,
            ),
        ]
        facts = []
        for metric, values in HUAIAN_B.items():
            for applicant, v in zip(APPLICANTS, values, strict=True):
                facts.append(_table_fact(metric, applicant, str(v), f"B {metric}/{applicant}"))
        for metric, v in HUAIAN_C.items():
            facts.append(_table_fact(metric, None, str(v), f"C {metric}"))
        for metric, v in HUAIAN_A.items():
            facts.append(_table_fact(metric, None, str(v), f"A {metric}"))
        facts.append(
            Fact(
                metric="legacy.fees",
                applicant=None,
                value=0.394,
                raw="3940 元",
                unit="万元",
                source="text",
                location="六",
                evidence="全年收取政府信息公开信息处理费 3940 元。",
            )
        )
        r1.facts = facts
        r1.checks = [
            CheckResult(rule="B1", status="pass", subject="总计", detail="3119 + 34 = 3050 + 103"),
            CheckResult(rule="C1", status="pass", subject="行政复议", detail="72+64+178+37 = 351"),
        ]

        r2 = Report(
            content_hash="pingtan-czj-2022",
            issuer="平潭综合实验区财政金融局",
            issuer_key="平潭综合实验区财政金融局",
            scope="department",
            region_id=pingtan.id,
            year=2022,
            format="gov2021",
            title="平潭综合实验区财政金融局2022年度政府信息公开工作年度报告",
            published=dt.date(2023, 1, 5),
            source="pingtan/2022-czj-023.txt (moved)",
            media_type="text",
            parser_version="test",
            full_text=(DATA / "pingtan" / "2022-czj-023.txt").read_text(encoding="utf-8"),
            original=b"original bytes of the upload",
        )
        r2_facts = []
        for metric in ("requests.received", "requests.partially_disclosed", "requests.closed"):
            for applicant in APPLICANTS:
                raw = "1" if applicant in ("natural_person", "total") else "0"
                r2_facts.append(_table_fact(metric, applicant, raw, f"B {metric}"))
        for applicant in APPLICANTS:
            r2_facts.append(_table_fact("requests.disclosed", applicant, "0", "B disclosed"))
        r2.facts = r2_facts
        r2.checks = [
            CheckResult(rule="B1", status="pass", subject="总计", detail="1 + 0 = 1 + 0"),
            CheckResult(
                rule="C1",
                status="uncertain",
                subject="行政复议",
                detail="表三数字粘连（00 0 00），无法确定各格",
            ),
        ]

        r3 = Report(
            content_hash="seed-2016",
            issuer="长春市朝阳区人民政府",
            issuer_key="长春市朝阳区人民政府",
            scope="government",
            region_id=chaoyang.id,
            year=2016,
            format="legacy",
            title="长春市朝阳区2016年政府信息公开工作年度报告",
            published=None,
            source=str(DATA / "seed" / "000_082f890431297067.txt"),
            media_type="text",
            parser_version="test",
            full_text=(DATA / "seed" / "000_082f890431297067.txt").read_text(encoding="utf-8"),
        )
        r3.facts = [
            Fact(
                metric=m,
                applicant=None,
                value=None if raw == "" else float(raw),
                raw=raw,
                unit="条" if "proactive" in m else "件",
                source="table",
                location=f"统计表 {m}",
            )
            for m, raw in SEED_LEGACY
        ]
        r3.checks = [
            CheckResult(
                rule="L2",
                status="fail",
                subject="申请答复",
                detail="（三）申请答复数 2 ≠ 分项之和 2 + 空白",
            )
        ]

        r4 = Report(
            content_hash="hostile-2023",
            issuer="测试局",
            issuer_key="测试局",
            scope="department",
            region_id=pingtan.id,
            year=2023,
            format="narrative",
            title="<b>测试</b>[标题](http://example.com)",
            published=None,
            source="tests/hostile.txt",
            media_type="text",
            parser_version="test",
            full_text=HOSTILE_TEXT,
        )
        r4.sections = [Section(number="一", title="总体情况", text=HOSTILE_TEXT, order=1)]
        s.add_all([r1, r2, r3, r4])
        s.commit()
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("db") / "small.sqlite"
    return build_small_db(f"sqlite:///{path}")


def _id(engine: Engine, key: str) -> int:
    found, _ = rq.find_reports(engine)
    return int(found.loc[found["issuer_key"] == key, "id"].iloc[0])


def test_find_reports_most_recent_first_with_region_when_the_name_lacks_it(
    engine: Engine,
) -> None:
    found, more = rq.find_reports(engine)
    assert list(found["label"]) == [
        "淮安市人民政府 · 2024年",
        "测试局 · 2023年（福建省 福州市 平潭综合实验区）",  # the name alone says nothing
        "平潭综合实验区财政金融局 · 2022年",
        "长春市朝阳区人民政府 · 2016年",
    ]
    assert more is False
    huaian = found[found["issuer_key"] == "淮安市人民政府"].iloc[0]
    assert huaian["region"] == "江苏省 淮安市"


def test_find_reports_by_issuer_and_year_and_limit(engine: Engine) -> None:
    def keys(search: str, **kw: int) -> list[str]:
        return list(rq.find_reports(engine, search, **kw)[0]["issuer_key"])

    assert keys("平潭") == ["平潭综合实验区财政金融局"]
    assert keys("2016") == keys("2016年") == ["长春市朝阳区人民政府"]
    assert keys("人民政府 2024") == ["淮安市人民政府"]
    assert keys("人民政府 2023") == []
    assert keys("%") == keys("_") == []  # LIKE wildcards are matched literally
    two, more = rq.find_reports(engine, limit=2)
    assert len(two) == 2 and more is True


def test_report_meta_and_versions(engine: Engine) -> None:
    meta = rq.report_meta(engine, _id(engine, "平潭综合实验区财政金融局"))
    assert meta is not None
    assert meta.region == "福建省 福州市 平潭综合实验区"
    assert meta.published == dt.date(2023, 1, 5)
    assert meta.has_original is True
    rows = dict(meta.rows())
    assert rows["版本"] == "第 1 版（共 1 版），当前版本"
    assert rows["范围"] == "部门"
    assert rows["文件类型"] == "文本"
    assert rows["格式"] == "2021格式（国办公开办函〔2021〕30号）"
    assert rows["来源"] == "通过“导入”页上传"  # a relative name: an upload
    # 淮安 was ingested from data/reports/other/2024-001.txt: 来源 is what
    # data/reports/manifest.csv records for that file, never the server path.
    huaian = rq.report_meta(engine, _id(engine, "淮安市人民政府"))
    assert huaian is not None
    rows = dict(huaian.rows())
    assert rows["来源"] == _manifest_source("other/2024-001.txt")
    assert str(DATA) not in rows["来源"]
    assert rows["文件名"] == "2024-001.txt"
    assert rq.report_meta(engine, 999_999) is None


def test_report_facts_keep_blank_as_none(engine: Engine) -> None:
    facts = rq.report_facts(engine, _id(engine, "长春市朝阳区人民政府"))
    extended = facts[facts["metric"] == "legacy.requests.extended"].iloc[0]
    assert extended["value"] is None
    assert extended["raw"] == ""
    received = facts[facts["metric"] == "legacy.requests.received"].iloc[0]
    assert received["value"] == 2


def _manifest_source(file: str) -> str:
    import csv

    with open(DATA / "manifest.csv", encoding="utf-8") as fh:
        return next(row["source"] for row in csv.DictReader(fh) if row["file"] == file)


def test_source_label_never_shows_a_server_path(tmp_path: Path) -> None:
    seed = str(DATA / "seed" / "000_082f890431297067.txt")
    assert rq.source_label(seed) == _manifest_source("seed/000_082f890431297067.txt")
    assert rq.source_label(str(DATA / "pingtan" / "2023-main-017.txt")).startswith(
        "github.com/changwu/pingtan-gov-zwgk-archive pingtan/zwgk/zfxxgk/zfxxgknb/202403/87885_"
    )
    elsewhere = tmp_path / "x.txt"
    elsewhere.write_text("x", encoding="utf-8")
    assert rq.source_label(str(elsewhere)) == "本地文件（由命令行导入，清单中无来源记录）"
    assert rq.source_label("http://www.gov.cn/a.html") == "http://www.gov.cn/a.html"
    assert rq.source_label("2024-001.txt") == "通过“导入”页上传"
    # store.py keeps the tail of a path longer than the column, after "…".
    assert rq.source_label("…/reports/a.txt") == "本地文件（由命令行导入，清单中无来源记录）"


def test_check_detail_in_chinese() -> None:
    # Details as nianbao/checks wrote them before they spoke Chinese (real rows
    # of other/2019-002.html and the seed).
    assert rq.check_detail("natural_person: 80 + 0 = 80 + 0", "natural_person") == (
        "自然人：80 + 0 = 80 + 0"
    )
    assert rq.check_detail(
        "commercial: 35 + – vs 35 + – (blank cells); passes if blanks are zero", "commercial"
    ) == ("商业企业：35 + – 对 35 + –（有空白格）；空白格按 0 计时成立")
    assert rq.check_detail(
        "0 ≠ 3 + 0 + 0 + 3 + 0 (parts sum to 6)", "legacy.requests.received"
    ) == ("0 ≠ 3 + 0 + 0 + 3 + 0（各项之和为 6）")
    assert rq.check_detail("2 = 2 + blank; passes if blanks are zero", "x") == (
        "2 = 2 + 空白；空白格按 0 计时成立"
    )
    assert rq.check_detail("requests.received: 81 = 80 + 1", "requests.received") == (
        "一、本年新收政府信息公开申请数量：81 = 80 + 1"
    )
    chinese = "表三数字粘连（00 0 00），无法确定各格"
    assert rq.check_detail(chinese, "行政复议") == chinese


def test_report_checks_put_failures_first(engine: Engine) -> None:
    checks = rq.report_checks(engine, _id(engine, "平潭综合实验区财政金融局"))
    assert list(checks["status"]) == ["uncertain", "pass"]


def test_original_from_database_then_from_source_path(engine: Engine) -> None:
    uploaded = rq.report_original(engine, _id(engine, "平潭综合实验区财政金融局"))
    assert uploaded is not None and uploaded.from_database
    assert uploaded.data == b"original bytes of the upload"
    on_disk = rq.report_original(engine, _id(engine, "淮安市人民政府"))
    assert on_disk is not None and not on_disk.from_database
    assert on_disk.filename == "2024-001.txt"
    assert on_disk.data == (DATA / "other" / "2024-001.txt").read_bytes()
    # The source path does not exist and nothing was uploaded: no download.
    assert rq.report_original(engine, _id(engine, "测试局")) is None


def test_facts_table_filters_in_sql(engine: Engine) -> None:
    everything, total = fq.facts_table(engine, fq.FactFilter())
    assert total == len(everything) == 25 * 7 + 15 + 10 + 1 + 4 * 7 + len(SEED_LEGACY)
    flt = fq.FactFilter(metrics=("requests.received",), year_from=2020)
    frame, total = fq.facts_table(engine, flt)
    assert total == 14
    assert list(frame.columns) == [label for _, label in fq.FACT_TABLE_COLUMNS]
    natural = frame[(frame["发布机关"] == "淮安市人民政府") & (frame["申请人"] == "自然人")]
    assert natural["数值"].tolist() == [3001]


def test_facts_table_region_includes_children_and_non_null(engine: Engine) -> None:
    options = fq.filter_options(engine)
    fujian = int(options.regions.loc[options.regions["label"] == "福建省", "id"].iloc[0])
    frame, total = fq.facts_table(engine, fq.FactFilter(region_ids=(fujian,)))
    assert total == 4 * 7 and set(frame["发布机关"]) == {"平潭综合实验区财政金融局"}
    legacy, _ = fq.facts_table(engine, fq.FactFilter(year_to=2016))
    non_null, _ = fq.facts_table(engine, fq.FactFilter(year_to=2016, only_non_null=True))
    assert len(legacy) - len(non_null) == 2  # the two blank cells of the seed
    assert legacy["数值"].isna().sum() == 2
    text, total = fq.facts_table(engine, fq.FactFilter(source="text"))
    assert total == 1 and text["来源"].tolist() == ["正文"]


def test_facts_table_limit_reports_the_full_count(engine: Engine) -> None:
    frame, total = fq.facts_table(engine, fq.FactFilter(), limit=10)
    assert len(frame) == 10 and total > 10


def test_filter_options(engine: Engine) -> None:
    options = fq.filter_options(engine)
    assert (options.year_min, options.year_max) == (2016, 2024)
    assert options.scopes == ("department", "government")
    assert "淮安市人民政府" in set(options.bodies["label"])
    assert options.metrics["metric"].iloc[0] == "requests.received"


def test_metric_catalog_counts(engine: Engine) -> None:
    catalog = fq.metric_catalog(engine)
    received = catalog[catalog["代码"] == "requests.received"].iloc[0]
    assert (received["事实数"], received["报告数"]) == (14, 2)
    assert received["格式"] == "2019试行、2021"
    extended = catalog[catalog["代码"] == "legacy.requests.extended"].iloc[0]
    assert (extended["事实数"], extended["报告数"]) == (1, 1)  # a blank cell is a fact
    assert list(catalog["代码"]) == list(metrics())  # every row of loaders/metrics.csv, in order


def test_series_catalog(engine: Engine) -> None:
    series = fq.series_catalog(engine).set_index("系列")
    received = series.loc["requests_received"]
    # 朝阳 2016 (legacy) before 2019; 淮安 2024 and 平潭财政 2022 after.
    assert (received["报告数（2019年以前）"], received["报告数（2019年以后）"]) == (1, 2)
    assert received["跨时期可比性"] == "可比"
    assert series.loc["withheld", "格式"] == "2019年以前、2019试行、2021"
    assert series.loc["staff", "2019年以后"] == "正文"
    assert "text.staff" in series.loc["staff", "指标代码"].split()


def test_original_filename_without_reading_the_file(engine: Engine) -> None:
    names = {
        key: rq.original_filename(meta)
        for key in ("淮安市人民政府", "平潭综合实验区财政金融局", "测试局")
        if (meta := rq.report_meta(engine, _id(engine, key))) is not None
    }
    assert names == {
        "淮安市人民政府": "2024-001.txt",  # on disk
        "平潭综合实验区财政金融局": "2022-czj-023.txt (moved)",  # uploaded bytes in the DB
        "测试局": None,  # neither
    }


def test_find_reports_leave_out_synthetic_reports(tmp_path: Path) -> None:
    engine = build_small_db(f"sqlite:///{tmp_path / 'syn.sqlite'}")
    with Session(engine) as s:
        s.add(
            Report(
                content_hash="synthetic-1",
                issuer="合成局",
                issuer_key="合成局",
                scope="department",
                year=2020,
                format="gov2021",
                source="synthetic",
                media_type="text",
                parser_version="synthetic",
                full_text="",
                synthetic=True,
            )
        )
        s.commit()
    assert "合成局" not in set(rq.find_reports(engine)[0]["issuer_key"])
    both, _ = rq.find_reports(engine, include_synthetic=True)
    assert both[both["issuer_key"] == "合成局"]["label"].tolist() == ["合成局 · 2020年 · 合成数据"]
    engine.dispose()
