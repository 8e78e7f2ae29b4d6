"""Which administrative region a report belongs to.

cpca knows every province, city and county of China with its code, and finds
their names in text with an Aho-Corasick automaton. Two things it cannot do
alone, and this module adds:

- same-name counties (朝阳区 is in Beijing and in Changchun): the document's
  own text decides, by which of the candidates' city or province it mentions
  (the seed report says 长春市 and 吉林省, so 朝阳区 is 220104);
- special zones that are not in the division table under the name reports use
  (平潭综合实验区, which administers 平潭县 350128 of 福州市): a small table.

cpca is imported lazily, once, the first time a region is resolved: it loads
its table at import time, and most callers of this package never need it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from loaders.model import Region

RANK_PROVINCE, RANK_CITY, RANK_COUNTY = 0, 1, 2


@dataclass(frozen=True)
class SpecialZone:
    names: tuple[str, ...]  # as reports write them, longest first
    region: Region


# Zones reports name as their region although the division table has another
# name (or none). 平潭综合实验区 administers the territory of 平潭县 (350128),
# and its reports — also those of the former 平潭县人民政府 — belong to it.
SPECIAL_ZONES: tuple[SpecialZone, ...] = (
    SpecialZone(
        names=("平潭综合实验区", "平潭综合试验区", "平潭县", "平潭"),
        region=Region(province="福建省", city="福州市", county="平潭综合实验区", code="350128"),
    ),
)
_ZONE_BY_CODE = {z.region.code: z for z in SPECIAL_ZONES if z.region.code}

# Words a report uses for its own body's region: 我区 → a county-level body.
_SELF_LEVEL = (
    (re.compile(r"[我本全](?:区|县)"), RANK_COUNTY),
    (re.compile(r"[我本全]市"), RANK_CITY),
    (re.compile(r"[我本全]省"), RANK_PROVINCE),
)


@dataclass(frozen=True)
class _Place:
    code: str  # 6 digits
    name: str
    rank: int


@cache
def _cpca() -> tuple[Any, dict[str, _Place]]:
    """cpca's matcher and a 6-digit code -> place table (built once)."""
    import cpca  # slow import: loads the national division table

    places: dict[str, _Place] = {}
    for info in cpca.ad_2_addr_dict.values():
        places[info.adcode] = _Place(info.adcode, info.name, info.rank)
    return cpca.matcher, places


def _parents(code: str) -> tuple[str, str]:
    return code[:2] + "0000", code[:4] + "00"


def _region_of(place: _Place) -> Region:
    zone = _ZONE_BY_CODE.get(place.code)
    if zone is not None:
        return zone.region
    _, places = _cpca()
    prov_code, city_code = _parents(place.code)
    province = places.get(prov_code)
    city = places.get(city_code) if place.rank >= RANK_CITY else None
    # Municipalities (上海市) have no real city level: cpca calls it 市辖区.
    city_name = city.name if city and city.name not in ("市辖区", "县") else None
    return Region(
        province=province.name if province else None,
        city=city_name if place.rank >= RANK_CITY else None,
        county=place.name if place.rank == RANK_COUNTY else None,
        code=place.code,
    )


def _mentions(text: str) -> list[tuple[str, list[_Place]]]:
    """Every division name in ``text`` with the places it may denote."""
    matcher, places = _cpca()
    out: list[tuple[str, list[_Place]]] = []
    for m in matcher.iter(text):
        cands = [places[i.adcode] for i in m.attr_infos if i.adcode in places]
        if cands:
            out.append((m.origin_value, cands))
    return out


def _chain(name: str) -> list[_Place] | None:
    """The most specific place a name denotes (several if ambiguous).

    Names are read left to right as cpca does: 长春市朝阳区 gives 长春市,
    then the 朝阳区 that belongs to it.
    """
    parent: _Place | None = None
    found: list[_Place] | None = None
    for _, cands in _mentions(name):
        if parent is not None:
            inside = [
                c
                for c in cands
                if c.rank > parent.rank and c.code.startswith(parent.code[: 2 * (parent.rank + 1)])
            ]
            if not inside:
                continue
            cands = inside
        elif found is not None and found[0].rank >= cands[0].rank:
            continue
        found = cands
        if len(cands) == 1:
            parent = cands[0]
    return found


def _support(place: _Place, counts: Counter[str]) -> int:
    """How often the text names the place's province or city."""
    prov, city = _parents(place.code)
    return (counts[prov] if prov != place.code else 0) + (counts[city] if city != place.code else 0)


def _context_counts(text: str) -> Counter[str]:
    """code -> how often the text names a place with that code."""
    codes: Counter[str] = Counter()
    for _, cands in _mentions(text):
        for c in cands:
            codes[c.code] += 1
    return codes


def _pick(cands: Sequence[_Place], counts: Counter[str]) -> tuple[_Place | None, str | None]:
    if len(cands) == 1:
        return cands[0], None
    scored = sorted(cands, key=lambda c: _support(c, counts), reverse=True)
    best, second = _support(scored[0], counts), _support(scored[1], counts)
    if best > second:
        return scored[0], None
    names = "、".join(f"{_describe(_region_of(c))}（行政区划代码 {c.code}）" for c in cands)
    return None, f"地区无法确定：“{cands[0].name}”可能是{names}，无法确定其所属省市"


def _describe(region: Region) -> str:
    return " ".join(p for p in (region.province, region.city, region.county) if p)


def _zone_in(text: str) -> SpecialZone | None:
    for zone in SPECIAL_ZONES:
        if any(n in text for n in zone.names):
            return zone
    return None


def resolve_region(names: Iterable[str | None], context: str) -> tuple[Region, tuple[str, ...]]:
    """The region of a report from its issuer/title ``names`` and its text.

    Names are tried first, in order; a same-name county is decided by the
    context. Without a usable name, the context decides alone: the level the
    report uses for itself (我区 → county) and the most mentioned place.
    """
    warnings: list[str] = []
    given = [n for n in names if n]
    for name in given:
        zone = _zone_in(name)
        if zone is not None:
            return zone.region, ()
    codes: Counter[str] | None = None
    for name in given:
        cands = _chain(name)
        if not cands:
            continue
        if codes is None:
            codes = _context_counts(context)
        place, problem = _pick(cands, codes)
        if place is not None:
            return _region_of(place), ()
        warnings.append(problem or "")
        return Region(county=cands[0].name if cands[0].rank == RANK_COUNTY else None), tuple(
            warnings
        )
    # No name: the text itself. A special zone named in the text wins only
    # if it is named more often than any division.
    return _from_context(context)


def _from_context(context: str) -> tuple[Region, tuple[str, ...]]:
    mentions = _mentions(context)
    if not mentions and _zone_in(context) is None:
        return Region(), ()
    codes = _context_counts(context)
    # The shortest form (平潭) counts every longer one too.
    zone_hits = {z: context.count(z.names[-1]) for z in SPECIAL_ZONES}
    level_hits = {rank: len(p.findall(context)) for p, rank in _SELF_LEVEL}
    level = max(level_hits, key=lambda r: level_hits[r]) if any(level_hits.values()) else None

    # Candidate names by how often they occur; a name of the report's own
    # level first.
    by_name: dict[str, list[_Place]] = {}
    name_count: Counter[str] = Counter()
    for _, cands in mentions:
        key = cands[0].name
        by_name[key] = cands
        name_count[key] += 1

    def rank_ok(cands: list[_Place]) -> bool:
        return level is None or any(c.rank == level for c in cands)

    ordered = sorted(
        by_name,
        key=lambda n: (rank_ok(by_name[n]), name_count[n], max(c.rank for c in by_name[n])),
        reverse=True,
    )
    best_zone = max(zone_hits, key=lambda z: zone_hits[z]) if zone_hits else None
    if (
        best_zone is not None
        and zone_hits[best_zone]
        and (not ordered or zone_hits[best_zone] >= name_count[ordered[0]])
    ):
        region = best_zone.region
        return region, (f"所属地区按正文推定为{_describe(region)}",)
    if not ordered:
        return Region(), ()
    cands = by_name[ordered[0]]
    if level is not None:
        cands = [c for c in cands if c.rank == level] or cands
    place, problem = _pick(cands, codes)
    if place is None:
        return Region(), (problem or "",)
    region = _region_of(place)
    return region, (f"所属地区按正文推定为{_describe(region)}",)


def describe(region: Region) -> str:
    """'吉林省 长春市 朝阳区' — the parts that are known, space-separated."""
    return _describe(region)
