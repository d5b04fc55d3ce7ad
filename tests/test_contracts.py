"""The records between stages are checked where they are handed over: a bug is named at the boundary."""

import geopandas as gpd
import pandas as pd
import pytest

from geo.model import Project
from geo.schema import LAYERS
from geo.validate import _empty_layer


def _frames() -> dict:
    return {name: _empty_layer(name) for name in ("communities", "roads", "leaders", "assignments", "status", "issues")}


def test_a_project_of_empty_contract_frames_is_accepted():
    project = Project(**_frames(), boundary=None)
    assert list(project.roads.columns) == [*LAYERS["roads"].columns, "_row", "geometry"]


def test_a_stage_that_drops_a_column_is_named_with_the_column():
    frames = _frames()
    frames["roads"] = gpd.GeoDataFrame(frames["roads"].drop(columns=["name"]), geometry="geometry")
    with pytest.raises(TypeError, match=r"Project\.roads: missing column\(s\) name"):
        Project(**frames, boundary=None)


def test_the_analysis_checks_what_it_hands_to_the_reports(road_project):
    from geo import check, load_config
    from geo.analyse import Analysis

    analysis = check(road_project, load_config(road_project)).analysis
    fields = {f: getattr(analysis, f) for f in Analysis.__dataclass_fields__}
    fields["roads"] = pd.DataFrame(analysis.roads.drop(columns=["unmanaged_m"]))
    with pytest.raises(TypeError, match=r"Analysis\.roads: missing column\(s\) unmanaged_m"):
        Analysis(**fields)
