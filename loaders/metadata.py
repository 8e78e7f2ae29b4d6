"""Title, issuer, scope, region, year, publication date.

Each value comes from the most trustworthy place that has it:

- title: page metadata (标题, ArticleTitle), else the first line that reads
  like a report title (possibly split over two lines, or quoted in 现公布…);
- issuer: the title (text before the year), the signature at the end (name
  followed by a date), 发布机构 when it names a real body, the opening
  sentences (本报告由…编制, 请与…联系), or — for a report that only calls
  itself 我区 — the name of its region;
- year: the title, else the statistics period (统计期限自2019年1月1日…),
  else the year the text mentions most (with a warning); never the year of
  publication;
- published: page metadata, else a 发布日期：… line at the top of the text.
  The date after the signature is the signing date, kept apart as ``signed``.

User overrides win over all of them. What cannot be found is None with a
warning that says which option supplies it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.model import Document, Region, Scope
from loaders.regions import SPECIAL_ZONES, describe, resolve_region


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
    signed: dt.date | None = None  # the date under the signature, if any


# --- numbers and dates -------------------------------------------------------

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇○零ＯO一二三四五六七八九十"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[{_CN}]{{4}})"
_YEAR_RE = re.compile(rf"({_YEAR})\s*年")
_DATE_CN = re.compile(
    rf"({_YEAR})\s*年\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*日"
)
_DATE_ISO = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _cn_int(text: str) -> int | None:
    """'2019', '二○一九' (digit by digit), '十二', '二十', '二十三' → int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGIT.get(tens, 0) if tens else 1
        o = _CN_DIGIT.get(ones, 0) if ones else 0
        if (tens and tens not in _CN_DIGIT) or (ones and ones not in _CN_DIGIT):
            return None
        return t * 10 + o
    if len(text) == 1 and text in _CN_DIGIT:
        return _CN_DIGIT[text]
    return None


def _date(y: str, m: str, d: str) -> dt.date | None:
    year, month, day = _cn_int(y), _cn_int(m), _cn_int(d)
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_of(text: str) -> int | None:
    m = _YEAR_RE.search(text)
    if not m:
        return None
    year = _cn_int(m.group(1))
    return year if year is not None and 1990 <= year <= 2100 else None


# --- title -------------------------------------------------------------------

_TITLE_META = ("标题", "ArticleTitle", "title", "Title", "文章标题")
_TITLE_END = re.compile(r"(?:年度报告|工作报告|公开报告|年报|情况总结|报告的函|年度報告|工作報告)$")
_TITLE_LINE_MAX = 70
_QUOTED_TITLE = re.compile(
    rf"公布([^，。,：:；;\s“”\"]{{2,40}}?{_YEAR}\s*年度?[^，。,：:；;\s]{{0,24}}?报告)"
)
_PAGE_FOOTER = re.compile(r"^[-－—]\s*\d{1,3}\s*[-－—]$")
_BULLET = re.compile(r"^[\s•·●▪■\-*]+")


def _lines(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not line or _PAGE_FOOTER.match(line):
            continue
        out.append(line)
        if len(out) >= limit:
            break
    return out


def _title_from_text(text: str) -> str | None:
    lines = _lines(text, 12)
    for i, line in enumerate(lines):
        if len(line) > _TITLE_LINE_MAX or not _TITLE_END.search(line):
            continue
        bare = re.match(rf"{_YEAR}\s*年|政府信息公开|政务公开", line)
        if bare and i > 0:
            prev = lines[i - 1]
            # A title split in two: 「宿州市人民政府2016年」+「政府信息公开工作
            # 年度报告」, or 「淮安市人民政府」+「2024 年政府信息公开…」.
            if len(prev) <= 30 and not re.search(r"[，。：:；;,|]|公开|报告|公開", prev):
                return prev + line
        return line
    m = _QUOTED_TITLE.search(text[:1500])
    return m.group(1) if m else None


# --- issuer ------------------------------------------------------------------

_BODY_SUFFIX = (
    "人民政府",
    "政府",
    "管委会",
    "管理委员会",
    "委员会",
    "办公厅",
    "办公室",
    "局",
    "委",
    "办",
    "厅",
    "署",
    "中心",
    "所",
    "院",
    "站",
    "队",
    "处",
    "科",
    "街道",
    "实验区",
    "试验区",
)
# 发布机构 values that are not the issuing body (seen in the crawled corpus).
_BOGUS_PUBLISHERS = frozenset(
    {"1", "桌面", "平潭网", "福建学生资助", "办公室", "行政科", "综合科", "平潭综合实验区人民政府"}
)
_TITLE_HEAD = re.compile(rf"^(?P<head>.*?)(?:关于报送|关于印发|关于)?\s*{_YEAR}\s*年")
_AFTER_YEAR = re.compile(
    rf"^\s*(?:关于)?\s*{_YEAR}\s*年度?\s*(?P<body>.+?)(?:政府信息公开|政务公开|信息公开|政府信息公開)"
)
_SIGNATURE = re.compile(rf"([\u4e00-\u9fff（）()]{{2,40}})[\s\u3000]*{_DATE_CN.pattern}(?!\s*印发)")
_COMPILED_BY = (
    re.compile(r"本(?:年度)?报告由([\u4e00-\u9fff（）()]{2,40}?)(?:根据|依据|按照|编制|综合)"),
    re.compile(r"请(?:与|联系)([\u4e00-\u9fff（）()]{2,40}?)(?:联系|反映)"),
)
_SOURCE_LINE = re.compile(r"来源\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40})")
_SELF_NAMES = re.compile(r"^(?:我|本|全)(?:区|县|市|省|局|委|办|署|中心)")


def _issuer_from_title(title: str) -> str | None:
    title = title.strip()
    m = _TITLE_HEAD.match(title)
    if m and m.group("head").strip():
        head = re.sub(r"(?:关于报送|关于印发|关于)$", "", m.group("head").strip())
        # 「关于报送《平潭综合实验区公安局2016年…》的函」
        head = re.sub(r"^(?:关于(?:报送|印发)?)?[《“\"]?", "", head.strip()).strip()
        return head or None
    m = _AFTER_YEAR.match(title)
    if m:
        body = m.group("body").strip()
        return body or None
    return None


def _signature(text: str) -> tuple[str | None, dt.date | None]:
    """The issuer name and date printed at the end of the report."""
    tail = text[-400:]
    name: str | None = None
    date: dt.date | None = None
    for m in _SIGNATURE.finditer(tail):
        run = m.group(1)
        for zone in SPECIAL_ZONES:
            for zname in zone.names:
                k = run.find(zname)
                if k > 0:
                    run = run[k:]
                    break
        d = _date(m.group(2), m.group(3), m.group(4))
        if d is not None and run.endswith(_BODY_SUFFIX):
            name, date = run, d
    if date is None:
        # A bare date at the very end (二○一三年十二月二十日) signs it too.
        for m in _DATE_CN.finditer(tail):
            rest = tail[m.end() :].replace("附件下载", "").strip()
            if len(rest) <= 4 and "印发" not in rest:
                date = _date(m.group(1), m.group(2), m.group(3))
    return name, date


def _opening_issuer(text: str) -> str | None:
    head = text[:1500]
    for pattern in _COMPILED_BY:
        m = pattern.search(head)
        if m:
            name = m.group(1)
            # The office that compiles the report for a government speaks
            # for it: 二七区人民政府办公室 → 二七区人民政府.
            name = re.sub(r"(人民政府)办公室$", r"\1", name)
            if name.endswith(_BODY_SUFFIX) and not _SELF_NAMES.match(name):
                return name
    m = _SOURCE_LINE.search(head)
    if m and m.group(1).endswith(_BODY_SUFFIX):
        return m.group(1)
    return None


# --- scope -------------------------------------------------------------------

_TOWNSHIP = re.compile(r"(?:[乡镇]人民政府|[乡镇]政府|街道办事处|街道|片区管理局)$")
_GOVERNMENT = re.compile(
    r"(?:人民政府|政府|管委会|管理委员会|人民政府办公厅|人民政府办公室|领导小组办公室)$"
)
_REGION_NAME = re.compile(r"(?:省|市|区|县|自治州|州|盟|旗|实验区|试验区)$")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办|厅|署|中心|所|院|站|队|处|科)$")


def scope_of(issuer: str | None) -> Scope:
    """government / department / township / other, from the issuer's name."""
    if not issuer:
        return "other"
    name = re.sub(r"[（(].*?[)）]", "", issuer).strip()
    if _TOWNSHIP.search(name):
        return "township"
    if _GOVERNMENT.search(name):
        # 管委会办公室 is caught below; 管委会 alone is the zone's government.
        return "government"
    if _DEPARTMENT.search(name):
        return "department"
    if _REGION_NAME.search(name):
        return "government"  # a bare region name: 平潭综合实验区, 福州市晋安区
    return "other"


# --- publication date --------------------------------------------------------

_PUBLISHED_META = ("发布时间", "发布日期", "PubDate", "pubdate", "成文日期", "发文日期", "时间")
_PUBLISHED_LINE = re.compile(
    r"(发布日期|发布时间|发文日期|信息提供日期|成文日期|时间)\s*[:：|]\s*"
    r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
)
_PUBLISHED_RANK = {
    "发布日期": 0,
    "发布时间": 0,
    "信息提供日期": 1,
    "发文日期": 2,
    "时间": 3,
    "成文日期": 4,
}


def _parse_iso(value: str) -> dt.date | None:
    m = _DATE_ISO.search(value)
    return _date(*m.groups()) if m else None


def _published(doc: Document) -> dt.date | None:
    for key in _PUBLISHED_META:
        value = doc.meta_value(key)
        if value:
            d = _parse_iso(value)
            if d is not None:
                return d
    best: tuple[int, dt.date] | None = None
    for m in _PUBLISHED_LINE.finditer(doc.text[:1500]):
        d = _parse_iso(m.group(2))
        if d is None:
            continue
        rank = _PUBLISHED_RANK[m.group(1)]
        if best is None or rank < best[0]:
            best = (rank, d)
    return best[1] if best else None


# --- year --------------------------------------------------------------------

_PERIOD = re.compile(
    r"(?:统计|統計)(?:期限|时限|時限|期间|期間|区间|區間|时间|時間|数据|數據)"
    rf"[^0-9{_CN}]{{0,8}}({_YEAR})\s*年"
)
_PERIOD_BROKEN = re.compile(rf"(?:统计|統計)(?:期限|时限|時限)[^0-9]{{0,8}}({_YEAR})\s*月")
_DOC_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]")


def _year_from_text(text: str, published: dt.date | None) -> int | None:
    """The year the text mentions most (not in document numbers)."""
    text = _DOC_NUMBER.sub("", text)
    counts: Counter[int] = Counter()
    for m in _YEAR_RE.finditer(text):
        y = _cn_int(m.group(1))
        if y is None or not 1990 <= y <= 2100:
            continue
        if published is not None and y > published.year:
            continue
        counts[y] += 1
    if not counts:
        return None
    top = counts.most_common()
    best = max(y for y, n in top if n == top[0][1])
    return best


# --- region ------------------------------------------------------------------


def _override_region(region: Region, o: Overrides, context: str) -> Region:
    """User-given parts win; missing parts and the code are looked up for them."""
    if not (o.province or o.city or o.county or o.region_code):
        return region
    if o.province or o.city or o.county:
        name = "".join(p for p in (o.province, o.city, o.county) if p)
        region, _ = resolve_region([name], context)
    return Region(
        province=o.province or region.province,
        city=o.city or region.city,
        county=o.county or region.county,
        code=o.region_code or region.code,
    )


# --- entry point -------------------------------------------------------------


def extract_metadata(doc: Document, overrides: Overrides | None = None) -> Metadata:
    o = overrides or Overrides()
    text = doc.text
    warnings: list[str] = []

    title = o.title or doc.meta_value(*_TITLE_META) or _title_from_text(text)
    if title:
        title = re.sub(r"\s+", " ", title).strip()

    published = o.published or _published(doc)
    sig_name, signed = _signature(text)

    # Issuer, as written.
    issuer = o.issuer
    if issuer is None and title:
        issuer = _issuer_from_title(title)
        # 「2021年区集体经济发展服务署…」: the title shortens the name; a
        # signature or source line that ends with it gives it in full.
        if issuer and issuer[0] in "区市县" and len(issuer) > 1:
            fuller = [
                n
                for n in (sig_name, _opening_issuer(text))
                if n and n.endswith(issuer) and len(n) > len(issuer)
            ]
            if fuller:
                issuer = max(fuller, key=len)
    if issuer is None:
        issuer = sig_name
    if issuer is None:
        publisher = doc.meta_value("发布机构", "来源", "ContentSource")
        if publisher and publisher not in _BOGUS_PUBLISHERS and publisher.endswith(_BODY_SUFFIX):
            issuer = publisher
    if issuer is None:
        issuer = _opening_issuer(text)

    # Region: overrides, else the issuer and title read in the document's context.
    names: list[str | None] = [issuer, title]
    if doc.meta_value("发布机构") not in _BOGUS_PUBLISHERS:
        names.append(doc.meta_value("发布机构"))
    if o.province or o.city or o.county or o.region_code:
        region = _override_region(Region(), o, text)
    else:
        region, rw = resolve_region(names, text)
        warnings.extend(rw)

    if issuer is None and region != Region() and re.search(r"[我本全][区县市省]", text):
        # The report only says 我区: its issuer is the region's government.
        issuer = (region.city or "") + (region.county or "") or region.province
        if issuer:
            warnings.append(f"正文未写明发布机关（只说“我区/本市”等），按所在地区推定为{issuer}")
    if issuer is None:
        warnings.append("标题、落款和正文中都找不到发布机关，该报告的发布机关为空")

    scope: Scope = o.scope or scope_of(issuer)

    # Year of the data, never of publication.
    year = o.year
    if year is None and title:
        year = _year_of(title)
    if year is None:
        m = _PERIOD.search(text) or _PERIOD_BROKEN.search(text)
        if m:
            year = _cn_int(m.group(1))
    if year is None:
        year = _year_from_text(text, published)
        if year is not None:
            warnings.append(f"标题中没有报告年度，按正文中出现最多的年份推定为{year}年")
    if year is None:
        warnings.append("标题和正文中都找不到报告年度，该报告的年度为空")

    if title is None:
        warnings.append("网页信息和正文中都找不到报告标题，标题为空")
    if region == Region():
        warnings.append("找不到报告所属地区（省、市、县），地区为空")
    if published is None:
        warnings.append("网页信息和正文中都找不到发布日期，发布日期为空")

    return Metadata(
        title=title,
        issuer=issuer,
        scope=scope,
        region=region,
        year=year,
        published=published,
        warnings=tuple(warnings),
        signed=signed,
    )


__all__ = ["Metadata", "Overrides", "describe", "extract_metadata", "scope_of"]
