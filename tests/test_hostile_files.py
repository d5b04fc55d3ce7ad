"""Files that cannot be turned against the office (issue 22): read whole, within stated limits, never a crash.

Each fixture is a copy of a small project with one file made the way a crafted or an unlucky file is
(a lying ``<dimension>``, brackets nested 100,000 deep, a cell of 200,000 characters, Excel's quoting
after the first 4 KB, U+FFFE in a name, a control character in a phone number). The answers are
counted by hand from the fixture.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT
from geo import check, load_config
from geo._readers import MAX_XLSX_XML_BYTES
from geo.cli import main
from geo.errors import ConfigError, ValidationError


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "layers", folder, ignore=shutil.ignore_patterns("history"))
    return folder


def _status_rows(folder) -> int:
    return len(pd.read_csv(folder / "status.csv", dtype=str))


def test_an_xlsx_whose_dimension_lies_is_read_whole(project):
    rows = _status_rows(project)
    frame = pd.read_csv(project / "status.csv", dtype=str, keep_default_na=False)
    (project / "status.csv").unlink()
    frame.to_excel(project / "status.xlsx", index=False)
    with zipfile.ZipFile(project / "status.xlsx") as z:
        items = {n: z.read(n) for n in z.namelist()}
    sheet = items["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:' in sheet
    items["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:H20"/>', sheet).encode()
    with zipfile.ZipFile(project / "status.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    result = check(project, load_config(project))
    (entry,) = [e for e in result.ledger if e.layer == "status"]
    assert (entry.read, entry.used) == (rows, rows) and rows == 183


def test_an_xlsx_claiming_every_cell_of_a_sheet_reads_its_few_rows(project):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "title", "level"])
    sheet.append(["X1", "某", "主任", "区"])
    book.save(project / "extra.xlsx")
    with zipfile.ZipFile(project / "extra.xlsx") as z:
        items = {n: z.read(n) for n in z.namelist()}
    sheet_xml = items["xl/worksheets/sheet1.xml"].decode()
    items["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', sheet_xml
    ).encode()
    (project / "leaders.csv").unlink()
    with zipfile.ZipFile(project / "leaders.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    from geo._readers import read_table

    result = read_table(project / "leaders.xlsx", {"id", "name"})
    assert result.frame["id"].tolist() == ["X1"]
    assert result.frame.shape == (1, 5)  # four columns and _row: no padding to 16,384


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_parsing(project, monkeypatch):
    import geo._readers

    monkeypatch.setattr(geo._readers, "MAX_XLSX_XML_BYTES", 1000)
    frame = pd.read_csv(project / "status.csv", dtype=str, keep_default_na=False)
    (project / "status.csv").unlink()
    frame.to_excel(project / "status.xlsx", index=False)
    with pytest.raises(ValidationError) as err:
        check(project, load_config(project))
    assert "status.xlsx：工作表解压后有 0 MB，超过上限 0 MB" in str(err.value)
    assert MAX_XLSX_XML_BYTES == 256 * 2**20  # the stated limit (README)


def test_json_nested_100000_deep_is_a_message(project, capsys):
    (project / "issues.geojson").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["check", str(project), "--out", str(project / "out")]) == 2
    assert "issues.geojson：括号嵌套过深（上千层），不是可读的数据" in capsys.readouterr().err


def test_toml_nested_100000_deep_is_a_message(project):
    (project / "geo.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match="括号嵌套过深"):
        load_config(project)


def _with_note(folder, row: int, note: str) -> None:
    frame = pd.read_csv(folder / "status.csv", dtype=str, keep_default_na=False)
    frame.loc[row, "note"] = note
    frame.to_csv(folder / "status.csv", index=False)  # pandas quotes as Excel does: "" inside quotes


def test_a_cell_over_the_csv_module_limit_is_read(project):
    _with_note(project, 0, "x" * 200_000)
    result = check(project, load_config(project))
    notes = result.analysis.resolved.project.status["note"]
    assert notes.str.len().max() == 200_000


def test_excel_quoting_after_the_first_4_kb_is_read_right(project):
    text = (project / "status.csv").read_text("utf-8-sig")
    assert '""' not in text[:4096]
    row = 150
    assert len("\n".join(text.splitlines()[: row + 1])) > 4096  # the row lies past the sniffer's sample
    _with_note(project, row, '他说"好的"已完成')
    assert '"他说""好的""已完成"' in (project / "status.csv").read_text("utf-8")
    result = check(project, load_config(project))
    status = result.analysis.resolved.project.status.set_index("_row")
    assert status.at[row + 2, "note"] == '他说"好的"已完成'
    assert not any(c.startswith("column_") for c in status.columns)


def test_a_name_holding_u_fffe_is_cleaned_with_a_warning(project):
    frame = pd.read_csv(project / "leaders.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "name"] = frame.loc[0, "name"] + "\ufffe"
    frame.to_csv(project / "leaders.csv", index=False)
    result = check(project, load_config(project))
    assert "\ufffe" not in "".join(result.analysis.resolved.project.leaders["name"])
    (warning,) = [p for p in result.problems if p.severity == "warning" and p.file == "leaders.csv"]
    assert "U+FFFE" in str(warning)


def test_a_phone_is_never_echoed_in_a_message_or_the_ledger(project):
    frame = pd.read_csv(project / "leaders.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "phone"] = "139\x0710000014"
    frame.to_csv(project / "leaders.csv", index=False)
    assert main(["check", str(project), "--out", str(project / "out"), "-q"]) in (0, 1)
    ledger = (project / "out" / "reports" / "ledger.csv").read_text("utf-8-sig")
    assert "U+0007" in ledger  # the warning is there …
    assert "13910000014" not in ledger and "10000014" not in ledger  # … without the number


def test_the_tools_own_slot_marks_in_geo_toml_are_text(project):
    """A tiles URL and an attribution holding the marks where a page's data and boxes go."""
    from geo._mapkit import _slots

    marks = _slots(0)
    (project / "geo.toml").write_text(
        (project / "geo.toml").read_text("utf-8")
        + '\n[map]\nbasemap = "intranet"\n'
        + f'tiles_url = "http://127.0.0.1:9/{{z}}/{{x}}/{{y}}.png?q={marks["data"]}"\n'
        + f'tiles_attribution = "{marks["boxes"]}{marks["title"]}"\n',
        encoding="utf-8",
    )
    assert main(["build", str(project), "--out", str(project / "maps"), "-q"]) in (0, 1)
    page = (project / "maps" / "overview.html").read_text("utf-8")
    data = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', page, re.S).group(1)
    layers = {layer["name"]: layer for layer in json.loads(data)["layers"]}
    communities = [len(layers[n]["props"]["id"]) for n in ("一般社区", "示范社区与重点社区")]
    assert communities == [48, 28]  # every community drawn: 48 general, 4 + 24
    assert f"q={marks['data']}" in page and marks["boxes"] + marks["title"] in page  # the user's text, as written


def test_a_long_note_is_shortened_in_the_maps_and_kept_whole_in_the_reports(project):
    import geopandas as gpd

    issues = gpd.read_file(project / "issues.geojson")
    note = "甲" * 4_999 + "乙"  # 5,000 characters: the last one tells a cut text from a whole one
    issues.loc[0, "note"] = note
    issues.to_file(project / "issues.geojson", driver="GeoJSON")
    out = project / "maps"
    assert main(["build", str(out.parent), "--out", str(out), "-q"]) in (0, 1)
    overview = (out / "overview.html").read_text("utf-8")
    assert "甲" * 1_999 + "…" in overview and "甲" * 2_000 not in overview and "乙" not in overview
    reported = gpd.read_file(out / "reports" / "responsibility.gpkg", layer="issues")
    ledger = (out / "reports" / "ledger.csv").read_text("utf-8-sig")
    assert "文字过长：地图中只显示前 2,000 个字符" in ledger and "5,000 个字符" in ledger
    total = sum(p.stat().st_size for p in out.rglob("*.html"))
    assert total < 40 * 2**20  # the note is not copied whole into each map that shows the issue
    assert note in set(reported["note"])  # the GeoPackage keeps it whole


def test_reading_a_geojson_leaves_gdal_as_it_found_it(project):
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": "123"})
    try:
        check(project, load_config(project))
        assert pyogrio.get_gdal_config_option("OGR_GEOJSON_MAX_OBJ_SIZE") == 123  # pyogrio reads numbers back
        assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})


HOSTILE_NAMES = {
    "D01": "../../../../tmp/geo-escape",
    "D02": "/tmp/geo-absolute",
    "D03": "..\\..\\..\\Windows\\geo-escape",
    "D04": "C:geo-drive",
    "D05": "林" * 300,  # 900 bytes of UTF-8: past what unzip takes in one name
    "D06": "CON",
}


def test_share_packs_unzip_inside_their_folder_and_hold_no_formula(project, tmp_path):
    """Leaders named to climb out of the folder, and a road named as a formula in their task lists."""
    leaders = pd.read_csv(project / "leaders.csv", dtype=str, keep_default_na=False)
    leaders["name"] = [HOSTILE_NAMES.get(i, n) for i, n in zip(leaders["id"], leaders["name"])]
    leaders.to_csv(project / "leaders.csv", index=False)
    formula = '=HYPERLINK("http://evil.example/r","北京路")'
    for name in ("assignments.csv", "status.csv"):
        table = pd.read_csv(project / name, dtype=str, keep_default_na=False)
        table.replace("北京路", formula).to_csv(project / name, index=False)  # quoted as Excel does
    roads = json.loads((project / "roads.geojson").read_text("utf-8"))
    for feature in roads["features"]:
        if feature["properties"].get("name") == "北京路":
            feature["properties"]["name"] = formula
    (project / "roads.geojson").write_text(json.dumps(roads, ensure_ascii=False), "utf-8")
    argv = ["share", str(project), "--out", str(tmp_path / "out"), "-q"]
    for leader in [*HOSTILE_NAMES, "C01", "D10"]:  # C01 holds 北京路, D10 a section ending at it
        argv += ["--leader", leader]
    assert main(argv) == 0
    packs = sorted((tmp_path / "out" / "share").glob("*.zip"))
    assert len(packs) == len(HOSTILE_NAMES) + 2
    formulas = road_names = 0
    for pack in packs:
        target = (tmp_path / "unzipped" / pack.stem).resolve()
        with zipfile.ZipFile(pack) as archive:
            for info in archive.infolist():
                name = info.filename
                assert "/" not in name and "\\\\" not in name and ":" not in name and not name.startswith(".")
                assert len(name.encode("utf-8")) <= 255
                path = (target / name).resolve()
                assert path.parent == target
                archive.extract(info, target)
                if name.endswith(".xlsx"):
                    book = openpyxl.load_workbook(target / name)
                    for sheet in book.worksheets:
                        for row in sheet.iter_rows():
                            formulas += sum(c.data_type == "f" for c in row)
                            road_names += sum(c.value == formula for c in row)
    assert formulas == 0
    assert road_names >= 1  # the formula-named road is in a task list, as text
    assert not (tmp_path / "tmp").exists() and not any((tmp_path / "unzipped").glob("*/../*.html"))


def test_a_table_over_the_size_limit_is_refused_before_it_is_read(project, monkeypatch, capsys):
    import geo._readers

    monkeypatch.setattr(geo._readers, "MAX_TEXT_BYTES", 1000)
    assert (project / "status.csv").stat().st_size > 1000
    assert main(["check", str(project), "--out", str(project / "out")]) == 2
    assert "status.csv：文件有 0 MB，超过上限 0 MB" in capsys.readouterr().err


FORMULAS = {
    "leader": '=HYPERLINK("http://evil.example/l","周红林")',
    "title": "+cmd|' /C calc'!A0",
    "community": "-2+3社区",
    "road": '=SUM(1+1)&"路"',
    "note": "=1+1",
}


def _formula_cells(folder) -> list[str]:
    """Every cell of every CSV and XLSX under `folder` (and in its zips) that a spreadsheet would run."""

    def is_number(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True

    found = []

    def scan_xlsx(data: bytes, where: str) -> None:
        book = openpyxl.load_workbook(io.BytesIO(data))
        found.extend(
            f"{where}: {c.coordinate}" for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"
        )

    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))):
                found += [f"{path.name}: {c}" for c in row if c[:1] in ("=", "+", "-", "@") and not is_number(c)]
        elif path.suffix == ".xlsx":
            scan_xlsx(path.read_bytes(), path.name)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".xlsx"):
                        scan_xlsx(archive.read(name), f"{path.name}/{name}")
    return found


def test_no_spreadsheet_geo_writes_holds_a_formula(project, tmp_path):
    """Formula-like text in a leader's name and title, a community's and a road's name and an issue's note."""
    leaders = pd.read_csv(project / "leaders.csv", dtype=str, keep_default_na=False)
    leaders.loc[leaders["id"] == "C01", ["name", "title"]] = [FORMULAS["leader"], FORMULAS["title"]]
    leaders.to_csv(project / "leaders.csv", index=False)
    for name, key, old in (("communities.geojson", "community", "健康巷社区"), ("roads.geojson", "road", "北京路")):
        data = json.loads((project / name).read_text("utf-8"))
        for feature in data["features"]:
            if feature["properties"].get("name") == old:
                feature["properties"]["name"] = FORMULAS[key]
        (project / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    for name, old in (("assignments.csv", "北京路"), ("status.csv", "北京路"), ("assignments.csv", "健康巷社区")):
        table = pd.read_csv(project / name, dtype=str, keep_default_na=False)
        table.replace(old, FORMULAS["road" if old == "北京路" else "community"]).to_csv(project / name, index=False)
    issues = json.loads((project / "issues.geojson").read_text("utf-8"))
    issues["features"][0]["properties"]["note"] = FORMULAS["note"]
    (project / "issues.geojson").write_text(json.dumps(issues, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    assert main(["build", str(project), "--out", str(out), "-q"]) in (0, 1)
    assert main(["bulletin", str(project), "--out", str(out), "-q"]) == 0
    assert main(["share", str(project), "--out", str(out), "--leader", "C01", "--leader", "D10", "-q"]) == 0
    assert main(["init", str(tmp_path / "new")]) == 0
    cells = set()
    for path in out.rglob("*.csv"):
        cells |= {c for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for c in row}
    for key in ("leader", "community", "road"):  # each is written, as text: a ' before it
        assert "'" + FORMULAS[key] in cells, key
    assert _formula_cells(out) == [] and _formula_cells(tmp_path / "new") == []
