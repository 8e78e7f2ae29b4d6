"""O1/O2: is the narrative copied from last year's report, or from a peer's?

Chinese has no spaces, so text is compared as sets of character 4-grams
(shingles) after NFKC and after removing everything but CJK characters and
letters: digits go, so a copy with only the year and the figures changed
scores 1.0. Shingles of the national template (table labels, headings,
statutory phrases) are removed first, otherwise every 2021-format report
would look 40 % like every other one.

- O1 compares a report with the same body's previous report, section by
  section (matched by their numbers) and as a whole, by exact Jaccard; a
  section (or the whole) at ≥ 0.8 is flagged, with the most similar passages
  side by side. CASS found ~90 % repetition against the previous year.
- O2 compares every report with other bodies' reports of the same year. All
  pairs would be quadratic, so candidates come from MinHash signatures
  (64 hashes) with LSH banding (16 bands × 4 rows: a pair at Jaccard 0.8 is
  a candidate with probability > 0.999, one at 0.3 with ~0.12); candidates are
  ranked by their signature agreement and only the best few are verified
  exactly. Cost grows linearly with the number of reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from loaders.catalog import applicants, metrics
from loaders.model import CheckResult, ParsedReport
from nianbao.evaluate._common import result

NGRAM = 4
THRESHOLD = 0.8
MIN_SECTION_SHINGLES = 60  # shorter sections (六、其他事项：无。) are shown, never flagged
MIN_REPORT_SHINGLES = 100  # O2 ignores reports with almost no narrative
NUM_HASHES = 64
BANDS = 16
ROWS = NUM_HASHES // BANDS
MAX_BUCKET_SAMPLE = 8  # members taken from each LSH bucket as candidates
MAX_VERIFY = 5  # candidates verified exactly per report

_KEEP = re.compile(r"[^\u3400-\u9fffA-Za-z]+")
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(1_000_003)

# What every report prints because the template or the Regulation says so,
# written as the tables are printed: in run-together text the labels follow
# each other, and the 4-grams across two labels are template too.
_B_HEAD = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
)
_B_HEAD_GRID = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计"
)
_B_ROWS = (
    "一、本年新收政府信息公开申请数量二、上年结转政府信息公开申请数量三、本年度办理结果"
    "（一）予以公开（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    "（三）不予公开1.属于国家秘密2.其他法律行政法规禁止公开3.危及“三安全一稳定”"
    "4.保护第三方合法权益5.属于三类内部事务信息6.属于四类过程性信息7.属于行政执法案卷"
    "8.属于行政查询事项（四）无法提供1.本机关不掌握相关政府信息2.没有现成信息需要另行制作"
    "3.补正后申请内容仍不明确（五）不予处理1.信访举报投诉类申请2.重复申请"
    "3.要求提供公开出版物4.无正当理由大量反复申请5.要求行政机关确认或重新出具已获取信息"
    "（六）其他处理{six}（七）总计四、结转下年度继续办理"
)
_SIX_2021 = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请3.其他"
)
_C = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计"
    "结果维持结果纠正其他结果尚未审结总计五、存在的主要问题及改进情况"
)
_A_2021 = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
    "规章行政规范性文件第二十条第（五）项信息内容本年处理决定数量行政许可"
    "第二十条第（六）项信息内容本年处理决定数量行政处罚行政强制"
    "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费"
    "三、收到和处理政府信息公开申请情况"
)
_A_2019 = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
    "规章规范性文件第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政许可其他对外管理服务事项第二十条第（六）项信息内容上一年项目数量本年增/减"
    "处理决定数量行政处罚行政强制第二十条第（八）项信息内容上一年项目数量本年增/减"
    "行政事业性收费第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购"
    "三、收到和处理政府信息公开申请情况"
)
# The Fujian local 统计表 (2008–2016) as printed in the Pingtan reports.
_FUJIAN = (
    "统计表指标名称计量单位年度历年累计主动公开文件数条其中：1、政府网站公开数条"
    "2、政府公报公开数条受理依申请公开信息总数条其中：1、当面申请数条2、网上申请数条"
    "3、信函、传真申请数条对申请的答复总数条其中：1、同意公开答复数条2、同意部分公开答复数条"
    "3、不予公开答复数条4、其他类型答复数条政府信息公开收费减免金额元接受行政诉讼、举报数件"
    "接受行政申诉、举报数件行政复议数件行政诉讼数件"
)
_TEMPLATE_PHRASES = (
    _B_HEAD + _B_ROWS.format(six=_SIX_2021),
    _B_HEAD_GRID + _B_ROWS.format(six=""),
    _B_HEAD + _B_ROWS.format(six=""),
    _B_HEAD_GRID + _B_ROWS.format(six=_SIX_2021),
    _C,
    _A_2021,
    _A_2019,
    _FUJIAN,
    "一、总体情况二、主动公开政府信息情况三、收到和处理政府信息公开申请情况"
    "四、政府信息公开行政复议、行政诉讼情况五、存在的主要问题及改进情况六、其他需要报告的事项",
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）",
    "政府信息公开工作年度报告",
    "统计指标单位统计数",
    # The stock sentence of section 六 on 信息处理费 (国办函〔2020〕109号).
    "按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》"
    "（国办函〔2020〕109号）规定的按件、按量收费标准，本年度没有产生信息公开处理费。",
)


def normalize(text: str) -> str:
    """NFKC, then only CJK characters and letters (digits, punctuation, spaces go)."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", text))


def _mix(x: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads the polynomial hash over all 64 bits.
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _raw_shingles(norm: str) -> np.ndarray:
    """Hashes of all character n-grams of normalised text, unique and sorted."""
    n = len(norm) - NGRAM + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(NGRAM):
        h = h * _PRIME + codes[k : k + n]
    return np.unique(_mix(h))


@cache
def template_shingles() -> np.ndarray:
    catalog = list(metrics().values())
    texts = [m.label for m in catalog]
    # The pre-2019 统计表 as printed: each label followed by its unit.
    texts.append("".join(m.label + m.unit for m in catalog if m.table == "统计表"))
    texts += list(applicants().values())
    texts += list(_TEMPLATE_PHRASES)
    parts = [_raw_shingles(normalize(t)) for t in texts]
    return np.unique(np.concatenate(parts))


def shingles(text: str) -> np.ndarray:
    """Shingle hashes of ``text`` without the template's, unique and sorted."""
    raw = _raw_shingles(normalize(text))
    return raw[~np.isin(raw, template_shingles(), assume_unique=True)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True)
class Fingerprint:
    """What similarity needs of a report, computed once."""

    whole: np.ndarray
    sections: tuple[tuple[str, str, np.ndarray], ...]  # (number, title, shingles)


_TABLE_TITLE = re.compile(r"统计表|附表|统计数据")


def _narrative_sections(report: ParsedReport) -> list[tuple[str, str, str]]:
    """(number, title, text) of the narrative; a section that is only a
    statistics table (七、政府信息公开情况统计表) is left out: its labels are
    the same every year by design."""
    if report.sections:
        return [
            (s.number, s.title, s.text)
            for s in report.sections
            if not (s.number and _TABLE_TITLE.search(s.title + s.text[:12]))
        ]
    return [("", "", report.full_text)]


def fingerprint(report: ParsedReport) -> Fingerprint:
    secs = tuple((n, t, shingles(text)) for n, t, text in _narrative_sections(report))
    parts = [s for _, _, s in secs if len(s)]
    whole = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)
    return Fingerprint(whole, secs)


# --- passages side by side ------------------------------------------------------------

_SENT = re.compile(r"(?<=[。；;！？!?])|\n")
_MIN_PASSAGE = 12


def similar_passages(a: str, b: str, k: int = 3) -> list[tuple[float, str, str]]:
    """The ``k`` sentences of ``a`` with the most similar sentence in ``b``.

    Returns (Jaccard of their shingles, sentence of a, sentence of b), best first;
    long passages win ties so the evidence is substantial.
    """

    def split(text: str) -> list[tuple[str, set[str]]]:
        out = []
        for s in _SENT.split(text):
            s = s.strip()
            norm = normalize(s)
            if len(norm) >= _MIN_PASSAGE:
                out.append((s, {norm[i : i + NGRAM] for i in range(len(norm) - NGRAM + 1)}))
        return out

    sa, sb = split(a), split(b)
    index: dict[str, list[int]] = defaultdict(list)
    for j, (_, grams) in enumerate(sb):
        for g in grams:
            index[g].append(j)
    best: list[tuple[float, int, str, str]] = []
    for text_a, grams in sa:
        shared: Counter[int] = Counter()
        for g in grams:
            shared.update(index.get(g, ()))
        if not shared:
            continue
        j, score = max(
            ((j, c / (len(grams) + len(sb[j][1]) - c)) for j, c in shared.items()),
            key=lambda x: x[1],
        )
        best.append((score, len(grams), text_a, sb[j][0]))
    best.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [(s, x, y) for s, _, x, y in best[:k]]


def _clip(s: str, n: int = 90) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _passages_text(pairs: list[tuple[float, str, str]], a_name: str, b_name: str) -> str:
    return " | ".join(
        f"{a_name}「{_clip(x)}」 ⇔ {b_name}「{_clip(y)}」（相似度 {s:.2f}）" for s, x, y in pairs
    )


# --- O1 ---------------------------------------------------------------------------------


def check_previous(
    prev: ParsedReport,
    cur: ParsedReport,
    fp_prev: Fingerprint | None = None,
    fp_cur: Fingerprint | None = None,
    threshold: float = THRESHOLD,
) -> CheckResult:
    """O1: ``cur`` against the same body's previous report ``prev``."""
    fp_prev = fp_prev or fingerprint(prev)
    fp_cur = fp_cur or fingerprint(cur)
    subject = f"与{prev.year}年对比"
    whole = jaccard(fp_cur.whole, fp_prev.whole)
    by_number = {n: (t, s) for n, t, s in fp_prev.sections if n}
    scores: list[str] = []
    flagged: list[str] = []  # section numbers
    for number, title, sh in fp_cur.sections:
        if not number or number not in by_number:
            continue
        sim = jaccard(sh, by_number[number][1])
        big = len(sh) >= MIN_SECTION_SHINGLES
        scores.append(f"{number}、{title} {sim:.2f}" + ("" if big else "（篇幅短）"))
        if big and sim >= threshold:
            flagged.append(number)
    summary = f"正文整体相似度 {whole:.2f}；各部分：{'；'.join(scores) or '没有对应的部分'}"
    texts_cur = {n: t for n, _, t in _narrative_sections(cur)}
    texts_prev = {n: t for n, _, t in _narrative_sections(prev)}
    stale = stale_sentences(prev, "\n".join(texts_cur.values()), "\n".join(texts_prev.values()))
    if stale:
        shown = " | ".join(f"「{_clip(x)}」" for x in stale[:3])
        return result(
            "O1",
            "fail",
            f"{cur.year}年报告有 {len(stale)} 句与{prev.year}年报告逐字相同，连旧年份都没改："
            f"{shown}；{summary}",
            subject,
        )
    if whole < threshold and not flagged:
        return result("O1", "pass", f"与{prev.year}年报告的相似度：{summary}", subject)
    if flagged:
        a = "\n".join(texts_cur[n] for n in flagged)
        b = "\n".join(texts_prev.get(n, "") for n in flagged)
    else:
        a, b = "\n".join(texts_cur.values()), "\n".join(texts_prev.values())
    pairs = similar_passages(a, b)
    where = (
        "第" + "、".join(flagged) + "部分" if flagged else "正文整体"
    ) + f"相似度 ≥ {threshold:g}"
    detail = f"疑似照抄{prev.year}年报告：{where}；{summary}。最相似的段落：" + _passages_text(
        pairs, f"{cur.year}年", f"{prev.year}年"
    )
    return result("O1", "fail", detail, subject)


def stale_sentences(prev: ParsedReport, cur_text: str, prev_text: str) -> list[str]:
    """Sentences of this year's text found verbatim (digits included) in last
    year's and naming last year: 「2015年未收到有关政府信息公开申请。」 in a 2016
    report is a copy whose year was not even updated."""
    if prev.year is None:
        return []
    mark = f"{prev.year}年"
    seen = {_KEEP_DIGITS.sub("", s) for s in _SENT.split(prev_text)}
    out = []
    for s in _SENT.split(cur_text):
        s = s.strip()
        key = _KEEP_DIGITS.sub("", s)
        if mark in s and len(key) >= 8 + len(mark) and key in seen:
            out.append(s)
    return out


_KEEP_DIGITS = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")


# --- O2 ---------------------------------------------------------------------------------


@cache
def _hash_params() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20080501)
    a = rng.integers(1, 2**63, size=NUM_HASHES, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_HASHES, dtype=np.uint64)
    return a, b


def minhash(sh: np.ndarray) -> np.ndarray:
    """NUM_HASHES minimum values of (a·x + b) mod 2^64 over the shingles."""
    a, b = _hash_params()
    if len(sh) == 0:
        return np.full(NUM_HASHES, _MASK, dtype=np.uint64)
    # Chunked so that a very long report does not build a huge matrix.
    out = np.full(NUM_HASHES, _MASK, dtype=np.uint64)
    for start in range(0, len(sh), 4096):
        chunk = sh[start : start + 4096]
        vals = _mix(chunk[:, None] * a[None, :] + b[None, :])
        out = np.minimum(out, vals.min(axis=0))
    return out


def check_peers(
    reports: Sequence[ParsedReport],
    body: Callable[[ParsedReport], Hashable] | None = None,
    fingerprints: Sequence[Fingerprint] | None = None,
    threshold: float = THRESHOLD,
) -> list[tuple[CheckResult, ...]]:
    """O2 over reports of one year: for each report, results against other bodies.

    Returns one tuple per report (same order): empty when the report has too
    little narrative to judge, a 'pass' naming the closest peer checked, or a
    'fail' with the most similar peers and passages side by side.
    """
    body = body or (lambda r: (r.issuer, r.region))
    fps = list(fingerprints) if fingerprints is not None else [fingerprint(r) for r in reports]
    n = len(reports)
    ok = [len(fp.whole) >= MIN_REPORT_SHINGLES for fp in fps]
    sigs = np.stack([minhash(fp.whole) for fp in fps]) if n else np.empty((0, NUM_HASHES))
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i in range(n):
        if not ok[i]:
            continue
        for band in range(BANDS):
            key = sigs[i, band * ROWS : (band + 1) * ROWS].tobytes()
            buckets[(band, key)].append(i)
    bodies = [body(r) for r in reports]
    out: list[tuple[CheckResult, ...]] = []
    for i in range(n):
        if not ok[i]:
            out.append(())
            continue
        cands: set[int] = set()
        for band in range(BANDS):
            members = buckets[(band, sigs[i, band * ROWS : (band + 1) * ROWS].tobytes())]
            taken = 0
            for j in members:
                if j != i and bodies[j] != bodies[i]:
                    cands.add(j)
                    taken += 1
                    if taken >= MAX_BUCKET_SAMPLE:
                        break
        if not cands:
            out.append((result("O2", "pass", "同年其他机关的报告中没有相似的", ""),))
            continue
        idx = np.fromiter(cands, dtype=np.int64)
        estimate = (sigs[idx] == sigs[i]).mean(axis=1)
        order = np.argsort(-estimate)[:MAX_VERIFY]
        verified = sorted(
            ((jaccard(fps[i].whole, fps[int(idx[k])].whole), int(idx[k])) for k in order),
            reverse=True,
        )
        out.append((_peer_result(reports, i, verified, threshold),))
    return out


def _peer_result(
    reports: Sequence[ParsedReport], i: int, verified: list[tuple[float, int]], threshold: float
) -> CheckResult:
    me = reports[i]
    top_score, top = verified[0]
    name = reports[top].issuer or reports[top].source
    if top_score < threshold:
        return result(
            "O2",
            "pass",
            f"{me.year}年最相似的其他机关：{name}（相似度 {top_score:.2f} < {threshold:g}）",
            reports[top].source,
        )
    close = [
        f"{reports[j].issuer or '发布机关不明'}（{reports[j].source}）{s:.2f}"
        for s, j in verified
        if s >= threshold
    ]
    a = "\n".join(t for _, _, t in _narrative_sections(me))
    b = "\n".join(t for _, _, t in _narrative_sections(reports[top]))
    pairs = similar_passages(a, b)
    detail = (
        f"正文与其他机关{me.year}年报告的相似度 ≥ {threshold:g}："
        + "；".join(close)
        + "。最相似的段落："
        + _passages_text(pairs, "本报告", name)
    )
    return result("O2", "fail", detail, reports[top].source)
