"""Documents built from the bundled reports without the real readers.

The readers (loaders.readers) are written separately; metadata, section and
narrative tests must not depend on them, so this module builds a
:class:`Document` the simple way the corpus allows:

- data/reports/pingtan/*.txt: the ``key: value`` header lines before the line
  ``==================== 正文 ====================`` become ``meta``; every body
  line after it is one Paragraph;
- other .txt files: every line is one Paragraph;
- data/reports/other/2019-002.html: lxml's text of each <p> is one Paragraph,
  and the ``发布日期：…`` of the second <p> goes into ``meta`` as well.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from loaders.model import Document, Paragraph

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
_BODY_MARK = "==================== 正文 ===================="


def _pingtan(path: Path) -> Document:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta: list[tuple[str, str]] = []
    body: list[str] = []
    in_body = False
    for line in lines:
        if in_body:
            body.append(line)
        elif line.strip() == _BODY_MARK:
            in_body = True
        elif ": " in line:
            key, _, value = line.partition(": ")
            meta.append((key.strip(), value.strip()))
        elif line.endswith(":"):
            meta.append((line[:-1].strip(), ""))
    return Document(
        source=str(path),
        media_type="text",
        blocks=tuple(Paragraph(t) for t in body),
        meta=tuple(meta),
    )


def _plain(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    return Document(
        source=str(path),
        media_type="text",
        blocks=tuple(Paragraph(t) for t in text.splitlines()),
    )


def _html(path: Path) -> Document:
    from lxml import html

    root = html.fromstring(path.read_text(encoding="utf-8"))
    paras = [p.text_content() for p in root.iter("p")]
    meta: list[tuple[str, str]] = []
    if len(paras) > 1 and "发布日期" in paras[1]:
        meta.append(("发布日期", paras[1].split("：", 1)[-1].strip()))
    return Document(
        source=str(path),
        media_type="html",
        blocks=tuple(Paragraph(t) for t in paras),
        meta=tuple(meta),
    )


@cache
def doc_for(name: str) -> Document:
    """The Document for a manifest file name such as ``pingtan/2019-main-001.txt``."""
    path = REPORTS / name
    if path.suffix == ".html":
        return _html(path)
    if path.parent.name == "pingtan":
        return _pingtan(path)
    return _plain(path)


def manifest() -> list[dict[str, str]]:
    """The manifest rows whose file this module can turn into a Document."""
    with (REPORTS / "manifest.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows if not r["file"].endswith(".pdf")]
