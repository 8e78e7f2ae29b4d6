"""P1–P7, P11 for the pre-2019 tables. STUB."""

from __future__ import annotations

from collections.abc import Sequence

from loaders.model import CheckResult, Fact


def check(facts: Sequence[Fact]) -> tuple[CheckResult, ...]:
    raise NotImplementedError
