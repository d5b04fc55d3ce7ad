"""A value the data leaves out is shown as nothing: never ``nan``, ``None``, ``NaT``, ``NaN`` or ``<NA>``.

The demo with holes in it, in the two shapes offices hand files over (cells left empty or null, and
columns missing altogether): issues without a due date, category, source, note or report date, status
items without due, updated, progress or note, leaders without title, unit or phone, communities without
a street, road pieces without an id or class. Every command is run on it (build, check, validate,
bulletin, print, share, snapshot) and every file a person reads is read back as that person sees it:
CSV cells, every XLSX cell (inside the share packs too), an HTML page's visible text and its map data,
the bulletin's paragraphs and tables, the PDF's text, the GeoPackage's and GeoJSON's attributes, the
snapshot's files, and what the terminal said.

A token is a whole word: ``nan`` in a cell or in ``期限 nan`` is one, ``Nonesuch Road`` or ``Nancy`` is not.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pyogrio
import pytest
from docx import Document
from test_printable import pdf_text

from conftest import ROOT
from geo.cli import main
from geo.config import load_config
from geo.pipeline import check

TOKEN = re.compile(r"(?<![A-Za-z0-9_])(?:nan|NaN|None|NaT|<NA>)(?![A-Za-z0-9_])")


def leaks(text: str) -> list[str]:
    """The missing-value tokens in `text`, as whole words."""
    return TOKEN.findall(text)


@pytest.mark.parametrize(
    "text, found",
    [
        ("nan", ["nan"]),
        ("期限 nan", ["nan"]),
        ("期限：nan", ["nan"]),  # beside Chinese, still a word of its own
        ("due None today", ["None"]),
        ("NaT", ["NaT"]),
        ("<NA>", ["<NA>"]),
        ("[1.0, NaN]", ["NaN"]),
        ("Nonesuch Road", []),
        ("Nancy Nantes banana", []),
        ("NaNa", []),
        ("None2", []),
        ("none of them", []),  # English, lower case: a word, not Python's None
        ("", []),
    ],
)
def test_a_token_is_a_whole_word(text, found):
    assert leaks(text) == found


# ----------------------------------------------------------------------------- reading outputs back
class _Page(HTMLParser):
    """An HTML page's visible text (and the attributes a reader sees), and the JSON of its data elements."""

    SEEN = ("title", "alt", "placeholder", "aria-label", "value")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.data: list[str] = []
        self._inside: str | None = None
        self._json = False

    def handle_starttag(self, tag, attrs):
        self.texts += [value for name, value in attrs if name in self.SEEN and value]
        if tag in ("script", "style"):
            self._inside, self._json = tag, dict(attrs).get("type") == "application/json"

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside, self._json = None, False

    def handle_data(self, data):
        if self._inside is None:
            self.texts.append(data)
        elif self._json:
            self.data.append(data)


def _no_constants(name: str):
    raise AssertionError(f"JSON holds {name}")  # NaN or Infinity: not JSON, and a page would not even load


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def texts(name: str, data: bytes):
    """Every text a person reads in a file (by its kind), as (where, text)."""
    suffix = Path(name).suffix
    if suffix == ".csv":
        for n, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"))), start=1):
            yield from ((f"row {n}", cell) for cell in row)
    elif suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            yield sheet.title, sheet.title
            for row in sheet.iter_rows():
                yield from ((f"{sheet.title}!{c.coordinate}", str(c.value)) for c in row if c.value is not None)
    elif suffix == ".docx":
        document = Document(io.BytesIO(data))
        yield from (("paragraph", p.text) for p in document.paragraphs)
        for table in document.tables:
            yield from (("table", cell.text) for row in table.rows for cell in row.cells)
    elif suffix == ".pdf":
        yield "page", pdf_text(data)
    elif suffix == ".html":
        page = _Page()
        page.feed(data.decode("utf-8"))
        yield from (("text", t) for t in page.texts)
        for element in page.data:
            yield from (("data", s) for s in _strings(json.loads(element, parse_constant=_no_constants)))
    elif suffix in (".json", ".geojson"):
        yield from (("value", s) for s in _strings(json.loads(data, parse_constant=_no_constants)))
    elif suffix == ".gpkg":
        with _scratch(data, suffix) as path:
            for layer, _kind in pyogrio.list_layers(path):
                frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
                for column in frame.columns:
                    yield from ((f"{layer}.{column}", str(v)) for v in frame[column].dropna() if isinstance(v, str))
    elif suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as pack:
            for entry in pack.namelist():
                yield entry, entry
                yield from ((f"{entry}: {where}", text) for where, text in texts(entry, pack.read(entry)))


@contextlib.contextmanager
def _scratch(data: bytes, suffix: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        yield path


READ = (".csv", ".xlsx", ".docx", ".pdf", ".html", ".json", ".geojson", ".gpkg", ".zip")


def scan(folder: Path) -> tuple[list[str], set[str]]:
    """Every leak in the files under `folder` (file, place, token, context), and the kinds of file read."""
    found, kinds = [], set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in READ:
            continue
        kinds.add(path.suffix)
        if path.suffix == ".zip":  # a share pack: its map, page and task list are read too
            with zipfile.ZipFile(path) as pack:
                kinds |= {Path(entry).suffix for entry in pack.namelist()}
        for where, text in texts(path.name, path.read_bytes()):
            for hit in TOKEN.finditer(text):
                context = text[max(0, hit.start() - 30) : hit.end() + 30].replace("\n", " ")
                found.append(f"{path.relative_to(folder)} [{where}]: {hit.group(0)!r} in {context!r}")
    return found, kinds


# ----------------------------------------------------------------------------- the project with holes
def _edit_geojson(path: Path, edit) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for n, feature in enumerate(data["features"]):
        edit(n, feature["properties"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _edit_csv(path: Path, edit) -> None:
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows):
        edit(n, row)
    columns = [c for c in rows[0] if all(c in r for r in rows)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# layer -> the columns left out
HOLES = {
    "issues": ("due", "note", "category", "source", "reported"),
    "status": ("due", "updated", "progress", "note"),
    "leaders": ("title", "unit", "phone"),
    "communities": ("street",),
    "roads": ("id", "class"),
}


def holey_demo(folder: Path, shape: str) -> Path:
    """The demo (its snapshots too) with values left out: every third one empty (``""`` or null), or no such column."""
    shutil.copytree(ROOT / "layers", folder)

    def blank(columns, table: bool):
        def edit(n, row):
            for column in columns:
                if shape == "missing columns":
                    row.pop(column, None)
                elif n % 3 == 1:
                    row[column] = "" if table or n % 2 == 0 else None  # a CSV cell has no null

        return edit

    for layer, columns in HOLES.items():
        path = folder / f"{layer}.geojson"
        if path.exists():
            _edit_geojson(path, blank(columns, table=False))
        else:
            _edit_csv(folder / f"{layer}.csv", blank(columns, table=True))
    return folder


def _chosen_leaders(folder: Path) -> list[str]:
    """A few leaders whose pages and packs meet the holes: open issues without a due date, communities without a
    street, no title or unit."""
    analysis = check(folder, load_config(folder)).analysis
    issues = analysis.issues
    undated = issues[(issues["state"] == "open") & issues["due"].isna()]
    leaders = analysis.resolved.project.leaders
    streetless = set(analysis.resolved.communities.loc[analysis.resolved.communities["street"] == "", "id"])
    chosen = [
        next(iter(sorted({lid for ids in undated["leaders"] for lid in ids}))),
        next(lid for cid, ids in sorted(analysis.community_leaders.items()) if cid in streetless for lid in ids),
        leaders.loc[leaders["title"].fillna("") == "", "id"].iloc[0],
    ]
    assert not undated.empty and streetless
    return list(dict.fromkeys(chosen))


@pytest.fixture(scope="module", params=["empty cells", "missing columns"])
def outputs(request, tmp_path_factory):
    """Every command run on the holey demo: the folders they wrote, and what they said."""
    base = tmp_path_factory.mktemp("blank")
    project = holey_demo(base / "project", request.param)
    out = base / "out"
    leaders = [arg for lid in _chosen_leaders(project) for arg in ("--leader", lid)]
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        assert main(["build", str(project), "--out", str(out)]) == 0
        assert main(["check", str(project), "--out", str(base / "checked")]) == 1  # the demo's gaps
        assert main(["validate", str(project), "--out", str(base / "validated")]) == 0
        assert main(["bulletin", str(project), "--out", str(out)]) == 0
        assert main(["print", str(project), "--out", str(out), *leaders]) == 0
        assert main(["share", str(project), "--out", str(out), *leaders]) == 0
        assert main(["snapshot", str(project), "--today", "2022-05-20"]) == 0
    _overview_pdf(project, out / "print" / "overview.pdf")
    return base, project, said.getvalue()


def _overview_pdf(project: Path, path: Path) -> None:
    """The printable overview (``geo print`` without --leader draws it, with every leader's page)."""
    from geo.printable import overview_page, prepare

    config = load_config(project)
    page = overview_page(prepare(check(project, config).analysis, config.map, project_name=project.name))
    with path.open("wb") as f:
        page.write(f, "pdf", 100)


def test_no_output_shows_a_missing_value_as_nan_none_or_nat(outputs):
    base, project, said = outputs
    found, kinds = [], set()
    for folder in (base / "out", base / "checked", base / "validated", project / "history"):
        leaked, read = scan(folder)
        found += [f"{folder.name}/{line}" for line in leaked]
        kinds |= read
    assert kinds == set(READ)  # every kind of file was read (a scan that reads nothing finds nothing)
    found += [f"terminal: {line!r}" for line in said.splitlines() if leaks(line)]
    assert not found, "\n".join(_grouped(found))


def _grouped(found: list[str]) -> list[str]:
    """One line per file kind and place (numbers of rows, cells and leaders folded), with a count and an example."""
    groups: dict[str, list[str]] = {}
    for line in found:
        groups.setdefault(re.sub(r"[0-9]+", "#", line.split("]: ")[0]), []).append(line)
    return [f"{len(lines)} × {lines[0]}" for place, lines in sorted(groups.items())]


def test_the_scan_reads_what_the_files_show(outputs):
    # the scan is no empty net: it reads the task lists' dates, the pages' and the bulletin's words
    base, _project, _said = outputs
    read = {
        path.suffix: " ".join(t for _w, t in texts(path.name, path.read_bytes()))
        for path in sorted((base / "out").rglob("*"))
        if path.suffix in (".zip", ".docx", ".pdf", ".gpkg")
    }
    assert re.search(r"\d{4}-\d\d-\d\d", read[".zip"]) and "任务清单" in read[".zip"]
    assert "通报" in read[".docx"] and "图例" in read[".pdf"] and "421002" in read[".gpkg"]


def test_the_scan_finds_a_token_in_every_kind_of_file(tmp_path):
    import geopandas as gpd
    import shapely

    (tmp_path / "a.csv").write_text("id,due\nI1,nan\n", encoding="utf-8-sig")
    book = openpyxl.Workbook()
    book.active.append(["I1", "NaT"])
    book.save(tmp_path / "b.xlsx")
    document = Document()
    document.add_paragraph("期限 None")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "<NA>"
    document.save(str(tmp_path / "c.docx"))
    (tmp_path / "d.html").write_text(
        '<p title="nan">x</p><script>var NaN_ok = isNaN(1);</script>'
        '<script type="application/json">{"layers": [{"due": "nan"}]}</script>',
        encoding="utf-8",
    )
    (tmp_path / "e.json").write_text('{"a": ["None"]}', encoding="utf-8")
    frame = gpd.GeoDataFrame({"due": ["nan"]}, geometry=[shapely.Point(112, 30)], crs=4326)
    frame.to_file(tmp_path / "f.gpkg", layer="issues", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "g.zip", "w") as pack:
        pack.write(tmp_path / "b.xlsx", "任务清单.xlsx")
    found, _kinds = scan(tmp_path)
    assert [line.split(" in ")[0] for line in found] == [
        "a.csv [row 2]: 'nan'",
        "b.xlsx [Sheet!B1]: 'NaT'",
        "c.docx [paragraph]: 'None'",
        "c.docx [table]: '<NA>'",
        "d.html [text]: 'nan'",  # the title a reader sees; the script's isNaN is no word of its own
        "d.html [data]: 'nan'",
        "e.json [value]: 'None'",
        "f.gpkg [issues.due]: 'nan'",
        "g.zip [任务清单.xlsx: Sheet!B1]: 'NaT'",
    ]
    (tmp_path / "h.json").write_text('{"a": NaN}', encoding="utf-8")
    with pytest.raises(AssertionError, match="JSON holds NaN"):
        scan(tmp_path)


def test_the_problem_list_of_invalid_input_shows_no_missing_value_as_nan(tmp_path):
    project = holey_demo(tmp_path / "project", "empty cells")
    with (project / "status.csv").open("a", encoding="utf-8") as f:
        f.write("community,,,maybe,,2022-02-30,,\n,不存在社区,拆违,done,120,,,\n")
    with (project / "assignments.csv").open("a", encoding="utf-8") as f:
        f.write("X99,section,北京路,,,\n")
    with (project / "leaders.csv").open("a", encoding="utf-8") as f:
        f.write("Z1,,,,,\n")
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        assert main(["build", str(project), "--out", str(tmp_path / "maps")]) == 2
    found, kinds = scan(tmp_path / "maps-problems")
    assert kinds == {".csv"} and found == []
    assert [line for line in said.getvalue().splitlines() if leaks(line)] == []
