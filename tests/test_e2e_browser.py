"""End-to-end: the running dashboard in a real headless Chromium.

`streamlit run dashboard.py` is started on a free port with DATABASE_URL set
to the test database built from real reports (tests/dashboard_db.py) plus
one report whose text holds `<script>` and a markdown link; Debian's chromium
is driven with Playwright (which must not download a browser of its own).
Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nianbao.app_server import running_dashboard
from tests import browser as e2e

pytestmark = e2e.MARKS

HOSTILE = (
    "一、总体情况\n本机关网站 <script>window.__pwned = 1</script> 已更新。"
    "详见[点此下载](http://example.com/evil) 与 **加粗** 文字。"
)


def _add_hostile_report(url: str) -> int:
    """One test-only report whose text must show literally in the browser."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from nianbao.models import Report, Section

    engine = create_engine(url)
    with Session(engine) as s:
        r = Report(
            content_hash="e2e-hostile",
            issuer="端到端测试局",
            issuer_key="端到端测试局",
            scope="department",
            year=2023,
            format="narrative",
            title="端到端测试报告",
            source="tests/e2e-hostile.txt",
            media_type="text",
            parser_version="test",
            full_text=HOSTILE,
            sections=[Section(number="一", title="总体情况", text=HOSTILE, order=1)],
        )
        s.add(r)
        s.commit()
        report_id = r.id
    engine.dispose()
    return report_id


@pytest.fixture(scope="module")
def app() -> Iterator[dict[str, Any]]:
    from dashboard_db import build_db

    # A copy, so the extra report does not leak into other tests' database.
    source = build_db().removeprefix("sqlite:///")
    folder = Path(tempfile.mkdtemp(prefix="nianbao-e2e-"))
    shutil.copy(source, folder / "e2e.db")
    url = f"sqlite:///{folder / 'e2e.db'}"
    hostile_id = _add_hostile_report(url)
    try:
        with running_dashboard(url) as base:
            yield {"base": base, "hostile_id": hostile_id, "url": url}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _download(page: Any, button: Any, attempts: int = 3) -> Any:
    """Click a download button and return the download; a click that lands while
    a rerun replaces the button is retried (the machine may be busy)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        e2e.idle(page)
        try:
            with page.expect_download(timeout=20_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def test_overview_and_navigation_render_in_chinese(app: dict[str, Any], page: Any) -> None:
    page.goto(app["base"] + "/")
    page.get_by_role("heading", name="总览").first.wait_for()
    nav = page.locator('[data-testid="stSidebarNav"]')
    for title in ("报告详情", "数据", "指标说明", "导入"):
        nav.get_by_text(title, exact=True).first.wait_for()
    page.goto(app["base"] + "/metrics")
    e2e.main(page).get_by_text("跨时期系列").first.wait_for()
    # Grid cells are drawn on a canvas; their text is in a hidden accessibility table.
    # 指标说明 names series in Chinese (codes only behind a toggle since a23734c)
    e2e.main(page).get_by_text("收到申请数 / 本年新收申请数").first.wait_for(state="attached")


def test_filter_changes_url_and_drill_down_opens_the_report(app: dict[str, Any], page: Any) -> None:
    from sqlalchemy import create_engine

    from nianbao.queries import facts as fq
    from nianbao.queries import reports as rq

    engine = create_engine(app["url"])
    year = fq.FactFilter(year_from=2016, year_to=2016)
    _, expected_all = fq.facts_table(engine, year)
    shown, expected_non_null = fq.facts_table(engine, fq.FactFilter(2016, 2016, only_non_null=True))
    first_id = int(shown["报告ID"].iloc[0])  # the report the drill-down list offers first
    meta = rq.report_meta(engine, first_id)
    engine.dispose()
    assert meta is not None

    page.goto(app["base"] + "/data?years=2016-2016")
    main = e2e.main(page)
    main.get_by_text(f"共 {expected_all} 行").first.wait_for()
    # Change a filter: only cells with a value. The URL follows and so do the figures.
    page.locator('[data-testid="stSidebar"]').get_by_text("只看有数值的").click()
    page.wait_for_url(re.compile(r"nonnull=1"))
    main.get_by_text(f"共 {expected_non_null} 行").first.wait_for()
    assert "years=2016-2016" in page.url
    # The Excel export holds exactly the rows shown (downloaded by the browser).
    download = _download(page, main.get_by_role("button", name="导出 Excel"))
    assert download.suggested_filename == "nianbao-facts.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    # The columns on screen: the codes and raw tokens only when asked for (?tech=1).
    on_screen = [c for c in shown.columns if c not in fq.TECHNICAL_COLUMNS]
    assert list(rows[0]) == on_screen
    assert len(rows) - 1 == expected_non_null
    assert all(r[on_screen.index("数值")] is not None for r in rows[1:])
    # Follow the drill-down link to 报告详情.
    main.get_by_role("link", name=re.compile("打开报告详情")).click()
    page.wait_for_url(re.compile(rf"/report\?id={first_id}$"))
    page.get_by_text("统计表（按官方模板排列）").first.wait_for()
    main.get_by_role("heading", name=meta.title or "").first.wait_for()


def test_shared_url_reopens_the_same_view(app: dict[str, Any], page: Any) -> None:
    from playwright.sync_api import expect

    shared = app["base"] + f"/report?id={app['hostile_id']}&q=script"
    page.goto(shared)
    main = e2e.main(page)
    main.get_by_text("端到端测试报告").first.wait_for()
    # The search from the URL is in the box and its matches are highlighted.
    box = main.get_by_label("在正文中搜索")
    expect(box).to_have_value("script", timeout=e2e.TIMEOUT_MS)
    page.wait_for_selector("mark")
    assert page.locator("mark").count() == 2
    # The report's <script> and markdown link are shown as text, never run or linked.
    main.get_by_text("<script>window.__pwned = 1</script>", exact=False).first.wait_for()
    main.get_by_text("[点此下载](http://example.com/evil)", exact=False).first.wait_for()
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('a[href="http://example.com/evil"]').count() == 0
    # A second browser tab with the same link shows the same report and search.
    other = page.context.new_page()
    other.goto(page.url)
    e2e.main(other).get_by_text("端到端测试报告").first.wait_for()
    other.wait_for_selector("mark")
    expect(e2e.main(other).get_by_label("在正文中搜索")).to_have_value(
        "script", timeout=e2e.TIMEOUT_MS
    )
    assert other.url == page.url
