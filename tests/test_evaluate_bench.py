"""The benchmark's synthetic collection: its planted copies are all found."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from nianbao.evaluate import evaluate

_BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_evaluate.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_evaluate", _BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_collection_is_marked_and_its_planted_copies_are_found() -> None:
    bench = _bench()
    pool = bench.real_reports()
    assert len(pool) > 150
    reports, planted = bench.synthetic(400, pool, seed=3)
    assert len(reports) == 400
    assert all(r.source.startswith("synthetic://") for r in reports)
    assert all(r.issuer and r.issuer.startswith("合成机关") for r in reports)
    results = evaluate(reports)
    by_source = {r.source: res for r, res in zip(reports, results, strict=True)}
    for rule in ("O1", "O2"):
        assert planted[rule], rule
        for source in planted[rule]:
            assert any(c.rule == rule and c.status == "fail" for c in by_source[source]), source
