"""The pipeline end to end (`geo.pipeline`): what `check` lets through when resolving fails."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo.pipeline
from conftest import LEADERS, write_csv
from geo.errors import CRSError, ValidationError


def _with_an_error(project: Path) -> Path:
    """The road project with one leader of an unknown level: an error in the input."""
    write_csv(project / "leaders.csv", [*LEADERS, {"id": "X1", "name": "某", "title": "某", "level": "星球"}])
    return project


def _resolving_raises(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def resolve_project(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(geo.pipeline, "resolve_project", resolve_project)


def test_a_bug_in_resolving_is_not_swallowed_when_the_input_has_errors(road_project, monkeypatch):
    _resolving_raises(monkeypatch, RuntimeError("a bug in resolve"))
    with pytest.raises(RuntimeError, match="a bug in resolve"):
        geo.pipeline.check(_with_an_error(road_project))


def test_a_refusal_of_resolving_on_input_with_errors_leaves_the_input_errors(road_project, monkeypatch):
    _resolving_raises(monkeypatch, CRSError("no metric CRS for these layers"))
    with pytest.raises(ValidationError) as caught:
        geo.pipeline.check(_with_an_error(road_project))
    assert [(p.file, p.value) for p in caught.value.problems if p.severity == "error"] == [("leaders.csv", "星球")]


def test_a_refusal_of_resolving_on_valid_input_is_raised(road_project, monkeypatch):
    refusal = CRSError("no metric CRS for these layers")
    _resolving_raises(monkeypatch, refusal)
    with pytest.raises(CRSError) as caught:
        geo.pipeline.check(road_project)
    assert caught.value is refusal
