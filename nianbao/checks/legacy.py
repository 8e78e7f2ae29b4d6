"""P1–P7, P11 for the pre-2019 tables (FORMAT.md §4.2).

Conventions (FORMAT.md §4): a blank operand (value None) never fails a rule; the
rule is uncertain, and the detail says “空白格按 0 计则成立” when it would.
A rule whose total is not in the document is not emitted; neither is a sum rule
none of whose parts is printed. The parts are the rows the table prints: the
national table has 4 channels, the Fujian tables 6 (or 当面 / 网上 / 信函、传真).
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.catalog import metrics
from loaders.model import CheckResult, Fact

# Rule -> (total, parts). Parts absent from the document are left out of the sum.
_SUMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "P1",
        "legacy.requests.received",
        (
            "legacy.requests.in_person",
            "legacy.requests.by_fax",
            "legacy.requests.online",
            "legacy.requests.by_letter",
            "legacy.requests.by_email",
            "legacy.requests.other_channel",
            "legacy.requests.by_letter_or_fax",
        ),
    ),
    (
        "P2",
        "legacy.requests.completed",
        ("legacy.requests.on_time", "legacy.requests.extended"),
    ),
    (
        "P3",
        "legacy.requests.answered",
        (
            "legacy.answers.already_public",
            "legacy.answers.disclosed",
            "legacy.answers.partially_disclosed",
            "legacy.answers.withheld",
            "legacy.answers.not_this_agency",
            "legacy.answers.not_exist",
            "legacy.answers.correction_requested",
            "legacy.answers.other_channel",
            "legacy.answers.other",
        ),
    ),
    (
        "P4",
        "legacy.answers.withheld",
        (
            "legacy.answers.withheld.state_secret",
            "legacy.answers.withheld.commercial_secret",
            "legacy.answers.withheld.privacy",
            "legacy.answers.withheld.security_stability",
            "legacy.answers.withheld.not_government_info",
            "legacy.answers.withheld.other_law",
            # the older Fujian form lists its reasons under 拒绝提供
            "legacy.refused.not_exist",
            "legacy.refused.secret",
            "legacy.refused.unclear",
            "legacy.refused.excessive",
            "legacy.refused.third_party",
            "legacy.refused.other",
        ),
    ),
    (
        "P5",
        "legacy.review.total",
        ("legacy.review.upheld", "legacy.review.corrected", "legacy.review.other"),
    ),
    (
        "P6",
        "legacy.litigation.total",
        ("legacy.litigation.upheld", "legacy.litigation.corrected", "legacy.litigation.other"),
    ),
    (
        "P7",
        "legacy.staff.total",
        ("legacy.staff.full_time", "legacy.staff.part_time"),
    ),
)

# P11: a 其中 row is at most its total.
_AT_MOST: tuple[tuple[str, str, str], ...] = (
    (
        "P11",
        "legacy.response.press_conferences_by_leaders",
        "legacy.response.press_conferences",
    ),
    (
        "P11",
        "legacy.response.online_interviews_by_leaders",
        "legacy.response.online_interviews",
    ),
)

# The Fujian 6-channel table cut after 电子邮件申请数 (pingtan 2011-jjf-208 and others):
# the channels printed are only the first three of six.
_TRUNCATED_CHANNELS = {
    "legacy.requests.in_person",
    "legacy.requests.by_fax",
    "legacy.requests.by_email",
}


def _fmt(v: float | None) -> str:
    if v is None:
        return "空白"
    return str(int(v)) if v == int(v) else f"{v:g}"


def _term(code: str, v: float | None) -> str:
    """'（一）收到申请数 12': the row as the template prints it, and its value."""
    return f"{metrics()[code].label} {_fmt(v)}"


def _values(facts: Sequence[Fact]) -> dict[str, float | None]:
    """Table facts by metric, in table order; the first one wins (the parser emits each once)."""
    out: dict[str, float | None] = {}
    for f in facts:
        if f.source == "table" and f.applicant is None and f.metric not in out:
            out[f.metric] = f.value
    return out


def _sum_rule(rule: str, total: str, parts: tuple[str, ...], v: dict[str, float | None]):
    if total not in v:
        return None
    order = list(v)
    present = sorted((p for p in parts if p in v), key=order.index)  # as the table prints them
    if not present:
        return None
    t = v[total]
    ps = [v[p] for p in present]
    detail = f"{_term(total, t)} = " + " + ".join(_term(p, v[p]) for p in present)
    subject = total
    if rule == "P1" and set(present) == _TRUNCATED_CHANNELS:
        return CheckResult(
            rule,
            "uncertain",
            detail + "（表格止于电子邮件申请数，其他申请渠道缺失，无法核对）",
            subject,
        )
    if t is None or any(x is None for x in ps):
        zero = sum(x or 0 for x in ps) == (t or 0)
        note = "（有空白格，空白格按 0 计则成立）" if zero else "（有空白格，空白格按 0 计不成立）"
        if not zero and t is not None and sum(x or 0 for x in ps) > t:
            # parts alone already exceed the total: blanks cannot repair it
            return CheckResult(rule, "fail", detail.replace(" = ", " ≠ ", 1), subject)
        return CheckResult(rule, "uncertain", detail + note, subject)
    s = sum(x for x in ps if x is not None)
    if s == t:
        return CheckResult(rule, "pass", detail, subject)
    return CheckResult(
        rule, "fail", detail.replace(" = ", " ≠ ", 1) + f"（各项之和为 {_fmt(s)}）", subject
    )


def check(facts: Sequence[Fact]) -> tuple[CheckResult, ...]:
    v = _values(facts)
    out: list[CheckResult] = []
    for rule, total, parts in _SUMS:
        r = _sum_rule(rule, total, parts, v)
        if r is not None:
            out.append(r)
    for rule, part, total in _AT_MOST:
        if total not in v or part not in v:
            continue
        p, t = v[part], v[total]
        detail = f"{_term(part, p)} ≤ {_term(total, t)}"
        if p is None or t is None:
            out.append(CheckResult(rule, "uncertain", detail + "（有空白格，无法核对）", part))
        elif p <= t:
            out.append(CheckResult(rule, "pass", detail, part))
        else:
            out.append(CheckResult(rule, "fail", f"{_term(part, p)} > {_term(total, t)}", part))
    return tuple(out)
