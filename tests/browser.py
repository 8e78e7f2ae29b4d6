"""What every end-to-end test in a real browser shares.

The browser is Debian's chromium driven by Playwright's Python package (never
a browser Playwright downloads); the dashboard is started by
nianbao.app_server.running_dashboard. The `browser` and `page` fixtures live
in conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from nianbao.app_server import CHROMIUM

TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


def main(page: Any) -> Any:
    """The page's main column (the sidebar excluded)."""
    return page.locator('[data-testid="stMain"]')


def idle(page: Any) -> None:
    """Wait until Streamlit has finished the current run (no stale elements, no runner)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')",
        timeout=TIMEOUT_MS,
    )
