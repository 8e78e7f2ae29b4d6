"""Word .docx (python-docx): paragraphs and tables in body order.

python-docx's ``Document.paragraphs`` and ``Document.tables`` lose the order
between the two, and its cell API hides horizontal merges in a way that
depends on the version; so we open the package with python-docx and walk the
body XML ourselves, expanding gridSpan / vMerge like HTML's colspan / rowspan.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from loaders.errors import LoaderError
from loaders.model import Block, Paragraph, Table
from loaders.readers.common import Read, join_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_T, _TAB, _BR, _CR = _W + "t", _W + "tab", _W + "br", _W + "cr"
# Wrappers whose children are body content (content controls, custom XML).
_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"})
_BODY_ITEMS, _ROWS, _CELLS = frozenset({_P, _TBL}), frozenset({_TR}), frozenset({_TC})
_VAL = _W + "val"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MAX_SPAN = 100

_HINT = "请用 Word/WPS 重新保存"


def _invalid(source: str, why: str) -> LoaderError:
    return LoaderError(source, "不是有效的 .docx 文件", f"{why}；{_HINT}")


def read(data: bytes, source: str) -> Read:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _invalid(source, "不是 zip 压缩包") from None
    if "word/document.xml" not in names:
        if "OFD.xml" in names:
            raise LoaderError(
                source,
                "这是 OFD 文档，不是 .docx",
                "请在 OFD 阅读器中导出为 PDF 或 .docx",
            )
        raise _invalid(source, "压缩包中没有 word/document.xml")

    import docx  # python-docx; imported here so text/HTML loads do not pay for it

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, etree.XMLSyntaxError):
        raise _invalid(source, "文件已损坏，或不是 Word 文档") from None
    # Text boxes come twice, as DrawingML (mc:Choice) and as VML for old
    # readers (mc:Fallback); keep one.
    for fallback in list(body.iter(_MC_FALLBACK)):
        parent = fallback.getparent()
        if parent is not None:
            parent.remove(fallback)
    blocks: list[Block] = []
    for el in _content(body, _BODY_ITEMS):
        if el.tag == _P:
            blocks.extend(Paragraph(line) for line in _lines(el))
        elif el.tag == _TBL:
            table = _table(el)
            if table is not None:
                blocks.append(table)
    if not blocks:
        raise LoaderError(
            source,
            "Word 文档中没有文字",
            "如果只有扫描页，请先做文字识别（OCR），例如用 ocrmypdf",
        )
    return Read(blocks=tuple(blocks))


def _content(parent: etree._Element, wanted: frozenset[str]) -> Iterator[etree._Element]:
    """The children of ``parent`` with a wanted tag, looking through content controls."""
    for el in parent:
        if el.tag in _WRAPPERS:
            yield from _content(el, wanted)
        elif el.tag in wanted:
            yield el


def _paragraph_text(p: etree._Element) -> str:
    # w:delText (deleted in tracked changes) and w:instrText (field codes)
    # are other tags and so are left out.
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _lines(p: etree._Element) -> list[str]:
    """A paragraph's lines (a manual line break starts a new one), like text files."""
    return [line.strip() for line in _paragraph_text(p).split("\n") if line.strip()]


def _int_prop(parent: etree._Element | None, path: str, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(path)
    if el is None:
        return default
    value = el.get(_VAL, "")
    return int(value) if value.isdigit() else default


def _table(tbl: etree._Element) -> Table | None:
    grid: list[list[str]] = []
    for tr in _content(tbl, _ROWS):
        r = len(grid)
        row: list[str] = [""] * _int_prop(tr.find(_W + "trPr"), _W + "gridBefore", 0)
        for tc in _content(tr, _CELLS):
            props = tc.find(_W + "tcPr")
            span = max(1, min(_int_prop(props, _W + "gridSpan", 1), _MAX_SPAN))
            c = len(row)
            vmerge = props.find(_W + "vMerge") if props is not None else None
            hmerge = props.find(_W + "hMerge") if props is not None else None
            if vmerge is not None and vmerge.get(_VAL) != "restart" and r > 0:
                # A continuation of the cell above: repeat its text.
                above = grid[r - 1]
                row.extend(above[c + i] if c + i < len(above) else "" for i in range(span))
                continue
            if hmerge is not None and hmerge.get(_VAL) != "restart" and row:
                row.extend([row[-1]] * span)  # legacy horizontal merge
                continue
            text = join_lines("\n".join(_paragraph_text(p) for p in tc.iter(_P)))
            row.extend([text] * span)
        grid.append(row)
    grid = [row for row in grid if row]
    if not grid:
        return None
    width = max(len(row) for row in grid)
    rows = tuple(tuple(row + [""] * (width - len(row))) for row in grid)
    if not any(any(row) for row in rows):
        return None
    return Table(rows=rows)
