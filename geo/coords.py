"""GCJ-02 ⇄ WGS84 conversion, vectorised with numpy.

GCJ-02 is the obfuscated datum of Chinese web maps (AMap, Tencent, DataV):
WGS84 coordinates shifted by a few hundred metres by a published, smooth
function. The forward formula and its constants (Krasovsky ellipsoid semi-major
axis ``a = 6378245.0`` and eccentricity squared ``ee = 0.00669342162296594323``)
are the widely reproduced public facts of the GCJ-02 algorithm; the inverse is
computed here by fixed-point iteration to well under a millimetre.

The offset exists only inside China (the conventional bounding box below);
outside it the functions return the input unchanged, and `in_china` tells the
caller which points those are.
"""

from __future__ import annotations

import functools

import numpy as np
import shapely
from pyproj import CRS

__all__ = [
    "metric_crs_of",
    "utm_crs",
    "gcj02_to_wgs84",
    "geometry_gcj02_to_wgs84",
    "geometry_wgs84_to_gcj02",
    "in_china",
    "wgs84_to_gcj02",
]

_A = 6378245.0
_EE = 0.00669342162296594323
# The conventional "in China" box used with GCJ-02: (lon_min, lon_max, lat_min, lat_max).
_CHINA_BOX = (72.004, 137.8347, 0.8293, 55.8271)


def in_china(lon, lat) -> np.ndarray:
    """Return a boolean array: True where GCJ-02's offset applies."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    lo0, lo1, la0, la1 = _CHINA_BOX
    return (lon >= lo0) & (lon <= lo1) & (lat >= la0) & (lat <= la1)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset in degrees (dlon, dlat) at WGS84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 ``lon, lat`` (degrees, array-like) to GCJ-02."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, *, tol_deg: float = 1e-10, max_iter: int = 30):
    """Convert GCJ-02 ``lon, lat`` (degrees, array-like) to WGS84.

    Inverts `wgs84_to_gcj02` by fixed-point iteration until every point
    round-trips within `tol_deg` (1e-10° is about 0.01 mm).
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if elon.size == 0 or max(np.abs(elon).max(), np.abs(elat).max()) < tol_deg:
            break
    return wlon, wlat


def _transform_geometry(geometry, func):
    def apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, apply)


def geometry_gcj02_to_wgs84(geometry):
    """Convert shapely geometries (scalar or array) from GCJ-02 to WGS84."""
    return _transform_geometry(geometry, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geometry):
    """Convert shapely geometries (scalar or array) from WGS84 to GCJ-02."""
    return _transform_geometry(geometry, wgs84_to_gcj02)


def utm_crs(frame) -> CRS:
    """The UTM zone (WGS 84) holding the centre of a frame's bounds, as geopandas' ``estimate_utm_crs`` gives it."""
    lon0, lat0, lon1, lat1 = frame.to_crs(4326).total_bounds
    return _utm_at(float(np.mean([lon0, lon1])), float(np.mean([lat0, lat1])))


def _utm_at(lon: float, lat: float) -> CRS:
    """The UTM zone of a point: 6° zones from 180°W, EPSG 326xx north of the equator and 327xx south.

    This is the zone PROJ's database names for the point (`pyproj.database.query_utm_crs_info`,
    which takes some 60 ms a query; compared at points all over the globe in tests/test_coords.py).
    Beyond 84°N and 80°S, where UTM is not defined, the nearest zone's projection is still metric.
    """
    zone = min(max(int((lon + 180.0) // 6.0) + 1, 1), 60)
    return _epsg(32600 + zone if lat >= 0 else 32700 + zone)


@functools.lru_cache(maxsize=128)
def _epsg(code: int) -> CRS:
    return CRS.from_epsg(code)


def metric_crs_of(*frames) -> CRS:
    """The metric CRS of a project: the UTM zone of the first non-empty frame (EPSG:3857 when all are empty)."""
    for frame in frames:
        if frame is not None and not frame.empty:
            return utm_crs(frame)
    return CRS.from_epsg(3857)
