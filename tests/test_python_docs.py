"""docs/python.md runs: its code blocks, in order, from the repository's root (they assert what they show)."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT


def test_the_python_page_runs_as_written(monkeypatch):
    page = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "docs/python.md", "exec"), namespace)  # noqa: S102 - our own documentation
    shown = printed.getvalue()
    assert shown.startswith("Analysis(as_of=2022-05-14, communities=76, roads=18, leaders=67, issues=70, gaps:")
    assert "['boundary', 'communities', 'gaps', 'issues', 'responsibility', 'roads']" in shown
    assert str(namespace["layers"]["gaps"].crs) == "EPSG:4326"
    assert "5 gaps; 69 maps written" in shown
    assert "['bulletin.html', '通报_2022-05-14.docx']" in shown  # from frames: no history, still a bulletin  # the overview, the gap map, 67 leaders (no history: no change map)


def test_frames_are_read_as_files_are_and_left_unchanged():
    import geopandas as gpd
    import pandas as pd
    import pytest
    import shapely

    import geo

    communities = gpd.GeoDataFrame(
        {"编号": [1.0, 2.0], "名称": ["甲社区", None]},
        geometry=[shapely.box(112.25, 30.30, 112.26, 30.31), shapely.box(112.26, 30.30, 112.27, 30.31)],
        crs=4326,
    )
    leaders = pd.DataFrame({"编号": ["S1"], "姓名": ["丁"], "级别": ["街道"]})
    assignments = pd.DataFrame({"责任人": ["丁"], "类型": ["包社区"], "对象": ["甲社区"]})
    before = communities.copy()
    result = geo.check({"communities": communities, "leaders": leaders, "assignments": assignments})
    pd.testing.assert_frame_equal(communities, before)  # not changed
    project = result.analysis.resolved.project
    assert project.communities["id"].tolist() == ["1", "2"]  # Excel's 1.0 read as 1, as in a file
    assert project.communities["name"].tolist() == ["甲社区", "2"]  # a missing name takes the id
    (warning,) = [str(p) for p in result.problems if p.severity == "warning"]
    assert warning.startswith("communities (GeoDataFrame) 第 2 个要素（2），“名称”列：没有名称")
    with pytest.raises(geo.ValidationError, match=r"communities \(GeoDataFrame\)：文件没有坐标系"):
        geo.check(
            {
                "communities": communities.set_crs(None, allow_override=True),
                "leaders": leaders,
                "assignments": assignments,
            }
        )


def test_a_missing_or_shapeless_frame_is_named_with_the_fix():
    import pandas as pd
    import pytest

    import geo

    with pytest.raises(geo.ValidationError) as err:
        geo.check({"communities": pd.DataFrame({"id": ["x"]}), "leaders": pd.DataFrame({"id": ["a"]})})
    text = str(err.value)
    assert "communities：“communities”需要几何图形，表格无法提供。修改：传入带几何列和坐标系的 GeoDataFrame" in text
    assert "assignments：缺少必需的图层“assignments”。修改：传入 assignments=…（GeoDataFrame 或 DataFrame）" in text
    with pytest.raises(geo.ProjectError, match="不认识的图层名 “villages”"):
        geo.check({"villages": pd.DataFrame()})


def test_every_name_of_the_api_has_its_type_for_a_type_checker():
    """`geo/__init__.py` imports its names when first used; under TYPE_CHECKING it imports each from the same
    module, re-exported (``as``), so a user's mypy sees `geo.check`'s own signature, not Any (py.typed)."""
    import ast

    import geo

    tree = ast.parse((ROOT / "geo" / "__init__.py").read_text(encoding="utf-8"))
    (block,) = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"]
    typed = {
        alias.name: (node.module, alias.asname)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == {name: (module, name) for name, module in geo._WHERE.items()}
    assert sorted(typed, key=str.lower) == [name for name in geo.__all__ if name != "__version__"]
