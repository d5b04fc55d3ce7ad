"""The registry of checks: one entry per kind of gap, which every later stage iterates.

`geo.analyse` runs the built-in checks (their measuring is shared, so they are
found together) and then every registered check's `Check.find`; the reports
count each kind in `CHECKS` order (``summary.json``, ``gaps.csv``), the gap map
draws one layer per kind in its `Check.style`, and the legend and labels come
from `geo.words` (or, for a check added from outside, from `Check.labels`).

Adding a check is one `register` call::

    register(Check("bin_overflow", dimension=0, style={"radius": 8, "color": "#000"},
                   labels={"zh": "垃圾桶满溢", "en": "Overflowing bin"}, find=my_function))

where ``my_function(analysis) -> list[Gap]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import Gap

__all__ = ["CHECKS", "GAP_COLOR", "Check", "check_of", "register", "unregister"]

GAP_COLOR = "#e6007e"
_OVERLAP_COLOR = "#8e44ad"


@dataclass(frozen=True)
class Check:
    """One kind of gap.

    Attributes
    ----------
    kind
        Its key in reports (``section_gap`` …).
    dimension
        Its geometry's dimension: 0 points, 1 lines, 2 areas (each map layer holds one).
    style
        Its style on the gap map (Leaflet path options).
    labels
        Its name per language, for a check added from outside (built-in ones are in `geo.words`).
    find
        ``find(analysis) -> list[Gap]``: for a check added from outside; None for the built-in
        ones, which `geo.analyse` finds together.
    words
        Optional ``words(gap, lang, leader_name) -> geo.words.GapWords`` for a check added
        from outside; without it the gap gets a plain description.
    """

    kind: str
    dimension: int
    style: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    find: Callable[[Any], list[Gap]] | None = None
    words: Callable[..., Any] | None = None


CHECKS: list[Check] = [
    Check("section_gap", 1, {"color": GAP_COLOR, "weight": 9, "opacity": 0.95, "dashArray": "10 6"}),
    Check("section_overlap", 1, {"color": _OVERLAP_COLOR, "weight": 9, "opacity": 0.9, "dashArray": "2 6"}),
    Check("unmanaged_stretch", 1, {"color": GAP_COLOR, "weight": 7, "opacity": 0.95}),
    Check("territory_gap", 2, {"color": GAP_COLOR, "weight": 3, "fillColor": GAP_COLOR, "fillOpacity": 0.7}),
    Check(
        "territory_overlap", 2, {"color": _OVERLAP_COLOR, "weight": 3, "fillColor": _OVERLAP_COLOR, "fillOpacity": 0.6}
    ),
    Check(
        "community_no_leader",
        2,
        {"color": GAP_COLOR, "weight": 4, "fillColor": GAP_COLOR, "fillOpacity": 0.25, "dashArray": "6 4"},
    ),
    Check("no_district_leader", 2, {"color": _OVERLAP_COLOR, "weight": 4, "fill": False, "dashArray": "6 4"}),
    Check("community_no_status", 2, {"color": _OVERLAP_COLOR, "weight": 2, "fill": False, "dashArray": "2 4"}),
    Check(
        "orphan_issue",
        0,
        {"radius": 9, "color": "#000", "weight": 3, "fill": True, "fillColor": GAP_COLOR, "fillOpacity": 1},
    ),
]


def check_of(kind: str) -> Check | None:
    """The registered check of a kind, or None."""
    return next((c for c in CHECKS if c.kind == kind), None)


def register(check: Check) -> None:
    """Add a check (or replace the one of the same kind); its gaps then reach every report and map."""
    unregister(check.kind)
    CHECKS.append(check)


def unregister(kind: str) -> None:
    """Remove the check of a kind (for tests that register one for a while)."""
    CHECKS[:] = [c for c in CHECKS if c.kind != kind]
