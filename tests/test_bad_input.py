"""Bad input: every case is one LoaderError line, in Chinese, naming the file, the problem
and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.errors import LoaderError
from loaders.model import Paragraph
from loaders.readers import MAX_BYTES, load

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "reports"
SHANGHAI = ROOT / "data" / "reports" / "other" / "2019-002.html"

FORMATS = "请改用 .txt、.html、.docx 或 .pdf 格式的报告"
OCR = "请先做文字识别（OCR），或改用 .txt、.html、.docx 或 .pdf 格式的报告"
UNFINISHED = "请检查下载或导出是否完成"


def message(source: str | Path | bytes, **kw: str) -> str:
    with pytest.raises(LoaderError) as err:
        load(source, **kw)
    return str(err.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_empty.txt", f"文件是空的（0 字节）（{UNFINISHED}）"),
        # spaces, tabs, CR/LF and U+3000 ideographic spaces
        ("bad_whitespace.txt", f"文件是空的（只有空白）（{UNFINISHED}）"),
        ("bad_random.bin", f"这是二进制数据，不是文本报告（{FORMATS}）"),
        ("bad_image.png", f"这是PNG 图片，不是报告文档（{OCR}）"),
        ("bad_program.exe", f"这是可执行程序，不是报告文档（{FORMATS}）"),
        (
            "bad_old_word.doc",
            "这是旧版二进制 Office 文件（.doc/.wps/.xls），不是报告文档"
            "（请用 Word/WPS 另存为 .docx）",
        ),
        (
            "bad_mixed_encoding.txt",
            "无法按 UTF-8、GB18030 或其他已知编码识别文本（请另存为 UTF-8 或 GB18030 编码）",
        ),
        (
            "bad_notext.html",
            "网页中没有文字（请保存完整的网页，而不只是框架页或由脚本生成的空壳页面）",
        ),
        ("bad_text_named.docx", "不是有效的 .docx 文件（不是 zip 压缩包；请用 Word/WPS 重新保存）"),
        (
            "bad_zip_not_word.docx",
            "不是有效的 .docx 文件（压缩包中没有 word/document.xml；请用 Word/WPS 重新保存）",
        ),
        (
            "bad_scanned.pdf",
            "没有文字层，可能是扫描版 PDF（请先做文字识别（OCR），例如用 ocrmypdf）",
        ),
        (
            "bad_page_numbers_only.pdf",
            "没有文字层，可能是扫描版 PDF（请先做文字识别（OCR），例如用 ocrmypdf）",
        ),
        (
            "bad_encrypted.pdf",
            "PDF 已加密（有密码保护）（请先去掉密码（例如用 qpdf --decrypt）再导入）",
        ),
        (
            "bad_unmapped_font.pdf",
            "PDF 的文字层无法解码（字体缺少 Unicode 映射，文字显示为 (cid:N)）"
            "（请做文字识别（OCR），例如用 ocrmypdf --force-ocr，或重新导出 PDF）",
        ),
        (
            "bad_corrupt.pdf",
            "PDF 文件损坏或无法读取（PDFSyntaxError）（请重新导出或重新下载该 PDF）",
        ),
    ],
)
def test_bad_file(name, expected):
    path = BAD / name
    assert message(path) == f"{path}：{expected}"


def test_messages_are_one_line():
    for path in sorted(BAD.glob("bad_*")):
        if path.name == "bad_truncated.html":
            continue
        assert "\n" not in message(path), path


def test_bytes_input_is_named_in_the_message():
    assert message(b"") == f"<bytes>：文件是空的（0 字节）（{UNFINISHED}）"
    assert (
        message(b" \r\n\t ", name="上传.txt") == f"上传.txt：文件是空的（只有空白）（{UNFINISHED}）"
    )
    # A name ending in .pdf sends text to the PDF reader, which says why it refuses.
    assert (
        message("政府信息公开工作年度报告\n".encode(), name="report.pdf")
        == "report.pdf：不是有效的 PDF（缺少 %PDF 文件头）（请重新导出或重新下载）"
    )


def test_utf16_text_without_bom_that_cannot_be_decoded():
    # A UTF-16 report (no BOM) with a broken surrogate in the middle: no
    # decoder takes it; the NUL pattern tells the user what it is.
    text = (ROOT / "data" / "reports" / "pingtan" / "2013-main-007.txt").read_text("utf-8")
    raw = text[:300].encode("utf-16-le") + b"\x00\xd8A\x00" + text[300:].encode("utf-16-le")
    assert message(raw) == (
        "<bytes>：无法识别文本编码：看起来是没有字节顺序标记（BOM）的 UTF-16"
        "（请另存为 UTF-8 或 GB18030 编码）"
    )


def test_missing_file_and_folder(tmp_path):
    missing = tmp_path / "nope.txt"
    assert message(missing) == f"{missing}：找不到文件（请检查路径）"
    assert message(tmp_path) == f"{tmp_path}：这是文件夹，不是文件（请给出单个报告文件的路径）"


def test_file_over_50_mb_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: no 60 MB written to disk
    assert message(big) == (
        f"{big}：文件过大（60.0 MB，上限为 50 MB）（请拆分文件，或只保留报告所在的页）"
    )


def test_bytes_over_50_mb_are_refused():
    assert MAX_BYTES == 50 * 1024 * 1024
    data = bytes(MAX_BYTES + 1)
    assert message(data, name="x.txt") == (
        "x.txt：文件过大（50.1 MB，上限为 50 MB）（请拆分文件，或只保留报告所在的页）"
    )


def test_truncated_html_gives_what_is_there():
    """Cut inside table B, in the middle of a character: no error."""
    doc = load(BAD / "bad_truncated.html")
    full = load(SHANGHAI)
    assert doc.meta == (("发布日期", "2020-01-31"),)
    assert doc.blocks[:29] == full.blocks[:29]  # paragraphs, table A, the text before B
    assert len(doc.tables) == 2
    b = doc.tables[1]
    assert b.rows[:14] == full.tables[1].rows[:14]
    # The last row stops where the file does ("8.属…" cut inside 属).
    assert b.rows[14] == ("三、本年度办理结果", "（三）不予公开", "8.") + ("",) * 7
    assert len(b.rows) == 15


def test_html_with_only_whitespace_and_tags():
    assert message(b"<html><body><p>&nbsp;</p><div> </div></body></html>", name="a.html") == (
        "a.html：网页中没有文字（请保存完整的网页，而不只是框架页或由脚本生成的空壳页面）"
    )


def test_truncated_text_keeps_what_is_there():
    # A UTF-8 file cut inside its last character loses that character only.
    raw = "政府信息公开\n年度报告".encode()[:-1]
    assert load(raw).blocks == (Paragraph("政府信息公开"), Paragraph("年度报"))


def test_password_protected_docx():
    # Word and WPS store a protected .docx as an OLE file with an
    # "EncryptedPackage" stream; the directory entry names it in UTF-16.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)
    raw = ole + "EncryptedPackage".encode("utf-16-le") + bytes(1024)
    assert message(raw, name="2019年报.docx") == (
        "2019年报.docx：这是有密码保护的 Office 文件"
        "（请在 Word/WPS 中打开，去掉密码后另存为 .docx）"
    )


def test_frameset_page_has_no_text_of_its_own():
    page = (
        "<html><head><title>2019年政府信息公开工作年度报告</title></head>"
        "<frameset rows='80,*'><frame src='top.html'><frame src='nb2019.html'></frameset></html>"
    )
    assert message(page.encode(), name="index.html") == (
        "index.html：网页中没有文字（请保存完整的网页，而不只是框架页或由脚本生成的空壳页面）"
    )
