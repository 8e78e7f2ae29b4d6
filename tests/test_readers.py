"""Readers on real reports: text (UTF-8, BOM, GB18030, UTF-16), HTML, DOCX, PDF."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from loaders.model import Paragraph, Table
from loaders.readers import READERS, load, sniff
from loaders.readers.common import is_footer

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
TEST_REPORTS = ROOT / "tests" / "data" / "reports"

SEED = REPORTS / "seed" / "000_082f890431297067.txt"
PINGTAN_2019 = REPORTS / "pingtan" / "2019-main-001.txt"
PINGTAN_2013 = REPORTS / "pingtan" / "2013-main-007.txt"
SHANGHAI = REPORTS / "other" / "2019-002.html"
SHANGHAI_DOCX = TEST_REPORTS / "reader_shanghai2019.docx"
SHANGHAI_PAGE = TEST_REPORTS / "reader_shanghai2019_page.html"
HUAIAN_PDF = REPORTS / "other" / "2024-huaian-szfgs2024.pdf"
HUAIAN_PYPDF_TEXT = REPORTS / "other" / "2024-001.txt"

B_LABEL_NEW = "一、本年新收政府信息公开申请数量"
B_LABEL_RESULTS = "三、本年度办理结果"


def kinds(doc):
    return "".join("T" if isinstance(b, Table) else "P" for b in doc.blocks)


def paragraph_before(doc, table):
    i = doc.blocks.index(table)
    return doc.blocks[i - 1]


# --- dispatch -----------------------------------------------------------------


def test_dispatch_is_a_table_of_one_reader_per_type():
    assert set(READERS) == {"text", "html", "docx", "pdf"}
    assert {f.__module__ for f in READERS.values()} == {
        "loaders.readers.text",
        "loaders.readers.html",
        "loaders.readers.docx",
        "loaders.readers.pdf",
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SEED, "text"),
        (PINGTAN_2019, "text"),
        (REPORTS / "pingtan" / "2021-czj-022.txt", "text"),  # has '<' in the body
        (SHANGHAI, "html"),  # a fragment starting with <p
        (SHANGHAI_PAGE, "html"),
        (SHANGHAI_DOCX, "docx"),
        (HUAIAN_PDF, "pdf"),
    ],
)
def test_sniff_by_content(path, expected):
    # No file name: the bytes alone decide.
    assert sniff(path.read_bytes()) == expected


# --- text -----------------------------------------------------------------------


def test_seed_text_one_paragraph_per_line_table_lines_kept():
    doc = load(SEED)
    raw = SEED.read_bytes()
    assert doc.source == str(SEED)
    assert doc.media_type == "text"
    assert doc.encoding == "utf-8"
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert doc.meta == ()
    assert doc.tables == ()
    assert len(doc.blocks) == 225  # the non-empty lines
    assert doc.blocks[0] == Paragraph("一、概述")
    texts = [b.text for b in doc.blocks]
    # The flattened 附表, one cell per line ending in " |", stays as written.
    i = texts.index("统 计 指 标 |")
    assert texts[i - 1 : i + 6] == [
        "填报单位(盖章):",
        "统 计 指 标 |",
        "单位 |",
        "统计数 |",
        "一、主动公开情况 |",
        "||",
        "(一) 主动公开政府信息数 (不同渠道和方式公开相同信息计1条) |",
    ]
    assert texts[i + 6 : i + 8] == ["条 |", "3649 |"]


def test_pingtan_header_goes_to_meta_body_to_paragraphs():
    doc = load(PINGTAN_2019)
    assert doc.meta == (
        ("标题", "平潭综合实验区2019年度政府信息公开工作年度报告"),
        ("发布时间", "2020-01-20 15:22"),
        ("文号", ""),
        ("发布机构", ""),
        ("栏目", "政府信息公开年报"),
        ("原文链接", "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202001/t20200120_80576.htm"),
        (
            "本地目录",
            "zwgk/zfxxgk/zfxxgknb/202001/80576_平潭综合实验区2019年度政府信息公开工作年度报告",
        ),
    )
    assert doc.meta_value("标题") == "平潭综合实验区2019年度政府信息公开工作年度报告"
    assert doc.meta_value("发布机构") is None  # written but empty
    assert len(doc.blocks) == 1
    body = doc.blocks[0].text
    assert body.startswith("平潭综合实验区2019年政府信息公开工作年度报告 根据《中华人民共和国")
    assert body.endswith("六、其他需要报告的事项 无其他需要报告的事项")
    for header_word in ("原文链接", "本地目录", "links.tsv", "正文 ===="):
        assert header_word not in doc.text


def test_gb18030_copy_reads_like_the_utf8_original():
    original = load(PINGTAN_2013)
    doc = load(TEST_REPORTS / "reader_gb18030.txt")
    assert doc.encoding == "gb18030"
    assert doc.blocks == original.blocks
    assert doc.meta == original.meta
    assert doc.meta_value("标题") == "平潭综合实验区地方税务局2013年信息公开年度报告"
    assert "\r" not in doc.text  # the copy has Windows newlines
    assert doc.content_hash != original.content_hash


def test_utf8_bom_copy_reads_like_the_original():
    original = load(SEED)
    doc = load(TEST_REPORTS / "reader_utf8_bom.txt")
    assert doc.encoding == "utf-8-sig"
    assert doc.blocks == original.blocks
    assert doc.blocks[0].text == "一、概述"  # no U+FEFF in front


def test_utf16_without_bom_is_recognised_by_charset_normalizer():
    original = load(PINGTAN_2013)
    doc = load(TEST_REPORTS / "reader_utf16le_nobom.txt")
    assert doc.encoding == "utf_16_le"
    assert doc.blocks == original.blocks


def test_markdown_is_read_as_text(tmp_path):
    md = tmp_path / "seed.md"
    shutil.copyfile(SEED, md)
    doc = load(md)
    assert doc.media_type == "text"
    assert doc.blocks == load(SEED).blocks


def test_bytes_input_named_or_not():
    raw = SEED.read_bytes()
    assert load(raw).source == "<bytes>"
    doc = load(raw, name="朝阳区2016.txt")
    assert doc.source == "朝阳区2016.txt"
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert doc.blocks == load(SEED).blocks


def test_big5_text_is_not_misread_as_gb18030():
    # GB18030 accepts Big5's byte pairs, so without a check this would come
    # out as nonsense simplified characters.
    raw = "平潭綜合實驗區政府資訊公開工作年度報告\n一、總體情況\n".encode("big5")
    doc = load(raw)
    assert doc.encoding == "big5"
    assert [b.text for b in doc.blocks] == [
        "平潭綜合實驗區政府資訊公開工作年度報告",
        "一、總體情況",
    ]


# --- HTML -----------------------------------------------------------------------


def test_shanghai_html_paragraphs_and_tables_in_order():
    doc = load(SHANGHAI)
    assert doc.media_type == "html"
    assert doc.encoding == "utf-8"
    assert doc.meta == (("发布日期", "2020-01-31"),)
    assert doc.blocks[0] == Paragraph("2019年上海市人民政府办公厅政府信息公开工作年度报告")
    assert doc.blocks[1] == Paragraph("发布日期：2020-01-31")
    assert doc.blocks[3] == Paragraph("一、总体情况")
    assert kinds(doc) == "P" * 27 + "TPTPT" + "P" * 7
    a, b, c = doc.tables
    assert paragraph_before(doc, a) == Paragraph("二、主动公开政府信息情况")
    assert paragraph_before(doc, b) == Paragraph("三、收到和处理政府信息公开申请情况")
    assert paragraph_before(doc, c) == Paragraph("四、政府信息公开行政复议、行政诉讼情况")
    assert doc.blocks[-7] == Paragraph("五、政府信息公开工作存在的主要问题及改进情况")
    assert doc.blocks[-1] == Paragraph("无。")


def test_shanghai_table_a_colspans_and_br_inside_cells():
    a = load(SHANGHAI).tables[0]
    assert (len(a.rows), len(a.rows[0])) == (18, 5)
    assert a.rows[0] == ("第二十条第（一）项",) * 5
    # "本年新<br />制作数量": the line break inside a word is no gap.
    assert a.rows[1] == (
        "信息内容",
        "本年新制作数量",
        "本年新公开数量",
        "本年新公开数量",
        "对外公开总数量",
    )
    assert a.rows[2] == ("规章", "13", "13", "13", "524")
    # The data rows span 2+1+1 where the header spans 1+2+1 (FORMAT.md 6.1).
    assert a.rows[6] == ("行政许可", "0", "0", "0", "0")
    assert a.rows[17] == ("政府集中采购", "6", "6", "251000元", "251000元")


def test_shanghai_table_b_rowspans_and_blank_cells():
    b = load(SHANGHAI).tables[1]
    assert (len(b.rows), len(b.rows[0])) == (26, 10)
    assert b.rows[1][3:] == ("自然人", *["法人或其他组织"] * 5, "总计")
    assert b.rows[2][3:] == (
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    )
    # First data row; &nbsp; cells are blank, never 0.
    assert b.rows[3] == (B_LABEL_NEW,) * 3 + ("821", "35", "", "", "2", "1", "859")
    assert b.rows[4] == ("二、上年结转政府信息公开申请数量",) * 3 + ("18", "", "", "", "", "", "18")
    # 三、本年度办理结果 has rowspan=20: it fills column 0 of rows 5..24.
    assert [row[0] for row in b.rows[5:25]] == [B_LABEL_RESULTS] * 20
    assert b.rows[5] == (
        B_LABEL_RESULTS,
        "（一）予以公开",
        "（一）予以公开",
        "258",
        "12",
        "",
        "",
        "1",
        "1",
        "",
    )
    assert b.rows[7][:4] == (B_LABEL_RESULTS, "（三）不予公开", "1.属于国家秘密", "14")
    assert [row[1] for row in b.rows[7:15]] == ["（三）不予公开"] * 8
    assert b.rows[24] == (
        B_LABEL_RESULTS,
        "（七）总计",
        "（七）总计",
        "767",
        "35",
        "",
        "",
        "2",
        "1",
        "805",
    )
    assert b.rows[25] == ("四、结转下年度继续办理",) * 3 + ("72", "", "", "", "", "", "72")


def test_shanghai_table_c():
    c = load(SHANGHAI).tables[2]
    assert c.rows[0] == ("行政复议",) * 5 + ("行政诉讼",) * 10
    assert c.rows[1][:5] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    assert c.rows[1][5:] == ("未经复议直接起诉",) * 5 + ("复议后起诉",) * 5
    assert c.rows[3] == ("5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", "")


def test_linear_keeps_blank_cells_between_separators():
    doc = load(SHANGHAI)
    line = " ‖ ".join((B_LABEL_NEW,) * 3 + ("821", "35", "", "", "2", "1", "859"))
    assert line in doc.linear().split("\n")


def test_government_page_shell_is_cut_away():
    """The Shanghai report inside a GBK portal page with menus and footer."""
    page = load(SHANGHAI_PAGE)
    fragment = load(SHANGHAI)
    assert page.encoding == "gb18030"  # declared gb2312
    assert page.blocks == fragment.blocks
    for chrome in (
        "首页",
        "当前位置",
        "相关信息",
        "分享到",
        "沪ICP备",
        "字号",
        "pageInfo",
        "document.write",
    ):
        assert chrome not in page.linear()
    assert page.meta == (
        ("title", "2019年上海市人民政府办公厅政府信息公开工作年度报告_上海市人民政府"),
        ("ArticleTitle", "2019年上海市人民政府办公厅政府信息公开工作年度报告"),
        ("PubDate", "2020-01-31 09:30"),
        ("ContentSource", "上海市人民政府办公厅"),
        ("ColumnName", "政府信息公开年报"),
        ("keywords", "年度报告"),
        ("发布时间", "2020-01-31 09:30"),
        ("发布日期", "2020-01-31"),
    )


def test_html_layout_tables_and_word_conditionals():
    page = (
        "<html><body><table><tr><td><table><tr><td>"
        "<p><!--[if !supportLists]--><span>一、</span><!--[endif]-->总体情况</p>"
        "<p><![if !supportLists]>（一）<![endif]>主动公开</p>"
        "<table><tr><td>规章</td><td>13</td></tr></table>"
        "</td></tr></table></td></tr></table></body></html>"
    ).encode()
    doc = load(page)
    assert doc.blocks == (
        Paragraph("一、总体情况"),
        Paragraph("（一）主动公开"),
        Table(rows=(("规章", "13"),)),
    )


# --- DOCX -----------------------------------------------------------------------


def test_docx_file_really_has_merged_cells():
    xml = zipfile.ZipFile(SHANGHAI_DOCX).read("word/document.xml")
    assert xml.count(b"<w:gridSpan") >= 30
    assert xml.count(b"<w:vMerge") >= 30
    assert b"<w:br/>" in xml


def test_docx_reads_like_the_html_it_was_made_from():
    doc = load(SHANGHAI_DOCX)
    html = load(SHANGHAI)
    assert doc.media_type == "docx"
    assert doc.encoding is None
    assert kinds(doc) == kinds(html)
    assert doc.blocks == html.blocks
    b = doc.tables[1]
    assert b.rows[3] == (B_LABEL_NEW,) * 3 + ("821", "35", "", "", "2", "1", "859")
    assert [row[0] for row in b.rows[5:25]] == [B_LABEL_RESULTS] * 20
    assert doc.tables[0].rows[1][1] == "本年新制作数量"


# --- PDF ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huaian():
    return load(HUAIAN_PDF)


def test_pdf_text_lines_and_table_positions(huaian):
    doc = huaian
    assert doc.media_type == "pdf"
    assert doc.blocks[:2] == (
        Paragraph("淮安市人民政府"),
        Paragraph("2024 年政府信息公开工作年度报告"),
    )
    assert [t.page for t in doc.tables] == [3, 4, 4, 5, 5]
    a1, a2, b1, b2, c = doc.tables
    assert paragraph_before(doc, a1) == Paragraph("二、主动公开政府信息情况")
    assert paragraph_before(doc, b1) == Paragraph("三、收到和处理政府信息公开申请情况")
    assert paragraph_before(doc, c) == Paragraph("四、政府信息公开行政复议、行政诉讼情况")
    # The tables split by page breaks follow each other.
    assert doc.blocks.index(a2) == doc.blocks.index(a1) + 1
    assert doc.blocks.index(b2) == doc.blocks.index(b1) + 1
    assert doc.blocks[-1] == Paragraph("办法》，全年收取政府信息公开信息处理费 3940 元。")


def test_pdf_footers_dropped_and_text_matches_pypdf(huaian):
    paragraphs = [b.text for b in huaian.blocks if isinstance(b, Paragraph)]
    assert not [p for p in paragraphs if is_footer(p)]
    assert not any(p.startswith("- ") for p in paragraphs)
    # Every narrative line is a line of the pypdf extraction of the same file.
    pypdf_lines = {line.strip() for line in HUAIAN_PYPDF_TEXT.read_text("utf-8").splitlines()}
    assert len(paragraphs) == 75
    assert [p for p in paragraphs if p not in pypdf_lines] == []
    # A framed text box on page 3 is a 1-column "table" for pdfplumber: kept as text.
    assert "（五）政府信息公开监督保障情况。根据省政务公开年度和" in paragraphs
    # Table cells are not repeated as text.
    assert not any("3119" in p and "3001" in p for p in paragraphs)


def test_pdf_table_cells(huaian):
    a1, a2, b1, b2, c = huaian.tables
    assert a1.rows[1] == ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    assert a1.rows[2] == ("规章", "1", "0", "11")
    assert a1.rows[6] == ("行政许可", "447228", "447228", "447228")
    assert a2.rows[5] == ("行政事业性收费", "96171.6")
    assert (len(b1.rows), len(b1.rows[0])) == (16, 10)
    # Header cells broken mid-word ("商业企\n业") are joined.
    assert b1.rows[2][4:9] == ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
    assert b1.rows[3] == (B_LABEL_NEW,) * 3 + ("3001", "53", "0", "0", "61", "4", "3119")
    # The vertical label printed one character per line.
    assert [row[0] for row in b1.rows[5:]] == [B_LABEL_RESULTS] * 11
    assert b1.rows[15][1:4] == ("（四）无", "1.本机关不掌握相关政府信息", "746")
    assert b2.rows[0] == (
        "",
        "法提供",
        "2.没有现成信息需要另行制作",
        "11",
        "0",
        "0",
        "0",
        "0",
        "0",
        "11",
    )
    assert b2.rows[10] == (
        "",
        "（七）总计",
        "（七）总计",
        "2932",
        "53",
        "0",
        "0",
        "61",
        "4",
        "3050",
    )
    assert c.rows[3] == tuple("72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split())


def test_footer_pattern_on_the_pypdf_text():
    lines = HUAIAN_PYPDF_TEXT.read_text("utf-8").splitlines()
    assert [line for line in lines if is_footer(line)] == [f"- {n} -" for n in range(1, 7)]
    for footer in ("— 5 —", "－5－", "第5页", "第 5 页 共 6 页"):
        assert is_footer(footer)
    for not_footer in ("5", "2019-2020", "第二十条 第（一）项", "- 5 - 6"):
        assert not is_footer(not_footer)


def test_pdf_footer_row_inside_a_table_is_dropped():
    """reader_footer_in_table.pdf: a table split over two pages whose page-1
    footer "- 1 -" sits inside the table frame as a full-width row, and
    whose page-2 footer "- 2 -" is a text line below the table."""
    doc = load(TEST_REPORTS / "reader_footer_in_table.pdf")
    assert doc.blocks == (
        Table(rows=(("Item", "2023", "2024"), ("A", "1", "2")), page=1),
        Table(rows=(("B", "3", "4"), ("Total", "4", "6")), page=2),
    )


def test_docx_text_box_read_once():
    """Word/WPS store a text box twice (DrawingML and a VML fallback)."""
    xml = zipfile.ZipFile(TEST_REPORTS / "reader_textbox.docx").read("word/document.xml")
    period = "本年度报告中所列数据统计期限从2019年1月1日到12月31日止。"
    assert xml.decode().count(period) == 2
    doc = load(TEST_REPORTS / "reader_textbox.docx")
    assert doc.blocks == (
        Paragraph("2019年上海市人民政府办公厅政府信息公开工作年度报告"),
        Paragraph(period),
        Paragraph("一、总体情况"),
    )


def test_nul_padding_after_the_text_is_ignored():
    raw = SEED.read_bytes()
    doc = load(raw + bytes(4096))
    assert doc.encoding == "utf-8"
    assert doc.blocks == load(SEED).blocks


def test_report_table_beside_the_narrative_block_is_kept():
    """A CMS page with the narrative in one block and the statistics in a
    sibling block: the narrative alone holds most of the text, but the
    table is part of the report; the site's own link table is not."""
    body = PINGTAN_2019.read_text("utf-8").split(BODY_MARK_LINE)[1].strip()
    page = (
        "<html><body><div class='nav'><a href='/'>首页</a></div>"
        f"<div class='article'><div class='text'><p>{body}</p></div>"
        "<div class='tables'><table><tr><td>信息内容</td><td>本年新制作数量</td></tr>"
        "<tr><td>规章</td><td>0</td></tr></table></div></div>"
        "<div id='footer'>主办：平潭综合实验区党工委管委会办公室</div>"
        "<table><tr><td>网站地图</td><td>联系我们</td></tr></table></body></html>"
    )
    doc = load(page.encode(), name="pingtan-2019.html")
    assert doc.blocks == (
        Paragraph(body),
        Table(rows=(("信息内容", "本年新制作数量"), ("规章", "0"))),
    )


BODY_MARK_LINE = "==================== 正文 ====================\n"


def test_html_table_caption_is_a_paragraph_before_the_grid():
    page = (
        "<p>三、收到和处理政府信息公开申请情况</p><table><caption>表3 依申请公开情况</caption>"
        "<tr><th>申请人情况</th><th>自然人</th></tr><tr><td>一、本年新收</td><td>821</td></tr>"
        "</table>"
    ).encode()
    assert load(page).blocks == (
        Paragraph("三、收到和处理政府信息公开申请情况"),
        Paragraph("表3 依申请公开情况"),
        Table(rows=(("申请人情况", "自然人"), ("一、本年新收", "821"))),
    )
