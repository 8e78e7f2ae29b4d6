"""PDF (pdfplumber): the text layer line by line, and ruled tables as grids.

pdfplumber's characters and lines come from pdfium where pdf_objects can
rebuild them exactly (most pages, several times faster), else from pdfminer.

Per page: pdfplumber finds the ruled tables; their characters are taken out
of the text so each number appears once, and every text line and table is
placed by its vertical position. Page footers ("- 5 -", "第5页") are dropped,
also when they fall inside a table. A table split by a page break stays two
Tables, each with its page number. A PDF without any characters is a scan.
"""

from __future__ import annotations

import io
from typing import Any

from loaders.errors import LoaderError
from loaders.model import Block, Paragraph, Table
from loaders.readers.common import Read, is_footer, join_lines

_EPS = 0.5  # points; cell edges found by pdfplumber are not exact
_MIN_CHARS_PER_PAGE = 10  # a page of report text has hundreds
_MAX_UNMAPPED = 0.3  # share of (cid:N) characters beyond which the text is useless


def read(data: bytes, source: str) -> Read:
    # Imported here: pdfplumber/pdfminer take ~0.3 s to import, which text and
    # HTML loads should not pay.
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    from loaders.readers.pdf_objects import open_document, page_objects

    if not data.lstrip()[:1024].count(b"%PDF-"):
        raise LoaderError(source, "不是有效的 PDF（缺少 %PDF 文件头）", "请重新导出或重新下载")
    blocks: list[Block] = []
    chars = unmapped = pages = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            # pdfium reads a page's characters and lines ~10x faster than
            # pdfminer; where it cannot reproduce pdfminer's objects exactly
            # (see pdf_objects), pdfplumber parses the page itself.
            fast = open_document(data)
            try:
                for i, page in enumerate(pdf.pages):
                    objects = page_objects(fast, i, page) if fast is not None else None
                    if objects is not None:
                        page._objects = objects  # what page.objects would have parsed
                    chars += len(page.chars)
                    unmapped += sum(1 for c in page.chars if c["text"].startswith("(cid:"))
                    blocks.extend(_page_blocks(page))
            finally:
                if fast is not None:
                    fast.close()
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _encrypted(source) from None
        raise _corrupt(source, cause) from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise _encrypted(source) from None
    except Exception as e:  # pdfminer raises many unrelated types on broken files
        raise _corrupt(source, e) from None
    if chars and unmapped > chars * _MAX_UNMAPPED:
        # Fonts without a ToUnicode map: the text layer is glyph numbers.
        raise LoaderError(
            source,
            "PDF 的文字层无法解码（字体缺少 Unicode 映射，文字显示为 (cid:N)）",
            "请做文字识别（OCR），例如用 ocrmypdf --force-ocr，或重新导出 PDF",
        )
    if chars < _MIN_CHARS_PER_PAGE * pages or not blocks:
        # No characters, or only a stamp, a watermark or page numbers on
        # top of page images.
        raise LoaderError(
            source,
            "没有文字层，可能是扫描版 PDF",
            "请先做文字识别（OCR），例如用 ocrmypdf",
        )
    return Read(blocks=tuple(blocks))


def _encrypted(source: str) -> LoaderError:
    return LoaderError(
        source,
        "PDF 已加密（有密码保护）",
        "请先去掉密码（例如用 qpdf --decrypt）再导入",
    )


def _corrupt(source: str, cause: object) -> LoaderError:
    why = type(cause).__name__
    return LoaderError(source, f"PDF 文件损坏或无法读取（{why}）", "请重新导出或重新下载该 PDF")


def _page_blocks(page: Any) -> list[Block]:
    tables = []
    for found in page.find_tables():
        table = _grid(found, page.page_number)
        if table is not None:
            tables.append((found.bbox, table))
    text_page = page
    if tables:
        boxes = [bbox for bbox, _ in tables]

        def outside(obj: dict[str, Any]) -> bool:
            if obj.get("object_type") != "char":
                return True
            cx = (obj["x0"] + obj["x1"]) / 2
            cy = (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

        text_page = page.filter(outside)
    placed: list[tuple[float, int, Block]] = []
    for i, line in enumerate(text_page.extract_text_lines(return_chars=False)):
        text = line["text"].strip()
        if text and not is_footer(text):
            placed.append((line["top"], i, Paragraph(text)))
    for i, (bbox, table) in enumerate(tables):
        placed.append((bbox[1], -len(tables) + i, table))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


def _grid(found: Any, page_number: int) -> Table | None:
    """pdfplumber's table -> a grid where a merged cell fills every position it covers.

    pdfplumber puts each cell at the column of its left edge and the row of
    its top edge and leaves None where no cell starts; the cell's bbox tells
    which of those positions it covers.
    """
    rows = found.rows
    texts = found.extract()
    if not rows:
        return None
    xs = sorted({bbox[0] for row in rows for bbox in row.cells if bbox is not None})
    tops = [row.bbox[1] for row in rows]
    grid: list[list[str | None]] = [[None] * len(xs) for _ in rows]
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            x1, bottom = bbox[2], bbox[3]
            text = _cell_text(texts[r][c])
            rr = r
            while rr < len(rows) and (rr == r or tops[rr] < bottom - _EPS):
                cc = c
                while cc < len(xs) and (cc == c or xs[cc] < x1 - _EPS):
                    if grid[rr][cc] is None:
                        grid[rr][cc] = text
                    cc += 1
                rr += 1
    cells = [tuple(cell or "" for cell in row) for row in grid]
    # A row that is only a page footer ("- 4 -") is layout, not data.
    cells = [row for row in cells if any(row) and not is_footer(" ".join(set(row) - {""}))]
    # A one-column "table" is a framed text box; its lines stay paragraphs.
    if len(xs) < 2 or not cells:
        return None
    return Table(rows=tuple(cells), page=page_number)


def _cell_text(raw: str | None) -> str:
    if not raw:
        return ""
    lines = [line for line in raw.split("\n") if not is_footer(line)]
    return join_lines("\n".join(lines))
