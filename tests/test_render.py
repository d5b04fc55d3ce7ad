"""Map structure: offline, escaped, tiers styled apart, Chinese legend, one map per leader."""

import json
import re

import numpy as np
import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square
from geo.cli import main
from geo.output import MANIFEST
from geo.render import TIER_STYLE, leader_filenames

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    leaders = LEADERS + [
        {"id": "../evil", "name": HOSTILE, "title": "</script><b>", "level": "district", "phone": "13900000000"}
    ]
    communities = [
        {"id": "A", "name": HOSTILE, "tier": "demonstration", "geometry": square(0, 0, 500, 500)},
        {"id": "B", "name": "乙社区", "tier": "key", "geometry": square(500, 0, 1000, 500)},
        {"id": "C", "name": "丙社区", "tier": "general", "geometry": square(1000, 0, 1500, 500)},
    ]
    roads = [
        {"name": "红门路", "geometry": line((0, 250), (1500, 250))},
        {"name": "", "geometry": line((100, 100), (200, 100))},
    ]
    assignments = [
        {"leader": "C1", "kind": "road", "target": "红门路"},
        {"leader": "../evil", "kind": "community", "target": "A"},
        {"leader": "D1", "kind": "community", "target": "B"},
        {"leader": "S1", "kind": "community", "target": "C"},
    ]
    issues = [{"id": "I1", "state": "open", "category": HOSTILE, "geometry": shapely.Point(m(100, 260))}]
    folder = make_project(
        tmp / "p", communities=communities, roads=roads, leaders=leaders, assignments=assignments, issues=issues
    )
    out = tmp / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return out


def _html_files(out):
    return sorted(out.rglob("*.html"))


def test_every_map_is_self_contained(built):
    files = _html_files(built)
    assert len(files) == 3 + len(LEADERS) + 1
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), path.name
        if path.name != "index.html":
            assert "L.map(" in text or "L.map (" in text
            assert "leaflet" in text.lower() and "Leaflet 1.9" in text  # inlined, from XStatic-Leaflet


def map_data(text: str) -> dict:
    """The data a map page carries (``<script type="application/json" id="geo-data">``), as map.js reads it."""
    found = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', text, re.S)
    assert found, "no map data in the page"
    return json.loads(found.group(1))


def features(layer: dict) -> list[dict]:
    """A packed layer's features' properties, one dict per feature (repeated words decoded)."""
    props = {
        key: [column["k"][i] for i in column["i"]] if isinstance(column, dict) else column
        for key, column in layer["props"].items()
    }
    n = len(next(iter(props.values()))) if props else 0
    return [{key: values[i] for key, values in props.items()} for i in range(n)]


def coordinates(layer: dict) -> list:
    """A packed layer's coordinates (lon, lat) per feature, decoded here independently of map.js.

    The steps are summed into micro-degrees, then cut by each level of offsets, innermost first.
    """
    steps = np.array(layer["geom"]["xy"], dtype=np.int64).reshape(-1, 2)
    level = list(np.cumsum(steps, axis=0) / 1e6)
    for offsets in layer["geom"]["parts"]:
        level = [level[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    return level


def test_user_text_is_escaped_everywhere(built):
    for path in _html_files(built):
        text = path.read_text(encoding="utf-8")
        assert HOSTILE not in text, path.name
        assert "</script><b>" not in text, path.name
        if path.name != "index.html":
            # the data cannot close its script element: every "<" in it is written \u003c
            raw = re.search(r'id="geo-data">(.*?)</script>', text, re.S).group(1)
            assert "<" not in raw and "\\u003c" in raw, path.name
    # ... and holds the text exactly as written, for map.js to write with textContent
    overview = map_data((built / "overview.html").read_text(encoding="utf-8"))
    names = [f.get("name") for layer in overview["layers"] for f in features(layer)]
    assert HOSTILE in names  # the community's name
    categories = [f["category"] for layer in overview["layers"] for f in features(layer) if f.get("id") == "I1"]
    assert categories == [HOSTILE]


def test_phone_numbers_are_never_written(built):
    for path in built.rglob("*"):
        if path.is_file():
            assert b"13900000000" not in path.read_bytes(), path.name


def test_tiers_are_styled_apart_with_a_chinese_legend(built):
    overview = (built / "overview.html").read_text(encoding="utf-8")
    tiers = [f["tier"] for layer in map_data(overview)["layers"] for f in features(layer) if "tier" in f]
    assert sorted(tiers) == ["demonstration", "general", "key"]
    for style in TIER_STYLE.values():
        assert style["fillColor"] in overview
    assert TIER_STYLE["demonstration"]["weight"] > TIER_STYLE["general"]["weight"]
    legend = re.search(r'<div class="geo-box geo-legend.*?</div></div>', overview, re.S).group(0)
    for label in ("图例", "示范社区", "重点社区", "一般社区", "市领导包保道路"):
        assert label in legend
    # the legend lists only what is on the map: this project has no sections, no overdue issue
    assert "区领导包保路段" not in legend and "逾期问题点" not in legend


def test_one_map_per_leader_with_a_safe_file_name(built):
    names = sorted(p.name for p in (built / "leaders").glob("*.html"))
    files = leader_filenames(["../evil", "C1"])
    assert files["../evil"] in names and files["C1"] == "C1.html"
    assert "/" not in files["../evil"] and ".." not in files["../evil"]
    page = (built / "leaders" / "D1.html").read_text(encoding="utf-8")
    assert "<title>乙（区长） · 包保责任地图</title>" in page
    assert "乙社区" in page


def test_index_links_every_leader_map(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    for path in (built / "leaders").glob("*.html"):
        assert f'href="leaders/{path.name}"' in index
    summary = json.loads((built / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["communities"]["by_tier"] == {"demonstration": 1, "key": 1, "general": 1}


PAYLOADS = ["<img src=x onerror=alert(1)>", "`${alert(1)}`", "\"'><svg onload=alert(1)>", "</script><script>x()"]


def _small_project(folder, names=None, leader_names=None):
    names = names or ["甲社区", "乙社区"]
    communities = [
        {
            "id": f"c{k}",
            "name": n,
            "tier": "key" if k == 0 else "general",
            "geometry": square(500 * k, 0, 500 * k + 500, 500),
        }
        for k, n in enumerate(names)
    ]
    leaders = [
        {"id": f"L{k}", "name": n, "title": "区长", "level": "district", "phone": "13900000000"}
        for k, n in enumerate(leader_names or ["乙"])
    ]
    assignments = [{"leader": "L0", "kind": "community", "target": c["id"]} for c in communities]
    assignments.append({"leader": "L0", "kind": "road", "target": "红门路"})
    roads = [{"name": "红门路", "geometry": line((0, 250), (500 * len(names), 250))}]
    return make_project(folder, communities=communities, roads=roads, leaders=leaders, assignments=assignments)


def test_hostile_names_run_no_script_and_write_nothing_outside(tmp_path):
    folder = _small_project(tmp_path / "p", names=PAYLOADS, leader_names=["../../etc/x"])
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    # the project, the output and the output's lock file (beside it, so it survives the swap)
    assert all(str(p).startswith(("p/", "maps/")) or str(p) == ".maps.lock" for p in written), written
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for payload in PAYLOADS:
            if "<" in payload:
                assert payload not in text, (path.name, payload)
        # In scripts, user text may only sit inside JSON string literals (inert there).
        for script in re.findall(r"<script>(.*?)</script>", text, flags=re.S):
            code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', script)
            assert "alert(1)" not in code, path.name
        if path.name != "index.html":  # every payload reaches map.js intact, as data
            names = {f.get("name") for layer in map_data(text)["layers"] for f in features(layer)}
            assert set(PAYLOADS) <= names, path.name
    assert sorted(p.name for p in (out / "leaders").iterdir()) == ["L0.html"]  # files are named by id


def test_two_builds_are_byte_identical(tmp_path):
    folder = _small_project(tmp_path / "p")
    for out in ("a", "b"):
        assert main(["build", str(folder), "--out", str(tmp_path / out), "-q"]) == 0
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file() and path.name not in ("run.json", MANIFEST):  # run.json holds the time of the run
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert path.read_bytes() == twin.read_bytes(), path.name
    # the manifest records each file's hash: the same, but run.json's (and the times, as run.json)
    a, b = (json.loads((tmp_path / out / MANIFEST).read_text(encoding="utf-8"))["files"] for out in ("a", "b"))
    del a["reports/run.json"], b["reports/run.json"]
    assert {k: (v["by"], v["size"], v["sha256"]) for k, v in a.items()} == {
        k: (v["by"], v["size"], v["sha256"]) for k, v in b.items()
    }
    assert "index.html" in a


def test_amap_basemap_draws_the_data_in_gcj02(tmp_path):
    from geo.coords import wgs84_to_gcj02

    folder = _small_project(tmp_path / "p")
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q", "--basemap", "amap"]) == 0
    text = (out / "overview.html").read_text(encoding="utf-8")
    assert "autonavi.com" in text
    [roads] = [layer for layer in map_data(text)["layers"] if layer["name"] == "道路"]
    [drawn] = coordinates(roads)
    road = json.loads((folder / "roads.geojson").read_text(encoding="utf-8"))["features"][0]
    lon, lat = np.array(road["geometry"]["coordinates"]).T
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.allclose(np.array(drawn), np.column_stack([glon, glat]), atol=1.01e-6)


def test_tianditu_key_is_not_written_unless_asked(tmp_path, monkeypatch):
    folder = _small_project(tmp_path / "p")
    monkeypatch.setenv("TIANDITU_KEY", "SECRETKEY123")
    assert main(["build", str(folder), "--out", str(tmp_path / "a"), "-q", "--basemap", "tianditu"]) == 0
    text = (tmp_path / "a" / "overview.html").read_text(encoding="utf-8")
    assert "tianditu.gov.cn" in text and "SECRETKEY123" not in text
    assert "geo.tianditu_key" in text  # readers type the key once, kept in their own browser
    (folder / "geo.toml").write_text('[map]\nbasemap = "tianditu"\nwrite_key = true\n', encoding="utf-8")
    assert main(["build", str(folder), "--out", str(tmp_path / "b"), "-q"]) == 0
    assert "SECRETKEY123" in (tmp_path / "b" / "overview.html").read_text(encoding="utf-8")


def test_english_maps_plain_attribution_search_fullscreen_and_print(tmp_path):
    folder = _small_project(tmp_path / "p")
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q", "--lang", "en"]) == 0
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert "Legend" in overview and "Key community" in overview and "图例" not in overview
    assert "setPrefix('Leaflet')" in overview  # no flag icon in the attribution
    assert "geo-search" in overview and "requestFullscreen" in overview
    assert "@media print" in overview and "size: A4 landscape" in overview
    assert 'lang="en"' in (out / "index.html").read_text(encoding="utf-8")


def test_mixing_amap_with_wgs84_basemaps_is_refused(tmp_path, capsys):
    folder = _small_project(tmp_path / "p")
    assert main(["build", str(folder), "--out", str(tmp_path / "m"), "--basemap", "amap,osm"]) == 2
    assert "不能与" in capsys.readouterr().err


def test_reserved_windows_names_and_excel_formulas_are_defused(tmp_path):
    folder = _small_project(tmp_path / "p", names=['=HYPERLINK("http://x")', "乙社区"])
    leaders = (folder / "leaders.csv").read_text(encoding="utf-8").replace("L0,", "CON,")
    (folder / "leaders.csv").write_text(leaders, encoding="utf-8")
    assignments = (folder / "assignments.csv").read_text(encoding="utf-8").replace("L0,", "CON,")
    (folder / "assignments.csv").write_text(assignments, encoding="utf-8")
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    assert [p.name for p in (out / "leaders").iterdir()] == [leader_filenames(["CON"])["CON"]]
    assert leader_filenames(["CON"])["CON"].startswith("leader.")
    text = (out / "reports" / "communities.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_a_crafted_id_cannot_take_another_leaders_file_name():
    """An id spelt as the hashed name of another (unsafe) id, in either order, and ids differing in case."""
    unsafe = "../../../tmp/probe/escape1"
    hashed = leader_filenames([unsafe])[unsafe]
    assert re.fullmatch(r"leader\.[0-9a-f]{12}\.html", hashed)
    crafted = hashed[: -len(".html")]  # "leader.<hash>": not a plain id (the dot), so it is hashed too
    dashed = hashed.replace(".", "-", 1)[: -len(".html")]  # "leader-<hash>", a plain id: the old scheme's name
    for ids in ([unsafe, crafted], [crafted, unsafe], [unsafe, dashed], [dashed, unsafe]):
        names = leader_filenames(ids)
        assert len({n.lower() for n in names.values()}) == len(ids), names
    names = leader_filenames(["ab", "AB", "Ab", "aB"])  # a case-blind disk: four files all the same
    assert len({n.lower() for n in names.values()}) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+\.html", n) for n in names.values())


def test_packed_layers_decode_to_the_same_coordinates_and_values():
    """`pack` and `_encoded`, decoded here as map.js decodes them (steps summed, offsets cut, codes looked up)."""
    from geo.render import _encoded, pack

    ring = [(112.0, 30.0), (112.001, 30.0), (112.001, 30.001), (112.0, 30.0)]
    hole = [(112.0002, 30.0002), (112.0004, 30.0002), (112.0004, 30.0004), (112.0002, 30.0002)]
    polygons = [
        shapely.Polygon(ring, [hole]),
        shapely.MultiPolygon([shapely.Polygon([(x + 0.01, y) for x, y in ring]), shapely.Polygon(ring)]),
    ]
    packed = {"geom": pack(polygons)}
    first, second = coordinates(packed)
    # Polygon promoted to a one-part MultiPolygon: [polygon][ring][vertex]
    assert len(first) == 1 and len(first[0]) == 2 and np.allclose(first[0][1], hole)
    assert len(second) == 2 and np.allclose(second[0][0], [(x + 0.01, y) for x, y in ring])
    assert all(isinstance(v, int) for v in packed["geom"]["xy"])  # micro-degree steps, no floats
    states = np.array(["open", None, "open", "resolved"] * 3, dtype=object)
    encoded = _encoded(states)
    assert isinstance(encoded, dict) and len(encoded["k"]) == 3  # written once each
    assert [encoded["k"][i] for i in encoded["i"]] == list(states)  # None stays None (null), never NaN
    assert _encoded(np.array(["a", "b", "c"], dtype=object)) == ["a", "b", "c"]  # too few to be worth it


@pytest.mark.parametrize("top,share,shown", [(800, 0.20, False), (950, 0.05, True), (920, 0.08, True)])
def test_the_overview_shows_its_gaps_at_first_only_when_they_cover_at_most_a_tenth_of_the_district(
    tmp_path, top, share, shown
):
    """A 1,000 m square district, one led community from its foot to `top`: the strip above it, 1,000 m by
    (1,000 - top) m, is the only gap (a territory gap, drawn filled), so it covers (1,000 - top) / 1,000 of the
    district. The gaps are one switch on the overview, on at first up to 10 %, and always on in the gap map."""
    from geo.config import load_config
    from geo.pipeline import check
    from geo.render import GAPS_SHOWN_MAX_SHARE, gap_share

    folder = make_project(
        tmp_path / "p",
        communities=[{"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 1000, top)}],
        roads=[{"name": "红门路", "geometry": line((100, 100), (900, 100))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        boundary=square(0, 0, 1000, 1000),
    )
    result = check(folder, load_config(folder))
    assert list(result.analysis.gaps["kind"]) == ["territory_gap"]
    assert gap_share(result.analysis) == pytest.approx(share, abs=1e-3)
    assert GAPS_SHOWN_MAX_SHARE == 0.10
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    overview = map_data((out / "overview.html").read_text(encoding="utf-8"))
    gaps = [layer for layer in overview["layers"] if layer["group"] == "gaps"]
    assert [(g["entry"], g["show"]) for g in gaps] == [("空白点（1）", shown)]
    gap_map = map_data((out / "gaps.html").read_text(encoding="utf-8"))
    assert [(g["entry"], g["show"]) for g in gap_map["layers"] if g["group"] == "gaps"] == [(None, True)]


def test_a_gap_line_counts_as_wide_as_it_is_drawn():
    """A 1,000 m square district drawn 1,000 px across (1 m a pixel): an unmanaged stretch 1,000 m long, drawn
    7 px wide (its `Check.style` weight), covers 7 m x 1,000 m = 0.7 % of it; a 20 m one, 0.014 %."""
    import geopandas as gpd

    from geo.render import gap_share

    district = shapely.box(0, 0, 1000, 1000)
    for length, share in ((1000, 0.007), (20, 0.00014)):
        gaps = gpd.GeoDataFrame(
            {"kind": ["unmanaged_stretch"]}, geometry=[shapely.LineString([(0, 500), (length, 500)])], crs=32649
        )
        resolved = type("R", (), {"boundary": gpd.GeoDataFrame(geometry=[district], crs=32649), "communities": None})
        analysis = type("A", (), {"resolved": resolved, "gaps": gaps})
        assert gap_share(analysis) == pytest.approx(share, rel=1e-6)
