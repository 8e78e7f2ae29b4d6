"""The ``nianbao`` command: a thin edge over loaders and nianbao.store.

    nianbao parse FILE [--json] [--title …] [--meta PATH]
    nianbao ingest PATH... [--db URL] [--workers N] [--batch-size N] [--no-progress]
    nianbao synth OUTDIR [--bodies N] [--years 2014-2025] [--seed S] [--formats txt,html,docx]
    nianbao init [--db URL]
    nianbao rekey [--db URL] [--dry-run]
    nianbao reparse [--db URL] [--all] [--dry-run] [--workers N] [--no-progress]
    nianbao serve [--port N] [--db URL]

Domain errors (LoaderError, StorageError) become one line on stderr and a
non-zero exit code; a user never sees a traceback.
Exit codes: 0 ok, 1 some files could not be read or saved, 2 usage or
database error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from loaders.errors import LoaderError
from loaders.model import CheckResult, ParsedReport, Scope
from nianbao.app_server import DASHBOARD, streamlit_command
from nianbao.db import REPO, StorageError, database_url, display_url
from nianbao.store import (
    BATCH_REPORTS,
    IngestSummary,
    ingest_paths,
    internal_error,
    overrides_for,
    report_count,
)

BUNDLED_REPORTS = REPO / "data" / "reports"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except StorageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE


# --- parse ----------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2020-01-20: {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"not a 4-digit year: {text!r}")
    return int(text)


_OVERRIDE_OPTIONS = (
    "title",
    "issuer",
    "scope",
    "province",
    "city",
    "county",
    "region_code",
    "year",
    "published",
)


def parse_report(
    file: Path, meta: Path | None = None, explicit: dict[str, Any] | None = None
) -> tuple[ParsedReport, tuple[CheckResult, ...]]:
    """Parse and check one file; every failure is a LoaderError with one line."""
    from loaders.parse import parse_file
    from nianbao.checks import run_checks

    overrides = overrides_for(file, meta=meta, explicit=explicit)
    try:
        report = parse_file(file, overrides)
        return report, run_checks(report)
    except LoaderError:
        raise
    except Exception as e:  # a parser bug: one line asking for the file, no traceback
        raise LoaderError(str(file), internal_error(e)) from e


def _cmd_parse(args: argparse.Namespace) -> int:
    from loaders.contract import to_contract

    explicit = {name: getattr(args, name) for name in _OVERRIDE_OPTIONS}
    try:
        report, checks = parse_report(Path(args.file), args.meta, explicit)
    except LoaderError as e:
        print(str(e), file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(to_contract(report, checks), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(report, checks)))
    return EXIT_OK


def summary_lines(report: ParsedReport, checks: Sequence[CheckResult]) -> list[str]:
    """A short human-readable account of a parsed report."""
    r = report.region
    region = " ".join(x for x in (r.province, r.city, r.county) if x) or "—"
    if r.code:
        region += f" ({r.code})"
    blank = sum(1 for f in report.facts if f.value is None)
    from_text = sum(1 for f in report.facts if f.source == "text")
    status = Counter(c.status for c in checks)
    lines = [
        f"title:     {report.title or '—'}",
        f"issuer:    {report.issuer or '—'}  (scope: {report.scope})",
        f"region:    {region}",
        f"year:      {report.year or '—'}  format: {report.format}  "
        f"published: {report.published.isoformat() if report.published else '—'}",
        f"sections:  {len(report.sections)}",
        f"facts:     {len(report.facts)} (blank {blank}, from text {from_text})",
        f"checks:    {status['pass']} pass, {status['fail']} fail, {status['uncertain']} uncertain",
    ]
    lines += [
        f"  fail {c.rule}{' ' + c.subject if c.subject else ''}: {c.detail}"
        for c in checks
        if c.status == "fail"
    ]
    lines.append(f"warnings:  {len(report.warnings)}")
    lines += [f"  - {w}" for w in report.warnings[:10]]
    if len(report.warnings) > 10:
        lines.append(f"  … {len(report.warnings) - 10} more (see --json)")
    return lines


# --- ingest / init / serve --------------------------------------------------------


def _print_summary(summary: IngestSummary, limit: int | None = None) -> None:
    head, *failures = summary.lines()
    print(head)
    for line in failures[:limit]:
        print(line)
    if limit is not None and len(failures) > limit:
        print(
            f"…… 另有 {len(failures) - limit} 个失败（运行 nianbao ingest data/reports 可列出全部）"
        )


def _cmd_ingest(args: argparse.Namespace) -> int:
    summary = ingest_paths(
        args.paths,
        url=args.db,
        progress=not args.no_progress,
        workers=args.workers,
        batch_size=args.batch_size,
    )
    _print_summary(summary)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _cmd_synth(args: argparse.Namespace) -> int:
    from nianbao.synthetic import RefusedPath, parse_years, write_corpus

    try:
        years = parse_years(args.years)
    except ValueError:
        print(f"error: --years: not a range like 2014-2025: {args.years!r}", file=sys.stderr)
        return EXIT_USAGE
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not 0 <= args.broken_share <= 1:
        print("error: --broken-share must be between 0 and 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        counts = write_corpus(
            args.outdir, args.bodies, years, args.seed, args.broken_share, formats
        )
    except (RefusedPath, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"wrote {counts['files']} synthetic reports to {args.outdir} "
        + " ".join(f"{k} {v}," for k, v in counts.items() if k != "files").rstrip(",")
    )
    return EXIT_OK


def initialise(url: str | None = None, progress: bool = True) -> IngestSummary | None:
    """Create the database; fill it with the bundled reports if it holds none.

    Returns the ingest summary, or None when the database already had reports.
    """
    if report_count(url) > 0:
        return None
    if not BUNDLED_REPORTS.is_dir():
        raise StorageError(
            f"the bundled reports are missing ({BUNDLED_REPORTS}); "
            "run from a clone of the repository or use nianbao ingest PATH"
        )
    return ingest_paths([BUNDLED_REPORTS], url=url, progress=progress)


OUTDATED_HINT = (
    "提示：数据库中有用旧版解析器解析的报告（警告、核对说明等可能仍是旧的）；"
    "运行 nianbao reparse 用当前解析器重新解析（报告多时耗时较长，因此不会自动进行）"
)


def print_outdated_hint(url: str | None) -> None:
    """One line when stored reports were parsed by an older parser version.
    Only a hint: re-parsing 100k reports takes far too long to do at start."""
    from nianbao.db import get_engine
    from nianbao.reparse import has_outdated

    if has_outdated(get_engine(database_url(url))):
        print(OUTDATED_HINT)


def _cmd_init(args: argparse.Namespace) -> int:
    url = database_url(args.db)
    summary = initialise(url, progress=not args.no_progress)
    if summary is None:
        print(f"{display_url(url)} already holds {report_count(url)} reports")
        print_outdated_hint(url)
        return EXIT_OK
    _print_summary(summary)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    # Imported here: the evaluator pulls in numpy, which parse/ingest do not need.
    from nianbao.evaluation_store import run_evaluation

    summary = run_evaluation(database_url(args.db), only_stale=not args.all)
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _cmd_rekey(args: argparse.Namespace) -> int:
    """Recompute every report's issuer key (after nianbao/issuer_aliases.csv
    was edited); one line of counts, then one line per merged body."""
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.db import explain, get_engine, init_db
    from nianbao.issuers import rekey_database

    engine = get_engine(database_url(args.db))
    try:
        if not args.dry_run:  # upgrading an old database re-keys it (migration 0005)
            init_db(engine)
        with engine.begin() as conn:
            summary = rekey_database(conn, dry_run=args.dry_run)
    except ValueError as e:  # a malformed alias table: one line, no traceback
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as e:  # e.g. --dry-run on a database without reports
        print(f"error: {explain(engine, e)}", file=sys.stderr)
        return EXIT_USAGE
    for line in summary.lines():
        print(line)
    if args.dry_run:
        print("dry run: nothing written")
    return EXIT_OK


def _cmd_reparse(args: argparse.Namespace) -> int:
    """Re-parse reports of an older parser version from their stored
    originals; one summary line, then one line per failure or kept metadata."""
    from nianbao.reparse import reparse

    summary = reparse(
        args.db,
        everything=args.all,
        dry_run=args.dry_run,
        progress=not args.no_progress,
        workers=args.workers,
    )
    for line in summary.lines():
        print(line)
    return EXIT_FAILED if summary.failures else EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    if args.db:
        # The dashboard runs in another process and reads the URL from here.
        os.environ["DATABASE_URL"] = args.db
    summary = initialise(args.db)
    if summary is not None:
        # Failures in the bundled files do not stop the dashboard.
        _print_summary(summary, limit=5)
    else:
        print_outdated_hint(args.db)
    if not DASHBOARD.is_file():
        print(f"error: {DASHBOARD} not found (run from a clone of the repository)", file=sys.stderr)
        return EXIT_USAGE
    # Headless when not on a terminal (a service, a container): no browser to open.
    command = streamlit_command(args.port, headless=not sys.stdout.isatty())
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
    return EXIT_OK  # not reached


# --- argument parsing ------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nianbao",
        description="Parse 政府信息公开工作年度报告 into a database and show them in a dashboard.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = sub.add_parser("parse", help="parse one report file and print what was found")
    parse.add_argument("file", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print the JSON contract")
    parse.add_argument(
        "--meta",
        type=Path,
        metavar="PATH",
        help="metadata JSON file (default: FILE.meta.json when it exists)",
    )
    meta = parse.add_argument_group(
        "metadata", "supply or correct what the document does not say clearly (these win)"
    )
    meta.add_argument("--title")
    meta.add_argument("--issuer")
    meta.add_argument("--scope", choices=get_args(Scope))
    meta.add_argument("--province")
    meta.add_argument("--city")
    meta.add_argument("--county")
    meta.add_argument("--region-code", dest="region_code", metavar="CODE")
    meta.add_argument("--year", type=_year)
    meta.add_argument("--published", type=_date, metavar="YYYY-MM-DD")
    parse.set_defaults(run=_cmd_parse)

    db_help = "database URL (default: $DATABASE_URL, else data/nianbao.db)"
    ingest = sub.add_parser("ingest", help="parse report files and folders into the database")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--db", metavar="URL", help=db_help)
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help="parser processes (default: one per core)",
    )
    ingest.add_argument(
        "--batch-size",
        type=_positive,
        default=BATCH_REPORTS,
        metavar="N",
        help=f"reports per transaction (default: {BATCH_REPORTS})",
    )
    ingest.set_defaults(run=_cmd_ingest)

    synth = sub.add_parser(
        "synth", help="write SYNTHETIC report files for load tests (never into data/)"
    )
    synth.add_argument("outdir", metavar="OUTDIR", type=Path)
    synth.add_argument("--bodies", type=_positive, default=100, metavar="N")
    synth.add_argument("--years", default="2014-2025", metavar="Y1-Y2")
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--broken-share", type=float, default=0.05, metavar="P")
    synth.add_argument("--formats", default="txt,html,docx", metavar="LIST")
    synth.set_defaults(run=_cmd_synth)

    init = sub.add_parser(
        "init", help="create the database and load the bundled reports if it is empty"
    )
    init.add_argument("--db", metavar="URL", help=db_help)
    init.add_argument("--no-progress", action="store_true", help="no progress bar")
    init.set_defaults(run=_cmd_init)

    evaluate = sub.add_parser(
        "evaluate", help="run the evaluator's checks (timeliness, T1, copies …) and store them"
    )
    evaluate.add_argument("--db", metavar="URL", help=db_help)
    evaluate.add_argument(
        "--all", action="store_true", help="re-run even if rules and reports are unchanged"
    )
    evaluate.set_defaults(run=_cmd_evaluate)

    rekey = sub.add_parser(
        "rekey",
        help="recompute the issuer keys that group a body's reports "
        "(after editing nianbao/issuer_aliases.csv)",
    )
    rekey.add_argument("--db", metavar="URL", help=db_help)
    rekey.add_argument(
        "--dry-run", action="store_true", help="print what would change, write nothing"
    )
    rekey.set_defaults(run=_cmd_rekey)

    reparse = sub.add_parser(
        "reparse",
        help="re-parse stored reports of an older parser version from their original bytes",
    )
    reparse.add_argument("--db", metavar="URL", help=db_help)
    reparse.add_argument(
        "--all", action="store_true", help="every report, whatever its parser version"
    )
    reparse.add_argument(
        "--dry-run", action="store_true", help="parse and print what would change, write nothing"
    )
    reparse.add_argument("--no-progress", action="store_true", help="no progress bar")
    reparse.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help="parser processes (default: 2, one writer)",
    )
    reparse.set_defaults(run=_cmd_reparse)

    serve = sub.add_parser("serve", help="init, then run the dashboard")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--db", metavar="URL", help=db_help)
    serve.set_defaults(run=_cmd_serve)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
