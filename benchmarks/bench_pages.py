"""Render time of each dashboard page, on the bundled reports and on N synthetic ones.

    python -m benchmarks.bench_pages                 # bundled + 10,000 synthetic (SQLite)
    python -m benchmarks.bench_pages --reports 2000  # a smaller synthetic set
    python -m benchmarks.bench_pages --url sqlite:///bench-out/scale-100000.db --only 趋势
                                                     # an existing synthetic database, some pages

Each page runs under streamlit.testing.v1.AppTest: "cold" is the first run
with the query cache cleared (every query goes to the database), "warm" a
rerun (what a user sees after changing a widget whose queries are cached).
Pages of the other helpers that do not honour ?synthetic=1 show no data on
the synthetic set, so their synthetic figures say little.
The synthetic database lives in bench-out/ and is marked synthetic; pages
only show it with ?synthetic=1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import create_engine, select

from benchmarks.synthetic_db import generate
from nianbao.models import Report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"


def _pages(url: str, synthetic: bool) -> list[tuple[str, str, dict[str, str]]]:
    """(label, script, query params) for every page file that exists."""
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            select(Report.id, Report.issuer_key, Report.year)
            .where(Report.is_current.is_(True))
            .order_by(Report.year.desc(), Report.id)
            .limit(1)
        ).first()
    engine.dispose()
    base = {"synthetic": "1"} if synthetic else {}
    body = {"body": row.issuer_key} if row else {}
    out = [
        ("总览", "dashboard.py", base),
        ("总览 · 一个主体", "dashboard.py", {**base, **body}),
        ("趋势", "pages/trends.py", base),
        ("趋势 · 一个主体", "pages/trends.py", {**base, "bodies": row.issuer_key} if row else base),
        ("趋势 · 复议诉讼", "pages/trends.py", {**base, "view": "disputes"}),
        ("趋势 · 人员经费", "pages/trends.py", {**base, "view": "staff"}),
        ("对比", "pages/compare.py", base),
        ("对比 · 公开率", "pages/compare.py", {**base, "metric": "disclosure_rate"}),
    ]
    extra = [
        ("报告详情", "pages/report.py", {"id": str(row.id)} if row else {}),
        ("数据", "pages/data.py", base),
        ("指标说明", "pages/metrics.py", {}),
        ("导入", "pages/import.py", {}),
    ]
    out += [e for e in extra if (ROOT / e[1]).exists()]
    return out


DROP_CACHES = False


def time_page(script: str, params: dict[str, str], repeats: int) -> tuple[float, float, float, str]:
    """Median cold wall time, cold CPU time and warm wall time of ``repeats`` runs.

    CPU time (this process: the script thread, SQLite and pandas) is steadier
    than wall time on a shared machine.
    """
    from streamlit.testing.v1 import AppTest

    from nianbao import ui

    colds, cpus, warms = [], [], []
    problem = ""
    for _ in range(repeats):
        ui.clear_cache()
        if DROP_CACHES:  # cold disk as well: the database file is read from disk again
            os.sync()
            Path("/proc/sys/vm/drop_caches").write_text("3\n")
        at = AppTest.from_file(str(ROOT / script), default_timeout=600)
        for k, v in params.items():
            at.query_params[k] = v
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        colds.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        t0 = time.perf_counter()
        at.run()
        warms.append(time.perf_counter() - t0)
        if at.exception:
            problem = at.exception[0].value.splitlines()[0][:60]
    return statistics.median(colds), statistics.median(cpus), statistics.median(warms), problem


def bundled_url() -> str:
    """data/nianbao.db if it exists, else the bundled reports ingested into bench-out/."""
    default = ROOT / "data" / "nianbao.db"
    if default.exists():
        return f"sqlite:///{default}"
    path = OUT / "bundled.db"
    if not path.exists():
        from nianbao.store import ingest_paths

        OUT.mkdir(exist_ok=True)
        ingest_paths([str(ROOT / "data" / "reports")], url=f"sqlite:///{path}", progress=False)
    return f"sqlite:///{path}"


def synthetic_url(n: int) -> str:
    path = OUT / f"synthetic-{n}.db"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        stats = generate(f"sqlite:///{path}", n)
        print(f"generated {path.name}: {stats['reports']} reports, {stats['facts']} facts")
    return f"sqlite:///{path}"


def count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = len(conn.execute(select(Report.id)).all())
    engine.dispose()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000, help="synthetic reports")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-bundled", action="store_true")
    ap.add_argument("--url", help="time an existing synthetic database instead (no bundled run)")
    ap.add_argument("--only", default="", help="only pages whose label contains this text")
    ap.add_argument("--skip", default="", help="leave out pages whose label contains this text")
    ap.add_argument(
        "--drop-caches",
        action="store_true",
        help="empty the OS page cache before each page (root; slows everyone on the machine)",
    )
    args = ap.parse_args()

    global DROP_CACHES
    DROP_CACHES = args.drop_caches
    if args.url:
        sets = [("synthetic", args.url, True)]
    else:
        sets = [] if args.skip_bundled else [("bundled", bundled_url(), False)]
        sets.append((f"synthetic {args.reports}", synthetic_url(args.reports), True))
    rows = []
    for name, url, synthetic in sets:
        os.environ["DATABASE_URL"] = url
        n = count(url)
        pages = [p for p in _pages(url, synthetic) if args.only in p[0]]
        pages = [p for p in pages if not (args.skip and args.skip in p[0])]
        time_page(pages[0][1], pages[0][2], 1)  # warm-up: imports, first connection
        for label, script, params in pages:
            cold, cpu, warm, problem = time_page(script, params, args.repeats)
            rows.append((name, n, label, cold, cpu, warm, problem))
            print(
                f"  {name:<16} {label:<14} cold {cold:6.3f} s (cpu {cpu:6.3f})  warm {warm:6.3f} s"
            )
    print()
    print("| data | reports | page | cold (s) | cold CPU (s) | warm (s) | note |")
    print("|---|---:|---|---:|---:|---:|---|")
    for name, n, label, cold, cpu, warm, problem in rows:
        print(f"| {name} | {n} | {label} | {cold:.3f} | {cpu:.3f} | {warm:.3f} | {problem} |")


if __name__ == "__main__":
    main()
