"""AppTest tests of the pages 报告详情, 数据, 指标说明 and 导入.

Each page runs standalone (AppTest.from_file) on a small database whose rows
are copied from real reports (see test_report_queries.build_small_db); the
tests assert the figures the pages show, not just that they ran.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from test_official_layout import html_grid
from test_report_queries import build_small_db

from nianbao import official_layout, ui_text
from nianbao.labels import rule_label
from nianbao.models import Report

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "pages"
DATA = ROOT / "data" / "reports"
TIMEOUT = 60


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("appdb") / "app.sqlite"
    url = f"sqlite:///{path}"
    build_small_db(url).dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def _ids(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with Session(engine) as s:
        rows = s.execute(select(Report.issuer_key, Report.id)).all()
    engine.dispose()
    return {k: i for k, i in rows}


def _run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def _frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    for frame in _frames(at):
        if all(c in frame.columns for c in columns):
            return frame
    raise AssertionError(f"no table with columns {columns}")


def _html_tables(at: AppTest) -> list[tuple[list[list[str]], list[list[str]]]]:
    """(head, body) grids of the static tables the page draws (报告详情)."""
    return [html_grid(m.value) for m in at.markdown if m.value.startswith("<table")]


def _html_frame(at: AppTest, *head: str) -> pd.DataFrame:
    """The first static table whose heads hold every text of ``head``, with the
    last head row (merged heads repeated) as its columns."""
    for grid_head, body in _html_tables(at):
        cells = {c for row in grid_head for c in row}
        if all(h in cells for h in head):
            return pd.DataFrame(body, columns=grid_head[-1])
    raise AssertionError(f"no table with heads {head}")


def _table_b(at: AppTest) -> pd.DataFrame:
    b = _html_frame(at, "申请人情况")
    b.columns = ["项目", "分类", "情形", *b.columns[3:]]
    return b


def _meta(at: AppTest) -> pd.Series:
    return _html_frame(at, "项目", "内容").set_index("项目")["内容"]


def _errors(at: AppTest) -> list[str]:
    return [html.unescape(e.value) for e in at.error]


# --- ui_text (pure) ---------------------------------------------------------------


def test_escape_literal_neutralises_html_and_markdown() -> None:
    out = ui_text.escape_literal("<script>alert(1)</script> [x](http://e.com) **b**")
    assert "<" not in out and "[" not in out and "*" not in out and "(" not in out
    assert html.unescape(out) == "<script>alert(1)</script> [x](http://e.com) **b**"


def test_highlight_escapes_first_then_marks() -> None:
    shown = ui_text.highlight("a <b>Script</b> and script", "script")
    assert shown.matches == 2
    assert shown.html.count("<mark") == 2
    assert "&lt;b&gt;" in shown.html and "<b>" not in shown.html
    # A query that looks like HTML is matched literally and escaped too.
    tag = ui_text.highlight("x <script> y", "<script>")
    assert tag.matches == 1 and "<script>" not in tag.html
    assert ui_text.highlight("abc", "").matches == 0


# --- 报告详情 -------------------------------------------------------------------


def test_report_page_shows_table_b_of_huaian(db_url: str) -> None:
    report_id = _ids(db_url)["淮安市人民政府"]
    at = _run("report.py", id=str(report_id))
    b = _table_b(at)
    first = b.iloc[0]
    assert first["项目"] == "一、本年新收政府信息公开申请数量"
    assert (first["自然人"], first["法律服务机构"], first["总计"]) == ("3001", "61", "3119")
    closed = b[b["分类"] == "（七）总计"].iloc[0]
    assert closed["总计"] == "3050"
    c = _html_tables(at)[[h[0][0] for h, _ in _html_tables(at)].index("行政复议")][1]
    assert c[0][:5] == ["72", "64", "178", "37", "351"]
    a = _html_frame(at, "信息内容", "本年制发件数")
    assert a.iloc[1].tolist() == ["行政规范性文件", "8", "26", "66"]
    meta = _meta(at)
    assert meta["地区"] == "江苏省 淮安市"
    assert meta["年度"] == "2024"
    assert meta["文件类型"] == "文本"
    checks = _frame_with(at, "规则", "结果")
    assert checks["结果"].tolist() == ["通过", "通过"]
    assert checks["规则"].tolist() == [rule_label("B1"), rule_label("C1")]
    # Warnings are shown literally, one per line.
    assert any("表三 跨页" in t.value for t in at.text)
    # The text fact of section 六 is listed with its sentence.
    text_facts = _frame_with(at, "原文")
    assert text_facts["数值"].tolist() == ["0.394"]
    labels = [b.label for b in at.get("download_button")]
    assert "下载原始文件" in labels and any(lbl.startswith("下载解析数据") for lbl in labels)
    assert at.query_params["id"] == [str(report_id)] or at.query_params["id"] == str(report_id)


def test_report_page_blank_cells_stay_blank(db_url: str) -> None:
    at = _run("report.py", id=str(_ids(db_url)["长春市朝阳区人民政府"]))
    table = _html_frame(at, "统计指标", "统计数")
    values = table.set_index("统计指标")["统计数"]
    assert values["2.延期办结数"] == ""
    assert values["1.属于已主动公开范围数"] == ""
    assert values["（一）收到申请数"] == "2"
    assert not table.isin(["None", "nan", "0.0"]).any().any()
    assert not any(official_layout.UNCERTAIN in v for v in table["统计数"])
    checks = _frame_with(at, "规则", "结果")
    assert checks["结果"].tolist() == ["不通过"]
    assert [m.value for m in at.metric][:1] == ["1"]  # 不通过


def test_report_page_renders_hostile_text_literally(db_url: str) -> None:
    at = _run("report.py", id=str(_ids(db_url)["测试局"]))
    bodies = [m.value for m in at.markdown if "white-space:pre-wrap" in m.value]
    assert len(bodies) == 1
    body = bodies[0]
    assert "<script>" not in body and "](" not in body and "**" not in body
    assert "&lt;script&gt;alert" in body
    assert "&#91;点此下载&#93;&#40;http&#58;//example.com/evil&#41;" in body
    # Unescaped, the page shows exactly the report's characters.
    shown = html.unescape(body.split(">", 1)[1].rsplit("</div>", 1)[0]).replace("<br>", "\n")
    assert shown == _hostile_text()


def _hostile_text() -> str:
    from test_report_queries import HOSTILE_TEXT

    return HOSTILE_TEXT


def test_report_page_search_highlights_and_lives_in_the_url(db_url: str) -> None:
    at = _run("report.py", id=str(_ids(db_url)["测试局"]))
    at.text_input(key="text-search").input("script").run()
    assert not at.exception
    body = next(m.value for m in at.markdown if "white-space:pre-wrap" in m.value)
    assert body.count("<mark") == 2  # <script> and </script>
    assert "&lt;<mark" in body
    assert any("共找到 2 处" in html.unescape(c.value) for c in at.caption)
    assert at.query_params["q"] in (["script"], "script")


def test_report_page_bad_id_is_an_error_not_a_traceback(db_url: str) -> None:
    at = _run("report.py", id="999999")
    assert any("找不到编号为 999999 的报告" in e for e in _errors(at))
    assert at.selectbox[0].value is None  # the picker, no report opened
    at = _run("report.py", id="abc<script>")
    assert any("无效" in e for e in _errors(at))
    assert all("<script>" not in e.value for e in at.error)


def test_report_page_select_changes_the_url(db_url: str) -> None:
    ids = _ids(db_url)
    at = _run("report.py", id=str(ids["淮安市人民政府"]))
    at.selectbox[0].select(ids["平潭综合实验区财政金融局"]).run()
    assert not at.exception
    meta = _meta(at)
    assert meta["发布机关"] == "平潭综合实验区财政金融局"
    assert meta["发布日期"] == "2023-01-05"
    assert at.query_params["id"] in (
        [str(ids["平潭综合实验区财政金融局"])],
        str(ids["平潭综合实验区财政金融局"]),
    )


def test_report_page_without_id_shows_the_picker_and_no_report(db_url: str) -> None:
    ids = _ids(db_url)
    at = _run("report.py")
    picker = at.selectbox[0]
    assert picker.value is None  # nothing preselected
    assert picker.options == [
        "淮安市人民政府 · 2024年",
        "测试局 · 2023年（福建省 福州市 平潭综合实验区）",
        "平潭综合实验区财政金融局 · 2022年",
        "长春市朝阳区人民政府 · 2016年",
    ]  # most recent first
    assert not _html_tables(at) and "id" not in at.query_params
    assert [i.value for i in at.info] == ["请在上面查找并选择一份报告。"]
    # Search by name and year, then open the one match.
    at.text_input(key="report-search").input("朝阳 2016").run()
    assert at.selectbox[0].options == ["长春市朝阳区人民政府 · 2016年"]
    assert any("找到 1 份" in html.unescape(c.value) for c in at.caption)
    at.selectbox[0].select(ids["长春市朝阳区人民政府"]).run()
    assert not at.exception
    assert _meta(at)["发布机关"] == "长春市朝阳区人民政府"
    assert at.query_params["id"] in (
        [str(ids["长春市朝阳区人民政府"])],
        str(ids["长春市朝阳区人民政府"]),
    )
    at.text_input(key="report-search").input("没有这个机关").run()
    assert any("没有与" in html.unescape(c.value) for c in at.caption)


# --- 数据 --------------------------------------------------------------------------


class _Recorder:
    """Keeps what the page offers for download: bytes, or the callable that
    builds them when the button is pressed (a deferred download)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def install(self, mp: pytest.MonkeyPatch) -> None:
        files = self.files
        add = MediaFileManager.add
        add_deferred = MediaFileManager.add_deferred

        def spy_add(
            self: Any, data: Any, mimetype: str, coordinates: str, file_name: Any = None, **kw: Any
        ) -> Any:  # type: ignore[no-untyped-def]
            if isinstance(data, bytes) and file_name:
                files[file_name] = data
            return add(self, data, mimetype, coordinates, file_name=file_name, **kw)

        def spy_deferred(
            self: Any,
            data_callable: Any,
            mimetype: str,
            coordinates: str,
            file_name: Any = None,
            **kw: Any,
        ) -> Any:  # type: ignore[no-untyped-def]
            if file_name:
                files[file_name] = data_callable()
            return add_deferred(
                self, data_callable, mimetype, coordinates, file_name=file_name, **kw
            )

        mp.setattr(MediaFileManager, "add", spy_add)
        mp.setattr(MediaFileManager, "add_deferred", spy_deferred)


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def test_data_page_filter_and_exports_equal_what_is_shown(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder()
    recorder.install(monkeypatch)
    at = _run("data.py", metric="requests.received", years="2020-2024", tech="1")
    shown = _frame_with(at, "报告ID", "指标代码", "数值")
    assert len(shown) == 14  # 淮安 2024 and 平潭财政 2022, 7 applicant columns each
    natural = shown[(shown["发布机关"] == "淮安市人民政府") & (shown["申请人"] == "自然人")]
    assert natural["数值"].tolist() == [3001]

    book = openpyxl.load_workbook(io.BytesIO(recorder.files["nianbao-facts.xlsx"]))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(shown.columns)
    assert [[_cell(v) for v in r] for r in rows[1:]] == [
        [_cell(v) for v in r] for r in shown.itertuples(index=False)
    ]
    csv = pd.read_csv(io.BytesIO(recorder.files["nianbao-facts.csv"]), encoding="utf-8-sig")
    assert len(csv) == len(shown) and list(csv.columns) == list(shown.columns)
    assert csv["数值"].sum() == shown["数值"].astype(float).sum()


def test_data_page_non_null_filter_and_url(db_url: str) -> None:
    at = _run("data.py", years="2016-2016")
    all_rows = _frame_with(at, "报告ID", "数值")
    assert len(all_rows) == 13  # the seed's 统计表 rows
    assert all_rows["数值"].isna().sum() == 2  # blank cells stay blank
    at.checkbox[0].check().run()
    assert not at.exception
    non_null = _frame_with(at, "报告ID", "数值")
    assert len(non_null) == 11
    assert at.query_params["nonnull"] in (["1"], "1")
    assert at.query_params["years"] in (["2016-2016"], "2016-2016")


def test_data_page_region_filter_includes_children(db_url: str) -> None:
    at = _run("data.py")
    fujian = next(o for o in at.multiselect[1].options if o.startswith("福建省"))
    at.multiselect[1].select(fujian).run()
    assert not at.exception
    frame = _frame_with(at, "报告ID", "发布机关")
    assert set(frame["发布机关"]) == {"平潭综合实验区财政金融局"}
    assert len(frame) == 28


def test_data_page_bad_years_param_is_a_message(db_url: str) -> None:
    at = _run("data.py", years="abc")
    assert any("年份范围" in e for e in _errors(at))


# --- 指标说明 -------------------------------------------------------------------


# The 指标说明 page is tested in test_app_metrics.py.


# --- 导入 -----------------------------------------------------------------------------


def test_import_page_bad_files_get_one_line_each(db_url: str) -> None:
    at = _run("import.py")
    at.file_uploader[0].set_value(
        [
            ("notice.txt", "关于召开会议的通知\n请各单位准时参加。".encode(), "text/plain"),
            ("table.xls", b"\xd0\xcf\x11\xe0", "application/vnd.ms-excel"),
            ("empty.pdf", b"", "application/pdf"),
        ]
    )
    at.run()
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 3 and all("\n" not in e for e in errors)
    assert errors[0].startswith("notice.txt：不是政府信息公开工作年度报告")
    assert (
        errors[1]
        == "table.xls：不支持的文件类型“.xls”（请上传 txt / md / html / htm / docx / pdf 文件）"
    )
    assert errors[2].startswith("empty.pdf：文件是空的")
    summary = _frame_with(at, "文件", "状态")
    assert summary["状态"].tolist() == ["无法导入"] * 3
    assert not [b for b in at.button if b.label.startswith("保存")]


def test_import_page_real_report_preview_then_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'import.sqlite'}"  # a new database: no tables yet
    monkeypatch.setenv("DATABASE_URL", url)
    data = (DATA / "other" / "2024-001.txt").read_bytes()
    at = _run("import.py")
    at.file_uploader[0].set_value(
        [
            ("2024-001.txt", data, "text/plain"),
            ("scan.docx", b"not a zip", "application/octet-stream"),
        ]
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    summary = _frame_with(at, "文件", "状态").set_index("文件")
    huaian = summary.loc["2024-001.txt"]
    assert huaian["状态"] == "可保存（新报告）"
    assert huaian["格式"] == "2021格式"
    assert (huaian["发布机关"], huaian["年度"], huaian["地区"]) == (
        "淮安市人民政府",
        "2024",
        "江苏省 淮安市",
    )
    assert huaian["统计表"] == "表一、表二、表三"
    assert int(huaian["数字"]) > 150
    assert summary.loc["scan.docx", "状态"] == "无法导入"
    # The preview shows Table B as it will be stored.
    b = _frame_with(at, "项目", "自然人", "总计")
    assert (b.iloc[0]["自然人"], b.iloc[0]["总计"]) == ("3001", "3119")
    errors = _errors(at)
    assert len(errors) == 1 and errors[0].startswith("scan.docx")
    # Nothing is written before 保存.
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    assert not inspect(engine).has_table("report")

    at.button(key="save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = [html.unescape(s.value) for s in at.success]
    assert len(saved) == 1 and saved[0].startswith("2024-001.txt：已保存（编号 ")
    with Session(engine) as s:
        report = s.scalars(select(Report)).one()
        assert report.original == data
        assert report.issuer == "淮安市人民政府"
        report_id = report.id
    engine.dispose()

    # The saved report opens in 报告详情 with its Table B as printed.
    page = _run("report.py", id=str(report_id))
    b = _table_b(page)
    assert (b.iloc[0]["自然人"], b.iloc[0]["总计"]) == ("3001", "3119")

    # The same file is now known as stored: nothing more to save.
    at.run()
    summary = _frame_with(at, "文件", "状态").set_index("文件")
    assert summary.loc["2024-001.txt", "状态"] == f"已入库（编号 {report_id}），不会重复保存"
    assert not [b for b in at.button if b.label.startswith("保存")]


def test_pages_run_under_the_router(db_url: str) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    report_id = _ids(db_url)["淮安市人民政府"]
    at.query_params["id"] = str(report_id)
    at.switch_page("pages/report.py").run()
    assert not at.exception, [e.value for e in at.exception]
    b = _table_b(at)
    assert b.iloc[0]["总计"] == "3119"
    for page in ("pages/data.py", "pages/metrics.py", "pages/import.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_report_page_downloads_original_and_facts(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder()
    recorder.install(monkeypatch)
    ids = _ids(db_url)
    _run("report.py", id=str(ids["淮安市人民政府"]))
    assert recorder.files["2024-001.txt"] == (DATA / "other" / "2024-001.txt").read_bytes()
    facts = pd.read_csv(
        io.BytesIO(recorder.files[f"report-{ids['淮安市人民政府']}-facts.csv"]),
        encoding="utf-8-sig",
    )
    row = facts[(facts["指标代码"] == "requests.received") & (facts["申请人"] == "自然人")]
    assert row["数值"].tolist() == [3001]
    assert len(facts) == 25 * 7 + 15 + 10 + 1


# --- the shared dashboard test database (real reports through the real pipeline) --------


@pytest.fixture(scope="module")
def real_db() -> Iterator[str]:
    from dashboard_db import build_db

    url = build_db()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def _report_id(url: str, file: str) -> int:
    """The id of the report ingested from data/reports/<file> (real or hand mode)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with Session(engine) as s:
        report_id = s.scalar(select(Report.id).where(Report.source.like(f"%{file}")))
    engine.dispose()
    assert report_id is not None
    return int(report_id)


def test_real_db_report_page_pingtan_2023(real_db: str) -> None:
    """pingtan/2023-main-017.txt: 新收 80 + 1 = 81; Table C 1 1 0 0 2 | 4 0 0 1 5 | 1 0 1 0 2."""
    at = _run("report.py", id=str(_report_id(real_db, "pingtan/2023-main-017.txt")))
    b = _table_b(at)
    first = b.iloc[0]
    assert (first["自然人"], first["商业企业"], first["总计"]) == ("80", "1", "81")
    c = next(body for head, body in _html_tables(at) if head[0][0] == "行政复议")
    assert c[0] == ["1", "1", "0", "0", "2", "4", "0", "0", "1", "5", "1", "0", "1", "0", "2"]
    # 第二十条第（一）项 行政规范性文件 is the fused run "77132470" in the source
    # (8 digits, 3 cells, 21 splits): each cell says 存疑 and quotes it.
    a = _html_frame(at, "信息内容", "本年制发件数").set_index("信息内容")
    assert a.loc["行政规范性文件"].tolist() == ["存疑（原文 77132470）"] * 3
    assert a.loc["规章"].tolist() == ["0", "0", "0"]  # real zeros in the source
    assert any("3 个格无法确定数值" in w.value for w in at.warning)
    assert any("存疑（原文 …）" in c.value for c in at.caption)
    meta = _meta(at)
    # 来源: what data/reports/manifest.csv records, not /work/…/data/reports/….
    assert meta["来源"] == (
        "github.com/changwu/pingtan-gov-zwgk-archive pingtan/zwgk/zfxxgk/zfxxgknb/202403/"
        "87885_平潭综合实验区2023年度政府信息公开工作年度报告/page.txt"
    )
    assert meta["文件名"] == "2023-main-017.txt"
    assert meta["文件类型"] == "文本"
    assert not any(str(DATA) in v for v in meta)
    # 检查结果: rule meanings and applicants in Chinese, no codes left alone.
    checks = _frame_with(at, "规则", "结果", "对象", "说明")
    b1 = checks[checks["规则"] == rule_label("B1")]
    assert b1["对象"].tolist()[0] == "自然人"
    # nianbao/checks words it (自然人：本年新收 80 + 上年结转 0 = …); older databases hold
    # "natural_person: 80 + 0 = 80 + 0", which the page translates.
    assert b1["说明"].tolist()[0].startswith("自然人：") and "80" in b1["说明"].tolist()[0]
    assert not checks["说明"].str.contains("natural_person|blank|passes").any()


def test_real_db_blank_cells_of_shanghai_2019_stay_blank(real_db: str) -> None:
    """other/2019-002.html: Table B row 一 has 821 35 _ _ 2 1 859 (blank cells in the source)."""
    at = _run("report.py", id=str(_report_id(real_db, "other/2019-002.html")))
    first = _table_b(at).iloc[0]
    assert first.iloc[3:].tolist() == ["821", "35", "", "", "2", "1", "859"]


def test_real_db_seed_blank_cells_stay_blank(real_db: str) -> None:
    at = _run("report.py", id=str(_report_id(real_db, "seed/000_082f890431297067.txt")))
    values = _html_frame(at, "统计指标", "统计数").set_index("统计指标")["统计数"]
    assert values["（一）收到申请数"] == "2"
    assert values["2.延期办结数"] == ""  # blank in the seed's 附表


def test_real_db_data_page_one_body_one_year(real_db: str) -> None:
    at = _run("data.py", metric="requests.received", years="2023-2023", body="平潭综合实验区")
    frame = _frame_with(at, "报告ID", "申请人", "数值")
    assert len(frame) == 7  # the 7 applicant columns of Table B
    by_applicant = dict(zip(frame["申请人"], frame["数值"], strict=True))
    assert (by_applicant["自然人"], by_applicant["总计"]) == (80, 81)


def test_import_page_refuses_files_over_50_mb(db_url: str) -> None:
    at = _run("import.py")
    big = b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)
    at.file_uploader[0].set_value(("big.pdf", big, "application/pdf"))
    at.run()
    assert not at.exception
    assert _errors(at) == ["big.pdf：文件有 50.0 MB，超过 50 MB 的上限（请拆分或压缩后再上传）"]
