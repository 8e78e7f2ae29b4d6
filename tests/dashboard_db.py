"""The dashboard's test database, built once per test process from real reports.

REAL_FILES are parsed, checked and stored by the real pipeline
(``nianbao.store.ingest_paths``) into a temporary SQLite file; the dashboard
tests then assert figures copied from those files (e.g. pingtan/2023-main-017.txt
Table B 新收 81, 总计 81). A file the pipeline cannot read fails the build with
the store's own one-line reason, rather than quietly leaving a report out.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"

# The 平潭综合实验区 main reports 2011–2025, two departments over all their
# years (经济发展局; 财政局 / 财政金融局), the seed (长春市朝阳区 2016: a legacy
# table with blank cells) and the Shanghai 2019 HTML (a blank 总计 column).
REAL_FILES: tuple[Path, ...] = (
    *sorted(REPORTS.glob("pingtan/*-main-*.txt")),
    *sorted(REPORTS.glob("pingtan/*-jjf-*.txt")),
    *sorted(REPORTS.glob("pingtan/*-czj-*.txt")),
    REPORTS / "seed" / "000_082f890431297067.txt",
    REPORTS / "other" / "2019-002.html",
)

PINGTAN = "平潭综合实验区"
JJF = "平潭综合实验区经济发展局"


@cache
def build_db() -> str:
    """Create the test database once per process; returns its SQLAlchemy URL."""
    from nianbao.store import ingest_paths

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='nianbao-dash-')) / 'dashboard.db'}"
    summary = ingest_paths(REAL_FILES, url=url, progress=False)
    if summary.failures:
        raise RuntimeError(
            "the dashboard test database could not ingest every report:\n"
            + "\n".join(reason for _, reason in summary.failures)
        )
    return url
