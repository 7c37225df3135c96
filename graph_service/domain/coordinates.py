"""Chinese map coordinate systems: WGS-84 (GPS, 天地图/CGCS2000), GCJ-02 (高德, 腾讯) and
BD-09 (百度), and the conversions between them.

The service stores WGS-84 only; a coordinate given in another system is converted on the
way in (:func:`to_wgs84`) and, when asked, on the way out (:func:`from_wgs84`).

**Why our own module.** ``pyproj``/PROJ does not do GCJ-02 (it is not a datum but a
published obfuscation); the PyPI packages that do (``eviltransform``, ``coord-convert``,
``prcoords``) have had no release since 2018-2019. The forward transforms are the published
algorithm every one of them copies (a fixed polynomial-and-sine offset on the Krasovsky
ellipsoid, and Baidu's rotation-and-shift on top); the inverses are solved by fixed-point
iteration until the forward transform of the answer lands within a millimetre of the
input, instead of the one-step approximation (1-2 m off) most copies use.

CGCS2000 and WGS-84 differ by centimetres: the service treats them as one system.

Outside mainland China (the published bounding box) GCJ-02 is WGS-84; BD-09's shift still
applies to BD-09 (Baidu shifts every coordinate).

>>> lat, lon = wgs84_to_gcj02(39.911954, 116.377817)      # Beijing
>>> round(lat, 6), round(lon, 6)
(39.913345, 116.384047)
>>> lat, lon = gcj02_to_wgs84(39.91334545536069, 116.38404722455657)
>>> round(lat, 6), round(lon, 6)
(39.911954, 116.377817)
>>> CoordSystem.parse("高德") is CoordSystem.GCJ02
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

# The Krasovsky 1940 ellipsoid GCJ-02 is defined on
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
#: The sphere radius (m) of straight-line (haversine) distances: Neo4j's own for WGS-84
#: points (``point.distance``), so a distance computed here and one computed by a query agree.
EARTH_RADIUS_M = 6_378_140.0
# Iterations of an inverse stop when the forward image is this close (degrees, ~1 mm)
_TOLERANCE_DEG = 1e-8
_MAX_ITERATIONS = 30


class CoordSystem(StrEnum):
    """A coordinate system a point may be given in."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"

    @classmethod
    def parse(cls, text: str | None) -> CoordSystem:
        """The system a user's word names (English or Chinese, any case, blank = WGS-84);
        ValueError naming the accepted words otherwise."""
        if text is None or not str(text).strip():
            return cls.WGS84
        key = str(text).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
        found = _NAMES.get(key)
        if found is None:
            raise ValueError(
                f"坐标系 '{text}' 无法识别，可用：wgs84/GPS/天地图/CGCS2000、gcj02/高德/腾讯、"
                f"bd09/百度 / unknown coordinate system '{text}'; use wgs84, gcj02 or bd09"
            )
        return found


_NAMES: dict[str, CoordSystem] = {
    **dict.fromkeys(
        ["wgs84", "wgs", "gps", "epsg4326", "4326", "cgcs2000", "天地图", "tianditu", "地球坐标",
         "地球坐标系"], CoordSystem.WGS84),
    **dict.fromkeys(
        ["gcj02", "gcj", "高德", "高德地图", "amap", "gaode", "腾讯", "腾讯地图", "tencent", "qq",
         "火星坐标", "火星坐标系", "国测局坐标"], CoordSystem.GCJ02),
    **dict.fromkeys(["bd09", "bd09ll", "bd", "baidu", "百度", "百度地图", "百度坐标"],
                    CoordSystem.BD09),
}  # fmt: skip


def out_of_china(lat: float, lon: float) -> bool:
    """Outside the published box GCJ-02 applies to (there GCJ-02 = WGS-84)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 minus WGS-84 (degrees) at a WGS-84 point inside China."""
    x, y = lon - 105.0, lat - 35.0
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += waves
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += waves
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point in GCJ-02 (``(lat, lon)``); unchanged outside China."""
    if out_of_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _offset(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """A GCJ-02 point in BD-09."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point in BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def _invert(
    forward: Callable[[float, float], tuple[float, float]], lat: float, lon: float
) -> tuple[float, float]:
    """The point whose ``forward`` image is ``(lat, lon)``, by fixed-point iteration: each
    step moves the guess by how far its image misses. The transforms move a point by at
    most a kilometre and vary slowly, so this converges in a few steps."""
    guess_lat, guess_lon = lat, lon
    for _ in range(_MAX_ITERATIONS):
        image_lat, image_lon = forward(guess_lat, guess_lon)
        miss_lat, miss_lon = image_lat - lat, image_lon - lon
        if abs(miss_lat) < _TOLERANCE_DEG and abs(miss_lon) < _TOLERANCE_DEG:
            break
        guess_lat, guess_lon = guess_lat - miss_lat, guess_lon - miss_lon
    return guess_lat, guess_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A GCJ-02 point in WGS-84 (the exact inverse, to a millimetre); unchanged outside
    China."""
    if out_of_china(lat, lon):
        return lat, lon
    return _invert(wgs84_to_gcj02, lat, lon)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """A BD-09 point in GCJ-02 (the exact inverse of :func:`gcj02_to_bd09`)."""
    return _invert(gcj02_to_bd09, lat, lon)


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A BD-09 point in WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


_TO_WGS: dict[CoordSystem, Callable[[float, float], tuple[float, float]]] = {
    CoordSystem.WGS84: lambda lat, lon: (lat, lon),
    CoordSystem.GCJ02: gcj02_to_wgs84,
    CoordSystem.BD09: bd09_to_wgs84,
}
_FROM_WGS: dict[CoordSystem, Callable[[float, float], tuple[float, float]]] = {
    CoordSystem.WGS84: lambda lat, lon: (lat, lon),
    CoordSystem.GCJ02: wgs84_to_gcj02,
    CoordSystem.BD09: wgs84_to_bd09,
}


def to_wgs84(lat: float, lon: float, system: CoordSystem) -> tuple[float, float]:
    """``(lat, lon)`` given in ``system``, in WGS-84."""
    return _TO_WGS[system](lat, lon)


def from_wgs84(lat: float, lon: float, system: CoordSystem) -> tuple[float, float]:
    """A WGS-84 ``(lat, lon)`` in ``system``."""
    return _FROM_WGS[system](lat, lon)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two WGS-84 points, on the sphere Neo4j's
    ``point.distance`` uses for WGS-84 points.

    >>> round(haversine_m(36.6318, 117.0079, 36.6318, 117.0179))
    893
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
