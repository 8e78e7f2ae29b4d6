"""Take the README screenshots from a real run on the bundled reports.

    .venv/bin/python docs/screenshots.py

Ingests data/reports into a temporary SQLite file (nianbao.store.ingest_paths),
starts `streamlit run dashboard.py` on a free port with DATABASE_URL pointing
at it, and photographs pages in Debian's chromium (driven by Playwright, which
does not download a browser). Writes docs/trends.png and docs/compare.png.
Pass `--extra` to also write docs/report.png and docs/data.png.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# (file, path and query of the view, text to wait for)
# {region}: the id of 平潭综合实验区, the zone whose reports cover 2009–2025.
SHOTS: tuple[tuple[str, str, str], ...] = (
    (
        "trends.png",
        "/trends?region={region}&bodies=平潭综合实验区&metric=requests_received&view=outcomes",
        "趋势",
    ),
    ("compare.png", "/compare?region={region}&year=2023&scope=department", "对比"),
)
EXTRA: tuple[tuple[str, str, str], ...] = (
    ("report.png", "/report?id={report_id}", "统计表（按官方模板排列）"),
    ("data.png", "/data?metric=requests.received&years=2021-2025", "共 "),
)


def _settle(page: object, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=90_000)  # type: ignore[attr-defined]
    # Let Streamlit finish the run and Plotly draw (it animates briefly).
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=90_000,
    )
    time.sleep(4)


def main(extra: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from nianbao.app_server import CHROMIUM, CHROMIUM_ARGS, running_dashboard
    from nianbao.models import Region, Report
    from nianbao.store import ingest_paths

    folder = Path(tempfile.mkdtemp(prefix="nianbao-shots-"))
    url = f"sqlite:///{folder / 'nianbao.db'}"
    summary = ingest_paths([str(ROOT / "data" / "reports")], url=url, progress=False)
    print(f"ingested {summary.parsed} files, {summary.failed} failed", file=sys.stderr)
    engine = create_engine(url)
    with Session(engine) as s:
        report_id = s.scalar(
            select(Report.id).where(Report.source.like("%2023-main-017.txt")).limit(1)
        ) or s.scalar(select(Report.id).limit(1))
        region = s.scalar(select(Region.id).where(Region.name == "平潭综合实验区").limit(1))
    engine.dispose()

    try:
        with running_dashboard(url) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
            # Open the app's root first: the router registers the Chinese page titles.
            page.goto(base + "/")
            _settle(page, "总览")
            for name, path, text in SHOTS + (EXTRA if extra else ()):
                page.goto(base + path.format(report_id=report_id, region=region))
                _settle(page, text)
                page.screenshot(path=str(DOCS / name), full_page=False)
                print(f"wrote docs/{name}", file=sys.stderr)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(extra="--extra" in sys.argv[1:])
