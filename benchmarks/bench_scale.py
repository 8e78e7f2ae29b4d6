"""nianbao at scale: parse, ingest and page times at 10k and 100k reports. Not a test.

    python benchmarks/bench_scale.py [--sizes 10000,100000] [--dbs sqlite,postgresql]
                                     [--workers 2] [--skip-pages] [--parse-seconds 3]

1. Parse throughput per input type, one process: synthetic txt/html/docx
   (nianbao.synthetic) and the bundled PDF; reports per CPU-second = per core.
2. For each size: a synthetic corpus generated once into bench-out/synth-N/
   (``nianbao synth``; N/12 bodies × 2014–2025), ingested into a fresh
   database with ``--workers`` parser processes, in a child process so that
   its peak RSS (main process, and the largest worker) is its own. SQLite: a
   file in bench-out/; PostgreSQL: $BENCH_PG_URL's server, else a throwaway
   cluster like the tests' (fsync off: commits cost less than on a real server).
3. Database size per report.
4. Each dashboard page's cold render time on that database (the approach of
   benchmarks/bench_pages.py: streamlit AppTest, query cache cleared).

Rows are printed as they are measured and collected in a table at the end;
the table is also written to bench-out/bench_scale.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench-out"
YEARS = list(range(2014, 2026))

Row = tuple[str, str, str, str, str]  # what, size, db, figure, note
rows: list[Row] = []


def emit(what: str, size: str, db: str, figure: str, note: str = "") -> None:
    rows.append((what, size, db, figure, note))
    print(f"  {what:<28} {size:>7} {db:<10} {figure:>14}  {note}", flush=True)


# --- corpus -------------------------------------------------------------------


def corpus(n: int) -> Path:
    """bench-out/synth-N: about N reports (N // 12 bodies × 12 years), made once."""
    folder = OUT / f"synth-{n}"
    done = folder / ".complete"
    if not done.exists():
        from nianbao.synthetic import write_corpus

        t0 = time.perf_counter()
        counts = write_corpus(folder, max(1, n // len(YEARS)), YEARS, seed=1)
        done.write_text(json.dumps(counts))
        emit("generate corpus", str(n), "-", f"{time.perf_counter() - t0:.0f} s", str(counts))
    return folder


def n_files(folder: Path) -> int:
    return int(json.loads((folder / ".complete").read_text())["files"])


# --- parse ---------------------------------------------------------------------


def bench_parse(seconds: float) -> None:
    from loaders.parse import parse_file
    from nianbao.checks import run_checks

    sample = corpus(10_000)
    by_type: dict[str, list[Path]] = {"txt": [], "html": [], "docx": []}
    for f in sorted(sample.rglob("*")):
        ext = f.suffix[1:]
        if ext in by_type and len(by_type[ext]) < 300:
            by_type[ext].append(f)
    by_type["pdf (bundled)"] = sorted((ROOT / "data" / "reports").rglob("*.pdf"))
    for kind, files in by_type.items():
        datas = [(str(f), f.read_bytes()) for f in files]
        done = 0
        t0, c0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < seconds:
            for name, data in datas:
                run_checks(parse_file(data, name=name))
                done += 1
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        emit(
            f"parse {kind}",
            str(len(files)),
            "-",
            f"{done / cpu:.0f}/s/core",
            f"{done} parses, {wall:.1f} s wall, {cpu:.1f} s CPU",
        )


# --- ingest ----------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


class _Peak(threading.Thread):
    """Samples the RSS of this process and its children (the parser workers)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.total = self.main = self.worker = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.2):
            main = _rss_kb(me)
            kids = [_rss_kb(c) for c in _children(me)]
            self.main = max(self.main, main)
            self.worker = max([self.worker, *kids])
            self.total = max(self.total, main + sum(kids))


def _ingest_child(url: str, folder: str, workers: int) -> None:
    """Runs in a child process: ingest, then print times and peak RSS as JSON."""
    from nianbao.store import ingest_paths

    peak = _Peak()
    peak.start()
    t0 = time.perf_counter()
    summary = ingest_paths([folder], url=url, progress=False, workers=workers)
    elapsed = time.perf_counter() - t0
    peak.stop.set()
    peak.join()
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "parsed": summary.parsed,
                "failed": summary.failed,
                "failures": summary.lines()[1:4],
                "rss_main_mb": max(me, peak.main) / 1024,
                "rss_worker_mb": peak.worker / 1024,
                "rss_total_mb": max(peak.total, me) / 1024,
            }
        )
    )


def bench_ingest(url: str, db: str, n: int, folder: Path, workers: int) -> None:
    cmd = [sys.executable, __file__, "_ingest", url, str(folder), str(workers)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        emit("ingest", str(n), db, "FAILED", out.stderr.strip().splitlines()[-1][:120])
        return
    r = json.loads(out.stdout.strip().splitlines()[-1])
    rate = r["parsed"] / r["elapsed"]
    emit(
        f"ingest ({workers} workers)",
        str(n),
        db,
        f"{rate:.0f} reports/s",
        f"{r['elapsed']:.0f} s for {r['parsed']} (failed {r['failed']}); "
        f"100k at this rate: {100_000 / rate / 60:.1f} min",
    )
    emit(
        "peak RSS",
        str(n),
        db,
        f"{r['rss_total_mb']:.0f} MB",
        f"main ≤ {r['rss_main_mb']:.0f} MB, each worker ≤ {r['rss_worker_mb']:.0f} MB "
        "(RSS; forked workers share pages with the main process)",
    )
    for line in r["failures"]:
        print("    " + line)


def db_size(url: str) -> int:
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url)
    with engine.connect() as conn:
        size = int(conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    engine.dispose()
    return size


def report_count(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        n = int(conn.scalar(text("SELECT count(*) FROM report")) or 0)
    engine.dispose()
    return n


# --- pages -----------------------------------------------------------------------


def bench_pages(url: str, db: str, n: int) -> None:
    from benchmarks.bench_pages import _pages, time_page

    os.environ["DATABASE_URL"] = url
    pages = _pages(url, synthetic=True)
    time_page(pages[0][1], pages[0][2], 1)  # warm-up: imports, first connection
    for label, script, params in pages:
        cold, cpu, warm, problem = time_page(script, params, 1)
        emit(
            f"page {label}",
            str(n),
            db,
            f"{cold:.2f} s",
            f"cpu {cpu:.2f} s, warm {warm:.2f} s" + (f"; {problem}" if problem else ""),
        )


# --- databases ---------------------------------------------------------------------


@contextmanager
def postgres() -> Iterator[object]:
    """A factory of fresh PostgreSQL databases (name -> URL)."""
    given = os.environ.get("BENCH_PG_URL")
    if given:
        import psycopg
        from sqlalchemy.engine import make_url

        from nianbao.db import database_url

        base = make_url(database_url(given))
        dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)

        def fresh(name: str) -> str:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
            return base.set(database=name).render_as_string(hide_password=False)

        yield fresh
        return
    from tests.pg import Cluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries: set BENCH_PG_URL or install postgresql")
    cluster = Cluster(bin_dir)
    cluster.start()
    try:
        yield lambda name: cluster.create_database(name)
    finally:
        cluster.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_ingest":
        _ingest_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--dbs", default="sqlite,postgresql")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--parse-seconds", type=float, default=3.0)
    ap.add_argument("--skip-parse", action="store_true")
    ap.add_argument("--skip-pages", action="store_true")
    ap.add_argument(
        "--pages-only",
        metavar="URL",
        help="only time the pages on this existing database (e.g. bench-out/scale-100000.db)",
    )
    ap.add_argument(
        "--db-dir",
        type=Path,
        default=OUT,
        help="folder of the scale-N.db SQLite files (deleted and re-made; default bench-out)",
    )
    ap.add_argument("--md", default="bench_scale.md", help="table file name in bench-out/")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    args.db_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    dbs = [d.strip() for d in args.dbs.split(",")]

    print(f"{'what':<30} {'size':>7} {'db':<10} {'figure':>14}  note", flush=True)
    if args.pages_only:
        url = args.pages_only
        bench_pages(url, url.split(":", 1)[0].split("+")[0], report_count(url))
        return
    if not args.skip_parse:
        bench_parse(args.parse_seconds)
    with postgres() if "postgresql" in dbs else contextlib.nullcontext() as fresh_pg:
        for n in sizes:
            folder = corpus(n)
            files = n_files(folder)
            for db in dbs:
                if db == "sqlite":
                    path = args.db_dir / f"scale-{n}.db"
                    for p in args.db_dir.glob(path.name + "*"):
                        p.unlink()
                    url = f"sqlite:///{path}"
                else:
                    url = fresh_pg(f"scale_{n}")  # type: ignore[operator]
                bench_ingest(url, db, files, folder, args.workers)
                stored = report_count(url)
                emit(
                    "database size / report",
                    str(n),
                    db,
                    f"{db_size(url) / max(stored, 1) / 1024:.1f} KiB",
                    f"{stored} reports, {db_size(url) / 2**20:.0f} MiB",
                )
                if not args.skip_pages:
                    bench_pages(url, db, stored)
    table = ["| what | size | db | figure | note |", "|---|---:|---|---:|---|"]
    table += [f"| {' | '.join(r)} |" for r in rows]
    (OUT / args.md).write_text("\n".join(table) + "\n", encoding="utf-8")
    print()
    print("\n".join(table))


if __name__ == "__main__":
    main()
