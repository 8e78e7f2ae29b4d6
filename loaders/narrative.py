"""Figures stated only in the narrative, as facts with source 'text'. STUB."""

from __future__ import annotations

from loaders.model import Fact, Section


def text_facts(sections: tuple[Section, ...]) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    raise NotImplementedError
