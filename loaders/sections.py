"""Numbered narrative sections (一、… with their （一） sub-headings).

A report's top-level headings are Chinese numerals followed by 、 (or ．/.):
一、总体情况 … 六、其他需要报告的事项. Finding them is harder than it looks:

- crawler dumps run the whole report into one line, so a heading follows the
  previous sentence directly (…取得了一定的成效。二、主动公开…) or even a table
  cell (…行政事业性收费0三、收到和处理…);
- the 2019/2021 statistics tables carry row labels that look like headings
  (一、本年新收…, 四、结转下年度继续办理) right before the real 四、;
- sentences contain 举一反三、… and lists 一是/二是;
- numbering is sometimes broken (一、一、三、) or non-standard.

So every 「numeral + 、」 is a candidate, and a chain of increasing numbers is
kept: the next number is always accepted at a clean boundary; a jump or a
repeated number only when the heading reads like a known section title. A
candidate glued to a preceding CJK character counts only with a known title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Section

_NUMERALS = "一二三四五六七八九十"
_DIGIT = {c: i + 1 for i, c in enumerate(_NUMERALS[:9])}

# A numeral, optional spaces, then 、 ． . (the separator may be missing when a
# known title follows: 「一总体情况」 in one report).
_CANDIDATE = re.compile(r"([一二三四五六七八九十]{1,3})[ \t\u3000]*([、．.]?)")
_SUB_CANDIDATE = re.compile(r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")

# Page footers of PDF text ("- 1 -") are not narrative.
_PAGE_FOOTER = re.compile(r"^[ \t]*[-－—]\s*\d{1,3}\s*[-－—][ \t]*$", re.M)

# Row labels of the statistics tables that look like headings.
_TABLE_ROWS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度", "本年度办理")

# Complete section titles as printed; the longest prefix match wins, so a title
# glued to its body (一、总体情况实验区管委会…) is still cut right.
_FULL_TITLES = (
    "概述",
    "总体情况",
    "主要工作概述",
    "年度政府信息公开工作概述",
    "主动公开政府信息情况",
    "主动公开政府信息的情况",
    "政府信息主动公开情况",
    "收到和处理政府信息公开申请情况",
    "政府信息依申请公开办理情况",
    "政府信息依申请公开情况",
    "依申请公开政府信息情况",
    "政府信息公开行政复议、行政诉讼情况",
    "政府信息公开行政复议和行政诉讼情况",
    "因政府信息公开申请行政复议、提起行政诉讼的情况",
    "政府信息公开的收费及减免情况",
    "收费及减免情况",
    "存在的主要问题及改进情况",
    "存在的主要问题及改进措施",
    "存在的主要问题和改进措施",
    "政府信息公开工作存在的主要问题及改进情况",
    "政府信息公开工作存在的主要问题及改进措施",
    "主要问题和改进措施",
    "其他需要报告的事项",
    "需要说明的其他事项",
    "其他事项",
    "附表",
)

# Beginnings that make a candidate a heading even at a weak boundary or when
# the number jumps (一、…四、 then 七、附表).
_KNOWN_STARTS = (
    "概述",
    "总体情况",
    "基本情况",
    "主要工作",
    "年度政府信息公开",
    "主动公开",
    "政府信息主动公开",
    "依申请公开",
    "政府信息依申请公开",
    "收到和处理",
    "不予公开",
    "政府信息公开的收费",
    "政府信息公开收费",
    "收费及减免",
    "因政府信息公开",
    "申请行政复议",
    "政府信息公开行政复议",
    "行政复议",
    "复议、诉讼",
    "存在的主要问题",
    "存在问题",
    "主要问题",
    "当前存在",
    "政府信息公开工作存在",
    "政府信息公开存在",
    "政府信息公开工作",
    "其他需要报告",
    "其他需说明",
    "其他事项",
    "需要说明",
    "附表",
    "工作人员",
    "咨询处理",
    "下一步",
    "今后工作",
    "改进措施",
    "信息处理费",
    "政府信息公开情况",
    "年度工作",
)

# Where a heading's title stops when it is glued to its body.
_TITLE_STOP = re.compile(r"[，,。：:；;！!？?\s（(0-9０-９“\"|‖]|第[一二三四五六七八九十]+条")
_END_WORDS = (
    "情况",
    "事项",
    "概述",
    "附表",
    "措施",
    "举措",
    "成效",
    "问题",
    "打算",
    "不足",
    "思路",
)
_TITLE_END_WORDS = re.compile("|".join(_END_WORDS))
_MAX_TITLE = 40
_FULL_TITLES_LONGEST_FIRST = tuple(sorted(_FULL_TITLES, key=len, reverse=True))
# After a known title: 与/及/和/、 and a few characters up to an ending word.
_TITLE_MORE = re.compile(
    r"[与及和、][^，,。：:；;！!？?\s（(0-9０-９“\"|‖]{0,8}?(?:" + "|".join(_END_WORDS) + ")"
)
# A title delimited by a line end or space, ending like a title, is whole.
_WHOLE_TITLE_END = re.compile("(?:" + "|".join(_END_WORDS) + "|表)$")
_MAX_WHOLE_TITLE = 30

# Characters after which a heading starts cleanly: the start of a line, the end
# of a sentence, a space, a digit or closing bracket (a table cell before it).
_STRONG_BEFORE = re.compile(r"[\s。！？!?；;：:，,、）)】」”\"'0-9０-９a-zA-Z|‖>*•·]")


@dataclass(frozen=True)
class _Heading:
    number: int
    label: str  # the numeral as written
    start: int  # where the heading starts
    body_start: int  # where the body starts (after the title)
    title: str


def numeral_value(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23; None for 三三 etc."""
    if not text:
        return None
    if text == "十":
        return 10
    if len(text) == 1:
        return _DIGIT.get(text)
    if text[0] == "十" and len(text) == 2 and text[1] in _DIGIT:
        return 10 + _DIGIT[text[1]]
    if len(text) >= 2 and text[0] in _DIGIT and text[1] == "十":
        if len(text) == 2:
            return _DIGIT[text[0]] * 10
        if len(text) == 3 and text[2] in _DIGIT:
            return _DIGIT[text[0]] * 10 + _DIGIT[text[2]]
    return None


def _compact(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


def _known_start(head: str) -> bool:
    return _compact(head[:30]).startswith(_KNOWN_STARTS)


def _title_of(text: str, pos: int) -> tuple[str, int]:
    """The heading title starting at ``pos`` and where its body starts."""
    # Skip spaces between 、 and the title (「一、 概述 推进…」).
    i = pos
    while i < len(text) and text[i] in " \t\u3000":
        i += 1
    window = text[i : i + _MAX_TITLE + 10]
    line = window.split("\n", 1)[0]
    for full in _FULL_TITLES_LONGEST_FIRST:
        if line.startswith(full):
            # 「需要说明的其他事项与附表」: a conjunction continues the printed
            # title up to its own ending word.
            more = _TITLE_MORE.match(line, len(full))
            if more:
                full = line[: more.end()]
            return full, i + len(full)
    stop = _TITLE_STOP.search(line)
    raw = line[: stop.start()] if stop else line
    if len(raw) > _MAX_TITLE or (stop is None and len(line) == len(window)):
        raw = raw[:_MAX_TITLE]
    # A short title that ends its line is kept as written when it ends like a
    # title; one followed by a space only when it names a table (…统计表 指标名称…),
    # as prose in a run-together dump may end in 情况 before a space too.
    if len(raw) <= _MAX_WHOLE_TITLE:
        line_end = stop is None and (len(line) < len(window) or i + len(line) == len(text))
        if line_end and _WHOLE_TITLE_END.search(raw):
            return raw, i + len(raw)
        if stop and stop.group(0).isspace() and raw.endswith("表"):
            return raw, i + len(raw)
    # Cut after the first ending word (情况, 措施 …) unless a conjunction
    # continues the title: 存在的主要问题及改进措施.
    for m in _TITLE_END_WORDS.finditer(raw):
        if raw[m.end() : m.end() + 1] not in ("及", "和", "与", "、"):
            raw = raw[: m.end()]
            break
    return raw, i + len(raw)


def _toc_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines that list the headings (a table of contents)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        n = sum(1 for m in _CANDIDATE.finditer(line) if m.group(2))
        if n >= 3 and len(line) / n < 60:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _candidates(text: str) -> list[tuple[int, str, int, bool, bool]]:
    """(number, numeral, start, strong boundary, known title) for each candidate."""
    toc = _toc_lines(text)
    out: list[tuple[int, str, int, bool, bool]] = []
    for m in _CANDIDATE.finditer(text):
        number = numeral_value(m.group(1))
        if number is None:
            continue
        start = m.start()
        if any(a <= start < b for a, b in toc):
            continue
        head = text[m.end() : m.end() + 40]
        compact = _compact(head)
        if compact.startswith(_TABLE_ROWS):
            continue
        line_end = text.find("\n", m.end())
        line = text[m.end() : line_end if line_end >= 0 else len(text)]
        # A flattened table row (「九、政府信息公开会议和培训情况 |」).
        if "|" in line[:80] and len(line) < 200:
            continue
        known = _known_start(head)
        if not m.group(2) and not known:
            continue
        if not m.group(2) and not compact:
            continue
        prev = text[start - 1] if start > 0 else "\n"
        # 一二 inside a longer numeral run (「三三、」 is a typo, not 三).
        if prev in _NUMERALS:
            continue
        strong = bool(_STRONG_BEFORE.match(prev))
        out.append((number, m.group(1), start, strong, known))
    return out


def _headings(text: str) -> list[_Heading]:
    chosen: list[_Heading] = []
    prev = 0
    last_end = 0
    for number, label, start, strong, known in _candidates(text):
        if start < last_end:
            continue
        if not strong and not known:
            continue
        ok = number == prev + 1 or (known and (number > prev + 1 or number == prev))
        if not ok:
            continue
        m = _CANDIDATE.match(text, start)
        assert m is not None
        title, body_start = _title_of(text, m.end())
        chosen.append(_Heading(number, label, start, body_start, title))
        prev = number
        last_end = body_start
    return chosen


def _clean(text: str) -> str:
    return _PAGE_FOOTER.sub("", text).strip()


def split_sections(text: str) -> tuple[Section, ...]:
    """The preamble (number '') and each top-level section, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    headings = _headings(text)
    sections: list[Section] = []
    first = headings[0].start if headings else len(text)
    preamble = _clean(text[:first])
    if preamble:
        sections.append(Section(number="", title="", text=preamble, order=0))
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        sections.append(
            Section(
                number=h.label,
                title=h.title,
                text=_clean(text[h.body_start : end]),
                order=len(sections),
            )
        )
    return tuple(sections)


def subsections(section: Section) -> tuple[tuple[str, str, str], ...]:
    """(number, title, text) of the （一）（二）… parts of a section.

    Text before the first sub-heading is returned with number ''. Only an
    increasing chain （一）（二）… is kept, so a quoted 「第（八）项」 or a
    restarted list inside a part stays in the text.
    """
    text = section.text
    picks: list[tuple[str, int, int]] = []
    prev = 0
    for m in _SUB_CANDIDATE.finditer(text):
        number = numeral_value(m.group(1))
        if number != prev + 1:
            continue
        before = text[m.start() - 1] if m.start() > 0 else "\n"
        if before == "第":  # 第（八）项 is a reference, not a heading
            continue
        picks.append((m.group(1), m.start(), m.end()))
        prev = number
    out: list[tuple[str, str, str]] = []
    if not picks:
        return (("", "", text.strip()),) if text.strip() else ()
    head = text[: picks[0][1]].strip()
    if head:
        out.append(("", "", head))
    for i, (label, _start, end) in enumerate(picks):
        stop = picks[i + 1][1] if i + 1 < len(picks) else len(text)
        chunk = text[end:stop]
        title, body_start = _sub_title(chunk)
        out.append((label, title, chunk[body_start:].strip()))
    return tuple(out)


def _sub_title(chunk: str) -> tuple[str, int]:
    """A sub-heading runs to the first 。/：/line end (within 40 characters),
    or to 一是 when the body is glued to it; else to the first comma."""
    i = 0
    while i < len(chunk) and chunk[i] in " \t\u3000":
        i += 1
    line = chunk[i : i + _MAX_TITLE + 1]
    stop = re.search(r"[。：:\n]|一是|(?<=方面)", line)
    if stop is None:
        stop = re.search(r"[，,；;]", line)
    if stop is None:
        return (line, i + len(line)) if len(line) <= _MAX_TITLE else ("", 0)
    end = stop.end() if stop.group(0) not in ("一是", "") else stop.start()
    return line[: stop.start()].strip(), i + end
