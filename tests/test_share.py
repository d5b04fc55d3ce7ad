"""The share pack: one zip per leader with their map, printable page and task list, nothing of anyone else's."""

from __future__ import annotations

import io
import shutil
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_printable import pdf_text

import geo.printable
from conftest import ROOT
from geo.cli import main


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("share")
    prepared = []
    prepare = geo.printable.prepare

    def counted(*args, **kwargs):  # the pages' preparation: the font found and cut, the layers shaped
        prepared.append(1)
        return prepare(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(geo.printable, "prepare", counted)
        argv = ["share", str(ROOT / "layers"), "--out", str(out / "a"), "--leader", "D03", "--leader", "周红林", "-q"]
        assert main(argv) == 0
    assert prepared == [1]  # once for both leaders' pages
    assert main(["share", str(ROOT / "layers"), "--out", str(out / "b"), "--leader", "D03", "-q"]) == 0
    return out


def _rows(book, sheet: int) -> list[list]:
    return [[c.value for c in row] for row in book.worksheets[sheet].iter_rows(min_row=2)]


def test_a_pack_holds_the_leaders_map_page_and_tasks_and_nothing_else(packs):
    assert sorted(p.name for p in (packs / "a" / "share").iterdir()) == ["C01.zip", "D03.zip"]  # 周红林 is C01
    with zipfile.ZipFile(packs / "a" / "share" / "D03.zip") as pack:
        names = pack.namelist()
        assert names == ["黄刚_责任地图.html", "黄刚_打印版.pdf", "黄刚_任务清单.xlsx"]
        book = load_workbook(io.BytesIO(pack.read(names[2])))
        html = pack.read(names[0]).decode("utf-8")
        blobs = {n: pack.read(n) for n in names}
    # the task list: exactly D03's sections and communities, worked out from the demo's own tables
    assignments = pd.read_csv(
        ROOT / "layers" / "assignments.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    mine = assignments[assignments["leader"] == "D03"]
    sections = mine[mine["kind"] == "section"]
    roads = _rows(book, 0)
    assert [(r[0], r[2], r[3]) for r in roads] == list(zip(sections["target"], sections["from"], sections["to"]))
    assert all(isinstance(r[4], int) and r[4] > 0 for r in roads)
    assert sorted(r[1] for r in _rows(book, 1)) == sorted(mine[mine["kind"] == "community"]["target"])
    # no phone number anywhere: not in the map, the page (its bytes, or the text it shows) or any cell
    phones = pd.read_csv(ROOT / "layers" / "leaders.csv", dtype=str, encoding="utf-8-sig")["phone"].dropna()
    assert len(phones) > 10
    cells = " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    page = pdf_text(blobs[names[1]])  # the PDF's text is glyph codes: decoded through the font's ToUnicode map
    assert "黄刚" in html and "黄刚" in page and "包保社区" in page  # the decoding reads the page
    assert "数据：layers" in page  # the source line names the project folder, as geo print's does
    for phone in phones:
        assert phone not in html and phone not in cells and phone not in page
        assert phone.encode() not in blobs[names[1]] and phone.encode("utf-16-be") not in blobs[names[1]]
    # and no other leader's name: not the co-leaders of 黄刚's communities nor those of the issues
    others = pd.read_csv(ROOT / "layers" / "leaders.csv", dtype=str, encoding="utf-8-sig")
    others = others[others["id"] != "D03"]["name"]
    assert len(others) > 10
    assert [n for n in others if n in html or n in cells or n in page] == []


def test_each_leaders_page_is_their_own(packs):
    """The two leaders' pages, drawn from one prepared context, each name their own leader only."""
    leaders = pd.read_csv(ROOT / "layers" / "leaders.csv", dtype=str, encoding="utf-8-sig").set_index("id")["name"]
    for leader_id in ("C01", "D03"):
        with zipfile.ZipFile(packs / "a" / "share" / f"{leader_id}.zip") as pack:
            [pdf] = [n for n in pack.namelist() if n.endswith(".pdf")]
            page = pdf_text(pack.read(pdf))
        assert leaders[leader_id] in page
        assert [n for i, n in leaders.items() if i != leader_id and n in page] == []


def test_the_same_data_gives_the_same_pack(packs):
    assert (packs / "a" / "share" / "D03.zip").read_bytes() == (packs / "b" / "share" / "D03.zip").read_bytes()


def test_a_name_two_leaders_share_stops_before_any_pack_is_written(tmp_path, capsys):
    # As geo print does: a pack for the wrong 赵丽 would go to the wrong person.
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "layers", folder)
    leaders = pd.read_csv(folder / "leaders.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    leaders.loc[leaders["id"].isin(["D03", "C01"]), "name"] = "赵丽"
    leaders.to_csv(folder / "leaders.csv", index=False, encoding="utf-8-sig")
    assert main(["share", str(folder), "--out", str(tmp_path / "out"), "--leader", "赵丽"]) == 2
    err = capsys.readouterr().err
    assert "有 2 名责任人叫“赵丽”" in err and "请用编号指定" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "share").exists()


def test_the_font_geo_cjk_font_names_is_used_and_a_missing_one_stops_with_the_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEO_CJK_FONT", str(tmp_path / "no-such-font.ttc"))
    assert main(["share", str(ROOT / "layers"), "--out", str(tmp_path / "out"), "--leader", "D03"]) == 2
    err = capsys.readouterr().err
    assert "GEO_CJK_FONT 指向的字体文件" in err and "no-such-font.ttc" in err and "fonts-noto-cjk" in err
    assert "Traceback" not in err and not list((tmp_path / "out").glob("share/*.zip"))


def test_an_unknown_leader_is_named_with_the_fix(tmp_path, capsys):
    assert main(["share", str(ROOT / "layers"), "--out", str(tmp_path), "--leader", "无此人"]) == 2
    err = capsys.readouterr().err
    assert "没有编号或姓名为“无此人”的责任人（见 leaders 表的 id 与 name 列）" in err and "Traceback" not in err
