"""HTML pages (lxml): the article body as paragraphs and table grids.

Government pages wrap the report in site chrome (logo, menus, breadcrumbs,
"related links", a footer with the ICP number). We drop the obvious chrome
elements, then keep the deepest container that still holds most of the
page's non-link text: menus are links, the report is not.
"""

from __future__ import annotations

import re

from lxml import etree

from loaders.errors import LoaderError
from loaders.model import Block, Paragraph, Table
from loaders.readers.common import Read, decode_text, join_lines, normalise_encoding

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Word's "downlevel-revealed" conditionals, <![if !supportLists]> … <![endif]>:
# not comments, so the parser would keep them as text.
_WORD_CONDITIONAL = re.compile(r"<!\[(?:end)?if[^\]]*\]>", re.IGNORECASE)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "iframe",
    "object", "embed", "select", "button", "input", "textarea", "svg", "map",
)  # fmt: skip
# id/class values of chrome blocks. Whole tokens or these prefixes only:
# "article-header" may hold the title and must stay.
_CHROME = re.compile(
    r"^(?:footer|foot|nav|navbar|navigation|menu|breadcrumbs?|crumbs?|sidebar|copyright|share"
    r"|bottom)(?:[-_].*)?$",
    re.IGNORECASE,
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre section article main aside "
    "center address figure figcaption caption form fieldset hr body tr td th tbody thead tfoot "
    "table".split()
)
_CONTAINER_TAGS = frozenset("div td article section main body form center".split())
# In a cell, these elements start a new line of the cell text.
_CELL_BREAKS = "p div li h1 h2 h3 h4 h5 h6 tr".split()

_META_NAMES = {
    n.lower(): n
    for n in (
        "ArticleTitle PubDate publishdate ContentSource ColumnName ColumnType SiteName "
        "SiteDomain Author Keywords Description firstpublishedtime lastmodifiedtime "
        "Maketime source".split()
    )
}
_DATE_LINE = re.compile(
    r"(发布日期|发布时间|成文日期|发文日期|印发日期|生成日期)\s*[:：]\s*"
    r"(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)"
)
_WS = re.compile(r"\s+")
_LEADING_DIGITS = re.compile(r"\s*(\d+)")

# Words of the statistical tables of the annual reports (all formats).
_REPORT_TABLE_WORDS = re.compile("申请|行政复议|行政诉讼|第二十条|主动公开|统计指标|信息内容")
# Share of the page's non-link text the chosen container must hold.
_MAIN_SHARE = 0.75
_MAX_COLSPAN = 100


def read(data: bytes, source: str) -> Read:
    m = _CHARSET.search(data[:4096])
    declared = normalise_encoding(m.group(1).decode("ascii")) if m else None
    text, encoding = decode_text(data, source, declared)
    text = _WORD_CONDITIONAL.sub("", _XML_DECL.sub("", text, count=1))
    # Plain etree elements: lxml.html's element classes cost a Python call on
    # every access, which doubles the time of a page.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        raise _no_text(source)
    meta = _head_meta(root)
    for el in list(root.iter("head", *_DROP_TAGS)):
        _drop(el)
    body = root.find("body")
    if body is None:
        body = root
    meta += _date_lines(_text_of(body))
    for el in body.xpath(".//*[@id or @class or @style or @hidden]"):
        if _is_chrome(el):
            _drop(el)
    blocks = _Walker().blocks(_with_report_tables(_main_container(body), body))
    if not blocks:
        raise _no_text(source)
    return Read(blocks=tuple(blocks), meta=tuple(meta), encoding=encoding)


def _no_text(source: str) -> LoaderError:
    return LoaderError(
        source,
        "网页中没有文字",
        "请保存完整的网页，而不只是框架页或由脚本生成的空壳页面",
    )


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _is_chrome(el: etree._Element) -> bool:
    if el.get("hidden") is not None or _HIDDEN.search(el.get("style", "")):
        return True
    names = (el.get("id", "") + " " + el.get("class", "")).split()
    return any(_CHROME.match(n) for n in names)


def _head_meta(root: etree._Element) -> list[tuple[str, str]]:
    meta: list[tuple[str, str]] = []
    title = root.find(".//title")
    if title is not None and _text_of(title).strip():
        meta.append(("title", _WS.sub(" ", _text_of(title)).strip()))
    for el in root.iter("meta"):
        name = (el.get("name") or "").strip()
        content = (el.get("content") or "").strip()
        if name.lower() in _META_NAMES and content:
            meta.append((name, content))
    return meta


def _date_lines(page_text: str) -> list[tuple[str, str]]:
    """Visible "发布日期：2020-01-31" lines; the first of each label counts."""
    found: dict[str, str] = {}
    for m in _DATE_LINE.finditer(page_text):
        found.setdefault(m.group(1), _WS.sub(" ", m.group(2)).strip())
    return list(found.items())


def _main_container(body: etree._Element) -> etree._Element:
    """The deepest container holding most of the page's non-link text."""
    elements = [e for e in body.iter() if isinstance(e.tag, str)]
    total: dict[etree._Element, int] = dict.fromkeys(elements, 0)
    for el in reversed(elements):  # children before their parents
        own = 0 if el.tag == "a" else len((el.text or "").strip())
        for child in el:
            own += len((child.tail or "").strip())
        if el.tag == "a":
            total[el] = 0  # link text (menus, related links) does not count
        else:
            total[el] += own
        parent = el.getparent()
        if parent is not None and parent in total and el is not body:
            total[parent] += total[el]
    if total[body] == 0:  # nothing but links: keep the whole page
        return body
    need = total[body] * _MAIN_SHARE
    best = body
    for el in elements:  # document order: a later qualifying element is deeper
        if el.tag in _CONTAINER_TAGS and total[el] >= need and _is_inside(el, best):
            best = el
    return best


def _with_report_tables(main: etree._Element, body: etree._Element) -> etree._Element:
    """Widen ``main`` to take in report tables that sit beside it.

    Tables are mostly short numbers, so a narrative div can hold 75% of the
    text while the statistics live in a sibling block; those must not be lost.
    """
    outside = [
        t
        for t in body.iter("table")
        if not _is_inside(t, main)
        and not _is_layout_table(t)
        and _REPORT_TABLE_WORDS.search(_text_of(t))
    ]
    if not outside:
        return main
    while main is not body and not all(_is_inside(t, main) for t in outside):
        parent = main.getparent()
        if parent is None:
            break
        main = parent
    return main


def _is_inside(el: etree._Element, container: etree._Element) -> bool:
    return any(a is container for a in el.iterancestors())


class _Walker:
    """Turns a container into blocks in document order."""

    def __init__(self) -> None:
        self.out: list[Block] = []
        self.buf: list[str] = []

    def blocks(self, root: etree._Element) -> list[Block]:
        self._walk(root)
        self._flush()
        return self.out

    def _flush(self) -> None:
        if self.buf:
            text = join_lines("".join(self.buf))
            self.buf.clear()
            if text:
                self.out.append(Paragraph(text))

    def _walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        if tag == "br":
            self._flush()
            return
        if tag == "table" and not _is_layout_table(el):
            self._flush()
            for caption in el.findall("caption"):  # a title above the grid
                self.buf.append(_text_of(caption))
                self._flush()
            table = _table(el)
            if table is not None:
                self.out.append(table)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self._walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self._flush()


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows, not those of a table nested in a cell."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _is_layout_table(table: etree._Element) -> bool:
    """Tables used for page layout (nested tables, one column) are read as text."""
    if table.find(".//table") is not None:
        return True
    widths = [len(tr.findall("td")) + len(tr.findall("th")) for tr in _rows(table)]
    return max(widths, default=0) <= 1 and all(
        _span(c, "colspan") == 1 for c in table.iter("td", "th")
    )


def _span(cell: etree._Element, attr: str) -> int:
    value = cell.get(attr)
    if value is None:
        return 1
    if value.isdigit():
        return int(value)
    digits = _LEADING_DIGITS.match(value)  # "2;" or " 3 " in hand-written pages
    return int(digits.group(1)) if digits else 1


def _mark_line_breaks(table: etree._Element) -> None:
    """Mark line breaks inside cells so "本年新<br/>制作数量" and
    "<p>12</p><p>34</p>" keep their boundary; join_lines then decides whether
    it becomes nothing (between CJK) or a space (between numbers)."""
    for br in table.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in table.iter(*_CELL_BREAKS):
        el.tail = "\n" + (el.tail or "")
        el.text = "\n" + (el.text or "")


def _cell_text(cell: etree._Element) -> str:
    if len(cell) == 0:
        return join_lines(cell.text or "")
    return join_lines(_text_of(cell))


def _table(table: etree._Element) -> Table | None:
    """Expand rowspan/colspan: every grid position a cell covers repeats its text."""
    rows = _rows(table)
    _mark_line_breaks(table)
    grid: dict[int, dict[int, str]] = {}
    for r, tr in enumerate(rows):
        row = grid.setdefault(r, {})
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while c in row:
                c += 1
            text = _cell_text(cell)
            rowspan = _span(cell, "rowspan")
            if rowspan == 0:  # HTML: "to the end of the table section"
                rowspan = len(rows) - r
            rowspan = max(1, min(rowspan, len(rows) - r))
            colspan = max(1, min(_span(cell, "colspan"), _MAX_COLSPAN))
            for dr in range(rowspan):
                covered = grid.setdefault(r + dr, {})
                for dc in range(colspan):
                    covered.setdefault(c + dc, text)
            c += colspan
    filled = [grid[r] for r in sorted(grid) if grid[r]]
    if not filled:
        return None
    width = max(max(row) for row in filled) + 1
    cells = tuple(tuple(row.get(c, "") for c in range(width)) for row in filled)
    if not any(any(cell for cell in row) for row in cells):
        return None
    return Table(rows=cells)
