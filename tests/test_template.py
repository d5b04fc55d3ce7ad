"""``geo init``'s guide (说明.txt) and its sheets say what the contract says: `geo.schema.LAYERS` decides.

Which layers are required, which columns must be filled: the guide and the 填写说明 sheets are read as a
clerk reads them and compared with the schema the checks use, so the two cannot drift apart.
"""

from __future__ import annotations

import re

import openpyxl
import pytest

from geo.schema import LAYERS, normalise_header
from geo.template import TABLES, init_project

# Columns the sheets may call needed although the schema does not require them: a section's ends, and an
# issue table's coordinates (a point layer has its geometry instead).
SOMETIMES = {("assignments", "from"), ("assignments", "to"), ("issues", "lon"), ("issues", "lat")}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init") / "new"
    init_project(folder)
    return folder


def _guide(folder) -> dict[str, dict[str, str]]:
    """The guide's sections (必需, 可选): each layer named at a line's start, with its text (and the lines under it)."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    layer = None
    for line in (folder / "说明.txt").read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"(\S{1,4})：", line)
        if heading:
            current, layer = sections.setdefault(heading.group(1), {}), None
            continue
        named = re.match(r"  ([a-z]+)(?:\.xlsx|/)?\s", line)
        if current is not None and named:
            layer = named.group(1)
            current[layer] = line
        elif current is not None and layer and line.startswith("     "):
            current[layer] += line
        else:
            current = layer = None if not line.strip() else current
    return sections


def _column(layer: str, header: str) -> str:
    """The contract column a header is read as (the header must be one the loader knows)."""
    key = normalise_header(header)
    found = [c for c, aliases in LAYERS[layer].columns.items() if key in {normalise_header(a) for a in (c, *aliases)}]
    assert found, f"{layer}: the header {header} is not one the tool reads"
    return found[0]


def test_the_guide_calls_required_exactly_the_layers_the_schema_requires(project):
    sections = _guide(project)
    assert set(sections) == {"必需", "可选"}
    assert set(sections["必需"]) == {name for name, spec in LAYERS.items() if spec.required}
    assert set(sections["可选"]) == {name for name, spec in LAYERS.items() if not spec.required}


def test_the_guide_says_roads_may_be_missing_or_empty(project):
    roads = _guide(project)["可选"]["roads"]
    assert "为空" in roads and "跳过道路检查" in roads


def test_the_columns_the_guide_lists_are_read_and_those_it_calls_required_are(project):
    for section in _guide(project).values():
        for layer, text in section.items():
            listed = re.search(r"列：(.*)", text)
            if listed is None:
                assert layer in TABLES, f"{layer}: no columns listed"  # a sheet of its own explains them
                continue  # a table init writes: its second sheet explains every column
            required = set()
            for item in re.split("、", listed.group(1).strip("。 ")):
                header = re.match(r"[^（(]+", item).group(0).strip()
                column = _column(layer, header)
                if "（必填" in item:
                    required.add(column)
            assert required == set(LAYERS[layer].required_columns), layer


@pytest.mark.parametrize("layer", ["leaders", "assignments", "status", "issues", "tiers"])
def test_each_sheet_says_needed_exactly_for_the_columns_the_schema_requires(project, layer):
    book = openpyxl.load_workbook(project / f"{layer}.xlsx")
    headers = [c.value for c in book.worksheets[0][1]]
    explained = {row[0]: row[1] for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert list(explained) == headers
    for header, text in explained.items():
        column = _column(layer, header)
        needed = text.startswith(("必填", "路段必填"))
        if (layer, column) in SOMETIMES:
            continue
        assert needed == (column in LAYERS[layer].required_columns), f"{layer}.{header}: {text}"
        assert text.startswith(("必填", "可选")), f"{layer}.{header}: {text}"
    assert {_column(layer, h) for h in headers} >= set(LAYERS[layer].required_columns)


def test_init_asks_for_roads_only_if_there_are_some(tmp_path, capsys):
    from geo.cli import main

    assert main(["init", str(tmp_path / "new")]) == 0
    said = capsys.readouterr().out.splitlines()[-1]
    assert "communities" in said and "有道路数据时也放入 roads" in said
