"""A project whose names are all Traditional speaks Traditional Chinese in every command, chosen by itself.

The demo with every name converted to Traditional characters (OpenCC ``s2t``, as a Taiwanese or Hong Kong
office's files are written), and no language given: ``geo build`` chooses zh-Hant (`choose_language`), and so
must every other command, in its files and on the terminal. Checked by words whose two forms differ:
社区 / 社區, 问题 / 問題, 责任人 / 責任人, 通报 / 通報, 写入 / 寫入, 数据 / 數據.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import opencc
import pytest
from docx import Document
from openpyxl import load_workbook
from test_printable import pdf_text

from conftest import ROOT
from geo.cli import main
from geo.config import load_config
from geo.messages import msg
from geo.pipeline import check
from geo.progress import TerminalProgress

SIMPLIFIED = ("社区", "问题", "责任人", "通报", "写入", "数据", "图例")


def traditional_demo(folder: Path) -> Path:
    """The demo, its snapshots too, with every text converted to Traditional characters."""
    convert = opencc.OpenCC("s2t").convert
    for path in sorted((ROOT / "layers").rglob("*")):
        target = folder / path.relative_to(ROOT / "layers")
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix in (".csv", ".geojson", ".json"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(convert(path.read_text(encoding="utf-8-sig")), encoding="utf-8")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return folder


def run(*argv: str) -> tuple[int, str]:
    """Run a command in-process; its exit code and all it printed (stdout and stderr)."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(list(argv))
    return code, said.getvalue()


def assert_traditional(text: str, *words: str) -> None:
    """`text` has each of `words` (Traditional) and none of the Simplified forms of geo's own words."""
    for word in words:
        assert word in text, word
    assert [w for w in SIMPLIFIED if w in text] == []


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return traditional_demo(tmp_path_factory.mktemp("hant") / "台北")


def test_the_build_chooses_traditional_by_itself(project, tmp_path):
    code, said = run("build", str(project), "--out", str(tmp_path / "maps"))
    assert code == 0
    assert check(project, load_config(project)).lang == "zh-Hant"
    assert_traditional(said, "寫入", "個")
    for page in ("index.html", "overview.html", "gaps.html", "leaders/C01.html"):  # the glyphs a browser picks
        assert '<html lang="zh-Hant">' in (tmp_path / "maps" / page).read_text(encoding="utf-8")[:200], page


def test_bulletin_speaks_traditional_in_its_document_and_on_the_terminal(project, tmp_path):
    code, said = run("bulletin", str(project), "--out", str(tmp_path))
    assert code == 0
    assert_traditional(said, "已寫入通報")
    [docx] = (tmp_path / "reports").glob("*.docx")
    assert docx.name == "通報_2022-05-14.docx"
    document = Document(str(docx))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert_traditional(text, "通報", "社區", "問題", "責任人", "總體情況")
    page = (tmp_path / "reports" / "bulletin.html").read_text(encoding="utf-8")
    assert 'lang="zh-Hant"' in page
    assert_traditional(page, "通報", "社區")


def test_share_speaks_traditional_in_the_pack_and_on_the_terminal(project, tmp_path):
    code, said = run("share", str(project), "--out", str(tmp_path), "--leader", "C01")
    assert code == 0
    assert_traditional(said, "已寫入 1 個分享包")
    with zipfile.ZipFile(tmp_path / "share" / "C01.zip") as pack:
        names = pack.namelist()
        assert [n.split("_", 1)[1] for n in names] == ["責任地圖.html", "打印版.pdf", "任務清單.xlsx"]
        book = load_workbook(io.BytesIO(pack.read(names[2])))
        page = pdf_text(pack.read(names[1]))
        html = pack.read(names[0]).decode("utf-8")
    headers = [[c.value for c in sheet[1]] for sheet in book.worksheets]
    assert [s.title for s in book.worksheets] == ["包保道路與路段", "包保社區", "未整改問題"]
    assert headers[1][0] == "社區" and headers[2][-1] == "所在社區"
    assert_traditional(" ".join(str(h) for row in headers for h in row))
    assert_traditional(page, "圖例", "社區")
    assert 'lang="zh-Hant"' in html and "圖例" in html


def test_print_speaks_traditional_on_the_page_and_on_the_terminal(project, tmp_path):
    code, said = run("print", str(project), "--out", str(tmp_path), "--leader", "C01")
    assert code == 0
    assert_traditional(said, "寫入")
    page = pdf_text((tmp_path / "print" / "leaders" / "C01.pdf").read_bytes())
    assert_traditional(page, "圖例", "社區", "未整改問題")


def test_check_validate_and_snapshot_speak_traditional_on_the_terminal(project, tmp_path):
    code, said = run("check", str(project), "--out", str(tmp_path))
    assert code == 1  # the demo's gaps
    assert_traditional(said, "報表已寫入", "社區")
    code, said = run("validate", str(project))
    assert code == 0
    assert_traditional(said, "數據有效")
    copy = traditional_demo(tmp_path / "copy")
    code, said = run("snapshot", str(copy), "--today", "2022-05-20")
    assert code == 0
    assert said.strip() == msg("cli.snapshot_written", folder=str(copy / "history" / "2022-05-20")).text("zh-Hant")


def test_a_language_given_wins(project, tmp_path):
    code, said = run("bulletin", str(project), "--out", str(tmp_path), "--lang", "zh")
    assert code == 0 and "已写入通报" in said


def test_errors_in_a_traditional_project_are_said_in_traditional(project, tmp_path):
    broken = traditional_demo(tmp_path / "broken")
    with (broken / "assignments.csv").open("a", encoding="utf-8") as f:
        f.write("X99,road,北京路,,,\n")
    code, said = run("validate", str(broken), "--out", str(tmp_path / "ledger"))
    assert code == 2
    assert_traditional(said, "責任人名單中沒有這個編號或姓名")
    ledger = (tmp_path / "ledger" / "ledger.csv").read_text(encoding="utf-8-sig")
    assert_traditional(ledger, "責任人名單")


def test_the_progress_line_turns_traditional_when_the_language_is_chosen(project):
    stream = io.StringIO()
    progress = TerminalProgress("zh", stream=stream)
    check(project, load_config(project), progress)
    progress.close()
    assert progress.lang == "zh-Hant"
    assert "查找空白" in stream.getvalue() and "檢查" in stream.getvalue()  # the last stage, said after the choice
