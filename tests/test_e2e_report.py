"""End-to-end: 报告详情 in a real headless Chromium at 1400 × 1000.

What AppTest cannot see: whether the official tables fit the window (Table B's
总计 column on screen without horizontal scrolling), and that the picker
without ?id works with a mouse. The dashboard runs on the shared test database
of real reports (tests/dashboard_db.py); nothing is written to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from nianbao.app_server import running_dashboard
from nianbao.models import Report
from tests import browser as e2e

WIDTH = e2e.VIEWPORT["width"]

pytestmark = e2e.MARKS


@pytest.fixture(scope="module")
def app() -> Iterator[dict[str, Any]]:
    from dashboard_db import build_db

    url = build_db()
    engine = create_engine(url)
    with Session(engine) as s:
        pingtan_2023 = s.scalar(
            select(Report.id).where(Report.source.like("%pingtan/2023-main-017.txt"))
        )
    engine.dispose()
    with running_dashboard(url) as base:
        yield {"base": base, "pingtan_2023": pingtan_2023}


def test_table_b_total_column_is_on_screen_and_uncertain_cells_are_marked(
    app: dict[str, Any], page: Any
) -> None:
    page.goto(f"{app['base']}/report?id={app['pingtan_2023']}")
    main = e2e.main(page)
    # pingtan/2023-main-017.txt: 第二十条第（一）项 行政规范性文件 is "77132470" in the source.
    main.get_by_text("存疑（原文 77132470）").first.wait_for()
    assert main.get_by_text("存疑（原文 77132470）").count() == 3
    table_b = main.locator("table", has_text="申请人情况")
    table_b.wait_for()
    # No table is wider than the column it sits in (no horizontal scrolling).
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('table')]"
        ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
    )
    assert overflow == 0
    # Table B's 总计 head and row 一's 总计 (81) are inside the window.
    total_head = table_b.locator("th", has_text=re.compile(r"^总计$"))
    box = total_head.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH
    first_row = table_b.locator("tbody tr").first
    assert first_row.locator("td").last.inner_text() == "81"
    cell = first_row.locator("td").last.bounding_box()
    assert cell is not None and cell["x"] + cell["width"] <= WIDTH
    # Static tables, not 10-row scroll boxes: the whole of Table B is laid out.
    assert table_b.locator("tbody tr").count() == 25  # gov2021: 一, 二, 21 rows of 三, 四


def test_picker_without_id_opens_nothing_until_a_report_is_chosen(
    app: dict[str, Any], page: Any
) -> None:
    page.goto(f"{app['base']}/report")
    main = e2e.main(page)
    main.get_by_text("请在上面查找并选择一份报告。").wait_for()
    assert main.locator("table").count() == 0
    main.get_by_label("查找报告").fill("平潭综合实验区 2023")
    main.get_by_label("查找报告").press("Enter")
    main.get_by_text("找到", exact=False).first.wait_for()
    main.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="平潭综合实验区 · 2023年", exact=True).click()
    page.wait_for_url(re.compile(rf"/report\?id={app['pingtan_2023']}$"))
    main.get_by_role("heading", name="平潭综合实验区2023年度政府信息公开工作年度报告").wait_for()
