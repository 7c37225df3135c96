"""Area boundaries (边界): what an area's ``boundary`` may be, and how it is checked.

An area may carry a boundary: a polygon (``Polygon``) or several (``MultiPolygon``), given
as a GeoJSON geometry (an object in a JSON/YAML bundle or the API, or its text in a cell),
as WKT (``POLYGON((117.00 36.64, …))``, what QGIS and PostGIS copy out) or as a Feature
of a ``.geojson`` file beside an XLSX/CSV import. Whatever the form, it is stored as one
text: the GeoJSON geometry in WGS-84, longitude first, 6 decimals (about 10 cm, RFC 7946
§11.2), exterior rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6). The
GeoJSON export draws that text as it is.

A boundary is refused, with the reason in Chinese and English, when it is not a polygon,
a ring is not closed or has fewer than 4 positions, a longitude or latitude is out of
range, it has more than :data:`MAX_BOUNDARY_VERTICES` positions, or shapely finds it not
valid (a ring crossing itself, a hole outside its shell …, GEOS's ``explain_validity``).
Whether an area lies inside its parent is :func:`outside`, asked by the import and the API
once both boundaries are known.

shapely is imported when a boundary is read, not with the models.

>>> text = normalise("POLYGON((117 36.6, 117.01 36.6, 117.01 36.61, 117 36.61, 117 36.6))")
>>> text
'{"type":"Polygon","coordinates":[[[117.0,36.6],[117.01,36.6],[117.01,36.61],[117.0,36.61],[117.0,36.6]]]}'
>>> try:
...     normalise("POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))")
... except BoundaryError as error:
...     print(error.zh)
边界无效：自相交，位于经度 0.5、纬度 0.5
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeGuard

from graph_service.domain.coordinates import EARTH_RADIUS_M, CoordSystem, haversine_m, to_wgs84

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    Ring = NDArray[np.float64]  # positions [longitude, latitude], one a row
    Polygons = list[list[Ring]]  # each polygon: its exterior ring, then its holes

#: The most positions a boundary may have (closing positions counted). An XLSX cell holds
#: 32,767 characters and every boundary must fit one, in the export as in the template:
#: 1,000 positions of 6 decimals take at most ~27,000. Simplify a finer one first (QGIS:
#: 矢量 › 几何图形工具 › 简化; mapshaper).
MAX_BOUNDARY_VERTICES = 1_000
#: The longest boundary text a cell (XLSX, CSV, a bundle's string) may hold: Excel's own
#: limit for a cell; WKT or GeoJSON with more decimals than kept may be longer than what
#: is stored.
MAX_BOUNDARY_CHARS = 32_767
#: Decimals kept (RFC 7946 §11.2: 6 are about 10 cm)
DECIMALS = 6
#: How far (m) an area's boundary may stray outside its parent's: shared borders drawn
#: twice, on two maps or with rounding, do not coincide to the centimetre.
PARENT_TOLERANCE_M = 10.0
_METRES_PER_DEGREE = 2 * math.pi * EARTH_RADIUS_M / 360
_TYPES = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """A boundary that cannot be stored; the message is ``中文 / English``."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def normalise(value: object, system: CoordSystem = CoordSystem.WGS84) -> str:
    """The boundary ``value`` (a GeoJSON geometry or Feature, as an object or text, or
    WKT), given in ``system``, as the stored text; :class:`BoundaryError` if refused."""
    if isinstance(value, str) and system is CoordSystem.WGS84:
        return _normalised_text(value)
    return _normalised(value, system)


@lru_cache(maxsize=128)
def _normalised_text(text: str) -> str:
    """Stored boundaries are read again with every area read (the model checks them):
    the last few read are remembered (at most 128 × 2 × 32,767 characters)."""
    return _normalised(text, CoordSystem.WGS84)


def _normalised(value: object, system: CoordSystem) -> str:
    kind, polygons = _read(value)
    _check_shape(polygons, single=kind == "Polygon")
    polygons = [[_converted(ring, system) for ring in polygon] for polygon in polygons]
    shape = _valid(kind, polygons)
    from shapely.geometry.polygon import orient

    parts = [orient(p, 1.0) for p in getattr(shape, "geoms", [shape])]
    coordinates = [[ring.coords.__array__()[:, :2].tolist()
                    for ring in (part.exterior, *part.interiors)] for part in parts]  # fmt: skip
    text = json.dumps({"type": kind, "coordinates": coordinates[0] if kind == "Polygon"
                       else coordinates}, separators=(",", ":"))  # fmt: skip
    if len(text) > MAX_BOUNDARY_CHARS:  # not with MAX_BOUNDARY_VERTICES: said all the same
        raise BoundaryError(f"边界文本过长（{len(text):,} 个字符，最多 {MAX_BOUNDARY_CHARS:,}）",
                            f"the boundary is too long ({len(text):,} characters, at most "
                            f"{MAX_BOUNDARY_CHARS:,})")  # fmt: skip
    return text


def shape_of(text: str) -> BaseGeometry:
    """The shapely geometry of a stored boundary."""
    from shapely.geometry import shape

    return shape(json.loads(text))


@dataclass(frozen=True)
class Outside:
    """Where a boundary leaves its parent's: its point farthest outside, and how far (m)."""

    longitude: float
    latitude: float
    distance_m: float

    def words(self) -> tuple[str, str]:
        """The reason in Chinese and English."""
        metres = f"{self.distance_m:,.0f}"
        at = f"{self.longitude:.6f}, {self.latitude:.6f}"
        return (f"超出上级区域边界约 {metres} 米（最远处经度、纬度 {at}）",
                f"it lies up to {metres} m outside its parent's boundary (farthest at "
                f"longitude, latitude {at})")  # fmt: skip


def outside(child: str, parent: str, tolerance_m: float = PARENT_TOLERANCE_M) -> Outside | None:
    """None when the boundary ``child`` lies inside ``parent`` (both stored texts), give or
    take ``tolerance_m``; else where it leaves it.

    >>> big = normalise({"type": "Polygon",
    ...                  "coordinates": [[[117, 36], [118, 36], [118, 37], [117, 36]]]})
    >>> small = normalise("POLYGON((117.5 36.1, 117.9 36.1, 117.9 36.3, 117.5 36.1))")
    >>> outside(small, big) is None, outside(big, small).distance_m > 50_000
    (True, True)
    """
    import shapely
    import shapely.ops

    inner, outer = shape_of(child), shape_of(parent)
    _, south, _, north = outer.bounds
    widest = max(abs(south), abs(north))
    # the tolerance in degrees of longitude, the shorter: at least tolerance_m every way
    margin = tolerance_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(widest)), 0.01))
    if outer.buffer(margin).covers(inner):
        return None
    stray = shapely.get_coordinates(inner.difference(outer))
    if not len(stray):  # pragma: no cover - covered by the buffer then
        return None
    far = max(stray, key=lambda xy: outer.distance(shapely.Point(xy)))
    near = shapely.ops.nearest_points(outer, shapely.Point(far))[0]
    metres = haversine_m(far[1], far[0], near.y, near.x)
    return Outside(round(float(far[0]), DECIMALS), round(float(far[1]), DECIMALS), metres)


# ---- reading ---------------------------------------------------------------------------------


def _read(value: object) -> tuple[str, Polygons]:
    """The geometry's type and its polygons' rings as lists of (longitude, latitude)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError as error:
                raise BoundaryError(
                    f"边界不是有效的 GeoJSON：{error}",
                    f"the boundary is not valid GeoJSON: {error}",
                ) from None
        else:
            value = _from_wkt(text)
    if not isinstance(value, Mapping):
        raise BoundaryError(
            "边界应为 GeoJSON 多边形（对象或文本）或 WKT 文本，如 POLYGON((经度 纬度, …))",
            "a boundary is a GeoJSON polygon (an object or its text) or WKT such as "
            "POLYGON((lon lat, …))",
        )
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
        if not isinstance(value, Mapping):
            value = {}
    kind = value.get("type")
    if kind not in _TYPES:
        shown = "无" if kind is None else str(kind)[:40]
        raise BoundaryError(
            f"边界应为多边形（Polygon 或 MultiPolygon），不能是 {shown}",
            f"a boundary is a Polygon or MultiPolygon, not {kind if kind is not None else 'none'}",
        )
    coordinates = value.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    return str(kind), _structure(polygons)


def _from_wkt(text: str) -> Mapping[str, Any]:
    import shapely
    from shapely.errors import GEOSException
    from shapely.geometry import mapping

    try:
        with warnings.catch_warnings():  # 1e400 overflows to inf, refused below
            warnings.simplefilter("ignore", RuntimeWarning)
            shape = shapely.from_wkt(text)
    except GEOSException as error:
        reason = str(error)
        if "closed linestring" in reason:
            raise BoundaryError(
                "边界的环未闭合：末点应与首点相同", "a ring of the boundary is not closed: its "
                "last point must repeat its first") from None  # fmt: skip
        if "number of points in LinearRing" in reason:
            raise BoundaryError(*_too_few()) from None
        raise BoundaryError(f"边界不是有效的 WKT：{reason}",
                            f"the boundary is not valid WKT: {reason}") from None  # fmt: skip
    if shape is None or shape.is_empty:
        raise BoundaryError("边界为空", "the boundary is empty")
    if shape.geom_type not in _TYPES:
        return {"type": shape.geom_type}
    return dict(mapping(shape))


def _too_few() -> tuple[str, str]:
    return ("边界的环点数太少：至少 3 个不同的点，再加上与首点相同的末点",
            "a ring of the boundary has too few positions: at least 3 distinct points and a "
            "last one repeating the first")  # fmt: skip


def _structure(polygons: object) -> Polygons:
    """The polygons' rings as arrays of ``[longitude, latitude]`` (a third number, a
    height, is dropped), or a BoundaryError saying what is malformed."""
    if not _is_list(polygons) or not polygons:
        raise _malformed()
    out: Polygons = []
    for polygon in polygons:
        if not _is_list(polygon) or not polygon:
            raise _malformed()
        out.append([_positions(ring) for ring in polygon])
    return out


def _malformed() -> BoundaryError:
    return BoundaryError(
        "边界的坐标结构无效：Polygon 为“环的列表”，环为“[经度, 纬度] 的列表”",
        "the boundary's coordinates are malformed: a Polygon is a list of rings, a ring a "
        "list of [longitude, latitude]",
    )


def _positions(ring: object) -> Ring:
    import numpy as np

    if not _is_list(ring):
        raise _malformed()
    if not ring:
        return np.empty((0, 2))
    try:
        found = np.array(ring)  # a ragged list or text is refused, an int too big is object
    except (ValueError, TypeError, OverflowError):
        raise _malformed() from None
    if found.ndim != 2 or found.shape[1] not in (2, 3) or found.dtype.kind not in "iuf":
        raise _malformed()
    positions = found[:, :2].astype(float)
    if not np.isfinite(positions).all():
        raise _malformed()
    return positions


def _is_list(value: object) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, list | tuple)


def _ring_name(polygon: int, ring: int, single: bool) -> tuple[str, str]:
    zh = "外环" if ring == 0 else f"第 {ring} 个内环"
    en = "the exterior ring" if ring == 0 else f"hole {ring}"
    if single:
        return zh, en
    return f"第 {polygon + 1} 个多边形的{zh}", f"{en} of polygon {polygon + 1}"


def _check_shape(polygons: Polygons, *, single: bool) -> None:
    """Closed rings of at least 4 positions, coordinates in range, not too many."""
    count = sum(len(ring) for polygon in polygons for ring in polygon)
    if count > MAX_BOUNDARY_VERTICES:
        raise BoundaryError(
            f"边界顶点过多：{count:,} 个（最多 {MAX_BOUNDARY_VERTICES:,}），请先简化",
            f"the boundary has {count:,} positions, more than {MAX_BOUNDARY_VERTICES:,}: "
            "simplify it first",
        )
    for p, polygon in enumerate(polygons):
        for r, ring in enumerate(polygon):
            zh, en = _ring_name(p, r, single)
            if len(ring) < 4:
                too_few = _too_few()
                raise BoundaryError(f"{zh}：{too_few[0]}", f"{en}: {too_few[1]}")
            if (ring[0] != ring[-1]).any():
                first, last = _shown(ring[0]), _shown(ring[-1])
                raise BoundaryError(
                    f"边界的{zh}未闭合：首点 ({first}) 与末点 ({last}) 不同，末点应与首点相同",
                    f"{en} of the boundary is not closed: its first position ({first}) and "
                    f"last ({last}) differ; the last must repeat the first",
                )
            wrong = (abs(ring[:, 0]) > 180) | (abs(ring[:, 1]) > 90)
            if wrong.any():
                lon, lat = ring[wrong.argmax()]
                _in_range(float(lon), float(lat))


def _shown(position: Sequence[float]) -> str:
    return f"{position[0]:g} {position[1]:g}"


def _in_range(lon: float, lat: float) -> None:
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return
    swapped = -180 <= lat <= 180 and -90 <= lon <= 90
    hint = (
        "；经纬度是否写反？GeoJSON 与 WKT 均为先经度后纬度" if swapped else "",
        "; are they swapped? GeoJSON and WKT put the longitude first" if swapped else "",
    )
    raise BoundaryError(
        f"边界的坐标超出范围：经度 {lon:g}、纬度 {lat:g}（经度 -180～180，纬度 -90～90）{hint[0]}",
        f"a position of the boundary is out of range: longitude {lon:g}, latitude {lat:g} "
        f"(longitude -180 to 180, latitude -90 to 90){hint[1]}",
    )


def _converted(ring: Ring, system: CoordSystem) -> Ring:
    import numpy as np

    if system is not CoordSystem.WGS84:
        ring = np.array([to_wgs84(lat, lon, system)[::-1] for lon, lat in ring])
    return np.round(ring, DECIMALS)


# ---- validity --------------------------------------------------------------------------------

#: GEOS's reasons (explain_validity) in Chinese
_REASONS_ZH = {
    "Ring Self-intersection": "环自身相交",
    "Self-intersection": "自相交",
    "Too few points in geometry component": "去掉重复点后点数太少",
    "Hole lies outside shell": "内环（洞）位于外环之外",
    "Nested holes": "内环相互嵌套",
    "Interior is disconnected": "内部不连通（内环把多边形分成了几块）",
    "Nested shells": "多个多边形相互嵌套",
    "Duplicate Rings": "有重复的环",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}
_WHERE = re.compile(r"^(?P<reason>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")


def _valid(kind: str, polygons: Polygons) -> BaseGeometry:
    """The shapely geometry, or a BoundaryError with GEOS's reason and where it is."""
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.validation import explain_validity

    parts = [Polygon(polygon[0], polygon[1:]) for polygon in polygons]
    shape: BaseGeometry = parts[0] if kind == "Polygon" else MultiPolygon(parts)
    if shape.is_valid:
        return shape
    explained = explain_validity(shape)
    found = _WHERE.match(explained)
    reason = found["reason"] if found else explained
    zh = next((z for en, z in _REASONS_ZH.items() if reason.startswith(en)), reason)
    at_zh = f"，位于经度 {found['x']}、纬度 {found['y']}" if found else ""
    at_en = f" at longitude {found['x']}, latitude {found['y']}" if found else ""
    raise BoundaryError(f"边界无效：{zh}{at_zh}", f"the boundary is not valid: {reason}{at_en}")
