"""geo.coords against an independent implementation (prcoords, public domain, test-only).

prcoords uses the same published GCJ-02 constants (Krasovsky a = 6378245,
ee = 0.00669342162296594323). Note that some libraries (e.g. eviltransform)
use the WGS84 radius instead, which differs by centimetres.
"""

import numpy as np
import prcoords
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.coords import gcj02_to_wgs84, geometry_gcj02_to_wgs84, in_china, wgs84_to_gcj02

lons = st.floats(min_value=73.0, max_value=135.0)
lats = st.floats(min_value=18.0, max_value=53.0)


@settings(max_examples=200, deadline=None)
@given(lons, lats)
def test_forward_matches_prcoords(lon, lat):
    glon, glat = wgs84_to_gcj02([lon], [lat])
    elat, elon = prcoords.wgs_gcj((lat, lon), check_china=False)
    assert glon[0] == pytest.approx(elon, abs=1e-9)
    assert glat[0] == pytest.approx(elat, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(lons, lats)
def test_inverse_matches_prcoords(lon, lat):
    wlon, wlat = gcj02_to_wgs84([lon], [lat])
    elat, elon = prcoords.gcj_wgs_bored((lat, lon), check_china=False)
    # prcoords stops once a step is below 1e-5 degrees, leaving about 1e-8
    # (1 mm); ours iterates until the forward image is within 1e-10 degrees.
    assert wlon[0] == pytest.approx(elon, abs=1e-7)
    assert wlat[0] == pytest.approx(elat, abs=1e-7)
    flon, flat = wgs84_to_gcj02(wlon, wlat)
    assert abs(flon[0] - lon) < 1e-10 and abs(flat[0] - lat) < 1e-10


def test_round_trip_is_below_a_millimetre():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(100, 120, 1000), rng.uniform(22, 40, 1000)
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    # 1e-8 degrees is about 1 mm.
    assert np.abs(back_lon - lon).max() < 1e-8
    assert np.abs(back_lat - lat).max() < 1e-8


def test_shashi_offset_is_a_few_hundred_metres():
    # Jingzhou: the GCJ-02 offset is known to be some hundreds of metres there.
    glon, glat = wgs84_to_gcj02([112.25], [30.30])
    metres = np.hypot((glon[0] - 112.25) * 111_320 * np.cos(np.radians(30.3)), (glat[0] - 30.30) * 110_574)
    assert 300 < metres < 800


def test_outside_china_is_unchanged():
    lon, lat = np.array([2.35, -74.0]), np.array([48.85, 40.7])
    assert not in_china(lon, lat).any()
    out_lon, out_lat = wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(out_lon, lon)
    np.testing.assert_array_equal(out_lat, lat)


def test_geometry_conversion_is_vectorised_over_arrays():
    geoms = np.array([shapely.Point(112.25, 30.3), shapely.LineString([(112.2, 30.3), (112.3, 30.4)])])
    out = geometry_gcj02_to_wgs84(geoms)
    assert out.shape == (2,)
    elat, elon = prcoords.gcj_wgs_bored((30.4, 112.3))
    assert out[1].coords[1] == pytest.approx((elon, elat), abs=1e-7)


def test_the_utm_zone_is_the_one_proj_names_all_over_the_globe():
    # The independent method: PROJ's database, asked which WGS 84 UTM zone covers each point
    # (points kept off the zones' edges and the equator, where two zones cover a point).
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    from geo.coords import _exception_zone, _utm_at

    # 38 points (PROJ takes some 60 ms a question): about every ninth zone, north and south, and China's zones
    points = [(lon, lat) for lon in np.arange(-179.3, 180.0, 53.1) for lat in (-79.5, -0.4, 0.4, 83.5)]
    points += [(lon, 30.3) for lon in (73.5, 80.1, 90.7, 97.2, 103.9, 109.5, 114.2, 121.8, 127.0, 134.6)]
    # PROJ's areas of use are the plain 6° zones: where the standard makes an exception (Norway,
    # Svalbard: 33.1°E 83.5°N is zone 37X, not 36), the tests below say the zone by hand
    points = [(lon, lat) for lon, lat in points if _exception_zone(float(lon), lat) is None]
    assert len(points) == 37
    for lon, lat in points:
        found = query_utm_crs_info(datum_name="WGS 84", area_of_interest=AreaOfInterest(lon, lat, lon, lat))
        assert [f.code for f in found] == [str(_utm_at(float(lon), lat).to_epsg())], (lon, lat)


# ----------------------------------------------------------------------------- the metric CRS, by hand
def _frame(*points):
    import geopandas as gpd

    return gpd.GeoDataFrame(geometry=[shapely.Point(p) for p in points], crs=4326)


@pytest.mark.parametrize(
    ("points", "epsg"),
    [
        # the demo, Shashi: 112.2°E is in zone 49 (108-114°E)
        (((112.2, 30.3),), 32649),
        # Sydney, 151.2°E 33.9°S: zone 56 (150-156°E), south of the equator: 327xx
        (((151.21, -33.87),), 32756),
        # western Norway, 5°E 60°N: plain 6° zones say 31 (0-6°E); the standard's 32V (56-64°N, 3-12°E) says 32
        (((5.0, 60.0),), 32632),
        # 2.9°E 60°N is west of 32V's 3°E: zone 31 as usual
        (((2.9, 60.0),), 32631),
        # Svalbard, 72-84°N: 15°E is 33X (9-21°E), and so is 10°E (plain zones: 32), where there is no 32X
        (((15.0, 78.0),), 32633),
        (((10.0, 78.0),), 32633),
        # 8°E 78°N: 31X (0-9°E); 8°E 71.9°N is south of the X band: zone 32 as usual
        (((8.0, 78.0),), 32631),
        (((8.0, 71.9),), 32632),
        # 25°E and 40°E 78°N: 35X (21-33°E) and 37X (33-42°E)
        (((25.0, 78.0),), 32635),
        (((40.0, 78.0),), 32637),
        # data on both sides of 114°E (zones 49 and 50) at 30°N: the centre of its bounds decides,
        # 113.8-114.1 -> 113.95 (49), 113.9-114.3 -> 114.1 (50); on the edge itself, 113.9-114.1 -> 114.0,
        # both zones hold it and the western is taken (as geopandas' estimate_utm_crs, PROJ's first)
        (((113.8, 30.0), (114.1, 30.0)), 32649),
        (((113.9, 30.0), (114.3, 30.0)), 32650),
        (((113.9, 30.0), (114.1, 30.0)), 32649),
        # the equator is in both hemispheres' zones: the northern is taken
        (((112.2, 0.0),), 32649),
        # 84°N and 80°S are UTM's last latitudes: 63°E is zone 41 (60-66°E), 20°E zone 34 (18-24°E)
        (((63.0, 84.0),), 32641),
        (((20.0, -80.0),), 32734),
    ],
)
def test_the_metric_crs_is_the_utm_zone_the_standard_names(points, epsg):
    from geo.coords import metric_crs_of

    assert metric_crs_of(_frame(*points)).to_epsg() == epsg


@pytest.mark.parametrize(
    ("lat", "centre"),
    [
        # a line along the parallel, 20-21°E, and one along the meridian, 0.05° towards the pole:
        # the centre of their bounds is 20.5°E and 0.025° polewards of `lat`
        (84.5, (20.5, 84.525)),
        (89.9, (20.5, 89.925)),
        (-80.5, (20.5, -80.525)),
        (-89.9, (20.5, -89.925)),
    ],
)
def test_beyond_utm_s_latitudes_a_transverse_mercator_centred_on_the_data_measures(lat, centre):
    # North of 84°N and south of 80°S there is no UTM zone: not Web Mercator (which at 85° draws a metre
    # 11.5 m long), but a transverse Mercator on WGS 84 centred on the data's centre, scale 1 there.
    import geopandas as gpd
    from pyproj import CRS, Geod

    from geo.coords import metric_crs_of

    lines = [
        shapely.LineString([(20.0, lat), (21.0, lat)]),
        shapely.LineString([(20.0, lat), (20.0, lat + (0.05 if lat > 0 else -0.05))]),
    ]
    frame = gpd.GeoDataFrame(geometry=lines, crs=4326)
    crs = metric_crs_of(frame)
    lon_0, lat_0 = centre
    assert crs == CRS.from_proj4(f"+proj=tmerc +lat_0={lat_0} +lon_0={lon_0} +k=1 +datum=WGS84 +units=m")
    assert crs.to_epsg() is None and crs.axis_info[0].unit_name == "metre"
    geod = Geod(ellps="WGS84")
    for line, metres in zip(lines, frame.to_crs(crs).length):
        assert metres == pytest.approx(geod.geometry_length(line), rel=1e-5)  # as on the ellipsoid, 1 in 10^5


def test_with_no_data_the_crs_is_still_metric():
    import geopandas as gpd

    from geo.coords import metric_crs_of

    empty = gpd.GeoDataFrame(geometry=[], crs=4326)
    assert metric_crs_of(empty, None, empty).to_epsg() == 32630  # 0°E 0°N: zone 30N, listed first
