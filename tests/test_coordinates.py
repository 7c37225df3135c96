"""Coordinate systems (graph_service/domain/coordinates.py): the published reference points
of GCJ-02 and BD-09, round trips within a metre inside China, GCJ-02 = WGS-84 outside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from graph_service.domain.coordinates import (
    CoordSystem,
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from graph_service.domain.models import BuildingIn, StationIn
from graph_service.domain.tables import TABLES

# (WGS-84 lat, lon, GCJ-02 lat, lon): the reference points published with eviltransform
# (googollee/eviltransform, its tests), which every GCJ-02 implementation reproduces
GCJ_REFERENCE = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# (GCJ-02 lat, lon, BD-09 lat, lon): wandergis/coordtransform's published example (reused as
# test data by hutool's CoordinateUtilTest) and Beijing railway station as published with
# the R package of the same transforms (5 decimals, so held to 2 m)
BD_REFERENCE = [
    (39.915, 116.404, 39.92133699351021, 116.41036949371029),
    (39.90245, 116.42703, 39.90851, 116.43351),
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), GCJ_REFERENCE)
def test_gcj02_reference_points(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lat, lon = wgs84_to_gcj02(wlat, wlon)
    assert haversine_m(lat, lon, glat, glon) < 0.01
    lat, lon = gcj02_to_wgs84(glat, glon)
    assert haversine_m(lat, lon, wlat, wlon) < 0.01
    # and the offset is the hundreds of metres that make a map point land on the wrong street
    assert 300 < haversine_m(wlat, wlon, glat, glon) < 800


@pytest.mark.parametrize(("glat", "glon", "blat", "blon"), BD_REFERENCE)
def test_bd09_reference_points(glat: float, glon: float, blat: float, blon: float) -> None:
    lat, lon = gcj02_to_bd09(glat, glon)
    assert haversine_m(lat, lon, blat, blon) < 2
    lat, lon = bd09_to_gcj02(blat, blon)
    assert haversine_m(lat, lon, glat, glon) < 2
    # BD-09 from WGS-84 is the two steps
    wlat, wlon = gcj02_to_wgs84(glat, glon)
    assert haversine_m(*wgs84_to_bd09(wlat, wlon), *gcj02_to_bd09(glat, glon)) < 0.01
    assert haversine_m(*bd09_to_wgs84(*gcj02_to_bd09(glat, glon)), wlat, wlon) < 0.01


china = st.tuples(st.floats(18.2, 53.5), st.floats(73.7, 134.7))
systems = st.sampled_from(list(CoordSystem))


@given(china, systems)
def test_round_trip_within_a_metre_inside_china(point: tuple[float, float],
                                                system: CoordSystem) -> None:  # fmt: skip
    lat, lon = point
    there = from_wgs84(lat, lon, system)
    back = to_wgs84(*there, system)
    assert haversine_m(lat, lon, *back) < 1.0
    # and from the other side: a point read off a 高德/百度 map comes back to itself
    wgs = to_wgs84(lat, lon, system)
    assert haversine_m(lat, lon, *from_wgs84(*wgs, system)) < 1.0


outside = st.one_of(
    st.tuples(st.floats(-80, 80), st.floats(-179, 72.0)),
    st.tuples(st.floats(-80, 80), st.floats(137.9, 179)),
    st.tuples(st.floats(56.0, 80), st.floats(-179, 179)),
)


@given(outside)
def test_outside_china_gcj02_is_wgs84(point: tuple[float, float]) -> None:
    lat, lon = point
    assert out_of_china(lat, lon)
    assert wgs84_to_gcj02(lat, lon) == (lat, lon)
    assert gcj02_to_wgs84(lat, lon) == (lat, lon)


@pytest.mark.parametrize(
    ("word", "system"),
    [(None, CoordSystem.WGS84), ("", CoordSystem.WGS84), ("WGS-84", CoordSystem.WGS84),
     ("GPS", CoordSystem.WGS84), ("天地图", CoordSystem.WGS84), ("CGCS2000", CoordSystem.WGS84),
     ("gcj02", CoordSystem.GCJ02), ("GCJ-02", CoordSystem.GCJ02), ("高德", CoordSystem.GCJ02),
     ("腾讯", CoordSystem.GCJ02), ("bd09", CoordSystem.BD09), ("百度", CoordSystem.BD09),
     ("BD-09", CoordSystem.BD09)],
)  # fmt: skip
def test_names_of_the_systems(word: str | None, system: CoordSystem) -> None:
    assert CoordSystem.parse(word) is system


def test_an_unknown_system_is_refused_naming_the_words() -> None:
    with pytest.raises(ValueError, match=r"坐标系 'mercator'.*gcj02"):
        CoordSystem.parse("mercator")


@pytest.mark.parametrize("word", ["gcj02", "高德", "腾讯"])
def test_an_imported_row_in_gcj02_is_stored_in_wgs84(word: str) -> None:
    wlat, wlon, glat, glon = GCJ_REFERENCE[2]
    table = next(t for t in TABLES if t.key == "buildings")
    assert table.field_for("坐标系") == "coord_system"  # the column a sheet names it by
    row = BuildingIn.model_validate({"id": "B-1", "name": "楼", "latitude": glat,
                                     "longitude": glon, "coord_system": word})  # fmt: skip
    stored = row.location()
    assert stored is not None
    assert haversine_m(stored["latitude"], stored["longitude"], wlat, wlon) < 0.01
    assert "coord_system" not in row.graph_properties()
    # validating the model's own values again keeps them: no second conversion
    again = BuildingIn.model_validate(row.model_dump())
    assert again.location() == stored


def test_a_row_in_bd09_and_one_without_a_system() -> None:
    glat, glon, blat, blon = BD_REFERENCE[0]
    row = StationIn.model_validate({"id": "S", "name": "站", "latitude": blat, "longitude": blon,
                                    "coord_system": "百度"})  # fmt: skip
    stored = row.location()
    assert stored is not None
    assert haversine_m(stored["latitude"], stored["longitude"],
                       *gcj02_to_wgs84(glat, glon)) < 2  # fmt: skip
    plain = StationIn.model_validate({"id": "S", "name": "站", "latitude": blat,
                                      "longitude": blon})  # fmt: skip
    assert plain.location() == {"latitude": blat, "longitude": blon}
    with pytest.raises(ValidationError, match="坐标系"):
        StationIn.model_validate({"id": "S", "name": "站", "coord_system": "UTM"})
