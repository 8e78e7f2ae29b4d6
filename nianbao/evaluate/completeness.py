"""S1: the sections the Regulation requires are present and say something.

- 2019 Regulation 第五十条 (report years 2019–): 一 总体情况, 二 主动公开,
  三 收到和处理申请, 四 复议诉讼, 五 问题及改进, 六 其他事项; a government's
  report must also cover 工作考核、社会评议和责任追究结果 (第五十条第四项).
- 2008 Regulation 第三十二条 (2008–2018): 主动公开, 依申请公开, 收费及减免,
  复议诉讼, 问题及改进, 其他事项.

Sections are recognised by their titles (the numbering is often broken), so
each required item has a few keywords. Section 五 that says only 无 or under
three sentences is flagged: evaluators count that as 敷衍塞责 (30号 §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import CheckResult, ParsedReport, Section
from nianbao.evaluate._common import GOV_FORMATS, Status, result, sentences


@dataclass(frozen=True)
class Item:
    key: str
    name: str  # as the Regulation words it
    title_words: tuple[str, ...]  # any one in a section title
    text_words: tuple[str, ...]  # evidence the content is there without a heading
    table_prefixes: tuple[str, ...] = ()  # table facts that make the section non-empty


# Checked in this order when a title is assigned to an item: the more specific
# first, because 「因政府信息公开申请行政复议…」 also contains 申请.
_REVIEW = Item(
    "复议诉讼",
    "行政复议、行政诉讼情况",
    ("复议", "诉讼", "申诉"),
    ("行政复议",),
    ("review.", "litigation.", "legacy.review", "legacy.litigation"),
)
_FEES = Item("收费", "收费及减免情况", ("收费", "减免"), ("收费",), ("legacy.fees",))
_PROBLEMS = Item("问题", "存在的主要问题及改进情况", ("问题", "改进", "不足"), ("存在",))
_OTHER = Item("其他", "其他需要报告的事项", ("其他", "其它", "需要说明", "需说明"), ("其他",))
_PROACTIVE = Item(
    "主动公开",
    "主动公开政府信息情况",
    ("主动公开",),
    ("主动公开",),
    ("proactive.", "legacy.proactive"),
)
_REQUESTS = Item(
    "申请",
    "收到和处理政府信息公开申请情况",
    ("申请", "依申请", "不予公开"),
    ("申请",),
    ("requests.", "legacy.requests", "legacy.answers"),
)
_OVERVIEW = Item("总体情况", "总体情况", ("总体", "概述", "基本情况", "概况"), ())

ITEMS_2019 = (_REVIEW, _PROBLEMS, _OTHER, _PROACTIVE, _REQUESTS, _OVERVIEW)
ITEMS_2008 = (_REVIEW, _FEES, _PROBLEMS, _OTHER, _PROACTIVE, _REQUESTS)
# Display order: the order of the Regulation's article.
_ORDER_2019 = ("总体情况", "主动公开", "申请", "复议诉讼", "问题", "其他")
_ORDER_2008 = ("主动公开", "申请", "收费", "复议诉讼", "问题", "其他")

# (the words of 第五十条第四项, looser wordings that count as covering it)
_ACCOUNTABILITY = (
    ("工作考核", ("考核",)),
    ("社会评议", ("评议", "社会评估", "第三方评估")),
    ("责任追究", ("追究", "问责")),
)
_INK = re.compile(r"[\s\u3000。，、；：！？,.;:!?（）()“”\"'…—-]+")


def _substance(text: str) -> str:
    return _INK.sub("", text)


def _assign(sections: tuple[Section, ...], items: tuple[Item, ...]) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for s in sections:
        if not s.number:
            continue
        for item in items:
            if item.key in found:
                continue
            if any(w in s.title for w in item.title_words):
                found[item.key] = s
                break
    return found


def check_sections(report: ParsedReport) -> tuple[CheckResult, ...]:
    """S1: required sections, section 五's substance, and 第五十条第四项 for governments."""
    regime_2019 = (report.year or 0) >= 2019 or report.format in GOV_FORMATS
    items = ITEMS_2019 if regime_2019 else ITEMS_2008
    order = _ORDER_2019 if regime_2019 else _ORDER_2008
    basis = "第五十条" if regime_2019 else "第三十二条"
    by_key = {i.key: i for i in items}
    numbered = [s for s in report.sections if s.number]
    out: list[CheckResult] = []
    if not numbered:
        out.append(
            result("S1", "uncertain", "没有找到带编号的章节，无法判断内容是否齐全", "报告章节")
        )
    else:
        found = _assign(report.sections, items)
        table_metrics = {f.metric for f in report.facts if f.source == "table"}
        missing, empty, unheaded, present, absent = [], [], [], [], []
        for key in order:
            item = by_key[key]
            sec = found.get(key)
            if sec is None:
                if item.text_words and any(w in report.full_text for w in item.text_words):
                    unheaded.append(item.name)
                elif key == "其他" and not regime_2019:
                    # 第三十二条（六）: a body with nothing else to report may leave it out.
                    absent.append(item.name)
                else:
                    missing.append(item.name)
                continue
            has_table = (
                any(m.startswith(item.table_prefixes) for m in table_metrics)
                if (item.table_prefixes)
                else False
            )
            if not _substance(sec.text) and not has_table:
                empty.append(f"{sec.number}、{sec.title}")
            else:
                present.append(f"{sec.number}、{sec.title}")
        parts = []
        if missing:
            parts.append("缺少：" + "；".join(missing))
        if empty:
            parts.append("有标题无内容：" + "；".join(empty))
        if unheaded:
            parts.append("正文中提到但没有单独的标题：" + "；".join(unheaded))
        if absent:
            parts.append("未报告（没有需要说明的内容时可以不写）：" + "；".join(absent))
        parts.append(f"已有：{'；'.join(present) or '无'}")
        status: Status = (
            "fail" if missing or empty else ("uncertain" if unheaded or absent else "pass")
        )
        out.append(
            result("S1", status, f"《条例》{basis}要求的内容：" + " | ".join(parts), "报告章节")
        )
        sec5 = found.get("问题")
        if sec5 is not None:
            out.append(_problems_substance(sec5))
    if regime_2019 and report.scope == "government":
        out.append(_accountability(report))
    return tuple(out)


def _problems_substance(sec: Section) -> CheckResult:
    text = sec.text.strip()
    n = len(sentences(text))
    shown = text if len(text) <= 200 else text[:200] + "…"
    core = _substance(text)
    if core in ("", "无", "暂无", "没有"):
        return result("S1", "fail", f"第{sec.number}部分“{sec.title}”只写了「{shown}」", "五")
    if n < 3:
        return result(
            "S1",
            "fail",
            f"第{sec.number}部分“{sec.title}”只有 {n} 句，不足 3 句：「{shown}」",
            "五",
        )
    return result("S1", "pass", f"第{sec.number}部分“{sec.title}”：{n} 句", "五")


def _accountability(report: ParsedReport) -> CheckResult:
    text = report.full_text
    missing = [
        full
        for full, loose in _ACCOUNTABILITY
        if full not in text and not any(w in text for w in loose)
    ]
    loose = [
        full
        for full, words in _ACCOUNTABILITY
        if full not in text and any(w in text for w in words)
    ]
    if missing:
        return result(
            "S1",
            "fail",
            "人民政府的报告没有提到"
            + "、".join(missing)
            + "（第五十条第四项：工作考核、社会评议和责任追究结果情况）",
            "考核评议追究",
        )
    note = f"（其中{'、'.join(loose)}只是大致提到）" if loose else ""
    return result("S1", "pass", f"提到了工作考核、社会评议、责任追究{note}", "考核评议追究")
