"""Readers: bytes of any supported file type -> Document. STUB, to be replaced."""

from __future__ import annotations

from pathlib import Path

from loaders.model import Document


def load(source: str | Path | bytes, *, name: str | None = None) -> Document:
    raise NotImplementedError
