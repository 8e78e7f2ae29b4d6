"""Pre-2019 statistical tables (national 统计表 and local tables). STUB."""

from __future__ import annotations

from loaders.model import Fact


def parse_legacy_tables(linear: str) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    raise NotImplementedError
