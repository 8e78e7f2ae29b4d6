"""Benchmark: the evaluator's checks + similarity on 1k, 2k, 5k and 10k reports.

    .venv/bin/python benchmarks/bench_evaluate.py [--sizes 1000,2000,5000,10000] [--seed 7]

The reports are SYNTHETIC, built in memory from the real reports bundled in
data/reports (nothing is written): each synthetic body (named 合成机关N, source
``synthetic://N/YEAR``) publishes a series of yearly reports; every report
starts from a real report's sections and tables, then
- drops ~10 % of its sentences, shuffles a few, and mixes in ~10 % of
  sentences from another real report;
- rescales every table number by a random factor (blanks stay blank);
- in ~20 % of cases is instead a copy of the body's previous report with only
  the year changed (what O1 must find), and in ~2 % a copy of another body's
  report of the same year (what O2 must find).
So the mix of work per report matches a real collection: T1 regexes over the
narrative, table lookups, per-body series, and MinHash/LSH over each year.

It prints, for each size, the wall and CPU time of nianbao.evaluate.evaluate()
(all rules: D1 D2 F1 F2 S1 T1 X1 A1 A4 O1 O2 V1 V2, one process), reports per
second, and the growth of CPU time against the previous size (wall time moves
with whatever else the machine runs); then how many planted copies O1/O2 found.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.model import Fact, ParsedReport, Region, Section  # noqa: E402

_SENT = re.compile(r"(?<=[。；！？])")
_YEAR = re.compile(r"20[0-2]\d")


def _detect(linear: str) -> str:
    """The table format, from loaders.formats when it exists, else its signature."""
    try:
        from loaders.formats import detect_format

        return detect_format(linear)
    except NotImplementedError:
        if "本年制发件数" in linear or "本年收费金额" in linear:
            return "gov2021"
        if "本年新制作数量" in linear or "对外公开总数量" in linear:
            return "gov2019"
        return "legacy" if "统计表" in linear else "narrative"


def real_reports() -> list[ParsedReport]:
    """The bundled real reports, parsed with the project's parser."""
    from loaders.errors import LoaderError
    from loaders.readers import load
    from loaders.sections import split_sections
    from loaders.tables_gov import parse_gov_tables

    out: list[ParsedReport] = []
    files = sorted(
        p
        for p in (ROOT / "data" / "reports").rglob("*")
        if p.suffix in (".txt", ".html") and p.name != "manifest.csv"
    )
    for path in files:
        try:
            doc = load(path)
        except LoaderError:
            continue
        linear = doc.linear()
        fmt = _detect(linear)
        facts: tuple[Fact, ...] = ()
        if fmt in ("gov2019", "gov2021"):
            facts = tuple(parse_gov_tables(linear, fmt)[0])
        sections = split_sections(doc.text)
        if not [s for s in sections if s.number]:
            continue
        year_match = _YEAR.search(doc.text)
        out.append(
            ParsedReport(
                source=str(path.relative_to(ROOT)),
                media_type=doc.media_type,
                content_hash=doc.content_hash,
                title=None,
                issuer=None,
                scope="department",
                region=Region(),
                year=int(year_match.group(0)) if year_match else None,
                format=fmt,  # type: ignore[arg-type]
                published=None,
                facts=facts,
                sections=sections,
                warnings=(),
                full_text=doc.text,
            )
        )
    return out


def _perturb_text(rng: random.Random, text: str, donor: str) -> str:
    sents = [s for s in _SENT.split(text) if s]
    donor_sents = [s for s in _SENT.split(donor) if s]
    kept = [s for s in sents if rng.random() > 0.10]
    for _ in range(max(1, len(kept) // 10)):
        if donor_sents and kept:
            kept.insert(rng.randrange(len(kept) + 1), rng.choice(donor_sents))
    for _ in range(len(kept) // 20):
        i, j = rng.randrange(len(kept)), rng.randrange(len(kept))
        kept[i], kept[j] = kept[j], kept[i]
    return "".join(kept)


def _with_year(text: str, year: int) -> str:
    return _YEAR.sub(str(year), text)


def _scale(rng: random.Random, facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    k = rng.choice((0.5, 1, 1, 2, 3))
    return tuple(
        f if f.value is None else dataclasses.replace(f, value=float(round(f.value * k)))
        for f in facts
    )


def synthetic(n: int, pool: list[ParsedReport], seed: int) -> tuple[list[ParsedReport], dict]:
    """``n`` synthetic reports in series of 4–10 years per body."""
    rng = random.Random(seed)
    out: list[ParsedReport] = []
    planted = {"O1": set(), "O2": set()}
    body = 0
    by_year: dict[int, list[ParsedReport]] = {}
    while len(out) < n:
        body += 1
        first = rng.randint(2012, 2020)
        years = range(first, min(2025, first + rng.randint(4, 10)) + 1)
        prev: ParsedReport | None = None
        scope = "government" if body % 5 == 0 else "department"
        for year in years:
            if len(out) >= n:
                break
            source = f"synthetic://{body}/{year}"
            issuer = f"合成机关{body}"
            roll = rng.random()
            peers = by_year.get(year, [])
            if prev is not None and roll < 0.20:
                base, kind = prev, "O1"
                secs = tuple(
                    dataclasses.replace(s, text=_with_year(s.text, year)) for s in base.sections
                )
                facts = base.facts
            elif peers and roll < 0.22:
                base, kind = rng.choice(peers), "O2"
                secs, facts = base.sections, base.facts
            else:
                base, kind = rng.choice(pool), ""
                donor = rng.choice(pool)
                secs = tuple(
                    Section(
                        s.number,
                        s.title,
                        _with_year(_perturb_text(rng, s.text, donor.full_text), year),
                        s.order,
                    )
                    for s in base.sections
                )
                facts = _scale(rng, base.facts)
            fmt = base.format
            published = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(0, 120))
            rep = ParsedReport(
                source=source,
                media_type="text",
                content_hash="",
                title=f"{issuer}{year}年政府信息公开工作年度报告（合成）",
                issuer=issuer,
                scope=scope,  # type: ignore[arg-type]
                region=Region(province="合成省"),
                year=year,
                format=fmt,
                published=published,
                facts=facts,
                sections=secs,
                warnings=(),
                full_text="\n".join(s.text for s in secs),
            )
            if kind:
                planted[kind].add(source)
            out.append(rep)
            by_year.setdefault(year, []).append(rep)
            prev = rep
    return out, planted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from nianbao.evaluate import evaluate

    t0 = time.perf_counter()
    pool = real_reports()
    print(f"real reports parsed as the base pool: {len(pool)} ({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    reports, planted = synthetic(max(sizes), pool, args.seed)
    years = len({r.year for r in reports})
    print(
        f"synthetic reports generated in memory: {len(reports)} in {years} years, "
        f"{len({r.issuer for r in reports})} bodies ({time.perf_counter() - t0:.1f} s)"
    )
    print()
    # Wall time depends on what else the machine runs; CPU time of this process does not.
    print(
        f"{'reports':>8} {'wall s':>8} {'cpu s':>8} {'reports/s':>10} {'cpu ms/report':>14} "
        f"{'cpu growth':>24}"
    )
    last: tuple[int, float] | None = None
    for size in sizes:
        subset = reports[:size]
        t0, c0 = time.perf_counter(), time.process_time()
        results = evaluate(subset)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        growth = ""
        if last:
            growth = f"×{cpu / last[1]:.2f} for ×{size / last[0]:.2f} reports"
        print(
            f"{size:>8} {wall:>8.1f} {cpu:>8.1f} {size / wall:>10.0f} "
            f"{1000 * cpu / size:>14.2f} {growth:>24}"
        )
        last = (size, cpu)
    n_results = sum(len(r) for r in results)
    found = {
        rule: sum(
            1
            for rep, res in zip(subset, results, strict=True)
            if rep.source in planted[rule]
            and any(c.rule == rule and c.status == "fail" for c in res)
        )
        for rule in ("O1", "O2")
    }
    print()
    print(f"results at {len(subset)} reports: {n_results} check results")
    for rule in ("O1", "O2"):
        total = len([s for s in planted[rule] if s in {r.source for r in subset}])
        print(f"planted copies for {rule}: {total}, flagged: {found[rule]}")


if __name__ == "__main__":
    main()
