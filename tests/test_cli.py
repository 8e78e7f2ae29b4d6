"""The ``nianbao`` command: parse --json contract, ingest exit codes and messages, init.

Real report files from data/reports; bad files are made in tmp_path.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nianbao import models as m
from nianbao.cli import main
from nianbao.db import get_engine
from nianbao.store import expand_paths

pytestmark = pytest.mark.usefixtures("no_database_url")

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
SEED = REPORTS / "seed" / "000_082f890431297067.txt"  # 长春市朝阳区 2016, legacy
PINGTAN_2019 = REPORTS / "pingtan" / "2019-main-001.txt"  # 平潭综合实验区 2019, gov2019

# The example of /work/shared/spec/README.md ("The contract of nianbao parse
# FILE --json"), copied verbatim: the reference for the shape of the output.
CONTRACT_EXAMPLE = """
{
  "report": {
    "title": "长春市朝阳区2016年政府信息公开工作年度报告",
    "issuer": "长春市朝阳区人民政府",
    "region": {"province": "吉林省", "city": "长春市", "county": "朝阳区", "code": "220104"},
    "scope": "government",
    "year": 2016,
    "format": "legacy",
    "published": null
  },
  "facts": [
    {"metric": "legacy.requests.received", "applicant": null, "value": 2, "raw": "2", "unit": "件", "source": "table"},
    {"metric": "requests.received", "applicant": "natural_person", "value": 821, "raw": "821", "unit": "件", "source": "table"}
  ],
  "sections": [{"number": "一", "title": "概述", "text": "2016年我区政府信息公开工作，……"}],
  "checks": [{"rule": "P1", "status": "pass", "detail": "2 = 0 + 0 + 1 + 1"}],
  "warnings": ["row label '(二)被依法纠错九' matched to legacy.litigation.corrected"]
}
"""  # noqa: E501


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- parse ------------------------------------------------------------------------


def _assert_contract_shape(data: dict) -> None:
    reference = json.loads(CONTRACT_EXAMPLE)
    assert list(data) == list(reference)
    assert list(data["report"]) == list(reference["report"])
    assert list(data["report"]["region"]) == list(reference["report"]["region"])
    assert data["report"]["scope"] in ("government", "department", "township", "other")
    assert data["report"]["format"] in ("gov2021", "gov2019", "legacy", "narrative")
    assert data["report"]["published"] is None or len(data["report"]["published"]) == 10
    fact_keys = list(reference["facts"][0])
    for fact in data["facts"]:
        expected = fact_keys + (["evidence"] if fact["source"] == "text" else [])
        assert list(fact) == expected, fact
        assert fact["source"] in ("table", "text")
        assert fact["value"] is None or isinstance(fact["value"], int | float)
        assert not isinstance(fact["value"], bool)
        if fact["unit"] == "万元":  # money is always a float (0.0, 1.5)
            assert fact["value"] is None or isinstance(fact["value"], float), fact
        elif isinstance(fact["value"], float):
            assert not fact["value"].is_integer(), fact  # 3649, never 3649.0
    for section in data["sections"]:
        assert list(section) == list(reference["sections"][0])
    for check in data["checks"]:
        assert list(check)[:3] == list(reference["checks"][0])
        assert check["status"] in ("pass", "fail", "uncertain")
    assert all(isinstance(w, str) for w in data["warnings"])


@pytest.mark.parametrize("path", [SEED, PINGTAN_2019], ids=lambda p: p.name)
def test_parse_json_follows_the_contract(capsys, path: Path) -> None:
    code, out, err = run(capsys, "parse", str(path), "--json")
    assert code == 0, err
    assert "\\u" not in out  # Chinese printed as itself (ensure_ascii=False)
    data = json.loads(out)
    _assert_contract_shape(data)
    assert data["facts"], "a report with tables yields facts"


def test_parse_json_on_the_seed(capsys) -> None:
    code, out, _err = run(capsys, "parse", str(SEED), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["report"]["year"] == 2016
    assert data["report"]["format"] == "legacy"
    assert data["report"]["region"]["county"] == "朝阳区"
    facts = {(f["metric"], f["applicant"], f["source"]): f for f in data["facts"]}
    total = facts["legacy.proactive.total", None, "table"]
    assert (total["value"], total["raw"]) == (3649, "3649")
    assert '"value": 3649,' in out.replace("\n", "").replace("  ", "")
    extended = facts["legacy.requests.extended", None, "table"]  # the blank cell
    assert (extended["value"], extended["raw"]) == (None, "")


def test_parse_options_and_sidecar_override_metadata(capsys, tmp_path: Path) -> None:
    copy = tmp_path / "report.txt"
    shutil.copyfile(PINGTAN_2019, copy)
    (tmp_path / "report.txt.meta.json").write_text(
        json.dumps({"issuer": "平潭综合实验区管委会", "published": "2020-01-21"}),
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "parse", str(copy), "--json", "--published", "2020-02-02", "--scope", "other"
    )
    assert code == 0, err
    report = json.loads(out)["report"]
    assert report["issuer"] == "平潭综合实验区管委会"  # from the sidecar
    assert report["published"] == "2020-02-02"  # the option wins
    assert report["scope"] == "other"


def test_parse_without_json_prints_a_summary(capsys) -> None:
    code, out, _err = run(capsys, "parse", str(PINGTAN_2019))
    assert code == 0
    assert out.startswith("title:     平潭综合实验区")
    assert "format: gov2019" in out
    assert "{" not in out.splitlines()[0]


def test_parse_empty_file_is_one_line_on_stderr(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "parse", str(empty), "--json")
    assert (code, out) == (1, "")
    assert err == f"{empty}：文件是空的（0 字节）（请检查下载或导出是否完成）\n"


def test_parse_missing_file(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "parse", str(tmp_path / "nope.pdf"), "--json")
    assert (code, out) == (1, "")
    assert err == f"{tmp_path / 'nope.pdf'}：找不到文件（请检查路径）\n"


def test_parse_a_document_that_is_not_a_report(capsys, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("关于召开2024年春季运动会的通知\n各单位：定于4月1日召开运动会。\n", "utf-8")
    code, out, err = run(capsys, "parse", str(notice), "--json")
    assert (code, out) == (1, "")
    assert err.startswith(f"{notice}：不是政府信息公开工作年度报告")
    assert err.count("\n") == 1


def test_parse_bad_sidecar(capsys, tmp_path: Path) -> None:
    copy = tmp_path / "r.txt"
    shutil.copyfile(SEED, copy)
    meta = tmp_path / "fix.json"
    meta.write_text('{"year": "去年"}', encoding="utf-8")
    code, out, err = run(capsys, "parse", str(copy), "--meta", str(meta))
    assert (code, out) == (1, "")
    assert err == f"{meta}：year 应为四位数年份，而不是 '去年'（例如 \"year\": 2019）\n"


def test_parse_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["parse", str(SEED), "--year", "16"])
    assert exit_.value.code == 2
    assert "not a 4-digit year: '16'" in capsys.readouterr().err


def test_python_m_nianbao_exit_code(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"   \n")
    done = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", str(empty), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip().endswith("文件是空的（只有空白）（请检查下载或导出是否完成）")


# --- ingest / init -----------------------------------------------------------------


def _bad_files(folder: Path) -> tuple[Path, Path]:
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    garbage = folder / "garbage.pdf"
    garbage.write_bytes(bytes(range(256)) * 8)  # not a PDF at all
    return empty, garbage


def _reports(url: str) -> list[tuple[str, int, int, bool]]:
    with Session(get_engine(url)) as s:
        rows = s.execute(
            select(m.Report.issuer_key, m.Report.year, m.Report.version, m.Report.is_current)
        ).all()
    return sorted(tuple(r) for r in rows)


def test_ingest_folder_with_bad_files(capsys, tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(SEED, folder / "seed.txt")
    shutil.copyfile(PINGTAN_2019, folder / "sub" / "pingtan.txt")
    (folder / "manifest.csv").write_text("file,notes\n", encoding="utf-8")
    empty, garbage = _bad_files(folder)
    code, out, err = run(capsys, "ingest", str(folder), "--db", db_url, "--no-progress")
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0] == "已解析 2 份，其中重复 0 份、新版本 0 份；失败 2 份"
    assert lines[1] == f"{empty}：文件是空的（0 字节）（请检查下载或导出是否完成）"
    assert lines[2].startswith(f"{garbage}：")
    assert len(lines) == 3
    assert "Traceback" not in out + err
    stored = _reports(db_url)
    assert sorted((year, version, current) for _key, year, version, current in stored) == [
        (2016, 1, True),
        (2019, 1, True),
    ]
    with Session(get_engine(db_url)) as s:
        assert s.scalar(select(func.count()).select_from(m.Fact)) > 0
        assert s.scalar(select(func.count()).select_from(m.Section)) > 0

    # Again: the stored files are duplicates; nothing new is written.
    code, out, _err = run(capsys, "ingest", str(folder), "--db", db_url, "--no-progress")
    assert code == 1
    assert out.splitlines()[0] == "已解析 2 份，其中重复 2 份、新版本 0 份；失败 2 份"
    assert _reports(db_url) == stored


def test_ingest_in_parallel_with_small_batches(capsys, tmp_path: Path, sqlite_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # 60 files: enough for the process pool (25 files per worker).
    files = sorted((SEED.parent.parent / "pingtan").glob("202*.txt"))[:60]
    for f in files:
        shutil.copyfile(f, folder / f.name)
    empty, garbage = _bad_files(folder)
    args = ["--workers", "2", "--batch-size", "3", "--no-progress"]
    code, out, err = run(capsys, "ingest", str(folder), "--db", sqlite_url, *args)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0] == f"已解析 {len(files)} 份，其中重复 0 份、新版本 0 份；失败 2 份"
    # Failures listed by file name, whichever worker finished first.
    assert lines[1].startswith(f"{empty}：") and lines[2].startswith(f"{garbage}：")
    assert len(_reports(sqlite_url)) == len(files)
    with pytest.raises(SystemExit) as usage:
        main(["ingest", str(folder), "--workers", "0"])
    assert usage.value.code == 2


def test_ingest_republication_is_a_new_version(capsys, tmp_path: Path, sqlite_url: str) -> None:
    first = tmp_path / "2019.txt"
    shutil.copyfile(PINGTAN_2019, first)
    corrected = tmp_path / "2019-corrected.txt"
    corrected.write_bytes(PINGTAN_2019.read_bytes() + "\n（更正）\n".encode())
    code, _out, err = run(capsys, "ingest", str(first), "--db", sqlite_url)
    assert code == 0
    assert "0/1" in err  # the progress bar (on stderr) starts at 0 of 1 file
    code, out, _err = run(capsys, "ingest", str(corrected), "--db", sqlite_url, "--no-progress")
    assert code == 0
    assert out == "已解析 1 份，其中重复 0 份、新版本 1 份；失败 0 份\n"
    assert [(v, cur) for _k, _y, v, cur in _reports(sqlite_url)] == [(1, False), (2, True)]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ingest_without_a_database_server_exits_2(capsys) -> None:
    url = f"postgresql://nianbao:secret@127.0.0.1:{_closed_port()}/nianbao"
    code, out, err = run(capsys, "ingest", str(SEED), "--db", url, "--no-progress")
    assert (code, out) == (2, "")
    assert err.startswith("error: cannot connect to postgresql+psycopg://nianbao:***@127.0.0.1:")
    assert "is the server running" in err and "DATABASE_URL" in err
    assert "secret" not in err
    assert err.count("\n") == 1


def test_ingest_into_an_impossible_sqlite_path_exits_2(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run(capsys, "ingest", str(SEED), "--db", f"sqlite:///{blocker}/n.db")
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot create the folder {blocker} for the SQLite database (File exists) "
        "(choose another path with --db sqlite:///PATH or DATABASE_URL)\n"
    )


def test_ingest_a_bad_url_exits_2(capsys) -> None:
    code, _out, err = run(capsys, "ingest", str(SEED), "--db", "not a url")
    assert code == 2
    assert err.startswith("error: not a database URL: 'not a url'")


def test_ingest_missing_path_is_a_failure(capsys, tmp_path: Path, sqlite_url: str) -> None:
    code, out, _err = run(
        capsys, "ingest", str(tmp_path / "nope"), "--db", sqlite_url, "--no-progress"
    )
    assert code == 1
    assert out.splitlines() == [
        "已解析 0 份，其中重复 0 份、新版本 0 份；失败 1 份",
        f"{tmp_path / 'nope'}：找不到文件（请检查路径）",
    ]


def test_init_fills_the_database_once(capsys, sqlite_url: str) -> None:
    code, out, err = run(capsys, "init", "--db", sqlite_url, "--no-progress")
    # Every bundled report is stored. The one new version is 淮安市人民政府 2024:
    # other/2024-huaian-szfgs2024.pdf is the original of other/2024-001.txt (its
    # extracted text), so the same issuer and year with other bytes.
    n_files = len(expand_paths([REPORTS])[0])
    assert n_files == 219
    assert (code, out) == (0, f"已解析 {n_files} 份，其中重复 0 份、新版本 1 份；失败 0 份\n"), err
    n = len(_reports(sqlite_url))
    assert n == n_files
    code, out, _err = run(capsys, "init", "--db", sqlite_url)
    assert code == 0
    assert out.strip().endswith(f"already holds {n} reports")


def test_evaluate_stores_results_then_is_a_no_op(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ev.db'}"
    reports = Path(__file__).resolve().parent.parent / "data" / "reports" / "pingtan"
    files = [str(reports / n) for n in ("2022-jjf-056.txt", "2023-jjf-057.txt")]
    assert main(["ingest", *files, "--db", url, "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["evaluate", "--db", url]) == 0
    first = capsys.readouterr().out
    assert first.startswith("evaluated 2 reports")
    assert main(["evaluate", "--db", url]) == 0
    assert "nothing to do" in capsys.readouterr().out
    with Session(get_engine(url)) as s:
        from nianbao.models_eval import EvaluationResult

        t1 = s.scalars(
            select(EvaluationResult).where(
                EvaluationResult.rule == "T1", EvaluationResult.status == "fail"
            )
        ).all()
    # 2023-jjf-057 says 共收到政府信息公开申请0条 while its table receives 3.
    assert t1
