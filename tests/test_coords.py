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

    from geo.coords import _utm_at

    # 38 points (PROJ takes some 60 ms a question): about every ninth zone, north and south, and China's zones
    points = [(lon, lat) for lon in np.arange(-179.3, 180.0, 53.1) for lat in (-79.5, -0.4, 0.4, 83.5)]
    points += [(lon, 30.3) for lon in (73.5, 80.1, 90.7, 97.2, 103.9, 109.5, 114.2, 121.8, 127.0, 134.6)]
    for lon, lat in points:
        found = query_utm_crs_info(datum_name="WGS 84", area_of_interest=AreaOfInterest(lon, lat, lon, lat))
        assert [f.code for f in found] == [str(_utm_at(float(lon), lat).to_epsg())], (lon, lat)
