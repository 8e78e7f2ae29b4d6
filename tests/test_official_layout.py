"""Facts of one report laid out like the official tables (nianbao.official_layout)."""

from __future__ import annotations

import pandas as pd
from test_report_queries import APPLICANTS, HUAIAN_A, HUAIAN_B, HUAIAN_C, SEED_LEGACY

from loaders.model import Fact
from nianbao import official_layout as ol


def _fact(metric: str, applicant: str | None, raw: str, source: str = "table") -> Fact:
    value = None if not any(ch.isdigit() for ch in raw) else float(raw)
    return Fact(metric=metric, applicant=applicant, value=value, raw=raw, unit="件", source=source)


def huaian_facts() -> list[Fact]:
    """淮安市人民政府 2024 (other/2024-001.txt), all three tables."""
    out = [
        _fact(metric, applicant, str(v))
        for metric, values in HUAIAN_B.items()
        for applicant, v in zip(APPLICANTS, values, strict=True)
    ]
    out += [_fact(m, None, str(v)) for m, v in HUAIAN_C.items()]
    out += [_fact(m, None, str(v)) for m, v in HUAIAN_A.items()]
    return out


def test_format_value_never_shows_zero_for_blank() -> None:
    assert ol.format_value(None, "") == ""
    assert ol.format_value(float("nan"), "") == ""
    assert ol.format_value(None, "—") == "—"
    assert ol.format_value(None, "/") == "/"
    # An ambiguous value (None, digits in raw) is blank, not the raw digits.
    assert ol.format_value(None, "00 0 00") == ""
    assert ol.format_value(0.0, "0") == "0"
    assert ol.format_value(3119.0, "3119") == "3119"
    assert ol.format_value(96171.6, "96171.6") == "96171.6"


def test_table_b_2021_matches_the_report() -> None:
    b = ol.table_b(huaian_facts(), "gov2021")
    assert list(b.columns) == [
        "项目",
        "分类",
        "情形",
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert len(b) == 25  # 一, 二, 21 rows of 三、本年度办理结果 (incl. （七）总计), 四
    first = b.iloc[0]
    assert first["项目"] == "一、本年新收政府信息公开申请数量"
    assert (first["自然人"], first["法律服务机构"], first["总计"]) == ("3001", "61", "3119")
    not_held = b[b["情形"] == "1.本机关不掌握相关政府信息"].iloc[0]
    assert not_held["分类"] == "（四）无法提供"
    assert not_held["总计"] == "769"
    other = b[(b["分类"] == "（六）其他处理") & (b["情形"] == "3.其他")].iloc[0]
    assert other["自然人"] == "108"
    assert b.iloc[-1]["项目"] == "四、结转下年度继续办理"
    assert b.iloc[-1]["总计"] == "103"


def test_table_b_2019_has_one_other_handling_row_and_blank_cells() -> None:
    facts = [
        _fact("requests.received", "natural_person", "23"),
        _fact("requests.received", "commercial", ""),  # a blank cell
        _fact("requests.received", "total", "23"),
        _fact("requests.other_handling", "total", "0"),
    ]
    b = ol.table_b(facts, "gov2019")
    assert len(b) == 23  # （六） is one row instead of three
    assert (b["分类"] == "（六）其他处理").sum() == 1
    row = b.iloc[0]
    assert (row["自然人"], row["商业企业"], row["科研机构"], row["总计"]) == ("23", "", "", "23")
    other = b[b["分类"] == "（六）其他处理"].iloc[0]
    assert other["总计"] == "0" and other["自然人"] == ""
    # Nothing anywhere is rendered as None / nan.
    assert not b.isin(["None", "nan", "NaN"]).any().any()


def test_table_c_one_row_of_fifteen() -> None:
    c = ol.table_c(huaian_facts())
    assert c.shape == (1, 15)
    assert c.iloc[0]["行政复议·结果维持"] == "72"
    assert c.iloc[0]["行政复议·总计"] == "351"
    assert c.iloc[0]["行政诉讼·复议后起诉·总计"] == "20"
    assert ol.table_c([]).iloc[0].tolist() == [""] * 15


def test_table_a_2021_and_2019_blocks() -> None:
    blocks = ol.table_a(huaian_facts(), "gov2021")
    assert [b.title for b in blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    first = blocks[0].frame
    assert list(first.columns) == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert first.iloc[1].tolist() == ["行政规范性文件", "8", "26", "66"]
    assert blocks[2].frame.iloc[0].tolist() == ["行政处罚", "3985758"]
    assert blocks[3].frame.iloc[0].tolist() == ["行政事业性收费", "96171.6"]
    old = ol.table_a([_fact("proactive.procurement.amount", None, "39.443252")], "gov2019")
    assert [b.key for b in old] == ["A（一）", "A（五）", "A（六）", "A（八）", "A（九）"]
    assert old[-1].frame.iloc[0].tolist() == ["政府集中采购", "", "39.443252"]


def test_legacy_table_in_template_order_with_headings() -> None:
    facts = [
        Fact(m, None, None if raw == "" else float(raw), raw, "件", "table")
        for m, raw in SEED_LEGACY
    ]
    t = ol.legacy_table(facts)
    assert list(t.columns) == ["统计指标", "单位", "统计数"]
    labels = t["统计指标"].tolist()
    assert labels[0] == "一、主动公开情况"
    assert labels.index("三、依申请公开情况") < labels.index("（一）收到申请数")
    extended = t[t["统计指标"] == "2.延期办结数"].iloc[0]
    assert extended["统计数"] == ""  # blank in the seed, not 0
    assert t[t["统计指标"] == "（一）收到申请数"].iloc[0]["统计数"] == "2"
    assert len(t) == len(SEED_LEGACY) + 2  # two block headings


def test_official_tables_by_format_and_dataframe_input() -> None:
    frame = pd.DataFrame(
        [
            {"metric": "requests.received", "applicant": "total", "value": 3119.0, "raw": "3119"},
            {"metric": "review.total", "applicant": None, "value": None, "raw": ""},
            {"metric": "legacy.fees", "applicant": None, "value": 0.394, "raw": "3940 元"}
            | {"source": "text"},
        ]
    )
    tables = ol.official_tables(frame, "gov2021")
    assert [t.key for t in tables] == ["A（一）", "A（五）", "A（六）", "A（八）", "B", "C"]
    b = next(t for t in tables if t.key == "B").frame
    assert b.iloc[0]["总计"] == "3119"
    assert ol.official_tables(frame, "narrative") == []
    text = ol.text_facts_table(frame)
    assert text["数值"].tolist() == ["0.394"]
