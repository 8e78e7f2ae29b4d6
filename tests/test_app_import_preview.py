"""导入: the preview says, before anything is written, what 保存 would do (QA 9).

Run on the shared dashboard test database, which holds the real report
pingtan/2023-main-017.txt (平潭综合实验区 2023, version 1). The test that
saves works on a database of its own.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from nianbao.models import Report
from tests.dashboard_db import REPORTS, ROOT, build_db

TIMEOUT = 60
FILE = REPORTS / "pingtan" / "2023-main-017.txt"
DATA = FILE.read_bytes()
# A corrected re-publication: the same report with one more line at the end.
CORRECTED = DATA + "\n（本报告于次年更正）\n".encode()
CORRECTED_AGAIN = DATA + "\n（本报告再次更正）\n".encode()


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    db = build_db()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", db)
        yield db


def _stored_id(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with Session(engine) as s:
        row = s.execute(
            select(Report.id, Report.version).where(Report.source.like("%2023-main-017.txt"))
        ).one()
    engine.dispose()
    return int(row.id), int(row.version)


def _upload(*files: tuple[str, bytes]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "import.py"), default_timeout=TIMEOUT)
    at.run()
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _status(at: AppTest) -> dict[str, str]:
    summary = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    return dict(zip(summary["文件"], summary["状态"], strict=True))


def _save_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.label.startswith("保存")]


def test_a_stored_file_is_recognised_and_not_offered_for_saving(url: str) -> None:
    report_id, _ = _stored_id(url)
    at = _upload(("2023-main-017.txt", DATA))
    assert _status(at) == {"2023-main-017.txt": f"已入库（编号 {report_id}），不会重复保存"}
    assert _save_buttons(at) == []
    assert [html.unescape(i.value) for i in at.info] == ["这些文件都已入库，没有需要保存的报告。"]


def test_a_corrected_copy_says_it_will_replace_version_1(url: str) -> None:
    _, version = _stored_id(url)
    assert version == 1
    at = _upload(("2023-main-017-更正.txt", CORRECTED), ("2023-main-017.txt", DATA))
    status = _status(at)
    assert status["2023-main-017-更正.txt"] == "将替换现有的 2023 年报告（第 1 版），旧版本保留"
    assert status["2023-main-017.txt"].startswith("已入库（编号 ")
    assert _save_buttons(at) == ["保存 1 份报告"]


def test_two_files_for_one_body_and_year_are_a_conflict_the_user_settles(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database of its own holding the same report (the shared one stays read-only).
    from nianbao.store import ingest_paths

    copy_url = f"sqlite:///{tmp_path / 'own.db'}"
    assert not ingest_paths([FILE], url=copy_url, progress=False).failures
    monkeypatch.setenv("DATABASE_URL", copy_url)

    at = _upload(("a.txt", CORRECTED), ("b.txt", CORRECTED_AGAIN))
    status = _status(at)
    assert status["a.txt"] == "冲突：与 b.txt 同为 平潭综合实验区 2023 年的报告，请选择保存哪一个"
    assert status["b.txt"].startswith("冲突：与 a.txt 同为 平潭综合实验区 2023 年")
    warnings = [html.unescape(w.value) for w in at.warning]
    assert any("平潭综合实验区 2023 年有 2 个文件" in w for w in warnings)
    assert _save_buttons(at) == []  # nothing is saved until the user chooses
    assert [html.unescape(i.value) for i in at.info] == ["请先在上面选择要保存的文件。"]

    at.radio[0].set_value("b.txt").run()
    assert not at.exception
    assert _save_buttons(at) == ["保存 1 份报告"]
    at.button(key="save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = [html.unescape(s.value) for s in at.success]
    assert len(saved) == 1 and saved[0].startswith("b.txt：已保存为第 2 版")

    engine = create_engine(copy_url)
    with Session(engine) as s:
        versions = s.execute(
            select(Report.version, Report.is_current, Report.original)
            .where(Report.issuer_key == "平潭综合实验区", Report.year == 2023)
            .order_by(Report.version)
        ).all()
    engine.dispose()
    assert [(v, c) for v, c, _ in versions] == [(1, False), (2, True)]
    assert versions[1].original == CORRECTED_AGAIN  # a.txt was not saved

    # Afterwards the preview says so: b.txt is stored, a.txt would replace version 2.
    at.run()
    status = _status(at)
    assert status["b.txt"].startswith("已入库（编号 ")
    assert status["a.txt"] == "将替换现有的 2023 年报告（第 2 版），旧版本保留"
