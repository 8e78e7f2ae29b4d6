"""P1–P7, P11 on the facts parsed from real pre-2019 reports."""

from __future__ import annotations

from pathlib import Path

from loaders.model import CheckResult
from loaders.tables_legacy import parse_legacy_tables
from nianbao.checks.legacy import check

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
BODY_MARK = "==================== 正文 ===================="


def results(name: str) -> list[tuple[str, str, str]]:
    text = (REPORTS / name).read_text(encoding="utf-8")
    _, mark, rest = text.partition(BODY_MARK)
    facts, _ = parse_legacy_tables(rest if mark else text)
    return [(r.rule, r.status, r.detail) for r in check(facts)]


BLANKS_ZERO = "（有空白格，空白格按 0 计则成立）"


def test_seed_blanks_are_uncertain_not_failures() -> None:
    # Each operand is named by its row in the template, so the detail reads on its own.
    assert results("seed/000_082f890431297067.txt") == [
        (
            "P1",
            "pass",
            "（一）收到申请数 2 = 1.当面申请数 0 + 2.传真申请数 0 + 3.网络申请数 1"
            " + 4.信函申请数 1",
        ),
        (
            "P2",
            "uncertain",
            f"（二）申请办结数 2 = 1.按时办结数 2 + 2.延期办结数 空白{BLANKS_ZERO}",
        ),
        (
            "P3",
            "uncertain",
            "（三）申请答复数 2 = 1.属于已主动公开范围数 空白 + 2.同意公开答复数 2"
            " + 3.同意部分公开答复数 空白 + 4.不同意公开答复数 空白 + 5.不属于本行政机关公开数 空白"
            " + 6.申请信息不存在数 空白 + 7.告知作出更改补充数 空白 + 8.告知通过其他途径办理数 空白"
            + BLANKS_ZERO,
        ),
        (
            "P4",
            "uncertain",
            "4.不同意公开答复数 空白 = 其中：涉及国家秘密 空白 + 涉及商业秘密 空白"
            " + 涉及个人隐私 空白"
            " + 危及国家安全、公共安全、经济安全和社会稳定 空白 + 不是《条例》所指政府信息 空白"
            " + 法律法规规定的其他情形 空白" + BLANKS_ZERO,
        ),
        (
            "P5",
            "uncertain",
            "四、行政复议数量 0 = （一）维持具体行政行为数 空白 + （二）被依法纠错数 空白"
            " + （三）其他情形数 空白" + BLANKS_ZERO,
        ),
        (
            "P6",
            "uncertain",
            "五、行政诉讼数量 0 = （一）维持具体行政行为或者驳回原告诉讼请求数 空白"
            " + （二）被依法纠错数 空白 + （三）其他情形数 空白" + BLANKS_ZERO,
        ),
        (
            "P7",
            "pass",
            "（三）从事政府信息公开工作人员数 65"
            " = 1.专职人员数（不包括政府公报及政府网站工作人员数） 0"
            " + 2.兼职人员数 65",
        ),
        ("P11", "pass", "其中：主要负责同志参加新闻发布会次数 0 ≤ 1.参加或举办新闻发布会总次数 0"),
        ("P11", "pass", "其中：主要负责同志参加政府网站在线访谈次数 1 ≤ 2.政府网站在线访谈次数 2"),
    ]


def test_local_six_channel_table() -> None:
    # 2013 county: 受理 7 = 当面0 + 传真0 + 电子邮件3 + 网上4 + 信函0 + 其它0 (fused digits)
    assert results("pingtan/2013-county-006.txt") == [
        (
            "P1",
            "pass",
            "（一）收到申请数 7 = 1.当面申请数 0 + 2.传真申请数 0 + 电子邮件申请数 3"
            " + 3.网络申请数 4"
            " + 4.信函申请数 0 + 其他形式申请数 0",
        ),
        (
            "P3",
            "pass",
            "（三）申请答复数 3 = 2.同意公开答复数 2 + 3.同意部分公开答复数 1"
            " + 4.不同意公开答复数 0",
        ),
    ]


def test_source_inconsistencies_fail() -> None:
    # the manifest notes: table says 13 but its channels sum to 11
    assert results("pingtan/2018-zrz-146.txt")[0] == (
        "P1",
        "fail",
        "（一）收到申请数 13 ≠ 1.当面申请数 0 + 3.网络申请数 2 + 信函、传真申请数 9"
        "（各项之和为 11）",
    )
    # 当面申请 3 / 网上申请 3 but 申请总数 0
    assert results("pingtan/2013-shs-204.txt")[0] == (
        "P1",
        "fail",
        "（一）收到申请数 0 ≠ 1.当面申请数 3 + 2.传真申请数 0 + 电子邮件申请数 0 + 3.网络申请数 3"
        " + 4.信函申请数 0（各项之和为 6）",
    )


def test_truncated_channel_list_is_uncertain() -> None:
    assert results("pingtan/2011-jjf-208.txt") == [
        (
            "P1",
            "uncertain",
            "（一）收到申请数 7 = 1.当面申请数 7 + 2.传真申请数 0 + 电子邮件申请数 0"
            "（表格止于电子邮件申请数，其他申请渠道缺失，无法核对）",
        )
    ]


def test_older_form_reasons_sum_to_refusals() -> None:
    got = results("pingtan/2013-czj-187.txt")
    assert (
        "P4",
        "pass",
        "4.不同意公开答复数 0 = 信息不存在（拒绝提供） 0 + 信息涉密（拒绝提供） 0"
        " + 信息描述不清（拒绝提供） 0 + 超出合理需要（拒绝提供） 0 + 第三方不同意（拒绝提供） 0"
        " + 其他（拒绝提供） 0",
    ) in got
    # no 对申请的答复 total and no channels in this form: P1 and P3 are not emitted
    assert [r for r, _, _ in got] == ["P4"]


def test_absent_totals_emit_nothing() -> None:
    assert check(()) == ()


def test_results_are_check_results() -> None:
    text = (REPORTS / "pingtan" / "2018-jtj-141.txt").read_text(encoding="utf-8")
    facts, _ = parse_legacy_tables(text.partition(BODY_MARK)[2])
    out = check(facts)
    assert all(isinstance(r, CheckResult) for r in out)
    assert [(r.rule, r.status, r.subject) for r in out] == [
        ("P1", "pass", "legacy.requests.received"),
        ("P3", "pass", "legacy.requests.answered"),
    ]
