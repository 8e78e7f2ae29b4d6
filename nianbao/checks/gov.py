"""B1, B3, B4, C1 for the 2019/2021 formats. STUB."""

from __future__ import annotations

from collections.abc import Sequence

from loaders.model import CheckResult, Fact


def check(facts: Sequence[Fact], fmt: str) -> tuple[CheckResult, ...]:
    raise NotImplementedError
