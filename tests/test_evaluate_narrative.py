"""T1 (narrative vs table) on real reports."""

from __future__ import annotations

from nianbao.evaluate.narrative_vs_table import check_narrative, statements
from tests.test_evaluate_build import report


def _by_subject(file: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in check_narrative(report(file)):
        assert r.rule == "T1"
        out.setdefault(r.subject, []).append(r)
    return out


def test_jjf_2023_text_says_0_applications_while_the_table_shows_3() -> None:
    res = _by_subject("pingtan/2023-jjf-057.txt")
    (received,) = res["收到申请"]
    assert received.status == "fail"
    assert "正文：收到申请 0" in received.detail
    assert "「2023年，共收到政府信息公开申请0条。」" in received.detail
    assert "一、本年新收政府信息公开申请数量 3" in received.detail
    # 「没有政府信息公开行政复议及行政诉讼情况」 agrees with the zero Table C.
    assert [r.status for r in res["行政复议"]] == ["pass"]
    assert [r.status for r in res["行政诉讼"]] == ["pass"]
    # 「不予公开55条」 counts documents by 公开属性, not applications: not compared.
    assert "不予公开" not in res


def test_zhz_2024_text_says_4_applications_while_the_table_is_all_zero() -> None:
    res = _by_subject("pingtan/2024-zhz-100.txt")
    (received,) = res["收到申请"]
    assert received.status == "fail"
    assert "正文：收到申请 4" in received.detail
    assert "一、本年新收政府信息公开申请数量 0" in received.detail
    assert "共收到政府信息公开申请4件" in received.detail
    # 「受理并办结3件」, read by loaders.narrative (text.requests.closed), vs （七）总计 0.
    (closed,) = res["答复/办理申请总数"]
    assert closed.status == "fail"
    assert "正文：答复/办理申请总数 3" in closed.detail and "（正文数字识别读出）" in closed.detail
    assert "（七）总计 0" in closed.detail


def test_shanghai_2019_worked_example_of_format_md() -> None:
    """FORMAT.md §4.1: text 258 (33.9%) vs table 272 + 3; 无法提供 265 vs 337."""
    res = _by_subject("other/2019-002.html")
    (both,) = res["予以公开及部分公开"]
    assert both.status == "fail"
    assert "正文：予以公开及部分公开 258" in both.detail
    assert "（一）予以公开 258+12+1+1（总计栏空白" in both.detail  # 272, 总计 column blank
    assert "不计其他情形） 3（" in both.detail
    assert "统计表至少为：予以公开及部分公开 275" in both.detail
    assert "正文数字只等于“（一）予以公开”的自然人栏" in both.detail
    (pct,) = res["予以公开及部分公开 %"]
    assert pct.status == "fail"
    assert "258/805 = 32.0%" in pct.detail and "275/805 = 34.2%" in pct.detail
    (unavailable,) = res["无法提供"]
    assert unavailable.status == "fail"
    assert "统计表至少为：无法提供 337" in unavailable.detail
    assert "只等于“（四）无法提供 1.本机关不掌握相关政府信息”一项" in unavailable.detail
    # Figures that agree, with blank cells: "passes if blanks are zero".
    (withheld,) = res["不予公开"]
    assert withheld.status == "uncertain" and "空白格按 0 计则一致" in withheld.detail
    assert [r.status for r in res["收到申请"]] == ["pass"]  # 共受理…859件
    # The text's outcome groups add up to 716 of 805 closed applications.
    # (FORMAT.md §4.1 says "omits 81"; 805 − 716 is 89.)
    (groups,) = res["办理结果合计"]
    assert groups.status == "fail"
    assert groups.detail == (
        "正文所列各类办理结果 予以公开及部分公开 258 + 不予公开 35 + 无法提供 265 + "
        "不予处理 158 + 其他处理 0 = 716；统计表：（七）总计 805（正文少了 89）"
    )
    assert [r.status for r in res["行政复议"]] == ["pass"]  # 行政复议7件


def test_a_report_whose_narrative_agrees_comes_out_clean() -> None:
    """Pingtan 2023 government report: eight figures and six percentages, all right."""
    res = check_narrative(report("pingtan/2023-main-017.txt"))
    assert len(res) >= 10
    assert {r.status for r in res} == {"pass"}
    subjects = {r.subject for r in res}
    assert {"予以公开及部分公开", "不予公开", "无法提供", "行政复议", "行政诉讼"} <= subjects
    assert "办理结果合计" in subjects  # 42 + 5 + 31 + 1 + 2 = 81 = （七）总计


def test_jjf_2024_states_3_applications_like_its_table() -> None:
    res = _by_subject("pingtan/2024-jjf-058.txt")
    assert [r.status for r in res["收到申请"]] == ["pass"]


def test_total_column_that_disagrees_with_its_own_row_is_named() -> None:
    """htp 2024: 6 applications in the text, 5 + 1 in the columns, 总计 0."""
    (received,) = _by_subject("pingtan/2024-htp-113.txt")["收到申请"]
    assert received.status == "fail"
    assert "正文数字等于各申请人栏之和" in received.detail


def test_statements_skip_other_years_and_document_counts() -> None:
    text = (
        "2023年，共收到政府信息公开申请5件。2022年共收到政府信息公开申请9件。"
        "全年共制发政府信息313条，其中主动公开128条、依申请公开130条、不予公开55条。"
        "未收到因政府信息公开提出的行政复议、行政诉讼的申请。"
    )
    got = [(s.category, s.value) for s in statements(text, 2023)]
    assert got == [("received", 5.0), ("review", 0.0), ("litigation", 0.0)]


def test_statements_read_percentages_and_regrouped_categories() -> None:
    got = statements("予以公开及部分公开258件，占33.9%；因本机关不掌握等原因无法提供265件。")
    assert [(s.category, s.value, s.percent) for s in got] == [
        ("disclosed_or_partial", 258.0, 33.9),
        ("unavailable", 265.0, None),
    ]
