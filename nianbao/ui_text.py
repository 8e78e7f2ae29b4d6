"""Safe rendering of text that comes from a report.

A report is untrusted input: it may contain ``<script>``, HTML tags or
markdown links. Nothing in a document is ever interpreted. Text is escaped
in full first, and only then are the search matches wrapped in ``<mark>``,
so the one piece of HTML on the page is the one we wrote.

Pure (no Streamlit): the pages pass the returned HTML to
``st.markdown(..., unsafe_allow_html=True)``; that is safe because every
character of the document in it has been escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that markdown (CommonMark + GFM, as Streamlit renders it) would
# interpret even inside an HTML block's text: escaping them as entities keeps
# "[link](http://x)", "*emphasis*", "`code`", "$math$", "~~strike~~", ":emoji:"
# and "#" headings literal.
_MARKDOWN_ENTITIES = {
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "(": "&#40;",
    ")": "&#41;",
    "#": "&#35;",
    "!": "&#33;",
    "$": "&#36;",
    "~": "&#126;",
    ":": "&#58;",
    "|": "&#124;",
    "+": "&#43;",
    "-": "&#45;",
    "=": "&#61;",
    "{": "&#123;",
    "}": "&#125;",
}
# HTML's own special characters, as entities.
_ENTITIES = {
    **_MARKDOWN_ENTITIES,
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
}
# One pass over the original text, so an entity we write is never escaped again.
_SPECIAL_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")

MARK_OPEN = '<mark style="background-color:#ffe066;padding:0 1px">'
MARK_CLOSE = "</mark>"


def escape_literal(text: str) -> str:
    """Escape text so that neither HTML nor markdown in it is interpreted."""
    return _SPECIAL_RE.sub(lambda m: _ENTITIES[m.group(0)], text)


@dataclass(frozen=True)
class Highlighted:
    html: str  # safe HTML: the escaped text with matches in <mark>
    matches: int  # how many times the query was found


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of query in text, case-insensitive."""
    q = query.strip()
    if not q:
        return []
    return [m.span() for m in re.finditer(re.escape(q), text, flags=re.IGNORECASE)]


def highlight(text: str, query: str = "") -> Highlighted:
    """The text as safe HTML, with every match of query wrapped in <mark>.

    Line breaks are kept as <br> so paragraphs stay readable; the text is
    wrapped in a div with white-space: pre-wrap so runs of spaces survive.
    """
    spans = find_spans(text, query)
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(escape_literal(text[pos:start]))
        parts.append(MARK_OPEN + escape_literal(text[start:end]) + MARK_CLOSE)
        pos = end
    parts.append(escape_literal(text[pos:]))
    body = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    return Highlighted(
        html=f'<div style="white-space:pre-wrap;line-height:1.7">{body}</div>',
        matches=len(spans),
    )


def snippets(text: str, query: str, width: int = 40, limit: int = 20) -> list[str]:
    """Plain-text excerpts around each match (for a list of hits); not escaped."""
    out = []
    for start, end in find_spans(text, query)[:limit]:
        left = max(0, start - width)
        right = min(len(text), end + width)
        prefix = "…" if left > 0 else ""
        suffix = "…" if right < len(text) else ""
        out.append(prefix + text[left:right].replace("\n", " ") + suffix)
    return out
