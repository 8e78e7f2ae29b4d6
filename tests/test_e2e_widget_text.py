"""In a real Chromium: Streamlit's own English widget texts are shown in Chinese
(nianbao.ui.chinese_widget_text), and the 数据 page's two downloads both
arrive when clicked one right after the other (QA 8).

The dashboard runs on the shared test database (tests/dashboard_db.py) and
nothing here writes to it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from nianbao.app_server import CHROMIUM, CHROMIUM_ARGS, running_dashboard
from tests import browser as e2e

pytestmark = e2e.MARKS


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    from tests.dashboard_db import build_db

    with running_dashboard(build_db()) as url:
        yield url


@pytest.fixture(scope="module")
def page(base: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
        )
        pg = context.new_page()
        pg.set_default_timeout(e2e.TIMEOUT_MS)
        try:
            yield pg
        finally:
            browser.close()


def _shown(locator: Any) -> tuple[str, str]:
    """(font size of the element, the text its ::after draws)."""
    size, text = locator.evaluate(
        "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    )
    return size, text


def test_file_uploader_speaks_chinese(base: str, page: Any) -> None:
    page.goto(base + "/import")
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]')
    dropzone.wait_for()
    label = dropzone.locator("button p")
    assert label.inner_text() == "Upload"  # Streamlit's text, still in the DOM …
    assert _shown(label) == ("0px", '"选择文件"')  # … but drawn as 选择文件
    # "50MB per file" is not shown; the page says 单个不超过 50 MB itself.
    assert not page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').is_visible()
    page.get_by_text("单个不超过 50 MB").first.wait_for()


def test_multiselect_has_no_english_rows(base: str, page: Any) -> None:
    page.goto(base + "/data")
    sidebar = page.locator('[data-testid="stSidebar"]')
    bodies = sidebar.locator('[data-testid="stMultiSelect"]').nth(2)
    bodies.wait_for()
    e2e.idle(page)
    bodies.click()
    listbox = page.locator('[role="listbox"]').first
    listbox.wait_for()
    options = listbox.locator('[role="option"]')
    assert options.first.inner_text() != "Select all"
    assert "平潭综合实验区" in listbox.inner_text()
    page.keyboard.type("zzzz")
    empty = page.locator('[role="listbox"][data-empty="true"] [role="option"] span')
    empty.wait_for()
    assert _shown(empty) == ("0px", '"没有匹配的选项"')  # instead of "No results"
    page.keyboard.press("Escape")


def test_csv_then_excel_at_once_both_download(base: str, page: Any) -> None:
    """The QA 8 steps: one body, 导出 CSV and right after it 导出 Excel."""
    page.goto(base + "/data?body=平潭综合实验区&years=2023-2023")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("共 206 行").first.wait_for()
    e2e.idle(page)
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    main.get_by_role("button", name="导出 CSV").click()
    main.get_by_role("button", name="导出 Excel").click()
    for _ in range(60):
        if len(downloads) == 2:
            break
        page.wait_for_timeout(500)
    by_name = {d.suggested_filename: Path(d.path()).read_bytes() for d in downloads}
    assert set(by_name) == {"nianbao-facts.csv", "nianbao-facts.xlsx"}
    csv = pd.read_csv(io.BytesIO(by_name["nianbao-facts.csv"]), encoding="utf-8-sig")
    assert len(csv) == 206 and set(csv["年度"]) == {2023}
    assert (csv["状态"] == "存疑（原文 77132470）").sum() == 3
    sheet = openpyxl.load_workbook(io.BytesIO(by_name["nianbao-facts.xlsx"])).active
    assert sheet is not None and sheet.max_row == 207
