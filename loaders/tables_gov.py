"""Tables A, B, C of the 2019 and 2021 national formats. STUB."""

from __future__ import annotations

from loaders.model import Fact


def parse_gov_tables(linear: str, fmt: str) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    raise NotImplementedError
