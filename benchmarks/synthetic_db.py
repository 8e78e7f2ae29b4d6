"""Generate a SYNTHETIC database of N annual reports for benchmarks.

Every report row has ``synthetic = True`` and a source of ``synthetic:<n>``;
the file goes to bench-out/ (or any path you give) and never to the bundled
database data/nianbao.db. Figures are random but shaped like real ones:
2008–2018 reports carry a legacy 统计表 (~60 facts), 2019+ reports Tables A, B
(every applicant column) and C (~200 facts); about 2% of cells are blank.

    python -m benchmarks.synthetic_db --reports 10000 --out bench-out/synthetic.db
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert

from loaders.catalog import APPLICANT_COLUMNS, metrics
from nianbao.models import Base, CheckResult, Fact, Region, Report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench-out" / "synthetic.db"
BUNDLED = (ROOT / "data" / "nianbao.db").resolve()

DEPARTMENTS = ("财政局", "公安局", "自然资源局", "市场监督管理局", "教育局", "卫生健康委员会")
YEARS = tuple(range(2008, 2026))


def _fast_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.close()


def _value(rng: random.Random, hi: int) -> float | None:
    return None if rng.random() < 0.02 else float(rng.randint(0, hi))


def _gov_facts(rng: random.Random, report_id: int, fmt: str) -> list[dict]:
    cat = metrics()
    rows = [c for c, m in cat.items() if m.table == "B" and fmt in m.formats]
    others = [c for c, m in cat.items() if m.table in ("A", "C") and fmt in m.formats]
    out = []
    for code in rows:
        for app in APPLICANT_COLUMNS:
            hi = 300 if code in ("requests.received", "requests.closed") else 40
            v = _value(rng, hi if app != "total" else hi * 2)
            out.append(
                {
                    "report_id": report_id,
                    "metric": code,
                    "applicant": app,
                    "value": v,
                    "raw": "" if v is None else str(int(v)),
                    "unit": "件",
                    "source": "table",
                    "location": f"B {code} / {app}",
                }
            )
    for code in others:
        v = _value(rng, 50)
        out.append(
            {
                "report_id": report_id,
                "metric": code,
                "applicant": None,
                "value": v,
                "raw": "" if v is None else str(int(v)),
                "unit": cat[code].unit,
                "source": "table",
                "location": code,
            }
        )
    return out


def _legacy_facts(rng: random.Random, report_id: int) -> list[dict]:
    cat = metrics()
    out = []
    for code, m in cat.items():
        if m.formats != ("legacy",):
            continue
        v = _value(rng, 500 if "proactive" in code else 60)
        out.append(
            {
                "report_id": report_id,
                "metric": code,
                "applicant": None,
                "value": v,
                "raw": "" if v is None else str(int(v)),
                "unit": m.unit,
                "source": "table",
                "location": code,
            }
        )
    return out


def generate(url: str, n_reports: int, seed: int = 0, batch: int = 500) -> dict[str, float]:
    """Fill ``url`` with ``n_reports`` synthetic reports; returns counts and seconds."""
    if url.startswith("sqlite:///") and Path(url[len("sqlite:///") :]).resolve() == BUNDLED:
        raise SystemExit("refusing to write synthetic reports into the bundled data/nianbao.db")
    rng = random.Random(seed)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _fast_sqlite(engine)
    Base.metadata.create_all(engine)
    t0 = time.perf_counter()
    n_facts = 0
    with engine.begin() as conn:
        # regions: 合成省N > 合成市N-M > 合成县N-M-K
        regions: list[dict] = []
        counties: list[int] = []
        rid = 0
        n_bodies = max(1, n_reports // 12)
        n_counties = max(1, n_bodies // (1 + len(DEPARTMENTS) // 2))
        n_prov = max(1, round(n_counties ** (1 / 3)))
        per_prov = max(1, -(-n_counties // n_prov))
        n_city = max(1, round(per_prov**0.5))
        per_city = max(1, -(-per_prov // n_city))
        for p in range(n_prov):
            rid += 1
            prov = rid
            regions.append({"id": prov, "name": f"合成省{p}", "level": "province"})
            for c in range(n_city):
                rid += 1
                city = rid
                regions.append(
                    {"id": city, "name": f"合成市{p}-{c}", "level": "prefecture", "parent_id": prov}
                )
                for k in range(per_city):
                    rid += 1
                    regions.append(
                        {
                            "id": rid,
                            "name": f"合成县{p}-{c}-{k}",
                            "level": "county",
                            "parent_id": city,
                        }
                    )
                    counties.append(rid)
        for r in regions:
            r.setdefault("parent_id", None)
            r.setdefault("code", None)
        conn.execute(insert(Region), regions)

        # bodies: each county's government and some departments, over a run of years
        bodies: list[tuple[str, str, int]] = []
        names = {r["id"]: r["name"] for r in regions}
        for i, county in enumerate(counties):
            name = names[county]
            bodies.append((f"{name}人民政府", "government", county))
            for d in DEPARTMENTS[: 1 + i % (len(DEPARTMENTS) // 2 + 1)]:
                bodies.append((f"{name}{d}", "department", county))
        report_rows: list[dict] = []
        i = 0
        while len(report_rows) < n_reports:
            issuer, scope, county = bodies[i % len(bodies)]
            year = YEARS[-1 - (i // len(bodies)) % len(YEARS)]
            i += 1
            fmt = "legacy" if year < 2019 else ("gov2019" if year < 2021 else "gov2021")
            n = len(report_rows) + 1
            report_rows.append(
                {
                    "id": n,
                    "content_hash": f"synthetic-{seed}-{n}",
                    "issuer": issuer,
                    "issuer_key": issuer,
                    "scope": scope,
                    "region_id": county,
                    "year": year,
                    "format": fmt,
                    "title": f"{issuer}{year}年政府信息公开工作年度报告（合成）",
                    "published": None,
                    "source": f"synthetic:{n}",
                    "media_type": "txt",
                    "parser_version": "synthetic",
                    "full_text": "合成数据，仅用于性能测试。",
                    "version": 1,
                    "is_current": True,
                    "synthetic": True,
                    "original": None,
                    "warnings": "",
                }
            )
        for start in range(0, len(report_rows), batch):
            chunk = report_rows[start : start + batch]
            conn.execute(insert(Report), chunk)
            facts: list[dict] = []
            checks: list[dict] = []
            for r in chunk:
                if r["format"] == "legacy":
                    facts.extend(_legacy_facts(rng, r["id"]))
                else:
                    facts.extend(_gov_facts(rng, r["id"], r["format"]))
                status = "fail" if rng.random() < 0.1 else "pass"
                checks.append(
                    {
                        "report_id": r["id"],
                        "rule": "B1",
                        "status": status,
                        "subject": "",
                        "detail": "合成",
                    }
                )
            conn.execute(insert(Fact), facts)
            conn.execute(insert(CheckResult), checks)
            n_facts += len(facts)
    with engine.begin() as conn:  # written around the store: sum the rollup once
        from nianbao import rollup

        rollup.rebuild(conn)
    engine.dispose()
    return {
        "reports": len(report_rows),
        "facts": n_facts,
        "bodies": len({r["issuer_key"] for r in report_rows}),
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.exists():
        args.out.unlink()
    stats = generate(f"sqlite:///{args.out}", args.reports, args.seed)
    print(
        f"{args.out}: {stats['reports']} synthetic reports, {stats['facts']} facts, "
        f"{stats['bodies']} bodies in {stats['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
