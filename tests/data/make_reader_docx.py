"""Build the reader test files in tests/data/reports/ (reader_* and bad_*).

Mainly reader_shanghai2019.docx: a real report's content in a real .docx, the
paragraphs of data/reports/other/2019-002.html in order and its three tables
with the same merged cells (Word gridSpan / vMerge made by python-docx's
cell.merge) and the same in-cell line breaks (<br> becomes a Word line
break). Independent of loaders.readers on purpose: the reader test compares
the two.

Also the other derived files: re-encoded copies of real reports, the
Shanghai report inside a GBK government page shell, a truncated page, and the
bad inputs (a scan without text layer, an encrypted PDF, random bytes …).
Outputs are deterministic: running the script again changes no file.

    .venv/bin/python tests/data/make_reader_docx.py
"""

from __future__ import annotations

import io
import random
import re
import time
import zipfile
from pathlib import Path

import docx
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "reports" / "other" / "2019-002.html"
OUT = ROOT / "tests" / "data" / "reports"
TARGET = OUT / "reader_shanghai2019.docx"
REPORTS = ROOT / "data" / "reports"


def _span(cell: html.HtmlElement, attr: str) -> int:
    return int(cell.get(attr, "1"))


def _cell_lines(cell: html.HtmlElement) -> list[str]:
    """The cell's text split at <br>, whitespace collapsed, &nbsp; dropped."""
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = cell.text_content().replace("\xa0", " ")
    return [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]


def _add_table(document: docx.document.Document, table: html.HtmlElement) -> None:
    rows = table.findall(".//tr")
    placed: list[tuple[int, int, int, int, list[str]]] = []
    taken: set[tuple[int, int]] = set()
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.findall("td"):
            while (r, c) in taken:
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            placed.append((r, c, rs, cs, _cell_lines(td)))
            c += cs
            width = max(width, c)
    out = document.add_table(rows=len(rows), cols=width)
    out.style = "Table Grid"
    for r, c, rs, cs, lines in placed:
        cell = out.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(out.cell(r + rs - 1, c + cs - 1))
        run = cell.paragraphs[0].add_run()
        for i, line in enumerate(lines):
            if i:
                run.add_break()
            run.add_text(line)


def make_docx() -> None:
    root = html.fromstring(SOURCE.read_text(encoding="utf-8"))
    document = docx.Document()
    for el in root:
        if el.tag == "table":
            _add_table(document, el)
        elif el.tag == "p":
            text = re.sub(r"\s+", " ", el.text_content().replace("\xa0", " ")).strip()
            if text:
                document.add_paragraph(text)
    document.core_properties.title = "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    _save_docx(document, TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")


# A text box as Word and WPS write it: DrawingML for current readers and the
# same text again as VML inside mc:Fallback for old ones.
_TEXTBOX_RUN = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>
<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing>
</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>
</mc:Fallback></mc:AlternateContent></w:r>"""


def make_textbox_docx() -> None:
    """The Shanghai report's opening lines, the statistics period in a text box."""
    from docx.oxml import parse_xml

    paras = [p.text_content() for p in html.fromstring(SOURCE.read_text("utf-8")).iter("p")]
    document = docx.Document()
    document.add_paragraph(paras[0])
    holder = document.add_paragraph()
    holder._p.append(
        parse_xml(
            _TEXTBOX_RUN.format(text="本年度报告中所列数据统计期限从2019年1月1日到12月31日止。")
        )
    )
    document.add_paragraph("一、总体情况")
    _save_docx(document, OUT / "reader_textbox.docx")
    print("wrote tests/data/reports/reader_textbox.docx")


_STAMP = (2025, 2, 25, 10, 0, 0)


def _save_docx(document: docx.document.Document, path: Path) -> None:
    """Save with fixed timestamps (core properties and zip entries), so that
    running this script again changes nothing."""
    import datetime

    stamp = datetime.datetime(*_STAMP)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.core_properties.last_printed = stamp
    buf = io.BytesIO()
    document.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_STAMP), src.read(info))
    path.write_bytes(out.getvalue())


def _write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)
    print(f"wrote tests/data/reports/{name} ({len(data)} bytes)")


# A government page shell of the kind the report sits in on a portal, with
# GBK charset, <meta> page metadata, menus, breadcrumbs and a footer.
_SHELL = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2019年上海市人民政府办公厅政府信息公开工作年度报告_上海市人民政府</title>
<meta name="ArticleTitle" content="2019年上海市人民政府办公厅政府信息公开工作年度报告">
<meta name="PubDate" content="2020-01-31 09:30">
<meta name="ContentSource" content="上海市人民政府办公厅">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="keywords" content="年度报告">
<style>.nav a {{ color: #333 }}</style>
<script type="text/javascript">var pageInfo = {{ id: "4a03b5fa" }};</script>
</head><body>
<div class="header"><img src="logo.png" alt="中国上海">
<div class="nav"><a href="/">首页</a><a href="/xxgk">政务公开</a><a href="/bs">政务服务</a>
<a href="/hd">政民互动</a><a href="/sh">走进上海</a></div></div>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">政务公开</a>
&gt; <a href="/nb">政府信息公开年报</a></div>
<div class="main"><div class="article">
<h1 class="title">2019年上海市人民政府办公厅政府信息公开工作年度报告</h1>
<div class="info">发布时间：2020-01-31 09:30　来源：上海市人民政府办公厅
　<span>字号：大 中 小</span></div>
<div id="ivs_content" class="Article_content">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
</div>
<div class="related"><h3>相关信息</h3><ul>
<li><a href="/a">2018年上海市人民政府办公厅政府信息公开工作年度报告</a></li>
<li><a href="/b">2017年上海市人民政府办公厅政府信息公开工作年度报告</a></li></ul></div>
</div>
<div id="footer"><p>主办：上海市人民政府办公厅　承办：上海市大数据中心</p>
<p>沪ICP备05003248号　沪公网安备31010102000000号　网站标识码：3100000058</p></div>
<script>document.write("<p>统计</p>");</script>
</body></html>
"""


def make_text_copies() -> None:
    seed = (REPORTS / "seed" / "000_082f890431297067.txt").read_text(encoding="utf-8")
    _write("reader_utf8_bom.txt", b"\xef\xbb\xbf" + seed.encode("utf-8"))
    pingtan = (REPORTS / "pingtan" / "2013-main-007.txt").read_text(encoding="utf-8")
    # GB18030 with Windows newlines, as Notepad on a Chinese Windows saves it.
    _write("reader_gb18030.txt", pingtan.replace("\n", "\r\n").encode("gb18030"))
    _write("reader_utf16le_nobom.txt", pingtan.encode("utf-16-le"))
    fragment = SOURCE.read_text(encoding="utf-8")
    _write("reader_shanghai2019_page.html", _SHELL.format(body=fragment).encode("gb18030"))
    # Cut inside table B, in the middle of a character: what a broken
    # download leaves.
    data = SOURCE.read_bytes()
    cut = data.index("8.属于行政查询事项".encode()) + 4
    _write("bad_truncated.html", data[:cut])
    # Lines in UTF-8 and GB18030 mixed in one file (a bad concatenation).
    lines = seed.splitlines(keepends=True)
    mixed = b"".join(
        line.encode("gb18030" if 10 <= i < 30 else "utf-8") for i, line in enumerate(lines)
    )
    _write("bad_mixed_encoding.txt", mixed)


def make_bad_files() -> None:
    _write("bad_empty.txt", b"")
    _write("bad_whitespace.txt", " \r\n\t\n\u3000\u3000\n  \n".encode())
    rng = random.Random(20250225)
    _write("bad_random.bin", bytes(rng.randrange(256) for _ in range(8192)))
    seed_head = (REPORTS / "seed" / "000_082f890431297067.txt").read_bytes()[:3000]
    _write("bad_text_named.docx", seed_head.rsplit(b"\n", 1)[0] + b"\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for member, text in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<b/>")):
            zf.writestr(zipfile.ZipInfo(member, date_time=(2025, 2, 25, 10, 0, 0)), text)
    _write("bad_zip_not_word.docx", buf.getvalue())
    # The head of an old binary .doc (OLE2 compound file); the rest zeros.
    _write("bad_old_word.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    # The DOS header of a Windows program.
    _write("bad_program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(118))
    _write("bad_notext.html", _NOTEXT_HTML.encode())
    make_pdfs()


_NOTEXT_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title>
<script src="/js/app.js"></script></head>
<body><div id="app"></div><img src="report-page-1.jpg"><img src="report-page-2.jpg">
<noscript>请开启JavaScript</noscript></body></html>
"""


def make_pdfs() -> None:
    import pypdfium2 as pdfium

    original = pdfium.PdfDocument(REPORTS / "other" / "2024-huaian-szfgs2024.pdf")
    image = original[0].render(scale=1).to_pil().convert("L")
    scan = io.BytesIO()
    stamp = time.gmtime(1740448970)  # 2025-02-25, the date of the original PDF
    image.save(scan, "PDF", resolution=72, creationDate=stamp, modDate=stamp)
    _write("bad_scanned.pdf", scan.getvalue())
    png = io.BytesIO()
    image.resize((image.width // 3, image.height // 3)).save(png, "PNG")
    _write("bad_image.png", png.getvalue())
    _write("bad_encrypted.pdf", _encrypted_pdf())
    _write("reader_footer_in_table.pdf", _footer_table_pdf())
    _write("bad_unmapped_font.pdf", _unmapped_font_pdf())
    _write("bad_page_numbers_only.pdf", _page_numbers_only_pdf())
    _write("bad_corrupt.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4)


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (1 = catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _ruled_page(rows: list[list[str]], top: int, footer_outside: str = "") -> bytes:
    """Content stream of a ruled table (100 pt columns, 20 pt rows); a row of
    one string is one cell across the whole width, like a footer caught in
    the table frame."""
    width = 100 * max(len(r) for r in rows)
    ops = [b"0.5 w"]
    for i in range(len(rows) + 1):
        y = top - 20 * i
        ops.append(b"72 %d m %d %d l S" % (y, 72 + width, y))
    for i, row in enumerate(rows):
        y0, y1 = top - 20 * i, top - 20 * (i + 1)
        xs = [72 + width] if len(row) == 1 else [72 + 100 * c for c in range(len(row) + 1)]
        for x in [72, *xs]:
            ops.append(b"%d %d m %d %d l S" % (x, y0, x, y1))
        for c, text in enumerate(row):
            x = 72 + width // 2 - 12 if len(row) == 1 else 80 + 100 * c
            ops.append(b"BT /F1 10 Tf %d %d Td (%s) Tj ET" % (x, y1 + 6, text.encode()))
    if footer_outside:
        ops.append(b"BT /F1 10 Tf 200 40 Td (%s) Tj ET" % footer_outside.encode())
    return b"\n".join(ops)


def _footer_table_pdf() -> bytes:
    """Two pages, a table split between them, the page-1 footer inside the
    table's frame and the page-2 footer below it (ASCII only: the standard
    Helvetica font needs no embedding)."""
    page1 = _ruled_page([["Item", "2023", "2024"], ["A", "1", "2"], ["- 1 -"]], top=700)
    page2 = _ruled_page([["B", "3", "4"], ["Total", "4", "6"]], top=760, footer_outside="- 2 -")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
    page += b"/Resources << /Font << /F1 3 0 R >> >> >>"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>",
            font,
            page % 6,
            page % 7,
            _stream(page1),
            _stream(page2),
        ]
    )


def _page_numbers_only_pdf() -> bytes:
    """Two pages whose only text is the page number, as a scanner's software
    or a print shop adds it on top of page images."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
    page += b"/Resources << /Font << /F1 3 0 R >> >> >>"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>",
            font,
            page % 6,
            page % 7,
            _stream(b"BT /F1 10 Tf 280 40 Td (- 1 -) Tj ET"),
            _stream(b"BT /F1 10 Tf 280 40 Td (- 2 -) Tj ET"),
        ]
    )


def _unmapped_font_pdf() -> bytes:
    """Text in a CID font with Identity-H encoding and no ToUnicode map: the
    glyph codes are there (中文年 / 政府信息) but not what they mean."""
    content = b"BT /F1 12 Tf 72 700 Td <4E2D65875E74> Tj ET\n"
    content += b"BT /F1 12 Tf 72 680 Td <653F5E9C4FE1606F> Tj ET"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
            b"/DescendantFonts [4 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
            b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor 5 0 R /DW 1000 >>",
            b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] "
            b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>",
            _stream(content),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>",
        ]
    )


def _encrypted_pdf() -> bytes:
    """A one-page PDF behind the standard security handler with a user
    password (its /U entry matches no empty password): readers must ask for it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"5a" * 32
        + b"> /U <"
        + b"a5" * 32
        + b"> >>",
    ]
    file_id = b"<00112233445566778899aabbccddeeff>"
    return _pdf(objects, b"/Encrypt 5 0 R /ID [%s %s] " % (file_id, file_id))


def main() -> None:
    make_docx()
    make_textbox_docx()
    make_text_copies()
    make_bad_files()


if __name__ == "__main__":
    main()
