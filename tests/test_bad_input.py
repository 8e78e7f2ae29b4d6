"""Bad input: every case is one LoaderError line naming the file, the problem and what to do."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from loaders.errors import LoaderError
from loaders.model import Paragraph
from loaders.readers import MAX_BYTES, load

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "reports"
SHANGHAI = ROOT / "data" / "reports" / "other" / "2019-002.html"

FORMATS = "give the report as .txt, .html, .docx or .pdf"
UNFINISHED = "check that the download or export finished"


def message(source: str | Path | bytes, **kw: str) -> str:
    with pytest.raises(LoaderError) as err:
        load(source, **kw)
    return str(err.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_empty.txt", f"empty file (0 bytes) ({UNFINISHED})"),
        # spaces, tabs, CR/LF and U+3000 ideographic spaces
        ("bad_whitespace.txt", f"empty file (only whitespace) ({UNFINISHED})"),
        ("bad_random.bin", f"binary data, not a text report ({FORMATS})"),
        ("bad_image.png", f"a PNG image, not a report document (OCR it first, or {FORMATS})"),
        ("bad_program.exe", f"an executable program, not a report document ({FORMATS})"),
        (
            "bad_old_word.doc",
            "an old binary Office file (.doc/.wps/.xls), not a report document "
            "(re-save it as .docx from Word/WPS)",
        ),
        (
            "bad_mixed_encoding.txt",
            "cannot decode the text as UTF-8, GB18030 or another known encoding "
            "(re-save as UTF-8 or GB18030)",
        ),
        (
            "bad_notext.html",
            "no text in the HTML page "
            "(save the complete page, not only its frame or a script-rendered shell)",
        ),
        (
            "bad_text_named.docx",
            "not a valid .docx (not a zip archive; re-save from Word/WPS)",
        ),
        (
            "bad_zip_not_word.docx",
            "not a valid .docx (a zip archive without word/document.xml; re-save from Word/WPS)",
        ),
        (
            "bad_scanned.pdf",
            "no text layer, probably a scanned PDF (OCR it first, e.g. with ocrmypdf)",
        ),
        (
            "bad_page_numbers_only.pdf",
            "no text layer, probably a scanned PDF (OCR it first, e.g. with ocrmypdf)",
        ),
        (
            "bad_encrypted.pdf",
            "encrypted PDF (password protected) "
            "(remove the password, e.g. with qpdf --decrypt, and load it again)",
        ),
        (
            "bad_unmapped_font.pdf",
            "the text layer cannot be decoded (fonts without a Unicode map give (cid:N)) "
            "(OCR it, e.g. with ocrmypdf --force-ocr, or export the PDF again)",
        ),
        (
            "bad_corrupt.pdf",
            "corrupt or unreadable PDF (PDFSyntaxError) (re-export or re-download the PDF)",
        ),
    ],
)
def test_bad_file(name, expected):
    path = BAD / name
    assert message(path) == f"{path}: {expected}"


def test_messages_are_one_line():
    for path in sorted(BAD.glob("bad_*")):
        if path.name == "bad_truncated.html":
            continue
        assert "\n" not in message(path), path


def test_bytes_input_is_named_in_the_message():
    assert message(b"") == f"<bytes>: empty file (0 bytes) ({UNFINISHED})"
    assert (
        message(b" \r\n\t ", name="上传.txt")
        == f"上传.txt: empty file (only whitespace) ({UNFINISHED})"
    )
    # A name ending in .pdf sends text to the PDF reader, which says why it refuses.
    assert (
        message("政府信息公开工作年度报告\n".encode(), name="report.pdf")
        == "report.pdf: not a valid PDF (no %PDF header) (re-export or re-download it)"
    )


def test_utf16_text_without_bom_that_cannot_be_decoded():
    # A UTF-16 report (no BOM) with a broken surrogate in the middle: no
    # decoder takes it; the NUL pattern tells the user what it is.
    text = (ROOT / "data" / "reports" / "pingtan" / "2013-main-007.txt").read_text("utf-8")
    raw = text[:300].encode("utf-16-le") + b"\x00\xd8A\x00" + text[300:].encode("utf-16-le")
    assert message(raw) == (
        "<bytes>: cannot decode the text: it looks like UTF-16 without a byte-order mark "
        "(re-save as UTF-8 or GB18030)"
    )


def test_missing_file_and_folder(tmp_path):
    missing = tmp_path / "nope.txt"
    assert message(missing) == f"{missing}: file not found (check the path)"
    assert (
        message(tmp_path)
        == f"{tmp_path}: is a folder, not a file (give the path of one report file)"
    )


def test_file_over_50_mb_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: no 60 MB written to disk
    start = time.perf_counter()
    assert message(big) == (
        f"{big}: file too large (60.0 MB; the limit is 50 MB) "
        "(split it or extract the report pages first)"
    )
    assert time.perf_counter() - start < 0.5


def test_bytes_over_50_mb_are_refused():
    assert MAX_BYTES == 50 * 1024 * 1024
    data = bytes(MAX_BYTES + 1)
    assert message(data, name="x.txt") == (
        "x.txt: file too large (50.1 MB; the limit is 50 MB) "
        "(split it or extract the report pages first)"
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
        "a.html: no text in the HTML page "
        "(save the complete page, not only its frame or a script-rendered shell)"
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
        "2019年报.docx: a password-protected Office file "
        "(open it in Word/WPS, remove the password and save it as .docx)"
    )


def test_frameset_page_has_no_text_of_its_own():
    page = (
        "<html><head><title>2019年政府信息公开工作年度报告</title></head>"
        "<frameset rows='80,*'><frame src='top.html'><frame src='nb2019.html'></frameset></html>"
    )
    assert message(page.encode(), name="index.html") == (
        "index.html: no text in the HTML page "
        "(save the complete page, not only its frame or a script-rendered shell)"
    )
