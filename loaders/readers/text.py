"""Plain text and Markdown: one Paragraph per non-empty line.

Crawler dumps (the Pingtan archive) start with ``key: value`` header lines
ended by :data:`BODY_MARK`; those go into ``Document.meta`` and stay out of
the blocks. Tables flattened one cell per line (the seed's ``3649 |``) are
kept as lines: the legacy table grammar reads them from the text.
"""

from __future__ import annotations

import re

from loaders.errors import LoaderError
from loaders.model import Paragraph
from loaders.readers.common import Read, decode_text

BODY_MARK = "==================== 正文 ===================="

# "标题: …" / "发布时间：…" / "文号:" (empty value). Keys are short labels.
_HEADER_LINE = re.compile(r"^\s*([^\s:：]{1,20})\s*[:：]\s?(.*)$")
# The marker must come early: a line like it deep in a report is content.
_HEADER_WINDOW = 4096


def read(data: bytes, source: str) -> Read:
    text, encoding = decode_text(data, source)
    # splitlines() also normalises \r\n and lone \r (old Mac files).
    lines = text.splitlines()
    meta: list[tuple[str, str]] = []
    mark = text.find(BODY_MARK, 0, _HEADER_WINDOW)
    if mark > 0 and text[mark - 1] not in "\r\n":
        mark = -1  # the marker must start a line
    if mark >= 0:
        header_count = len(text[:mark].splitlines())
        for line in lines[:header_count]:
            m = _HEADER_LINE.match(line)
            if m:
                meta.append((m.group(1), m.group(2).strip()))
        lines = lines[header_count + 1 :]
    blocks = tuple(Paragraph(line.rstrip()) for line in lines if line.strip())
    if not blocks:
        problem = "文件头之后没有报告正文" if mark >= 0 else "文件是空的（只有空白）"
        raise LoaderError(source, problem, "请检查下载或导出是否完成")
    return Read(blocks=blocks, meta=tuple(meta), encoding=encoding)
