"""Readers: the bytes of any supported file -> :class:`~loaders.model.Document`.

``load(source)`` sniffs the content (``%PDF``, a zip holding
``word/document.xml``, a leading HTML tag, else text) and dispatches through
:data:`READERS` to one module per type. Each reader is pure: bytes in, blocks
and metadata out. Every problem is a :class:`LoaderError` whose one line names
the file, what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from pathlib import Path

from loaders.errors import LoaderError
from loaders.model import Document, MediaType
from loaders.readers import docx, html, pdf, text
from loaders.readers.common import FORMATS_HINT, OCR_HINT, Read

MAX_BYTES = 50 * 1024 * 1024

READERS: dict[MediaType, Callable[[bytes, str], Read]] = {
    "text": text.read,
    "html": html.read,
    "docx": docx.read,
    "pdf": pdf.read,
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# Files we recognise but do not read, by their first bytes: (magic, what, hint).
_REFUSED: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", OCR_HINT),
    (b"\xff\xd8\xff", "JPEG 图片", OCR_HINT),
    (b"GIF87a", "GIF 图片", FORMATS_HINT),
    (b"GIF89a", "GIF 图片", FORMATS_HINT),
    (b"II*\x00", "TIFF 图片", OCR_HINT),
    (b"MM\x00*", "TIFF 图片", OCR_HINT),
    (b"\x7fELF", "可执行程序", FORMATS_HINT),
    (
        _OLE,
        "旧版二进制 Office 文件（.doc/.wps/.xls）",
        "请用 Word/WPS 另存为 .docx",
    ),
    (b"{\\rtf", "RTF 文档", "请用 Word/WPS 另存为 .docx"),
    (b"Rar!\x1a\x07", "RAR 压缩包", "请解压后导入其中的报告"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "请解压后导入其中的报告"),
    (b"\x1f\x8b", "gzip 压缩包", "请解压后导入其中的报告"),
)

# A file named .docx/.pdf whose content is something else goes to that reader
# anyway, so the user hears "not a valid .docx" rather than garbage text.
_CLAIMED_BY_NAME: dict[str, MediaType] = {".docx": "docx", ".pdf": "pdf"}
_HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")

_LEADING_TAG = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|link|style|script|p|div|span|table|tbody|"
    rb"tr|td|h[1-6]|br|hr|ul|ol|li|section|article|main|font|center|b|strong|a|img|form)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_ANY_TAG = re.compile(rb"<(?:html|body|p|div|table|br)[\s>/]", re.IGNORECASE)


def sniff(data: bytes, filename: str = "") -> MediaType:
    """The media type of ``data``; the file name only breaks ties."""
    head = data[:4096]
    suffix = Path(filename).suffix.lower()
    if b"%PDF-" in head[:1024]:
        kind: MediaType = "pdf"
    elif head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = "docx"  # the docx reader checks for word/document.xml
    else:
        ascii_head = head
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            ascii_head = head.decode("utf-16", errors="ignore").encode("ascii", "ignore")
        ascii_head = ascii_head.lstrip(b"\xef\xbb\xbf").lstrip()
        if _LEADING_TAG.match(ascii_head) or (
            suffix in _HTML_SUFFIXES and _ANY_TAG.search(ascii_head)
        ):
            kind = "html"
        else:
            kind = "text"
    if kind in ("text", "html") and suffix in _CLAIMED_BY_NAME:
        return _CLAIMED_BY_NAME[suffix]
    return kind


def _read_bytes(source: str | Path | bytes, label: str) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_size(len(data), label)
        return data
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoaderError(label, "找不到文件", "请检查路径") from None
    except OSError as e:
        raise LoaderError(label, f"无法打开文件（{e.strerror}）", "请检查路径") from None
    if path.is_dir():
        raise LoaderError(label, "这是文件夹，不是文件", "请给出单个报告文件的路径")
    # Checked before reading: a 2 GB video must not be pulled into memory.
    _check_size(size, label)
    try:
        return path.read_bytes()
    except OSError as e:
        raise LoaderError(label, f"无法读取文件（{e.strerror}）", "请检查路径") from None


def _check_size(size: int, label: str) -> None:
    if size > MAX_BYTES:
        raise LoaderError(
            label,
            # Rounded up, so a file just over the limit does not read "50.0 MB".
            f"文件过大（{math.ceil(size / 1024 / 1024 * 10) / 10:.1f} MB，上限为 50 MB）",
            "请拆分文件，或只保留报告所在的页",
        )


def _refuse_empty_or_known_binary(data: bytes, label: str) -> None:
    if not data:
        raise LoaderError(label, "文件是空的（0 字节）", "请检查下载或导出是否完成")
    if not data.lstrip(b"\xef\xbb\xbf").strip():
        raise LoaderError(label, "文件是空的（只有空白）", "请检查下载或导出是否完成")
    if data.startswith(_OLE) and _ENCRYPTED_PACKAGE in data[:65536]:
        # Word/WPS save a password-protected .docx as an OLE file holding
        # the encrypted package, so it looks like an old .doc.
        raise LoaderError(
            label,
            "这是有密码保护的 Office 文件",
            "请在 Word/WPS 中打开，去掉密码后另存为 .docx",
        )
    for magic, what, hint in _REFUSED:
        if data.startswith(magic):
            raise LoaderError(label, f"这是{what}，不是报告文档", hint)
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        raise LoaderError(label, "这是可执行程序，不是报告文档", FORMATS_HINT)


def load(source: str | Path | bytes, *, name: str | None = None) -> Document:
    """Read one report file (path or raw bytes) into a Document.

    ``name`` is how the file is called in messages and in ``Document.source``
    (an upload's original file name); without it a path names itself and
    bytes are called ``<bytes>``.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        label = name or "<bytes>"
    else:
        label = name or str(source)
    data = _read_bytes(source, label)
    _refuse_empty_or_known_binary(data, label)
    filename = name or ("" if isinstance(source, (bytes, bytearray, memoryview)) else str(source))
    media_type = sniff(data, filename)
    read = READERS[media_type](data, label)
    return Document(
        source=label,
        media_type=media_type,
        blocks=read.blocks,
        meta=read.meta,
        content_hash=hashlib.sha256(data).hexdigest(),
        encoding=read.encoding,
    )


__all__ = ["MAX_BYTES", "READERS", "load", "sniff"]
