"""Geometry of one kind per layer: what a map layer or a report column can hold.

Overlay operations return whatever the inputs make: the overlap of two
communities that also share an edge is an area *and* a line
(a GeometryCollection), the difference of a line and an area may leave a
point. A map layer of areas cannot draw a GeometryCollection (Leaflet throws
and the rest of the page's script stops), and an area figure gains nothing
from a line. `keep_dimension` keeps the parts of the wanted dimension and
says how many other parts it removed, so nothing is dropped unseen.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["DIMENSION_OF", "keep_dimension"]

# A layer's expected geometry type -> its topological dimension.
DIMENSION_OF = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1, "Polygon": 2, "MultiPolygon": 2}
_COLLECTION, _EMPTY = 7, -1
_MULTI = {0: shapely.multipoints, 1: shapely.multilinestrings, 2: shapely.multipolygons}


def _atoms(geometry) -> np.ndarray:
    """Every single part (point, line, polygon) of a geometry, nested collections opened."""
    parts = shapely.get_parts(geometry)
    while (shapely.get_type_id(parts) == _COLLECTION).any():
        parts = shapely.get_parts(parts)
    return parts


def keep_dimension(geometries, dimension: int) -> tuple[np.ndarray, int]:
    """Keep only the parts of `dimension` (0 points, 1 lines, 2 areas) of each geometry.

    Parameters
    ----------
    geometries
        An array of shapely geometries (None allowed).
    dimension
        The topological dimension to keep.

    Returns
    -------
    geometries, removed
        A new array: geometries that are wholly of `dimension` unchanged, mixed
        ones reduced to their parts of that dimension (one part as itself,
        several as a Multi* geometry), and those with no such part None.
        `removed` counts the parts of another dimension taken out; empty
        geometries count for nothing.
    """
    geometries = np.array(geometries, dtype=object)
    if len(geometries) == 0:
        return geometries, 0
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    types = shapely.get_type_id(geometries)
    dims = shapely.get_dimensions(geometries)
    uniform = present & (types != _COLLECTION)
    wrong = uniform & (dims != dimension)
    removed = int(shapely.get_num_geometries(geometries[wrong]).sum())
    geometries[wrong] = None
    for i in np.flatnonzero(present & (types == _COLLECTION)):
        atoms = _atoms(geometries[i])
        atoms = atoms[~shapely.is_empty(atoms)]
        mine = shapely.get_dimensions(atoms) == dimension
        removed += int((~mine).sum())
        kept = atoms[mine]
        geometries[i] = None if len(kept) == 0 else kept[0] if len(kept) == 1 else _MULTI[dimension](kept)
    return geometries, removed
