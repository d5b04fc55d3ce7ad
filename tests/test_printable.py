"""Printable pages (`geo.printable`, `geo print`): A4 PDF and PNG, Chinese as text, no phones, the font's absence said.

A tiny district drawn by hand (fixture metres, see conftest): a tall community (300 × 2,400 m) along a
north–south avenue, a wide one (2,400 × 300 m) along an east–west street crossed by 甲街 and 乙街, and a
demonstration community between them. The PDFs are read with nothing but the standard library: each font's
ToUnicode map turns the text drawn into characters (`pdf_text`).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
import shapely

from conftest import ROOT, line, m, make_project, square
from geo.config import load_config
from geo.errors import GeoError
from geo.pipeline import check
from geo.printable import (
    NoCJKFontError,
    UnknownLeaderError,
    find_cjk_font,
    leader_page,
    leader_pdf,
    overview_page,
    prepare,
    render_printable,
)

PHONE = "13912345678"
A4_PT = (595.44, 841.68)  # 8.27 × 11.69 in

LEADERS = [
    {"id": "C1", "name": "李明华", "title": "副市长", "level": "city", "unit": "荆州市", "phone": PHONE},
    {"id": "D1", "name": "王建军", "title": "区长", "level": "district", "unit": "沙市区", "phone": "0716-8888888"},
    {"id": "S1", "name": "张建国", "title": "街道党工委书记", "level": "street", "unit": "中山街道", "phone": ""},
    {"id": "S2", "name": "赵丽", "title": "街道党工委书记", "level": "street", "unit": "崇文街道", "phone": ""},
    {"id": "S3", "name": "赵丽", "title": "镇党委书记", "level": "street", "unit": "立新乡", "phone": ""},
]


def make_district(folder: Path) -> Path:
    communities = [
        {"id": "T", "name": "高塔社区", "tier": "key", "geometry": square(0, 0, 300, 2400)},
        {"id": "W", "name": "长滩社区", "tier": "general", "geometry": square(400, 0, 2800, 300)},
        {"id": "M", "name": "明珠社区", "tier": "demonstration", "geometry": square(400, 400, 1000, 1000)},
    ]
    roads = [
        {"name": "南北大道", "geometry": line((150, -50), (150, 2450))},
        {"name": "东西大街", "geometry": line((350, 150), (2850, 150))},
        {"name": "甲街", "geometry": line((1000, 0), (1000, 400))},
        {"name": "乙街", "geometry": line((2000, 0), (2000, 400))},
    ]
    assignments = [
        {"leader": "C1", "kind": "road", "target": "南北大道"},
        {"leader": "D1", "kind": "section", "target": "东西大街", "from": "甲街", "to": "乙街"},
        {"leader": "S1", "kind": "community", "target": "T"},
        {"leader": "S2", "kind": "community", "target": "W"},
        {"leader": "S3", "kind": "community", "target": "M"},
    ]
    issues = [
        {
            "id": "I1",
            "category": "垃圾堆放",
            "state": "open",
            "due": "2022-05-01",
            "geometry": shapely.Point(m(150, 1200)),
        },
        {
            "id": "I2",
            "category": "占道经营",
            "state": "open",
            "due": "2022-06-30",
            "geometry": shapely.Point(m(1500, 150)),
        },
    ]
    folder = make_project(
        folder, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments, issues=issues
    )
    (folder / "geo.toml").write_text("today = 2022-05-14\n", encoding="utf-8")
    return folder


needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font here: apt-get install fonts-noto-cjk")


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The district checked, and every page printed once (a stale page of a gone leader waiting to be removed)."""
    folder = make_district(tmp_path_factory.mktemp("district") / "区")
    config = load_config(folder)
    result = check(folder, config)
    out = tmp_path_factory.mktemp("out") / "maps"
    (out / "print" / "leaders").mkdir(parents=True)
    (out / "print" / "leaders" / "GONE.pdf").write_bytes(b"%PDF old")
    if find_cjk_font() is None:
        return folder, config, result, out, []
    files = render_printable(result.analysis, config.map, out, project_name=folder.name)
    return folder, config, result, out, files


# ----------------------------------------------------------------------------- reading a PDF
def _objects(data: bytes) -> dict[int, bytes]:
    return {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}


def _stream(body: bytes) -> bytes:
    found = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
    assert found is not None
    raw = found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _streams(data: bytes) -> list[bytes]:
    return [_stream(body) for body in _objects(data).values() if b"endstream" in body]


def _unicode_map(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap: code -> text (bfchar pairs, bfrange starts and arrays)."""
    table: dict[int, str] = {}

    def text(hexes: bytes) -> str:
        return bytes.fromhex(hexes.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = text(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, rest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            codes = range(int(low, 16), int(high, 16) + 1)
            if rest.startswith(b"["):
                for code, value in zip(codes, re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    table[code] = text(value)
            else:
                start = text(rest[1:-1])
                for k, code in enumerate(codes):
                    table[code] = start[:-1] + chr(ord(start[-1]) + k)
    return table


def _strings(content: bytes):
    """(operator or string) tokens of a content stream: font selections and the strings shown."""
    i, n = 0, len(content)
    while i < n:
        c = content[i : i + 1]
        if c == b"(":
            depth, i, out = 1, i + 1, bytearray()
            while depth:
                b = content[i : i + 1]
                if b == b"\\":
                    nxt = content[i + 1 : i + 2]
                    if nxt.isdigit():
                        digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])
                        assert digits is not None
                        out.append(int(digits.group(), 8))
                        i += 1 + len(digits.group())
                        continue
                    out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
                    i += 2
                    continue
                if b == b"(":
                    depth += 1
                elif b == b")":
                    depth -= 1
                    if not depth:
                        break
                out += b
                i += 1
            i += 1
            yield "string", bytes(out)
        elif c == b"<" and content[i : i + 2] != b"<<":
            end = content.index(b">", i)
            yield "string", bytes.fromhex(re.sub(rb"\s", b"", content[i + 1 : end]).decode())
            i = end + 1
        elif c == b"/":
            name = re.match(rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf", content[i:])
            if name:
                yield "font", name.group(1)
                i += len(name.group())
            else:
                i += 1
        elif content[i : i + 2] == b"ET":
            yield "end", b""
            i += 2
        else:
            i += 1


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, decoded through each font's ToUnicode map (2-byte codes), a line per text object."""
    objects = _objects(data)
    maps = {}
    for number, body in objects.items():
        found = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if b"/Type /Font" in body and found:
            maps[number] = _unicode_map(_stream(objects[int(found.group(1))]))
    names = {
        name: maps[int(number)]
        for body in objects.values()
        for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", body.split(b"stream")[0])
        if int(number) in maps
    }
    text, current = [], None
    contents = [int(n) for body in objects.values() for n in re.findall(rb"/Contents\s+(\d+) 0 R", body)]
    for number in contents:
        for kind, value in _strings(_stream(objects[number])):
            if kind == "font":
                current = names.get(value)
            elif kind == "end":
                text.append("\n")
            elif current is not None:
                codes = [int.from_bytes(value[k : k + 2], "big") for k in range(0, len(value) - 1, 2)]
                text.append("".join(current.get(code, "\ufffd") for code in codes))
    return "".join(text)


def media_box(data: bytes) -> tuple[float, float]:
    found = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def page(out: Path, name: str) -> Path:
    return out / "print" / ("overview" if name == "overview" else f"leaders/{name}")


# ----------------------------------------------------------------------------- the pages
@needs_font
def test_every_page_is_written_as_a4_pdf_and_png(district):
    _, _, _, out, files = district
    expected = ["overview"] + [leader["id"] for leader in LEADERS]
    assert files == [page(out, name).with_suffix(s) for name in expected for s in (".pdf", ".png")]
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert sorted(media_box(data)) == pytest.approx(sorted(A4_PT), abs=0.01)
        else:  # 150 dpi
            assert sorted(png_size(data)) == pytest.approx(sorted([round(8.27 * 150), round(11.69 * 150)]), abs=1)
    assert not (out / "print" / "leaders" / "GONE.pdf").exists()  # a page of a leader no longer in the data


@needs_font
def test_the_pdf_holds_the_leaders_name_and_roads_as_text_in_an_embedded_cjk_font(district):
    _, _, _, out, _ = district
    data = page(out, "C1").with_suffix(".pdf").read_bytes()
    text = pdf_text(data)
    assert "李明华（副市长）" in text  # the title
    assert "南北大道（全路），2,430 米" in text  # the task list (drawn 2,500 m; the district ends 15 m past it)
    section = pdf_text(page(out, "D1").with_suffix(".pdf").read_bytes())
    assert "东西大街：甲街 至 乙街，1,000 米" in section
    fonts = re.findall(rb"/BaseFont\s*/([A-Z]{6}\+)?([^\s/\]>]+)", data)
    assert fonts, "no embedded font"
    from fontTools.ttLib import TTFont

    embedded = [TTFont(io.BytesIO(_stream(body))) for body in _objects(data).values() if b"/Length1" in body]
    cmaps = [font.getBestCmap() for font in embedded]
    assert any(ord("李") in cmap and ord("道") in cmap for cmap in cmaps)  # Chinese glyphs, embedded
    found = find_cjk_font()
    assert found is not None
    if "NotoSansCJK" in found.path.name:
        assert any(name.startswith(b"NotoSansCJK") for _, name in fonts)


@needs_font
def test_no_phone_number_is_written_anywhere(district):
    _, _, _, out, files = district
    for path in files:
        data = path.read_bytes()
        blobs = [data, *(_streams(data) if path.suffix == ".pdf" else [])]
        for phone in (PHONE, "0716-8888888", "8888888"):
            assert not any(phone.encode() in blob for blob in blobs), (path, phone)
            assert phone.encode("utf-16-be") not in data
        if path.suffix == ".pdf":
            assert PHONE not in pdf_text(data)


@needs_font
def test_a_tall_area_prints_portrait_and_a_wide_one_landscape(district):
    _, _, _, out, _ = district
    tall = media_box(page(out, "S1").with_suffix(".pdf").read_bytes())  # 高塔社区, 300 × 2,400 m
    wide = media_box(page(out, "S2").with_suffix(".pdf").read_bytes())  # 长滩社区, 2,400 × 300 m
    assert tall == pytest.approx(A4_PT, abs=0.01)
    assert wide == pytest.approx(A4_PT[::-1], abs=0.01)
    assert png_size(page(out, "S2").with_suffix(".png").read_bytes())[0] > 1700


@needs_font
def test_the_task_list_names_roads_communities_and_open_issues_with_due_dates(district):
    _, config, result, _, _ = district
    ctx = prepare(result.analysis, config.map, project_name="区")
    avenue = leader_page(ctx, "C1")
    texts = "\n".join(avenue.texts)
    written = {t.replace("\n", "") for t in avenue.texts}  # a name along a north–south road is written upright
    assert avenue.figure.get_size_inches() == pytest.approx((8.27, 11.69))
    assert "创卫包保责任地图 · 李明华（副市长）" in avenue.texts
    assert "市领导 · 荆州市 · 截至 2022-05-14" in avenue.texts
    assert "南北大道（全路），2,430 米" in avenue.texts
    # the open issue on the avenue: numbered on the map and in the list, overdue marked
    assert "1. I1 垃圾堆放（南北大道、高塔社区） 期限 2022-05-01（逾期）" in texts.replace("\n   ", "")
    assert "未整改问题（1 个，逾期 1 个）" in avenue.texts
    assert "1" in written and "南北大道" in written  # the number by the point, the road's name on the map
    assert "数据：区 · geo" in avenue.texts and "截至 2022-05-14" in avenue.texts
    assert re.search(r"比例尺 1:[\d,]+", texts) and "北" in avenue.texts  # scale and north arrow
    tower = leader_page(ctx, "S1")
    assert "高塔社区（重点）" in tower.texts and "高塔社区" in tower.texts  # listed, and named on the map
    assert "我包保的社区" in tower.texts and "重点社区" in tower.texts  # the legend: only what the page draws
    assert "示范社区" not in tower.texts
    assert tower.orientation == "portrait"
    street = leader_page(ctx, "D1")
    assert street.orientation == "landscape"
    named = {t.replace("\n", "") for t in street.texts}
    assert {"甲街", "乙街", "东西大街"} <= named  # the section's road and its cross streets
    for each in (avenue, tower, street):
        assert not any(PHONE in t for t in each.texts)
        each.figure.clear()


@needs_font
def test_the_overview_shows_the_tiers_and_the_headline_figures(district):
    _, config, result, out, _ = district
    assert "总览" in pdf_text(page(out, "overview").with_suffix(".pdf").read_bytes())
    overview = overview_page(prepare(result.analysis, config.map))
    texts = "\n".join(overview.texts)
    assert "创卫包保责任地图 · 总览" in overview.texts
    assert "社区 3 个：示范 1、重点 1、一般 1" in texts.replace("\n   ", "")
    assert {"示范社区", "重点社区", "一般社区", "市领导包保道路", "区领导包保路段"} <= set(overview.texts)
    overview.figure.clear()


@needs_font
def test_english_pages(district):
    _, config, result, _, _ = district
    ctx = prepare(result.analysis, config.with_map(lang="en").map)
    avenue = leader_page(ctx, "C1")
    assert "Legend" in avenue.texts and "南北大道 (whole road), 2,430 m" in avenue.texts
    assert any(t.startswith("Scale 1:") for t in avenue.texts)
    avenue.figure.clear()


@needs_font
def test_the_same_input_gives_the_same_bytes(district, tmp_path):
    _, config, result, out, _ = district
    again = render_printable(result.analysis, config.map, tmp_path, ["D1"], project_name="区")
    for path in again:
        assert path.read_bytes() == (page(out, "D1").with_suffix(path.suffix)).read_bytes()
    assert b"/tmp" not in again[0].read_bytes() and str(tmp_path).encode() not in again[0].read_bytes()


@needs_font
def test_one_context_draws_every_leaders_pdf_as_geo_print_writes_it(district, tmp_path):
    """`geo share` prepares once and draws each leader from it: the printed page's bytes, whatever came first."""
    _, config, result, out, _ = district
    ctx = prepare(result.analysis, config.map, project_name="区", folder=tmp_path)
    for leader_id in ("S2", "D1", "C1", "S2"):
        assert leader_pdf(ctx, leader_id) == page(out, leader_id).with_suffix(".pdf").read_bytes(), leader_id


# ----------------------------------------------------------------------------- choosing leaders, errors
def test_leaders_are_chosen_by_id_or_by_a_unique_name(district):
    _, _, result, _, _ = district
    assert result.analysis.leader_ids(["张建国", "C1", "S1"]) == ["S1", "C1"]
    with pytest.raises(UnknownLeaderError, match="“钱七”"):
        result.analysis.leader_ids(["钱七"])
    with pytest.raises(UnknownLeaderError, match="2 名责任人叫“赵丽”（编号 S2、S3）") as err:
        result.analysis.leader_ids(["赵丽"])
    assert "name one by its id" in err.value.text("en") and "(ids S2, S3)" in err.value.text("en")
    assert isinstance(err.value, GeoError) and isinstance(err.value, LookupError)
    assert err.value.text("zh-Hant") == "有 2 名責任人叫“赵丽”（編號 S2、S3）；請用編號指定"  # the data as written


def test_pip_install_ships_the_printable_package():
    """setuptools is given the packages by name: a subpackage left out of pyproject.toml is left out of the wheel."""
    import tomllib

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "geo").rglob("__init__.py")}
    assert folders == set(listed) and "geo.printable" in folders


def test_the_pages_words_say_the_unit_word_and_come_in_every_language():
    from geo._labels import labels

    assert labels("zh", "村")["print.other_communities"] == "其他村"
    assert labels("zh-Hant", "村")["print.other_communities"] == "其他村"
    assert labels("zh-Hant")["print.other_communities"] == "其他社區"
    assert labels("en", "村")["print.other_communities"] == "Other communities"
    keys = {k for k in labels("zh") if k.startswith("print.")}
    assert len(keys) == 10 and keys == {k for k in labels("en") if k.startswith("print.")}


@needs_font
def test_geo_print_writes_the_pages_it_names(district, tmp_path, capsys):
    from geo.cli import main

    folder = district[0]
    assert main(["print", str(folder), "--out", str(tmp_path / "maps"), "--leader", "王建军"]) == 0
    printed = capsys.readouterr().out
    assert f"已写入 {tmp_path / 'maps' / 'print' / 'leaders' / 'D1.pdf'}" in printed
    assert sorted(p.name for p in (tmp_path / "maps" / "print" / "leaders").iterdir()) == ["D1.pdf", "D1.png"]


@pytest.mark.parametrize(("lang", "words"), [("zh", "找不到中文字体"), ("en", "no Chinese font found")])
def test_without_a_cjk_font_geo_print_says_what_to_install(district, tmp_path, capsys, monkeypatch, lang, words):
    from geo.cli import EXIT_INVALID, main
    from geo.printable import context

    monkeypatch.setattr(context, "find_cjk_font", lambda *args, **kwargs: None)  # where `prepare` looks it up
    monkeypatch.delenv("GEO_CJK_FONT", raising=False)
    code = main(["print", str(district[0]), "--out", str(tmp_path / "maps"), "--lang", lang])
    said = capsys.readouterr()
    assert code == EXIT_INVALID == 2
    assert words in said.err and "fonts-noto-cjk" in said.err and "GEO_CJK_FONT" in said.err
    assert "Traceback" not in said.err + said.out
    assert not (tmp_path / "maps" / "print").exists()
    with pytest.raises(NoCJKFontError, match="fonts-noto-cjk") as err:
        prepare(district[2].analysis, district[1].map)
    assert isinstance(err.value, FileNotFoundError) and "sudo apt-get install fonts-noto-cjk" in err.value.text("en")


def test_a_font_file_without_chinese_is_refused_by_name(district, tmp_path, monkeypatch, capsys):
    import matplotlib

    from geo.cli import main

    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    monkeypatch.setenv("GEO_CJK_FONT", str(latin))
    assert main(["print", str(district[0]), "--out", str(tmp_path / "maps"), "--leader", "C1"]) == 2
    err = capsys.readouterr().err
    assert "DejaVuSans.ttf 不含中文字符" in err and "Traceback" not in err
    monkeypatch.setenv("GEO_CJK_FONT", str(tmp_path / "nowhere.otf"))
    assert main(["print", str(district[0]), "--out", str(tmp_path / "maps"), "--leader", "C1"]) == 2
    assert "nowhere.otf 不存在" in capsys.readouterr().err
    with pytest.raises(NoCJKFontError) as err:
        find_cjk_font(font_file=latin)
    assert f"{latin}, has no Chinese characters." in err.value.text("en")  # the reason worded in the same language


def test_an_unknown_leader_is_said_plainly(district, tmp_path, capsys):
    from geo.cli import main

    assert main(["print", str(district[0]), "--out", str(tmp_path / "maps"), "--leader", "钱七"]) == 2
    err = capsys.readouterr().err
    assert "没有编号或姓名为“钱七”的责任人" in err and "Traceback" not in err


@needs_font
def test_names_are_written_as_they_are(tmp_path):
    """Data is text: a ``$`` in a name is a dollar sign (matplotlib would read ``$…$`` as mathematics)."""
    odd = "$x^2$社区{{ 7*191 }}"
    road = "50%$路</script>"
    folder = make_project(
        tmp_path / "odd",
        communities=[{"id": "A", "name": odd, "tier": "key", "geometry": square(0, 0, 800, 800)}],
        roads=[{"name": road, "geometry": line((0, 400), (800, 400))}],
        leaders=[{"id": "S1", "name": "王$五", "title": "书记$", "level": "street"}],
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
    )
    config = load_config(folder)
    analysis = check(folder, config).analysis
    sheet = leader_page(prepare(analysis, config.map), "S1")
    assert {odd, road, f"{odd}（重点）"} <= {t.replace("\n", "") for t in sheet.texts}
    sheet.figure.clear()
    (pdf,) = render_printable(analysis, config.map, tmp_path / "maps", ["S1"], formats=("pdf",))
    text = pdf_text(pdf.read_bytes())
    assert "创卫包保责任地图 · 王$五（书记$）" in text and f"{odd}（重点）" in text


def test_geo_print_does_not_write_while_a_build_holds_the_folder(district, tmp_path, capsys):
    from filelock import FileLock

    from geo.cli import EXIT_BUSY, main

    with FileLock(tmp_path / ".maps.lock"):  # what `geo build --out maps` holds while it writes
        assert main(["print", str(district[0]), "--out", str(tmp_path / "maps"), "--leader", "C1"]) == EXIT_BUSY
    assert "另一个 geo 正在写入" in capsys.readouterr().err
    assert not (tmp_path / "maps").exists()
