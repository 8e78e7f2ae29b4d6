"""Is the fact rollup as ingest left it equal to one recomputed from the facts?

Usage: python benchmarks/check_rollup.py DATABASE_URL (the rebuild is rolled back).
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import Connection, create_engine, select

from nianbao import rollup
from nianbao.models import FactRollup


def rows(conn: Connection) -> dict[tuple, tuple]:
    out = {}
    for r in conn.execute(select(FactRollup.__table__)).mappings():
        sums = tuple(r[c] for c in rollup.SUMS)
        if any(sums):  # rows emptied by demotions hold nothing
            out[tuple(r[c] for c in rollup.KEYS)] = (round(float(sums[0]), 4), *sums[1:])
    return out


def main() -> None:
    engine = create_engine(sys.argv[1])
    with engine.connect() as conn:
        print("fresh", rollup.fresh(conn))
        kept = rows(conn)
        t0 = time.time()
        rollup.rebuild(conn)
        print("rebuild", round(time.time() - t0, 1), "s")
        rebuilt = rows(conn)
        conn.rollback()
    diff = [k for k in set(kept) | set(rebuilt) if kept.get(k) != rebuilt.get(k)]
    print("rows", len(kept), len(rebuilt), "differing", len(diff), diff[:3])
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
