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
    """The metric CRS for a frame, by the centre of its bounds: its UTM zone (WGS 84); near a pole, a local one.

    See `_utm_at` for the rule. The centre of the bounds decides, as in geopandas'
    ``estimate_utm_crs``: data on both sides of a zone's edge is measured in the zone
    that holds most of its extent.
    """
    lon0, lat0, lon1, lat1 = frame.to_crs(4326).total_bounds
    return _utm_at(float(np.mean([lon0, lon1])), float(np.mean([lat0, lat1])))


# Beyond these latitudes UTM is not defined: a transverse Mercator centred on the data measures there.
_UTM_NORTH, _UTM_SOUTH = 84.0, -80.0


def _utm_at(lon: float, lat: float) -> CRS:
    """The metric CRS of a point: the WGS 84 UTM zone that holds it, by the UTM standard.

    The zone is the one PROJ's database gives for the point
    (`pyproj.database.query_utm_crs_info`, asked once for every zone and its area of use,
    `_utm_zones`): 6° zones from 180°W, EPSG 326xx north of the equator and 327xx south;
    on a zone's edge, where two areas of use meet, the first PROJ lists (the western zone;
    on the equator, the northern), as geopandas' ``estimate_utm_crs`` takes it.

    PROJ's areas of use are the plain 6° zones: they do not apply the standard's two
    exceptions (5°E 60°N is zone 31 there, 10°E 78°N zone 32), so they are applied here
    (`_exception_zone`): southern Norway, 56–64°N and 3–12°E, is zone 32 (32V); Svalbard,
    72–84°N, has zones 31X (0–9°E), 33X (9–21°E), 35X (21–33°E) and 37X (33–42°E), and
    no 32X, 34X or 36X. Their EPSG codes are PROJ's too (`_zone_named`).

    North of 84°N and south of 80°S, where UTM is not defined, it is a transverse Mercator
    on WGS 84 centred on the point (`_local_at`: scale 1 there, within 1 in 10,000 up to
    90 km away), never Web Mercator. The standard's Universal Polar Stereographic
    (EPSG:5041, 5042) was not taken: its scale is 0.994 at the pole and 0.997 at 84°N, so a
    10 km road would measure 30 to 60 m short, where geo tells a gap of a metre.
    """
    if lat > _UTM_NORTH or lat < _UTM_SOUTH:
        return _local_at(round(lon, 3), round(lat, 3))
    zone = _exception_zone(lon, lat)
    if zone is not None:
        return _epsg(_zone_named(zone))
    for info in _utm_zones():
        west, south, east, north = info.area_of_use.bounds
        if west <= lon <= east and south <= lat <= north:
            return _epsg(int(info.code))
    raise ValueError(f"no UTM zone holds {lon}, {lat}")  # not a position (NaN): a frame of empty shapes


def _exception_zone(lon: float, lat: float) -> int | None:
    """The UTM zone of the standard's exceptions (Norway 32V, Svalbard 31X–37X) holding the point; None elsewhere."""
    if 56.0 <= lat < 64.0 and 3.0 <= lon < 12.0:
        return 32
    if 72.0 <= lat <= _UTM_NORTH and 0.0 <= lon < 42.0:
        return 31 if lon < 9.0 else 33 if lon < 21.0 else 35 if lon < 33.0 else 37
    return None


@functools.cache
def _utm_zones() -> tuple:
    """Every WGS 84 UTM zone in PROJ's database with its area of use (120; one question of some 0.1 s)."""
    from pyproj.database import query_utm_crs_info

    return tuple(query_utm_crs_info(datum_name="WGS 84"))


def _zone_named(zone: int) -> int:
    """The EPSG code PROJ's database gives UTM zone `zone` north (WGS 84): the exceptions are all north."""
    name = f"WGS 84 / UTM zone {zone}N"
    return next(int(info.code) for info in _utm_zones() if info.name == name)


@functools.lru_cache(maxsize=128)
def _local_at(lon: float, lat: float) -> CRS:
    """A transverse Mercator on WGS 84 centred on ``lon, lat`` (rounded to 0.001°, so one place gives one CRS)."""
    return CRS.from_proj4(f"+proj=tmerc +lat_0={lat:g} +lon_0={lon:g} +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m")


@functools.lru_cache(maxsize=128)
def _epsg(code: int) -> CRS:
    return CRS.from_epsg(code)


def metric_crs_of(*frames) -> CRS:
    """The metric CRS of a project: the one for the first non-empty frame (`utm_crs`).

    With no data at all nothing is measured; the CRS is still a metric one: the UTM zone
    at 0°E 0°N as PROJ lists it first (EPSG:32630), never Web Mercator.
    """
    for frame in frames:
        if frame is not None and not frame.empty:
            return utm_crs(frame)
    return _utm_at(0.0, 0.0)
