"""Title, issuer, scope, region, year, publication date. STUB."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loaders.model import Document, Region, Scope


@dataclass(frozen=True)
class Overrides:
    """Values a user supplies (CLI options or a sidecar file); they win."""

    title: str | None = None
    issuer: str | None = None
    scope: Scope | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None
    year: int | None = None
    published: dt.date | None = None


@dataclass(frozen=True)
class Metadata:
    title: str | None
    issuer: str | None
    scope: Scope
    region: Region
    year: int | None
    published: dt.date | None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def extract_metadata(doc: Document, overrides: Overrides | None = None) -> Metadata:
    raise NotImplementedError
