"""One key per body: which reports are the same issuer's, whatever the wording.

A body's reports are grouped (and their versions numbered) by
``report.issuer_key``. The key is the issuer as written, normalised, with a
few general rules and an explicit alias table applied, so that one body is
not split by name variants (QA finding 4: 平潭综合实验区 2014 was filed
under 平潭综合实验区管委会, 财政金融局 2016 under 财金局, …). The name a page
shows of a single report stays ``report.issuer``, what the report says.

The key is built in this order (each step is explained where it is coded):

1. NFKC, no whitespace (full-width letters and digits become ASCII).
2. The alias table, ``nianbao/issuer_aliases.csv`` (region code, alias,
   canonical name, evidence): abbreviations and stand-ins no rule can know,
   e.g. 财金局 → 平潭综合实验区财政金融局 in 350128.
3. A government's wording: for a government (or township) report, a
   trailing 人民政府 / 管理委员会 / 管委会 / 政府 is dropped, so
   平潭综合实验区管委会 and 平潭综合实验区 are one key, and so are
   淮安市人民政府 and 淮安市.
4. The region's short form: a name that starts with the short form of the
   report's own region (平潭 for 平潭综合实验区, 淮安 for 淮安市) is written
   with the full name: 平潭市场监督管理局 → 平潭综合实验区市场监督管理局.
   Not when what follows makes another place (平潭县公安局 is the county's
   bureau, a different body from the zone's).
5. The alias table again, so an alias may be written either way.

The key keeps the region's name in it, rather than the bare body name
(市场监督管理局): keys are compared across regions (the unique index on
issuer_key, year and version; the pages' body lists), and two regions both
have a 市场监督管理局.

Reports without an issuer keep the old fallback (title, then file name,
then content hash), untouched by the rules.

:func:`rekey` recomputes the key of every stored report (the migration
0005 and ``nianbao rekey`` after the alias table is edited).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from loaders.model import ParsedReport

__all__ = [
    "ALIASES_CSV",
    "RekeySummary",
    "aliases",
    "canonical_name",
    "issuer_key",
    "key_for",
    "normalise",
    "read_aliases",
    "region_short_form",
    "rekey",
    "rekey_database",
]

ALIASES_CSV = PurePath(__file__).with_name("issuer_aliases.csv")
KEY_MAX = 200  # report.issuer_key column

# Designations a region's name ends with, longest first; what is left is the
# short form people write (平潭综合实验区 → 平潭, 淮安市 → 淮安).
_DESIGNATIONS = (
    "高新技术产业开发区",
    "经济技术开发区",
    "特别行政区",
    "综合实验区",
    "开发区",
    "自治州",
    "自治县",
    "自治区",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "州",
    "旗",
    "盟",
)
# A short form followed by one of these names another place, not the region
# (平潭县 is the county the zone took over; 淮安区 is a district of 淮安市) …
_OTHER_PLACE = tuple("省市县区州旗盟镇乡村街")
# … unless it starts a word of a department's name (平潭 + 市场监督管理局).
_WORDS = ("市场", "市政", "市容", "市民", "区域", "乡村")

# How a government names itself after its region's name, longest first.
_GOVERNMENT_WORDING = ("人民政府", "管理委员会", "管委会", "政府")
_GOVERNMENT_SCOPES = {"government", "township"}


def normalise(text: str) -> str:
    """NFKC, no whitespace: ``ＡＢＣ 区１`` → ``ABC区1``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def region_short_form(region_name: str) -> str | None:
    """平潭综合实验区 → 平潭, 淮安市 → 淮安; None when nothing of at least two
    characters is left (a one-character short form would match too much)."""
    for designation in _DESIGNATIONS:
        if region_name.endswith(designation):
            short = region_name[: -len(designation)]
            return short if len(short) >= 2 else None
    return None


@dataclass(frozen=True)
class Alias:
    region_code: str
    alias: str
    canonical: str
    note: str


def read_aliases(path: str | PurePath = ALIASES_CSV) -> list[Alias]:
    """The alias table; every row needs a region code, an alias, a canonical
    name and a note (the evidence that the two are one body)."""
    out: list[Alias] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            cells = {k: (row.get(k) or "").strip() for k in Alias.__dataclass_fields__}
            missing = [k for k, v in cells.items() if not v]
            if missing:
                raise ValueError(f"{path}, line {n}: {', '.join(missing)} missing")
            out.append(Alias(**cells))
    return out


@cache
def _bundled() -> dict[tuple[str, str], str]:
    return table(read_aliases())


def table(rows: list[Alias]) -> dict[tuple[str, str], str]:
    """(region code, normalised alias) → normalised canonical name."""
    return {(a.region_code, normalise(a.alias)): normalise(a.canonical) for a in rows}


def aliases() -> Mapping[tuple[str, str], str]:
    """The bundled alias table, read once per process."""
    return _bundled()


def canonical_name(
    name: str,
    *,
    scope: str | None,
    region_name: str | None,
    region_code: str | None,
    alias_table: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """The key of an issuer name (see the module's docstring for the rules)."""
    table_ = aliases() if alias_table is None else alias_table
    key = normalise(name)
    if region_code:
        key = table_.get((region_code, key), key)
    if scope in _GOVERNMENT_SCOPES:
        # The longest wording that ends the name, and only if a name is left
        # (人民政府 alone is not 人民 + 政府).
        wording = next((w for w in _GOVERNMENT_WORDING if key.endswith(w)), "")
        if wording and len(key) > len(wording):
            key = key[: -len(wording)]
    if region_name:
        region_name = normalise(region_name)
        short = region_short_form(region_name)
        if short and key.startswith(short) and not key.startswith(region_name):
            rest = key[len(short) :]
            if not rest.startswith(_OTHER_PLACE) or rest.startswith(_WORDS):
                key = region_name + rest
    if region_code:
        key = table_.get((region_code, key), key)
    return key


def key_for(
    *,
    issuer: str | None,
    title: str | None,
    source: str | None,
    content_hash: str,
    scope: str | None,
    region_name: str | None,
    region_code: str | None,
    alias_table: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """The issuer's key; without an issuer the title, else the file name,
    else the content hash (normalised only: no rule knows a title)."""
    if issuer:
        key = canonical_name(
            issuer,
            scope=scope,
            region_name=region_name,
            region_code=region_code,
            alias_table=alias_table,
        )
        if key:
            return key[:KEY_MAX]
    for candidate in (title, PurePath(source).name if source else None):
        if candidate:
            key = normalise(candidate)
            if key:
                return key[:KEY_MAX]
    return content_hash


def issuer_key(report: ParsedReport) -> str:
    """What groups the versions of one body's report (stored as report.issuer_key)."""
    region = report.region
    return key_for(
        issuer=report.issuer,
        title=report.title,
        source=report.source,
        content_hash=report.content_hash,
        scope=report.scope,
        # The deepest named level: the region the store files the report under.
        region_name=region.county or region.city or region.province,
        region_code=region.code,
    )


# --- re-keying a stored database -------------------------------------------------

_REPORT = sa.table(
    "report",
    sa.column("id", sa.Integer),
    sa.column("issuer", sa.String),
    sa.column("issuer_key", sa.String),
    sa.column("scope", sa.String),
    sa.column("region_id", sa.Integer),
    sa.column("year", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("is_current", sa.Boolean),
)
_REGION = sa.table(
    "region",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("code", sa.String),
)


@dataclass
class RekeySummary:
    reports: int = 0  # reports read
    rekeyed: int = 0  # reports whose key changed
    renumbered: int = 0  # reports whose version or is_current changed
    current_changed: bool = False
    # new key → the old keys merged into it (only where more than one)
    merged: dict[str, list[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        head = (
            f"reports {self.reports}, new keys {self.rekeyed}, "
            f"versions renumbered {self.renumbered}"
        )
        return [head, *(f"{' + '.join(old)} -> {new}" for new, old in self.merged.items())]


def rekey(
    conn: sa.Connection,
    alias_table: Mapping[tuple[str, str], str] | None = None,
    dry_run: bool = False,
) -> RekeySummary:
    """Recompute issuer_key of every report, in the caller's transaction.

    Where keys merge so that one body has two reports of a year, they are
    numbered again as the store numbers re-publications: in the order they
    were stored (report id), the last one current. The unique index on
    (issuer_key, year, version) holds throughout: changed rows first get a
    version no other row has (minus their id), then their final one.

    A report without an issuer keeps its key (it came from the title or file
    name, which no rule touches). Reports without a year keep their version
    and is_current: nothing says two of them are versions of one report.
    """
    r, g = _REPORT.c, _REGION.c
    rows = conn.execute(
        sa.select(
            r.id,
            r.issuer,
            r.issuer_key,
            r.scope,
            r.year,
            r.version,
            r.is_current,
            g.name.label("region_name"),
            g.code.label("region_code"),
        )
        .select_from(_REPORT.outerjoin(_REGION, g.id == r.region_id))
        .order_by(r.id)
    ).all()
    summary = RekeySummary(reports=len(rows))
    new_key: dict[int, str] = {}
    for row in rows:
        if row.issuer:
            key = canonical_name(
                row.issuer,
                scope=row.scope,
                region_name=row.region_name,
                region_code=row.region_code,
                alias_table=alias_table,
            )[:KEY_MAX]
            new_key[row.id] = key or row.issuer_key
        else:
            new_key[row.id] = row.issuer_key

    groups: dict[tuple[str, int], list[Any]] = defaultdict(list)
    old_keys: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        old_keys[new_key[row.id]].add(row.issuer_key)
        if row.year is not None:
            groups[(new_key[row.id], row.year)].append(row)
    summary.merged = {k: sorted(v) for k, v in sorted(old_keys.items()) if len(v) > 1}

    target: dict[int, tuple[str, int, bool]] = {}
    for row in rows:
        target[row.id] = (new_key[row.id], row.version, bool(row.is_current))
    for (key, _year), members in groups.items():
        for n, row in enumerate(members, start=1):  # rows are in id order
            target[row.id] = (key, n, n == len(members))

    changed = [
        row for row in rows if target[row.id] != (row.issuer_key, row.version, bool(row.is_current))
    ]
    summary.rekeyed = sum(1 for row in changed if target[row.id][0] != row.issuer_key)
    summary.renumbered = sum(
        1 for row in changed if target[row.id][1:] != (row.version, bool(row.is_current))
    )
    summary.current_changed = any(target[row.id][2] != bool(row.is_current) for row in changed)
    if dry_run or not changed:
        return summary

    upd = (
        sa.update(_REPORT)
        .where(r.id == sa.bindparam("rid"))
        .values(
            issuer_key=sa.bindparam("k"),
            version=sa.bindparam("v"),
            is_current=sa.bindparam("cur"),
        )
    )
    # Step 1: out of every other row's way (negative versions are never stored).
    conn.execute(
        upd,
        [
            {"rid": row.id, "k": target[row.id][0], "v": -row.id, "cur": bool(row.is_current)}
            for row in changed
        ],
    )
    # Step 2: the final numbers.
    conn.execute(
        upd,
        [
            {
                "rid": row.id,
                "k": target[row.id][0],
                "v": target[row.id][1],
                "cur": target[row.id][2],
            }
            for row in changed
        ],
    )
    return summary


def rekey_database(conn: sa.Connection, dry_run: bool = False) -> RekeySummary:
    """:func:`rekey` with the bundled alias table (re-read from disk, it may
    just have been edited); the fact rollup is rebuilt when a report stopped
    or started being current, since it counts facts by is_current."""
    if not conn.scalar(sa.select(sa.func.count()).select_from(_REPORT)):
        return RekeySummary()  # a new database: nothing to key, no table to read
    summary = rekey(conn, table(read_aliases(ALIASES_CSV)), dry_run=dry_run)
    if summary.current_changed and not dry_run:
        if "fact_rollup" in sa.inspect(conn).get_table_names():
            from nianbao import rollup

            rollup.rebuild(conn)
    return summary
