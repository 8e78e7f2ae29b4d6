"""Helpers the readers share: decoding bytes to text, joining cell pieces, page footers."""

from __future__ import annotations

import re
from typing import NamedTuple

from loaders.errors import LoaderError
from loaders.model import Block

# Formats the user can give us, named in every "give it as …" hint.
FORMATS_HINT = "请改用 .txt、.html、.docx 或 .pdf 格式的报告"
OCR_HINT = "请先做文字识别（OCR），或改用 .txt、.html、.docx 或 .pdf 格式的报告"


class Read(NamedTuple):
    """What a reader module returns; load() adds source, media type and hash."""

    blocks: tuple[Block, ...]
    meta: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None


# --- decoding ---------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# C0 control characters that never occur in a text report (tab, newlines and
# form feed do; so does the odd ESC/SUB in old files, which we tolerate).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1c-\x1f]")

# Words nearly every report uses. GB18030 accepts almost any byte pairs, so a
# Big5 file "decodes" as GB18030 into nonsense; these words tell the two apart.
_REPORT_WORDS = re.compile("政府|公开|公開|信息|資訊|年度|报告|報告")


def _strict(data: bytes, encoding: str) -> str | None:
    """Decode strictly; a multi-byte sequence cut off at the very end (a
    truncated download) is dropped rather than failing the whole file."""
    try:
        return data.decode(encoding)
    except LookupError:  # a page declaring a charset Python does not know
        return None
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason in ("unexpected end of data", "truncated data"):
            try:
                return data[: e.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None


def _clean(text: str) -> bool:
    """Decoded text is plausible: no NULs, hardly any control characters."""
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 1000)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    nul_even = sample[0::2].count(0)
    nul_odd = sample[1::2].count(0)
    # ASCII in UTF-16 puts a NUL in every other byte; CJK text adds a few
    # on the other side (U+4E00 一 is 00 4E), random data has them evenly.
    return max(nul_even, nul_odd) > max(3 * (min(nul_even, nul_odd) + 1), len(sample) // 100)


def _binary_share(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    controls = sample.translate(None, bytes(range(32, 256)) + b"\t\n\r\x0c\x1a\x1b")
    return len(controls) / len(sample)


def decode_text(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding name).

    Order: byte-order mark, UTF-8, the encoding the file declares (HTML meta),
    GB18030 (a superset of GBK/GB2312), Big5 when GB18030 gives nonsense, then
    charset-normalizer. Every step is strict: a file that decodes only with
    replacement characters is refused rather than read as garbage.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data, enc)
            if text is not None and _clean(text):
                return text.lstrip("\ufeff"), enc
            break
    # UTF-8 first even when a page declares GBK: GB bytes almost never form
    # valid UTF-8, while pages mislabelled as GBK but saved as UTF-8 are common.
    candidates = ["utf-8"]
    if declared and declared not in ("utf-8", "gb18030"):
        candidates.append(declared)
    candidates.append("gb18030")
    # NUL padding after the text is what an interrupted download or a
    # preallocated file leaves; it is not part of an ASCII-based encoding.
    unpadded = data.rstrip(b"\x00")
    for enc in candidates:
        text = _strict(unpadded, enc)
        if text is None or not _clean(text):
            continue
        if enc == "gb18030" and not _REPORT_WORDS.search(text):
            big5 = _strict(unpadded, "big5")
            if big5 is not None and _REPORT_WORDS.search(big5):
                return big5, "big5"
        return text, enc
    # Slow path, only for files that are neither UTF-8 nor GB18030.
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is not None:
        text = _strict(data, best.encoding)
        if text is not None and _clean(text):
            return text, best.encoding
    if _looks_utf16(data):
        raise LoaderError(
            source,
            "无法识别文本编码：看起来是没有字节顺序标记（BOM）的 UTF-16",
            "请另存为 UTF-8 或 GB18030 编码",
        )
    if _binary_share(data) > 0.05:
        raise LoaderError(source, "这是二进制数据，不是文本报告", FORMATS_HINT)
    raise LoaderError(
        source,
        "无法按 UTF-8、GB18030 或其他已知编码识别文本",
        "请另存为 UTF-8 或 GB18030 编码",
    )


def normalise_encoding(name: str) -> str:
    """GB2312 and GBK pages are read as GB18030, their superset; browsers do the same."""
    low = name.strip().lower().replace("_", "-")
    if low in ("gb2312", "gbk", "gb-2312", "x-gbk", "cp936", "euc-cn", "gb18030"):
        return "gb18030"
    if low in ("utf8", "utf-8"):
        return "utf-8"
    if low in ("big5", "big5-hkscs", "cp950"):
        return "big5hkscs" if "hkscs" in low else "big5"
    return low


# --- joining the pieces of one cell ------------------------------------------

# Ideographs and full-width punctuation: a line break between two of them is
# a wrap inside a word ("本年新<br>制作数量"), not a word boundary.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def join_lines(text: str) -> str:
    """Join the lines of a cell: no space between two CJK characters, one space
    elsewhere (so "12<br>34" stays two tokens instead of becoming 1234)."""
    if "\n" not in text:
        # Most cells: one line. str.split() splits on exactly what \s matches
        # (\xa0 included), so this equals the general path below, faster.
        return " ".join(text.split())
    text = _CJK_BREAK.sub("", text.replace("\xa0", " "))
    return _SPACES.sub(" ", text).strip()


# --- page footers ------------------------------------------------------------

# "- 5 -", "— 5 —", "－5－", "第5页", "第 5 页 共 6 页". A bare "5" is not
# matched: it cannot be told apart from a table value.
FOOTER = re.compile(
    r"^\s*(?:[-－—–_]+\s*\d{1,4}\s*[-－—–_]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$"
)


def is_footer(line: str) -> bool:
    return FOOTER.match(line) is not None
