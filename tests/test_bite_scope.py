"""The district as the scope (geo/scope.py): the rules the mutation run found untested.

Each expected figure is worked out by hand in the comment (metres in UTM 49N, see conftest), or
by an independent method (the GCJ-02 offset as a geodesic distance, pyproj's `Geod`).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

from conftest import LEADERS, line, m, make_project, square, to_wgs
from geo.config import load_config
from geo.coords import geometry_wgs84_to_gcj02
from geo.load import load_project
from geo.scope import limit_to_district
from geo.validate import validate_project

SIDE = 4000.0  # the district: a 4 km square, (0, 0)-(4000, 4000)


def _problems(folder):
    config = load_config(folder)
    layers, problems = load_project(folder, config)
    return validate_project(layers, problems, config.tolerances)[1]


def _to_gcj02(path):
    """Rewrite a layer's file in GCJ-02 (as AMap or DataV hand it over), not declared as such."""
    frame = gpd.read_file(path)
    frame.set_geometry(geometry_wgs84_to_gcj02(frame.geometry.values), crs=4326).to_file(
        path, driver="GeoJSON", engine="pyogrio"
    )


def _district(tmp_path, *, shifted: str | None = None, reach: float = 1.0):
    """The 4 km district, one community A reaching `reach` of its height from the south edge.

    `shifted` names the layer ("boundary" or "communities") rewritten in undeclared GCJ-02.
    """
    folder = make_project(
        tmp_path / "p",
        communities=[{"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, SIDE, SIDE * reach)}],
        roads=[{"name": "东西路", "geometry": line((100, 100), (3900, 100))}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        boundary=square(0, 0, SIDE, SIDE),
    )
    if shifted:
        _to_gcj02(folder / f"{shifted}.geojson")
    return folder


def _gcj02_hints(folder):
    return [p for p in _problems(folder) if "GCJ-02" in str(p.message)]


def _offset_here() -> float:
    """The GCJ-02 offset at the district's centre, in metres: the geodesic from the point to its GCJ-02 form."""
    centre = to_wgs(square(0, 0, SIDE, SIDE)).centroid
    moved = geometry_wgs84_to_gcj02([centre])[0]
    return Geod(ellps="WGS84").inv(centre.x, centre.y, moved.x, moved.y)[2]


@pytest.mark.parametrize("layer", ["boundary", "communities"])
def test_a_layer_in_undeclared_gcj02_is_named_with_the_offset_and_the_fix(tmp_path, layer):
    # Moving the boundary back (or the communities over) by the offset makes the two agree: the
    # layer that is off is named. The offset there is some 618 m (geodesic, measured independently).
    [hint] = _gcj02_hints(_district(tmp_path, shifted=layer))
    assert (hint.severity, hint.file, hint.row) == ("warning", f"{layer}.geojson", None)
    said = re.fullmatch(
        r"边界与社区整体错开约 (\d+) 米，像是 GCJ-02（高德、DataV 等）坐标而没有声明", str(hint.message)
    )
    assert said, str(hint.message)
    assert float(said[1]) == pytest.approx(_offset_here(), abs=1.0)
    assert 300 < _offset_here() < 900  # GCJ-02's offset in China is some hundreds of metres
    assert str(hint.fix) == f'如是，在 geo.toml 中写 [crs] {layer} = "GCJ-02"（工具会换算为 WGS84）'


def test_layers_that_agree_raise_no_gcj02_hint(tmp_path):
    # Boundary and communities the same square: no mismatch at all.
    assert _gcj02_hints(_district(tmp_path)) == []


def test_a_shift_that_halves_the_mismatch_is_named_one_that_does_not_is_not(tmp_path):
    # The boundary in GCJ-02 and A reaching 85 % of the district: moved back, the boundary differs
    # from A by the 15 % strip A does not reach; as it lies, by that and the offset's slivers,
    # about 38 % (the shifted square overlaps A by (4000 - 553) x (3400 - 276) of 16 km², less the
    # strip): 15 % is under half of 38 %, so the offset is named.
    assert len(_gcj02_hints(_district(tmp_path / "a", shifted="boundary", reach=0.85))) == 1
    # Reaching 75 %: 25 % left after moving, against about 46 % as it lies: more than half, so the
    # mismatch is not the offset's and nothing is said about GCJ-02.
    assert _gcj02_hints(_district(tmp_path / "b", shifted="boundary", reach=0.75)) == []
    # Without any offset, a community reaching 75 % of the district is no GCJ-02 either.
    assert _gcj02_hints(_district(tmp_path / "c", reach=0.75)) == []


def _outside_project(tmp_path):
    """A 1 km district with one of each layer's rows lying 3 km beyond it (the third row, the second feature)."""
    return make_project(
        tmp_path / "p",
        communities=[
            {"id": "A", "name": "甲社区", "tier": "general", "geometry": square(0, 0, 1000, 1000)},
            {"id": "Z", "name": "外社区", "tier": "general", "geometry": square(4000, 0, 4500, 500)},
        ],
        roads=[
            {"name": "东西路", "geometry": line((100, 500), (900, 500))},
            {"name": "远路", "geometry": line((4000, 100), (4400, 100))},
        ],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        issues=[
            {"id": "I1", "state": "open", "geometry": shapely.Point(m(500, 400))},
            {"id": "I2", "state": "open", "geometry": shapely.Point(m(4200, 200))},
        ],
        boundary=square(0, 0, 1000, 1000),
    )


def test_each_row_left_out_is_a_note_naming_its_file_feature_and_the_fix(tmp_path):
    notes = [p for p in _problems(_outside_project(tmp_path)) if p.outside]
    fix = "如这些数据属于本辖区，请检查边界图层（boundary）或该图层的坐标系"
    assert sorted((p.severity, p.file, p.row, p.row_label, str(p.message), str(p.fix)) for p in notes) == [
        ("note", "communities.geojson", 2, "feature", "社区大部分（一半以上面积）位于辖区边界之外，未计入", fix),
        ("note", "issues.geojson", 2, "feature", "问题点位于辖区之外，未计入", fix),
        ("note", "roads.geojson", 2, "feature", "道路要素位于辖区之外，未计入", fix),
    ]
    # Half of each layer's rows is outside: no layer is "mostly" outside (the warning needs over half).
    # Road length: 400 m of 1,200 m outside (33 %).
    assert [
        p for p in _problems(_outside_project(tmp_path / "again")) if "位于辖区之外，未计入任何数字" in str(p.message)
    ] == []


# ----------------------------------------------------------------------------- limit_to_district on frames
SOURCES = {
    name: SimpleNamespace(file=f"{name}.geojson", row_label="feature")
    for name in ("communities", "roads", "issues", "boundary")
}


def _frame(rows, **columns):
    """A layer in EPSG:4326 from metre geometries, with ``_row`` (the feature number) and `columns`."""
    frame = gpd.GeoDataFrame({"_row": range(1, len(rows) + 1), **columns}, geometry=[to_wgs(g) for g in rows], crs=4326)
    return frame if rows else gpd.GeoDataFrame({"_row": [], **columns}, geometry=[], crs=4326)


def _limit(communities=(), roads=(), issues=(), boundary=None, margin_m=15.0):
    problems: list = []
    out = limit_to_district(
        _frame(list(communities), id=[f"C{i}" for i in range(len(communities))]),
        _frame(list(roads), name=["路"] * len(roads)),
        _frame(list(issues), id=[f"I{i}" for i in range(len(issues))]),
        None if boundary is None else _frame(boundary),
        margin_m,
        SOURCES,
        problems,
    )
    return out, problems


def test_with_neither_boundary_nor_communities_everything_is_in_scope():
    (_, roads, issues, outside, _, district), problems = _limit(
        roads=[line((0, 0), (1000, 0))], issues=[shapely.Point(m(5000, 5000))]
    )
    assert (len(roads), len(issues), district, problems) == (1, 1, None, [])
    assert (outside.road_pieces, outside.road_m, outside.issues) == (0, 0.0, 0)
    assert outside.margin_m == 15.0  # the margin is reported whether or not there was anything to grow


def test_a_boundary_without_communities_still_cuts_the_roads():
    # Boundary (0, 0)-(1000, 1000), no community: 路 from x = 500 to 1,500 on y = 500 is cut at
    # x = 1,015 (the 15 m margin): 485 m left out; an issue 2 km away is left out.
    (_, roads, issues, outside, _, district), _ = _limit(
        roads=[line((500, 500), (1500, 500))],
        issues=[shapely.Point(m(3000, 500))],
        boundary=[square(0, 0, 1000, 1000)],
    )
    assert outside.road_m == pytest.approx(485.0, abs=0.01)
    assert (len(roads), len(issues), outside.issues, outside.scope) == (1, 0, 1, "boundary")
    assert district is not None


def test_a_boundary_layer_left_empty_is_no_boundary():
    # Every boundary feature rejected: the communities' outline is the scope, and A is kept.
    (communities, _, _, outside, _, _), problems = _limit(
        communities=[square(0, 0, 1000, 1000)], roads=[line((100, 100), (900, 100))], boundary=[]
    )
    assert (len(communities), outside.communities, outside.scope) == (1, 0, "communities")
    assert problems == []


def test_no_roads_at_all_leave_nothing_out():
    (_, roads, _, outside, metric, district), problems = _limit(
        communities=[square(0, 0, 1000, 1000)], boundary=[square(0, 0, 1000, 1000)]
    )
    assert (len(roads), outside.road_pieces, outside.road_m) == (0, 0, 0.0)
    assert len(metric["roads"][1]) == 0 and metric["roads"][1].crs == district.crs
    assert district.beyond.empty and list(district.beyond.columns[:2]) == ["name", "_row"]
    assert district.beyond.crs == district.crs
    assert problems == []


def test_a_margin_under_a_metre_still_widens_the_district():
    # Margin 0.9 m: an issue 0.8 m beyond the boundary's east side is the district's, one 1.0 m beyond
    # is not; a 0.8 m-wide community wholly in that strip is the district's too.
    (communities, _, issues, outside, _, _), _ = _limit(
        communities=[square(0, 0, 1000, 1000), square(1000, 400, 1000.8, 600)],
        issues=[shapely.Point(m(1000.8, 500)), shapely.Point(m(1001.0, 500))],
        boundary=[square(0, 0, 1000, 1000)],
        margin_m=0.9,
    )
    assert (len(communities), outside.communities) == (2, 0)
    assert (issues["id"].tolist(), outside.issues) == (["I0"], 1)


def test_a_layer_mostly_outside_is_warned_with_the_share_and_the_fix():
    # Three issues, two of them 5 km away: 67 % outside.
    _, problems = _limit(
        communities=[square(0, 0, 1000, 1000)],
        issues=[shapely.Point(m(500, 500)), shapely.Point(m(5000, 0)), shapely.Point(m(6000, 0))],
        boundary=[square(0, 0, 1000, 1000)],
    )
    [warning] = [p for p in problems if p.severity == "warning"]
    assert (warning.file, warning.row) == ("issues.geojson", None)
    assert str(warning.message) == "问题点的 67% 位于辖区之外，未计入任何数字"
    assert str(warning.fix) == "确认文件是否是本辖区的；若不是，请换用本辖区的数据，或检查 boundary 图层与坐标系"


def test_communities_mostly_outside_are_warned_by_name():
    # Three communities, two of them 5 km beyond the boundary: 67 % of the communities left out.
    _, problems = _limit(
        communities=[square(0, 0, 1000, 1000), square(5000, 0, 5500, 500), square(6000, 0, 6500, 500)],
        boundary=[square(0, 0, 1000, 1000)],
    )
    [warning] = [p for p in problems if p.severity == "warning"]
    assert (warning.file, str(warning.message)) == ("communities.geojson", "社区的 67% 位于辖区之外，未计入任何数字")
