"""Facts of one report laid out like the official tables (nianbao.official_layout)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from test_report_queries import APPLICANTS, HUAIAN_A, HUAIAN_B, HUAIAN_C, SEED_LEGACY

from loaders.model import Fact
from loaders.parse import parse_file
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
    # A value the parser could not determine (None, digits in raw) is marked
    # 存疑 with the source text: never a blank, which would say "empty".
    assert ol.format_value(None, "00 0 00") == "存疑（原文 00 0 00）"
    assert ol.cell_state(None, "77132470") == "uncertain"
    assert ol.cell_state(None, "") == "blank" and ol.cell_state(None, "—") == "blank"
    assert ol.cell_state(0.0, "0") == "number"
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
    assert "代码" not in text.columns  # people see the metric's name, not its code


# --- the static HTML of a table ------------------------------------------------------


class _Grid(HTMLParser):
    """The cells of an HTML table, row by row: (section, [(rowspan, colspan, text)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[tuple[int, int, str]]]] = []
        self.section = ""
        self.cell: list[int | str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section, []))
        elif tag in ("td", "th"):
            self.cell = [int(a.get("rowspan") or 1), int(a.get("colspan") or 1), ""]

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[2] = str(self.cell[2]) + data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            rs, cs, text = self.cell
            self.rows[-1][1].append((int(rs), int(cs), str(text)))
            self.cell = None


def html_grid(markup: str) -> tuple[list[list[str]], list[list[str]]]:
    """(head, body) of one HTML table as full grids: a merged cell's text is
    repeated in every grid position it covers, as a reader sees it."""
    parser = _Grid()
    parser.feed(markup)
    out: dict[str, list[list[str]]] = {}
    for section in ("thead", "tbody"):
        rows = [cells for s, cells in parser.rows if s == section]
        grid: dict[tuple[int, int], str] = {}
        for r, cells in enumerate(rows):
            c = 0
            for rowspan, colspan, text in cells:
                while (r, c) in grid:
                    c += 1
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = text
                c += colspan
        width = max((c for _, c in grid), default=-1) + 1
        out[section] = [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    return out["thead"], out["tbody"]


def test_table_b_html_has_the_template_shape() -> None:
    tables = ol.official_tables(huaian_facts(), "gov2021")
    b = next(t for t in tables if t.key == "B")
    markup = ol.table_html(b)
    assert "\n" not in markup  # one line: a blank line would end markdown's HTML block
    head, body = html_grid(markup)
    assert head[0][3:] == ["申请人情况"] * 7
    assert head[1][4:9] == ["法人或其他组织"] * 5
    assert head[-1][3:] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    # The grid equals the frame: merged label cells read as the frame's labels.
    frame = b.frame
    assert len(body) == len(frame)
    assert body[0][:3] == ["一、本年新收政府信息公开申请数量"] * 3  # one cell across 3 columns
    assert body[0][3:] == ["3001", "53", "0", "0", "61", "4", "3119"]
    for grid_row, (_, row) in zip(body, frame.iterrows(), strict=True):
        assert grid_row[3:] == row.iloc[3:].tolist()
        assert grid_row[0] == row["项目"]
    # 三、本年度办理结果 is one tall cell, as in the template.
    assert markup.count(">三、本年度办理结果<") == 1
    assert markup.count(">（三）不予公开<") == 1


def test_table_c_html_groups_its_fifteen_columns() -> None:
    c = next(t for t in ol.official_tables(huaian_facts(), "gov2021") if t.key == "C")
    head, body = html_grid(ol.table_html(c))
    assert head[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert head[1][5:] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert head[-1][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert body == [
        ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]
    ]


def test_table_html_escapes_report_text() -> None:
    frame = pd.DataFrame([["<script>alert(1)</script>", "[x](http://e.com) **b**"]])
    frame.columns = ["<b>项目</b>", "数值"]
    table = ol.OfficialTable("A", "t", frame)
    markup = ol.table_html(table)
    assert "<script>" not in markup and "<b>" not in markup and "](" not in markup
    assert "**" not in markup
    head, body = html_grid(markup)
    assert head == [["<b>项目</b>", "数值"]]
    assert body == [["<script>alert(1)</script>", "[x](http://e.com) **b**"]]
    meta = ol.text_table_html(pd.DataFrame([["来源", "<i>x</i>"]], columns=["项目", "内容"]))
    assert "<i>" not in meta and html_grid(meta)[1] == [["来源", "<i>x</i>"]]


# --- a real report through the real parser ------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "reports"


def test_ambiguous_cells_of_2023_main_017_are_marked_with_their_source_text() -> None:
    """pingtan/2023-main-017.txt 第二十条第（一）项 行政规范性文件 reads "77132470":
    8 digits for 3 cells, 21 splits; the parser keeps value None and raw = the run."""
    report = parse_file(DATA / "pingtan" / "2023-main-017.txt")
    first = ol.table_a(report.facts, report.format)[0]
    rows = first.frame.set_index("信息内容")
    assert rows.loc["行政规范性文件"].tolist() == ["存疑（原文 77132470）"] * 3
    assert rows.loc["规章"].tolist() == ["0", "0", "0"]  # a real 0 stays 0
    _, body = html_grid(ol.table_html(first))
    assert body[1] == ["行政规范性文件", *["存疑（原文 77132470）"] * 3]
    assert "background" in ol.table_html(first).split("存疑")[0].rsplit("<td", 1)[1]
