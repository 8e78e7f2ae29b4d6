"""A page's characters and ruling lines from pdfium, in pdfplumber's shape.

pdfplumber gets a page's objects by running pdfminer's pure-Python content
stream interpreter, about 80% of the time it took to read a report. pdfium
(pypdfium2, which pdfplumber itself depends on) reads a page in C about ten
times faster. :func:`page_objects` rebuilds from pdfium the values pdfplumber
would compute -- each character's box by pdfminer's formula (origin, the
font descriptor's Descent, the font size, and the advance width pdfminer's
font gives that character) and each path classified into line / rect /
curve by pdfminer's rules -- so pdfplumber's own table finder and text-line
grouping run unchanged on them. They agree with pdfminer's to float32
precision (1e-4 pt); tests/test_pdf_fast.py compares them.

Every character is checked against pdfminer's font: its text must be one
the font can produce, and where pdfium shows the advance it must be the
width pdfminer gives that text. Whatever does not check out or is not
reproduced (rotated pages or text, CropBox, form XObjects, Type3 fonts,
glyphs without a Unicode mapping, text objects pdfium's text layer drops,
ligatures, unusual path shapes) makes it return None, and pdfminer parses
that page as before.
"""

from __future__ import annotations

import ctypes
import re
import threading
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as R
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdftypes import resolve1

Objects = dict[str, list[dict[str, Any]]]

_TOL = 1e-3  # points; pdfium works in float32, pdfminer in float64


# pdfium is not thread-safe, not even for different documents, and the
# dashboard's import page parses uploads in Streamlit's session threads.
_PDFIUM = threading.Lock()


class Document:
    """A PDF opened in pdfium, with pdfminer's font widths cached across its pages."""

    def __init__(self, data: bytes) -> None:
        with _PDFIUM:
            self.pdfium = pdfium.PdfDocument(data)
        self.widths: _Widths | None = None

    def close(self) -> None:
        with _PDFIUM:
            self.pdfium.close()


def open_document(data: bytes) -> Document | None:
    """The document in pdfium, or None if pdfium cannot open it (pdfminer will report why)."""
    try:
        return Document(data)
    except Exception:  # any failure just means: no fast path
        return None


def page_objects(doc: Document, index: int, page: Any) -> Objects | None:
    """pdfplumber's ``page.objects`` (chars, lines, rects, curves) for ``page``
    (a pdfplumber Page) built from page ``index`` of the pdfium ``doc``; None
    when the page needs pdfminer."""
    try:
        with _PDFIUM:
            return _page_objects(doc, index, page)
    except Exception:  # a damaged page, or an old pypdfium2: pdfminer reads it
        return None


def _page_objects(doc: Document, index: int, page: Any) -> Objects | None:
    if (
        page.rotation
        or page.mediabox[:2] != (0, 0)
        or not page.bbox == page.mediabox == page.cropbox
    ):
        return None
    fonts = _fonts(page.page_obj.resources)
    if fonts is None or _actual_text(page.page_obj):
        return None
    pdf_page = doc.pdfium[index]
    if doc.widths is None:
        doc.widths = _Widths(page.pdf.rsrcmgr)
    try:
        if abs(R.FPDF_GetPageHeightF(pdf_page.raw) - page.height) > _TOL:
            return None
        found = _paths(pdf_page, page)
        if found is None:
            return None
        paths, texts = found
        text_page = pdf_page.get_textpage()
        try:
            chars = _chars(text_page.raw, page, fonts, texts, doc.widths)
        finally:
            text_page.close()
    finally:
        pdf_page.close()
    if chars is None:
        return None
    objects: Objects = {k: v for k, v in paths.items() if v}
    if chars:
        objects["char"] = chars
    return objects


def _actual_text(page_obj: Any) -> bool:
    """Marked content with /ActualText: pdfium's text layer shows that text
    in place of the glyphs, pdfminer the glyphs."""
    resources = resolve1(page_obj.resources) or {}
    properties = resolve1(resources.get("Properties")) or {}
    if any("ActualText" in (resolve1(p) or {}) for p in properties.values()):
        return True
    contents = page_obj.contents if isinstance(page_obj.contents, list) else [page_obj.contents]
    return any(b"ActualText" in resolve1(stream).get_data() for stream in contents if stream)


class _Font(NamedTuple):
    descent: float  # what pdfminer uses: text space units per 1000, negative
    objid: int | None  # the font dictionary, to load pdfminer's font when needed
    spec: dict[str, Any]


def _fonts(resources: Any) -> dict[bytes, _Font] | None:
    """BaseFont name -> the page's font of that name.

    pdfminer takes Descent from the font descriptor (a Type0 font's from its
    descendant font, a standard-14 font's from its built-in metrics), 0 when
    absent, and forces it negative. None when two fonts share a name but not
    a Descent, or a font is of a kind this module does not reproduce.
    """
    fonts = resolve1((resolve1(resources) or {}).get("Font")) or {}
    out: dict[bytes, _Font] = {}
    for ref in fonts.values():
        spec = top = resolve1(ref)
        if not isinstance(spec, dict):
            return None
        subtype = _name(spec.get("Subtype"))
        names = {_name(spec.get("BaseFont"))}
        if subtype == b"Type0":
            descendants = resolve1(spec.get("DescendantFonts")) or []
            if not descendants:
                return None
            spec = resolve1(descendants[0])
            if not isinstance(spec, dict):
                return None
            names.add(_name(spec.get("BaseFont")))
            subtype = _name(spec.get("Subtype"))
        basefont = _name(spec.get("BaseFont"))
        if (
            subtype in (b"Type1", b"MMType1", b"TrueType")
            and basefont.decode("latin-1") in FONT_METRICS
        ):
            descriptor: Any = FONT_METRICS[basefont.decode("latin-1")][0]
        elif subtype in (b"Type1", b"MMType1", b"TrueType", b"CIDFontType0", b"CIDFontType2"):
            descriptor = resolve1(spec.get("FontDescriptor"))
            if not isinstance(descriptor, dict):
                return None
        else:  # Type3 (glyphs are drawings with their own matrix) or unknown
            return None
        descent = resolve1(descriptor.get("Descent", 0))
        if not isinstance(descent, (int, float)):
            return None
        font = _Font(-abs(float(descent)), getattr(ref, "objid", None), top)
        for name in names - {b""}:
            if out.setdefault(name, font) != font:
                return None
    return out


def _name(value: Any) -> bytes:
    """A PDF name as its bytes: pdfminer decodes names as UTF-8 where it can,
    pdfium hands back the raw bytes."""
    value = resolve1(value)
    name = getattr(value, "name", value)
    if isinstance(name, str):
        return name.encode("utf-8")
    return name if isinstance(name, bytes) else b""


def _chars(
    text_page: Any, page: Any, fonts: dict[bytes, _Font], texts: int, widths: _Widths
) -> list[dict[str, Any]] | None:
    """The characters, or None if any is beyond this module.

    ``texts`` is the number of text objects on the page: pdfium's text page
    leaves out some (zero-width ones, a repeat drawn over itself) which
    pdfminer keeps, so each must have given at least one character.
    """
    height, doctop = page.height, page.initial_doctop
    number = page.page_number
    x, y = ctypes.c_double(), ctypes.c_double()
    matrix = R.FS_MATRIX()
    loose = R.FS_RECTF()
    ink = [ctypes.c_double() for _ in range(4)]
    size_out = ctypes.c_float()
    name_buf = ctypes.create_string_buffer(512)
    by_object: dict[int, tuple[float, _Font] | None] = {}  # text object -> (font size, font)
    previous: tuple[int, float, float] | None = None
    chars = []
    # pdfium's text page drops a space that follows another space (its own
    # inferred ones included) on the same line; pdfminer keeps it. Where one
    # could have been dropped, the next character does not start where the
    # space did or ended: then pdfminer reads the page.
    after_space: tuple[float, float] | None = None  # where the next character must start
    after_inferred: tuple[int, float] | None = None  # (text object, x) of an inferred space
    for i in range(R.FPDFText_CountChars(text_page)):
        if R.FPDFText_IsGenerated(text_page, i):
            # spaces and line breaks pdfium inferred; pdfminer has none
            if R.FPDFText_GetUnicode(text_page, i) == 0x20 and R.FPDFText_GetCharOrigin(
                text_page, i, x, y
            ):
                obj = R.FPDFText_GetTextObject(text_page, i)
                after_inferred = ((obj and ctypes.c_void_p.from_buffer(obj).value) or 0, x.value)
            continue
        if R.FPDFText_HasUnicodeMapError(text_page, i):
            return None  # pdfminer reports these as "(cid:N)"
        obj = R.FPDFText_GetTextObject(text_page, i)
        key = ctypes.c_void_p.from_buffer(obj).value or 0
        if key not in by_object:
            by_object[key] = _font(obj, size_out, name_buf, fonts)
        found = by_object[key]
        if found is None:
            return None
        fontsize, font = found
        if not (
            R.FPDFText_GetMatrix(text_page, i, matrix)
            and R.FPDFText_GetCharOrigin(text_page, i, x, y)
            and R.FPDFText_GetLooseCharBox(text_page, i, loose)
            and R.FPDFText_GetCharBox(text_page, i, *ink)
        ):
            return None
        a, d = matrix.a, matrix.d
        if matrix.b or matrix.c or a <= 0 or d <= 0:
            return None  # rotated, mirrored or skewed text
        text = chr(R.FPDFText_GetUnicode(text_page, i))
        # pdfminer's upright box: (0, descent) to (advance, descent + size) in
        # text space, through the character's matrix.
        x0 = x.value
        # The advance is pdfminer's width for this text in this font (the
        # character code is not exposed by pdfium, so it is found back from
        # the text). pdfium's loose box reaches the advance or the glyph's
        # ink, whichever is further right: where the advance shows, it must
        # be one of those widths, else pdfium and pdfminer disagree (a code
        # outside /Widths, horizontal scaling, a different Unicode mapping).
        candidates = widths.get(font, text)
        if not candidates:
            return None
        unit = a * fontsize
        if loose.right > ink[1].value + _TOL:
            advance = loose.right - x0
            width = next((w for w in candidates if abs(w * unit - advance) < _TOL), None)
        else:
            width = next(iter(candidates)) if len(candidates) == 1 else None
        if width is None:
            return None
        x1 = x0 + width * unit
        if (key, x0, y.value) == previous:
            return None  # one code, several characters (a ligature): pdfminer keeps one
        previous = (key, x0, y.value)
        if after_space is not None:
            if abs(x0 - after_space[0]) > _TOL or abs(y.value - after_space[1]) > _TOL:
                return None
            after_space = None
        if after_inferred is not None:
            # An inferred space takes the origin of the character that follows it.
            if after_inferred[0] == key and abs(x0 - after_inferred[1]) > _TOL:
                return None
            after_inferred = None
        if text == " ":
            after_space = (x1, y.value)
        y0 = y.value + d * font.descent * fontsize / 1000
        size = d * fontsize
        y1 = y0 + size
        top = height - y1
        chars.append(
            {
                "object_type": "char",
                "page_number": number,
                "text": text,
                "upright": True,
                "matrix": (a, 0.0, 0.0, d, matrix.e, matrix.f),
                "size": size,
                "x0": x0,
                "x1": x1,
                "y0": y0,
                "y1": y1,
                "width": x1 - x0,
                "height": size,
                "top": top,
                "bottom": height - y0,
                "doctop": doctop + top,
            }
        )
    if len(by_object) != texts or after_space is not None:
        return None
    return chars


def _font(
    obj: Any, size_out: Any, name_buf: Any, fonts: dict[bytes, _Font]
) -> tuple[float, _Font] | None:
    if not R.FPDFTextObj_GetFontSize(obj, size_out):
        return None
    handle = R.FPDFTextObj_GetFont(obj)
    if not handle:
        return None
    n = R.FPDFFont_GetBaseFontName(handle, name_buf, len(name_buf))
    if not 0 < n <= len(name_buf):
        return None
    font = fonts.get(name_buf.raw[: n - 1])
    return None if font is None else (size_out.value, font)


class _Widths:
    """text -> the advance widths (per unit of font size) pdfminer gives it.

    pdfminer's font (loaded through pdfplumber's resource manager, which
    caches it for the pages that still need pdfminer) maps each character
    code both to its text and to its width; this is that map turned round.
    """

    def __init__(self, rsrcmgr: Any) -> None:
        self.rsrcmgr = rsrcmgr
        self.by_font: dict[int, dict[str, set[float]] | None] = {}

    def get(self, font: _Font, text: str) -> set[float] | None:
        key = font.objid if font.objid is not None else id(font.spec)
        if key not in self.by_font:
            self.by_font[key] = self._load(font)
        table = self.by_font[key]
        return table.get(text) if table is not None else None

    def _load(self, font: _Font) -> dict[str, set[float]] | None:
        try:
            pdffont = self.rsrcmgr.get_font(font.objid, font.spec)
        except Exception:  # a font pdfminer cannot load: let pdfminer fail on it
            return None
        if pdffont.is_vertical():
            return None  # pdfminer boxes vertical writing differently
        unicode_map = getattr(pdffont, "unicode_map", None)
        cids = set(getattr(unicode_map, "cid2unichr", {}))
        cids.update(getattr(pdffont, "cid2unicode", {}))
        table: dict[str, set[float]] = {}
        for cid in cids:
            try:
                text = pdffont.to_unichr(cid)
            except Exception:  # no text for this code: pdfminer writes (cid:N)
                continue
            table.setdefault(text, set()).add(pdffont.char_width(cid))
        return table


_SUBPATH = re.compile(r"m[^m]+")


def _paths(pdf_page: Any, page: Any) -> tuple[Objects, int] | None:
    """Filled or stroked paths as pdfminer's LTLine / LTRect / LTCurve would
    be, and the number of text objects on the page."""
    out: Objects = {"line": [], "rect": [], "curve": []}
    texts = 0
    matrix = R.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    px, py = ctypes.c_float(), ctypes.c_float()
    for i in range(R.FPDFPage_CountObjects(pdf_page.raw)):
        obj = R.FPDFPage_GetObject(pdf_page.raw, i)
        kind = R.FPDFPageObj_GetType(obj)
        if kind == R.FPDF_PAGEOBJ_FORM:
            return None  # a form XObject nests objects under its own matrix
        if kind == R.FPDF_PAGEOBJ_TEXT:
            texts += 1
        if kind != R.FPDF_PAGEOBJ_PATH:
            continue
        if not (R.FPDFPageObj_GetMatrix(obj, matrix) and R.FPDFPath_GetDrawMode(obj, fill, stroke)):
            return None
        if not fill.value and not stroke.value:
            continue  # "n": pdfminer paints nothing
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        # pdfium's segments back into pdfminer's operators: M -> m, L -> l,
        # three B -> one c, a closed segment adds h.
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        beziers = 0
        n = R.FPDFPath_CountSegments(obj)
        for s in range(n):
            seg = R.FPDFPath_GetPathSegment(obj, s)
            if not R.FPDFPathSegment_GetPoint(seg, px, py):
                return None
            point = (a * px.value + c * py.value + e, b * px.value + d * py.value + f)
            op = R.FPDFPathSegment_GetType(seg)
            if op == R.FPDF_SEGMENT_MOVETO:
                if beziers:
                    return None
                ops.append("m")
                pts.append(point)
            elif op == R.FPDF_SEGMENT_LINETO:
                if beziers:
                    return None
                ops.append("l")
                pts.append(point)
            elif op == R.FPDF_SEGMENT_BEZIERTO:
                beziers += 1
                if beziers == 3:
                    beziers = 0
                    ops.append("c")
                    pts.append(point)  # pdfminer keeps a curve's end point only
            else:
                return None
            if R.FPDFPathSegment_GetClose(seg):
                if beziers:
                    return None
                ops.append("h")
                pts.append(point)  # placeholder, replaced by the subpath start below
        if beziers:
            return None
        shape = "".join(ops)
        for m in _SUBPATH.finditer(shape):
            sub_shape = m.group(0)
            sub_pts = pts[m.start() : m.end()]
            if "h" in sub_shape[:-1]:
                return None  # drawing on after closing, without a new m
            sub_pts = [
                sub_pts[0] if op == "h" else p for op, p in zip(sub_shape, sub_pts, strict=True)
            ]
            kind_obj = _classify(sub_shape, sub_pts)
            if kind_obj is not None:
                name, geometry = kind_obj
                out[name].append(_path_dict(name, geometry, page, fill.value, stroke.value))
    return out, texts


def _classify(shape: str, pts: list[tuple[float, float]]) -> tuple[str, Any] | None:
    """pdfminer's PDFLayoutAnalyzer.paint_path, for one subpath."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        return "line", [pts[0], pts[1]]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if closed and square:
            (rx0, ry0), (rx1, ry1) = pts[0], pts[2]
            return "rect", [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)]
    return "curve", pts


def _path_dict(
    kind: str, pts: list[tuple[float, float]], page: Any, fill: int, stroke: int
) -> dict[str, Any]:
    height = page.height
    x0 = min(p[0] for p in pts)
    x1 = max(p[0] for p in pts)
    y0 = min(p[1] for p in pts)
    y1 = max(p[1] for p in pts)
    top = height - y1
    return {
        "object_type": kind,
        "page_number": page.page_number,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "top": top,
        "bottom": height - y0,
        "doctop": page.initial_doctop + top,
        # pdfplumber's point2coord: y measured from the top of the page
        "pts": [(px, height - py) for px, py in pts],
        "fill": bool(fill),
        "stroke": bool(stroke),
    }
