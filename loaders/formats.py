"""Format recognition from the tables' own wording (FORMAT.md §8). STUB."""

from __future__ import annotations

from loaders.model import Format


def detect_format(linear: str) -> Format:
    raise NotImplementedError
