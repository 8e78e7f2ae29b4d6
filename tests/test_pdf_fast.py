"""The PDF reader's pdfium fast path gives what pdfminer gave, faster.

tests/data/pdf_reader_snapshot.json is the output of the PDF reader as it was
before pdfium was used (pdfminer parsing every page), on every PDF in
tests/data/reports: the blocks of the readable ones, an error for the others.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pytest

from loaders.errors import LoaderError
from loaders.model import Paragraph
from loaders.readers import load
from loaders.readers.pdf_objects import open_document, page_objects

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = json.loads((ROOT / "tests" / "data" / "pdf_reader_snapshot.json").read_text("utf-8"))
HUAIAN = ROOT / "data" / "reports" / "other" / "2024-huaian-szfgs2024.pdf"
READABLE = [ROOT / name for name, want in SNAPSHOT.items() if "blocks" in want]


def _dump(path: Path) -> dict:
    try:
        doc = load(path)
    except LoaderError:
        return {"error": True}
    return {
        "blocks": [
            {"p": b.text}
            if isinstance(b, Paragraph)
            else {"table": [list(row) for row in b.rows], "page": b.page}
            for b in doc.blocks
        ]
    }


def test_snapshot_covers_the_test_pdfs():
    assert len(SNAPSHOT) >= 7
    assert all((ROOT / name).is_file() for name in SNAPSHOT)


@pytest.mark.parametrize("name", sorted(SNAPSHOT))
def test_reader_output_unchanged(name):
    assert _dump(ROOT / name) == SNAPSHOT[name]


def test_bundled_pdf_same_as_its_golden_copy():
    golden = ROOT / "tests" / "data" / "reports" / "golden_other_2024-huaian-szfgs2024.pdf"
    assert HUAIAN.read_bytes() == golden.read_bytes()
    assert len(SNAPSHOT[str(golden.relative_to(ROOT))]["blocks"]) == 80


def _pages(path: Path):
    data = path.read_bytes()
    doc = open_document(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages):
            yield page, page_objects(doc, i, page)
    doc.close()


@pytest.mark.parametrize("path", READABLE, ids=[p.name for p in READABLE])
def test_pdfium_objects_equal_pdfminer_objects(path):
    """Every page of the readable test PDFs takes the fast path (so the
    snapshot test above exercises it), and its characters, lines and
    rectangles are pdfminer's to float32 precision."""
    for page, fast in _pages(path):
        assert fast is not None, f"page {page.page_number} fell back to pdfminer"
        slow = page.objects  # not set by page_objects: pdfminer parses the page
        for kind in ("char", "line", "rect", "curve"):
            want, got = slow.get(kind, []), fast.get(kind, [])
            assert len(got) == len(want), (page.page_number, kind)
            for w, g in zip(want, got, strict=True):
                if kind == "char":
                    assert g["text"] == w["text"]
                    assert g["upright"] == w["upright"]
                    assert g["size"] == pytest.approx(w["size"], abs=1e-3)
                else:
                    flat = [v for point in w["pts"] for v in point]
                    assert [v for point in g["pts"] for v in point] == pytest.approx(flat, abs=1e-3)
                for key in ("x0", "x1", "top", "bottom", "doctop", "y0", "y1"):
                    assert g[key] == pytest.approx(w[key], abs=1e-3), (kind, key, w)


def test_overhanging_glyphs_take_their_width_from_the_font():
    """pdfium's loose box reaches the glyph's ink where that sticks out past
    the advance (楷体 "提" on page 5 of the 淮安 report); x1 must still be
    the advance, 7.45 pt for a 7.45 pt CJK character."""
    _, fast = list(_pages(HUAIAN))[4]
    ti = next(c for c in fast["char"] if c["text"] == "提")
    assert ti["x1"] - ti["x0"] == pytest.approx(7.45, abs=1e-3)


def test_fallback_where_pdfium_cannot_reproduce_pdfminer():
    # Glyphs without a Unicode map: pdfminer's "(cid:N)" decides the error.
    [(_, fast)] = list(_pages(ROOT / "tests" / "data" / "reports" / "bad_unmapped_font.pdf"))
    assert fast is None
    with pytest.raises(LoaderError, match=r"\(cid:N\)"):
        load(ROOT / "tests" / "data" / "reports" / "bad_unmapped_font.pdf")


# --- small PDFs that try the corners of the PDF text and path model ------------


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


def _one_page_pdf(
    content: bytes,
    mediabox: bytes = b"[0 0 595 842]",
    page_extra: bytes = b"",
    font_extra: bytes = b"",
    extra: tuple[bytes, ...] = (),
) -> bytes:
    """One page in standard Helvetica (pdfminer takes its metrics from its AFM
    table); ``extra`` objects are numbered from 6."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica %s>>" % font_extra,
        b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 5 0 R %s"
        b"/Resources << /Font << /F1 3 0 R >> >> >>" % (mediabox, page_extra),
        _stream(content),
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


_TABLE = (
    b"0.5 w 72 700 m 372 700 l S 72 680 m 372 680 l S 72 660 m 372 660 l S "
    b"72 700 m 72 660 l S 172 700 m 172 660 l S 272 700 m 272 660 l S 372 700 m 372 660 l S "
    b"BT /F1 10 Tf 80 686 Td (Item) Tj 100 0 Td (2023) Tj 100 0 Td (2024) Tj ET "
    b"BT /F1 10 Tf 80 666 Td (Total) Tj 100 0 Td (12) Tj 100 0 Td (34) Tj ET "
    b"BT /F1 10 Tf 72 600 Td (Text below the table) Tj ET"
)
# Pages the fast path must take, each with something pdfium could get wrong.
FAST = {
    "char spacing": b"BT /F1 10 Tf 2 Tc 72 700 Td (Spaced) Tj ET",
    "word spacing, no space": b"BT /F1 10 Tf 5 Tw 72 700 Td (Word) Tj ET",
    "single spaces": b"BT /F1 10 Tf 72 700 Td (a b c) Tj ET",
    "horizontal scaling": b"BT /F1 10 Tf 150 Tz 72 700 Td (Wide text) Tj ET",
    "rise": b"BT /F1 10 Tf 72 700 Td (Base) Tj 3 Ts (Rise) Tj ET",
    "kerning": b"BT /F1 10 Tf 72 700 Td [(A) -500 (B) 200 (C)] TJ ET",
    "scaled": b"q 2 0 0 2 10 20 cm BT /F1 10 Tf 30 300 Td (Scaled) Tj ET Q",
    "flipped like WPS": b"q 1 0 0 -1 0 842 cm BT /F1 10 Tf 1 0 0 -1 72 100 Tm (Flipped) Tj ET Q",
    "invisible OCR text": b"BT 3 Tr /F1 10 Tf 72 700 Td (Hidden OCR) Tj ET",
    "clipped away": b"q 0 0 100 100 re W n BT /F1 10 Tf 300 700 Td (Clipped) Tj ET Q",
    "off the page": b"BT /F1 10 Tf 700 700 Td (Off page) Tj ET BT /F1 10 Tf 72 680 Td (On) Tj ET",
    "paths": b"1 w 72 600 m 300 600 l S 72 500 200 50 re f 72 400 m 150 400 l 150 450 l h S "
    b"72 300 m 100 350 150 350 200 300 c S 300 300 m 320 320 340 300 v f "
    b"72 200 m 100 200 l 72 180 m 100 180 l S 400 200 50 50 re 460 200 50 50 re B 0 0 m 10 10 l n",
    "ruled table": _TABLE,
}
# Pages pdfium reads differently from pdfminer: they must fall back.
SLOW = {
    "rotated text": (b"BT /F1 10 Tf 0 1 -1 0 300 300 Tm (Rotated) Tj ET", {}),
    # pdfium's text page drops a text object drawn again over itself; pdfminer keeps both.
    "drawn twice": (b"BT /F1 10 Tf 72 700 Td (Bold) Tj ET " * 2, {}),
    "fake bold": (b"BT /F1 10 Tf 72 700 Td (Bold) Tj ET BT /F1 10 Tf 72.3 700 Td (Bold) Tj ET", {}),
    # pdfium drops a space after a space (its own inferred ones included).
    "double space": (b"BT /F1 10 Tf 72 680 Td (a b  c) Tj ET", {}),
    "space over two objects": (b"BT /F1 10 Tf 72 680 Td (ab ) Tj ( cd) Tj ET", {}),
    "space after a kerning gap": (b"BT /F1 10 Tf 72 680 Td [(ab) -2000 ( cd)] TJ ET", {}),
    "space ending a line": (
        b"BT /F1 10 Tf 72 680 Td (ab ) Tj ET BT /F1 10 Tf 72 660 Td (x) Tj ET",
        {},
    ),
    "spaces with word spacing": (b"BT /F1 10 Tf 3 Tw 72 680 Td (a b c) Tj ET", {}),
    # pdfium's text layer shows a marked-content /ActualText instead of the glyphs.
    "actual text": (
        b"BT /F1 10 Tf 72 680 Td /Span << /ActualText (XY) >> BDC (ab) Tj EMC (cd) Tj ET",
        {},
    ),
    "mediabox offset": (_TABLE, {"mediabox": b"[10 20 605 862]"}),
    "cropbox": (_TABLE, {"page_extra": b"/CropBox [50 50 500 800] "}),
    # A code whose ToUnicode text is two letters: pdfminer keeps one character
    # "fi", pdfium makes two.
    "ligature": (
        b"BT /F1 10 Tf 72 700 Td (ABAB) Tj ET",
        {
            "font_extra": b"/ToUnicode 6 0 R ",
            "extra": (
                _stream(
                    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
                    b"1 begincodespacerange <00> <FF> endcodespacerange "
                    b"2 beginbfchar <41> <00660069> <42> <0042> endbfchar "
                    b"endcmap CMapName currentdict /CMap defineresource pop end end"
                ),
            ),
        },
    ),
}


def _fast_and_slow(data: bytes):
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        doc = open_document(data)
        fast = page_objects(doc, 0, pdf.pages[0])
        doc.close()
        return fast, pdf.pages[0].objects


@pytest.mark.parametrize("content", FAST.values(), ids=list(FAST))
def test_fast_path_equals_pdfminer_on_edge_cases(content):
    fast, slow = _fast_and_slow(_one_page_pdf(content))
    assert fast is not None
    for kind in ("char", "line", "rect", "curve"):
        want, got = slow.get(kind, []), fast.get(kind, [])
        assert [c.get("text") for c in got] == [c.get("text") for c in want], kind
        for w, g in zip(want, got, strict=True):
            for key in ("x0", "x1", "top", "bottom"):
                assert g[key] == pytest.approx(w[key], abs=1e-3), (kind, key, w)


@pytest.mark.parametrize("case", SLOW.values(), ids=list(SLOW))
def test_fallback_to_pdfminer(case):
    content, page_args = case
    data = _one_page_pdf(content, **page_args)
    fast, _ = _fast_and_slow(data)
    assert fast is None


def test_reader_same_blocks_with_and_without_fast_path(monkeypatch):
    data = _one_page_pdf(_TABLE)
    with_fast = load(data)
    assert with_fast.tables[0].rows == (("Item", "2023", "2024"), ("Total", "12", "34"))
    assert with_fast.blocks[-1] == Paragraph("Text below the table")
    monkeypatch.setattr("loaders.readers.pdf_objects.page_objects", lambda *a: None)
    assert load(data).blocks == with_fast.blocks


def test_parallel_threads_read_the_same():
    """The dashboard parses uploads in Streamlit's threads; pdfium is not
    thread-safe, so pdf_objects serialises its calls."""
    from concurrent.futures import ThreadPoolExecutor

    want = SNAPSHOT["tests/data/reports/golden_other_2024-huaian-szfgs2024.pdf"]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: _dump(HUAIAN), range(8)))
    assert all(r == want for r in results)
