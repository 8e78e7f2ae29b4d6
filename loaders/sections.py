"""Numbered narrative sections (一、… with their （一） sub-headings). STUB."""

from __future__ import annotations

from loaders.model import Section


def split_sections(text: str) -> tuple[Section, ...]:
    raise NotImplementedError
