"""End-to-end: the dashboard asks nothing of the internet (QA 17).

Streamlit's front end turns a page icon such as ":material/show_chart:" into
the browser tab's favicon by fetching an SVG from fonts.gstatic.com, unless
st.set_page_config sets page_icon (an emoji becomes a data: URI). dashboard.py
sets one; the sidebar's material icons come from a font bundled with
Streamlit. This test opens 总览 and 趋势 in Debian's headless Chromium and
records every request the page makes: all go to the local server.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from nianbao.app_server import CHROMIUM, CHROMIUM_ARGS, running_dashboard
from tests import browser as e2e

pytestmark = e2e.MARKS


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    from tests.dashboard_db import build_db

    with running_dashboard(build_db()) as url:
        yield url


def test_pages_make_no_request_outside_the_local_server(base: str) -> None:
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(e2e.TIMEOUT_MS)
            page.on("request", lambda r: requested.append(r.url))
            for path, heading in (("/", "总览"), ("/trends", "趋势")):
                page.goto(base + path)
                page.get_by_role("heading", name=heading).first.wait_for()
                e2e.idle(page)
                page.wait_for_timeout(1500)  # the favicon is set after the first run
            favicon = page.evaluate(
                "() => document.querySelector(\"link[rel='shortcut icon']\")?.href || ''"
            )
        finally:
            browser.close()
    local = urlparse(base).netloc
    outside = [
        u
        for u in requested
        if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != local
    ]
    assert requested, "the page made no request at all"
    assert outside == []
    # the tab icon is the emoji of st.set_page_config, drawn from a data: URI
    assert favicon.startswith("data:image/svg+xml"), favicon
