"""Figures stated only in the narrative, as facts with source 'text'.

Many reports say in prose what their tables say in cells (主动公开政府信息128条,
共收到政府信息公开申请2件), and older or narrative-only reports say it nowhere
else. These figures get their own metric codes under ``text.`` so they never
mix with table cells; checks can compare the two.

Rules that keep this honest:

- a figure is taken only from a sentence that names the metric right before
  the number (主动公开…信息 128 条, 收到…申请 2 件, 行政复议 351 件);
- a sentence about earlier years or running totals (累计, 上年, 截至…) is
  skipped, and so is one that names only years other than the report's;
- "5500余条" is taken as its lower bound 5500, with a warning;
- two different numbers for one metric (in a sentence or across the report)
  give one fact with value None and a warning naming both;
- a fee of 0 is recorded only when the sentence says none was charged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from loaders.model import Fact, Section

# code, label, unit — the lead adds these to metrics.csv.
TEXT_METRICS: tuple[tuple[str, str, str], ...] = (
    ("text.proactive.items", "正文：主动公开政府信息数", "条"),
    ("text.requests.received", "正文：收到（受理）政府信息公开申请数", "件"),
    ("text.requests.closed", "正文：办结（答复）政府信息公开申请数", "件"),
    ("text.review.total", "正文：政府信息公开行政复议数", "件"),
    ("text.litigation.total", "正文：政府信息公开行政诉讼数", "件"),
    ("text.fees.processing", "正文：收取信息处理费金额", "万元"),
    ("text.staff", "正文：政府信息公开工作人员数", "人"),
    ("text.funding", "正文：政府信息公开专项经费", "万元"),
)
_UNIT = {code: unit for code, _, unit in TEXT_METRICS}
# The metric as warnings name it for a reader: its label without "正文：".
_NAME = {code: label.removeprefix("正文：") for code, label, _ in TEXT_METRICS}

# A number as printed: 3119, 1,234, 2.5, 10万, 两, 五; then 余/多 for "more than".
_NUM = (
    r"(?P<num>\d+(?:[,，]\d{3})*(?:\.\d+)?|[一二两三四五六七八九十]{1,3})"
    r"(?P<wan>万)?(?P<approx>余|多)?"
)

_CN_SMALL = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True)
class _Rule:
    metric: str
    pattern: re.Pattern[str]
    # Words that, right before the match, make it another figure
    # (依申请公开政府信息… is not proactive; 不予公开答复… is not all answers).
    not_after: tuple[str, ...] = ()


_COUNT_UNITS = r"(?P<unit>件|条|宗|起|份)"
_NOT_PROACTIVE = ("依申请", "申请", "不予", "不予以", "予以", "不", "部分", "同意", "应")
_RULES: tuple[_Rule, ...] = (
    _Rule(
        "text.proactive.items",
        re.compile(
            # 主动公开行政许可、行政处罚等各类政府信息: an enumeration ending
            # in 等 may stand between 主动公开 and the kind of information.
            # 主动公开我区各级单位政府信息 / 主动公开公安政府信息: a few words of
            # whose information; not a kind or part of it (公文类政府信息,
            # 主动公开的其他政府信息, 主动公开和依申请公开的政府信息).
            r"(?:主动(?:公开|公布)(?:了)?"
            r"(?:[^，。；,;]{1,40}?等|[^，。；,;\d类的和及与、其依中]{1,8}?(?=(?:政府|政务)信息))?"
            r"|(?:公开|公布)(?:了)?)"
            r"(?:各类|各种|各项)?(?:政府|政务)?信息(?:共计|共|合计|总计)?"
            rf"(?:为|达|达到)?{_NUM}(?P<unit>条)"
        ),
        not_after=_NOT_PROACTIVE,
    ),
    # 「全年主动公开信息数160条」; not 「…公文类政府信息共432条，其中主动公开信息数
    # 99条」 (a part of one kind), nor 「公开办主动公开信息数为62条」 of one office.
    _Rule(
        "text.proactive.items",
        re.compile(rf"主动(?:公开|公布)信息数(?:共计|共|为)?{_NUM}(?P<unit>条)"),
        # 「在主动公开的65条政府信息中，全文电子化的主动公开信息数共57条」.
        not_after=(*_NOT_PROACTIVE, "其中", "的"),
    ),
    # Word order 「全年政府信息主动公开52条」.
    _Rule(
        "text.proactive.items",
        re.compile(
            rf"(?:政府|政务)信息主动(?:公开|公布)(?:共计|共|合计|总计)?(?:为|达|达到)?{_NUM}(?P<unit>条)"
        ),
        not_after=_NOT_PROACTIVE,
    ),
    # 收到 may stand alone (共收到70件申请); 受理 needs 信息公开 (受理申请 is
    # also said of licensing windows).
    _Rule(
        "text.requests.received",
        re.compile(
            r"(?:收到|接到)(?:[^，。；,;]{0,20}?(?:政府信息公开|信息公开|依申请公开|公开政府信息|公开))?"
            rf"(?:的)?申请(?:件数|件|数)?(?:共计|共|合计|总计)?(?:为)?{_NUM}{_COUNT_UNITS}"
        ),
        not_after=("结转", "上年"),
    ),
    # 「收到申请公开政府信息的要求1件」.
    _Rule(
        "text.requests.received",
        re.compile(
            r"(?:收到|接到)[^，。；,;]{0,20}?(?:申请公开|公开)(?:政府)?信息的(?:要求|请求)"
            rf"(?:共计|共|合计|总计)?{_NUM}{_COUNT_UNITS}"
        ),
        not_after=("结转", "上年"),
    ),
    _Rule(
        "text.requests.received",
        re.compile(
            r"(?:受理|接收|新收)(?:[^，。；,;]{0,20}?)?(?:政府信息公开|信息公开|依申请公开|公开)"
            rf"(?:的)?申请(?:共计|共|合计|总计)?(?:为)?{_NUM}{_COUNT_UNITS}"
        ),
        not_after=("结转", "上年"),
    ),
    # 依申请公开 as the name of the request itself, right after the verb:
    # 「受理依申请公开14件」「受理依申请公开的数量为5条」「收到依申请公开信息1件」
    # 「收到依申请公开事项1项」. Not 「依申请公开政府信息5条」 alone: without
    # 收到/受理 that counts items.
    _Rule(
        "text.requests.received",
        re.compile(
            r"(?:收到|受理|接收|接到)依申请公开(?:政府)?(?:信息|事项)?"
            r"(?:的)?(?:数量|总数|件数)?(?:共计|共|合计|总计)?(?:为|是)?"
            rf"{_NUM}(?P<unit>件|条|宗|份|项)"
        ),
        not_after=("结转", "上年"),
    ),
    # Number first: 「受理2件政府信息公开申请」「收到1项有关政府信息公开的申请」
    # 「受理的14件依申请公开」.
    _Rule(
        "text.requests.received",
        re.compile(
            rf"(?:收到|受理|接收|接到)(?:的)?{_NUM}(?P<unit>件|条|宗|份|项)"
            r"(?:(?:有关|关于)?(?:政府信息公开|信息公开|依申请公开)?(?:的)?申请|依申请公开)"
        ),
        not_after=("结转", "上年"),
    ),
    # Only plain 办结/答复 at a clause start: 「不予公开答复3件」 and
    # 「因无法提供相关信息答复2件」 are outcomes, not all answers.
    _Rule(
        "text.requests.closed",
        re.compile(
            r"(?:(?<=[，,；;。：:\s])|^)(?:全年|本年度|本年|今年|\d{4}年度?|我局|我委|我办|本机关"
            r"|共|已|均已|并|及时|依法|依规|按时|规范|全部|受理并)*"
            # 「对依申请公开的答复总数21条」: the answers to all requests.
            r"(?:对(?:依申请公开|政府信息公开申请|信息公开申请|申请)的)?"
            r"(?:办结|答复)(?:总数|件数|数)?(?:(?:政府信息公开|信息公开|依申请公开)?申请|依申请(?:公开)?)?"
            rf"(?:共计|共|为)?{_NUM}{_COUNT_UNITS}"
        ),
    ),
    # Number first: 「共受理办结2件依申请公开信息」. The noun after the number
    # makes it the requests; an outcome word right before (不予公开答复,
    # 相关信息答复) makes it a part.
    _Rule(
        "text.requests.closed",
        re.compile(
            rf"(?:办结|答复)(?:了)?{_NUM}{_COUNT_UNITS}"
            r"(?:依申请公开|(?:政府信息公开|信息公开)?申请)"
        ),
        not_after=("公开", "信息", "告知", "不予", "予以", "部分", "同意"),
    ),
    # 「2件均已及时答复」 at a clause start.
    _Rule(
        "text.requests.closed",
        re.compile(
            rf"(?:(?<=[，,；;。：:\s])|^){_NUM}{_COUNT_UNITS}(?:申请)?均(?:已)?"
            r"(?:在[^，,；;。]{0,10}?内)?(?:及时|按时|依法|按期)?(?:予以)?(?:答复|办结)"
        ),
    ),
    _Rule(
        "text.review.total",
        re.compile(rf"行政复议(?:案件|申请)?(?:共计|共|合计)?{_NUM}{_COUNT_UNITS}"),
    ),
    _Rule(
        "text.litigation.total",
        re.compile(rf"行政诉讼(?:案件)?(?:共计|共|合计)?{_NUM}{_COUNT_UNITS}"),
    ),
    # 「行政复议7件，诉讼9件」: 行政 is not repeated for the second kind.
    _Rule(
        "text.litigation.total",
        re.compile(
            r"行政复议(?:案件|申请)?(?:共计|共|合计)?\d+(?:件|条|宗|起|份)"
            rf"[，,、；;]诉讼(?:案件)?(?:共计|共|合计)?{_NUM}{_COUNT_UNITS}"
        ),
    ),
    _Rule(
        "text.fees.processing",
        re.compile(
            r"信息(?:公开)?处理费(?:用)?(?:共计|共|合计|总计)?(?:为)?"
            rf"{_NUM}(?P<unit>万元|元)"
        ),
    ),
    _Rule(
        "text.staff",
        re.compile(rf"(?:专职|兼职|专兼职)?(?:工作)?人员(?:共)?(?:有)?{_NUM}(?P<unit>名|人)"),
    ),
    # Number first: 「2名工作人员从事政府信息公开工作」. Only when the clause says
    # the staff do the disclosure work, so head counts of other teams are not taken.
    _Rule(
        "text.staff",
        re.compile(
            rf"{_NUM}(?P<unit>名|人)(?:专职|兼职|专兼职)?(?:工作)?人员"
            r"(?:负责|从事|承担)(?:本单位|本局|我局)?的?(?:政府|政务)?信息公开"
        ),
    ),
    _Rule(
        "text.funding",
        re.compile(rf"(?:专项|工作)经费(?:共计|共|合计)?(?:为|达)?{_NUM}(?P<unit>万元|元)"),
    ),
)

# An explicit statement that no processing fee was charged.
_NO_FEE = re.compile(
    r"(?:未|没有|无|不曾|均未)(?:向申请人)?(?:产生|收取|发生|征收|收)[^。；;，,]{0,10}?"
    r"(?:信息(?:公开)?处理费|信息公开费用)"
    r"|无(?:收取)?信息(?:公开)?处理费"
    r"|信息(?:公开)?处理费[^。；;]{0,6}?(?:为0|为零|0元)"
)

# A clause about other periods or running totals (全年累计 is this year's).
_OTHER_PERIOD = re.compile(
    r"历年|(?:实施|施行|成立|开通|运行)以来|上年|去年|上一年|近\d+年|近年|截至|截止"
    r"|(?<!全年)(?<!本年)(?<!年度)累计"
    r"|(?<!日)至\s*\d{4}\s*年"
)
# A clause about a part of the body (各乡镇…, 区直、县直各单位…).
_SUB_BODY = re.compile(
    r"各[\u4e00-\u9fff]{0,4}?(?:单位|部门|乡镇|街道|县区|区县|片区|处室|科室)"
    r"|其他(?:科室|部门|单位)|区直|县直|乡镇|街道|下属|所属|公开办(?![理结])"
)
_LIST_OPENER = re.compile(r"包括|其中|分别")
_CLAUSE_START = re.compile(r"[，,；;：:（(]")
_YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*年")
_DOC_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]")

# PDF text: a line break inside a sentence, "- 3 -" footers, spaces around numbers.
_SOFT_BREAK = re.compile(
    r"(?<![。；！？;!?：:])\n(?!\s*[（(][一二三四五六七八九十]|\s*[一二三四五六七八九十]、)"
)
_SPACE_NUM = re.compile(
    r"(?<=[\u4e00-\u9fff，、（(])[ \t\u3000]+(?=\d)|(?<=\d)[ \t\u3000]+(?=[\u4e00-\u9fff])"
)
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])|\n")


def _clean(text: str) -> str:
    text = _SOFT_BREAK.sub("", text)
    return _SPACE_NUM.sub("", text)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(_clean(text)) if s.strip()]


def _number(num: str, wan: str | None) -> float | None:
    if num in _CN_SMALL:
        value: float = _CN_SMALL[num]
    elif num == "十":
        value = 10
    elif re.fullmatch(r"\d+(?:[,，]\d{3})*(?:\.\d+)?", num):
        value = float(re.sub(r"[,，]", "", num))
    else:
        return None
    return value * 10000 if wan else value


def _report_year(sections: tuple[Section, ...]) -> int | None:
    counts: Counter[int] = Counter()
    for s in sections:
        for m in _YEAR_IN.finditer(_DOC_NUMBER.sub("", s.text)):
            counts[int(m.group(1))] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _location(section: Section) -> str:
    if not section.number:
        return "（前言）"
    return f"{section.number}、{section.title}"


@dataclass(frozen=True)
class _Hit:
    metric: str
    value: float | None
    raw: str
    location: str
    evidence: str
    approx: bool
    # 2 for the explicit wording (主动公开…; 工作人员 without 专职/兼职), 1 else:
    # when figures differ, the explicit ones are compared.
    strength: int = 1


def _clause_before(sentence: str, start: int) -> str:
    """The clause a match sits in, up to the match (after the last ，/；/（…)."""
    cut = 0
    for m in _CLAUSE_START.finditer(sentence, 0, start):
        cut = m.end()
    return sentence[cut:start]


def _is_part(clause: str) -> bool:
    """「其中在…网上主动公开…」 is a part of a total; 「其中主动公开…」 and
    「其中2016年度我局共主动公开…」 (the year's part of a running total) are not."""
    k = clause.rfind("其中")
    if k < 0:
        return False
    rest = clause[k + 2 :]
    return bool(rest.strip()) and not re.search(r"\d{4}\s*年|本年|今年|全年", rest)


def _strength(metric: str, text: str) -> int:
    if metric == "text.proactive.items":
        return 2 if "主动" in text else 1
    if metric == "text.staff":
        return 1 if re.search("专职|兼职", text) else 2
    return 2


@lru_cache(maxsize=64)
def _own_total(year: int) -> re.Pattern[str]:
    """「{year}年累计」 right before a match (a comma may follow the year)."""
    return re.compile(rf"{year}\s*年度?[，,]?\s*累计$")


def _hits_in(sentence: str, location: str, year: int | None) -> list[_Hit]:
    years = {int(y) for y in _YEAR_IN.findall(_DOC_NUMBER.sub("", sentence))}
    if year is not None and years and year not in years:
        return []
    own_total = _own_total(year) if year is not None else None
    hits: list[_Hit] = []
    for rule in _RULES:
        if rule.metric == "text.requests.closed" and "申请" not in sentence:
            continue
        for m in rule.pattern.finditer(sentence):
            before = sentence[max(0, m.start() - 4) : m.start()]
            if any(before.endswith(w) for w in rule.not_after):
                continue
            clause = _clause_before(sentence, m.start())
            period = clause + m.group(0)
            if own_total is not None and own_total.search(sentence, 0, m.start()):
                # 「2025年累计主动公开…」「2025年，累计主动公开…」: the report
                # year's own total.
                period = clause[:-2] + m.group(0)
            if _OTHER_PERIOD.search(period) or _SUB_BODY.search(clause):
                continue
            if _is_part(clause):
                continue
            value = _number(m.group("num"), m.group("wan"))
            if value is None:
                continue
            unit = m.group("unit")
            if rule.metric in ("text.fees.processing", "text.funding") and unit == "元":
                value = value / 10000
            raw = sentence[m.start("num") : m.end("unit")]
            hits.append(
                _Hit(
                    rule.metric,
                    value,
                    raw,
                    location,
                    sentence,
                    bool(m.group("approx")),
                    _strength(rule.metric, clause[-6:] + m.group(0)),
                )
            )
    if not any(h.metric == "text.fees.processing" for h in hits):
        none = _NO_FEE.search(sentence)
        if none:
            hits.append(
                _Hit("text.fees.processing", 0.0, none.group(0), location, sentence, False, 2)
            )
    return hits


def _fmt(value: float | None) -> str:
    if value is None:
        return "None"
    return str(int(value)) if value == int(value) else f"{value:g}"


def _strongest(hits: list[_Hit]) -> list[_Hit]:
    top = max(h.strength for h in hits)
    return [h for h in hits if h.strength == top]


def text_facts(
    sections: tuple[Section, ...], year: int | None = None
) -> tuple[tuple[Fact, ...], tuple[str, ...]]:
    """One fact per text metric the narrative states, and the warnings.

    ``year`` is the report's data year (from the metadata); without it, the
    year the sections mention most. Sentences naming only other years are
    skipped.
    """
    if year is None:
        year = _report_year(sections)
    by_metric: dict[str, list[_Hit]] = {}
    warnings: list[str] = []
    for section in sections:
        location = _location(section)
        # Metrics whose total opened a list (「…公开政府信息267条，信息类别包括
        # …4条；…；在…专栏公开信息83条。」, or 「…共计128条，财政预算、决算信息
        # 1条，…7条；在…专栏公开信息113条。」): the ；-separated items up to the
        # end of the sentence are its parts, not other totals.
        listing: set[str] = set()
        for sentence in _sentences(section.text):
            per_metric: dict[str, list[_Hit]] = {}
            for h in _hits_in(sentence, location, year):
                if h.metric not in listing:
                    per_metric.setdefault(h.metric, []).append(h)
            if not sentence.endswith(("；", ";")):
                listing = set()
            else:
                for metric, hits in per_metric.items():
                    after = sentence[sentence.find(hits[0].raw) + len(hits[0].raw) :]
                    unit = hits[0].raw[-1:]
                    if _LIST_OPENER.search(after) or (unit and re.search(rf"\d\s*{unit}", after)):
                        listing.add(metric)
            for metric, hits in per_metric.items():
                hits = _strongest(hits)
                # 专职1名、兼职1名: parts of a staff total that is not stated.
                split_staff = metric == "text.staff" and len(hits) > 1 and hits[0].strength == 1
                if len({h.value for h in hits}) > 1 or split_staff:
                    # Two different numbers for one metric in one sentence.
                    named = "和".join(h.raw for h in hits)
                    warnings.append(
                        f"正文“{location}”的同一句话给出{_NAME[metric]}的两个数字 {named}，"
                        f"无法确定取哪个，该项留空并标记为存疑。原句：{sentence}"
                    )
                    hits = [_Hit(metric, None, "", location, sentence, False, hits[0].strength)]
                by_metric.setdefault(metric, []).append(hits[0])

    facts: list[Fact] = []
    for code, _, unit in TEXT_METRICS:
        if code not in by_metric:
            continue
        hits = _strongest(by_metric[code])
        first = hits[0]
        if len({h.value for h in hits}) > 1:
            listed = "；".join(f"{h.raw or '无法确定'}（{h.location}：{h.evidence}）" for h in hits)
            warnings.append(
                f"正文对{_NAME[code]}给出不同的数字：{listed}。无法确定取哪个，该项留空并标记为存疑"
            )
            facts.append(Fact(code, None, None, "", unit, "text", first.location, first.evidence))
            continue
        if first.value is None:
            facts.append(Fact(code, None, None, "", unit, "text", first.location, first.evidence))
            continue
        if first.approx:
            warnings.append(
                f"正文“{first.location}”中{_NAME[code]}写作约数“{first.raw}”，"
                f"按下限 {_fmt(first.value)} 记录"
            )
        facts.append(
            Fact(code, None, first.value, first.raw, unit, "text", first.location, first.evidence)
        )
    return tuple(facts), tuple(warnings)
