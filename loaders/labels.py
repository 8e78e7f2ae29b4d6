"""Normalising labels so that printed variants match the catalog.

Real reports mix full- and half-width punctuation, put spaces inside labels
(“自 然 人”), write 其它 for 其他, and carry typos. Matching is done on a
normalised key; every match that is not exact is reported by the caller as a
warning.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\u3000\u00a0‖|,，、.．。:：;；()（）\[\]【】《》〈〉“”\"'‘’「」·•\-—_/]+")

_VARIANTS = (
    ("其它", "其他"),
    ("钩稽", "勾稽"),
)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def label_key(text: str) -> str:
    """A comparison key: NFKC, common variants unified, punctuation and spaces removed."""
    s = nfkc(text)
    for a, b in _VARIANTS:
        s = s.replace(a, b)
    return _PUNCT.sub("", s)


def label_pattern(label: str) -> str:
    """A regex that finds ``label`` in raw text despite spaces and width variants.

    Between any two characters of the label any run of whitespace (or a cell
    separator) is allowed; punctuation matches its full- or half-width twin.
    """
    parts: list[str] = []
    for ch in nfkc(label):
        if ch.isspace():
            continue
        if ch in "()（）":
            parts.append(r"[(（]" if ch in "(（" else r"[)）]")
        elif ch in ",，、":
            parts.append(r"[,，、]")
        elif ch in ".．":
            parts.append(r"[.．、]")
        elif ch in ":：":
            parts.append(r"[:：]")
        elif ch in "“”\"":
            parts.append(r"[“”\"]?")
        elif ch == "他":
            parts.append("[他它]")
        else:
            parts.append(re.escape(ch))
    return r"[\s\u3000\u00a0‖]*".join(parts)
