"""Area boundaries in (issue 25 item 2): a GeoJSON polygon in a bundle, WKT in an XLSX
column, a ``.geojson`` file beside an XLSX; stored as GeoJSON text and drawn by the GeoJSON
export as polygons shapely reads back; every bad boundary (unclosed, crossing itself,
outside its parent, of an unknown area, not a polygon) refused with file, row and field,
Chinese first, and nothing written; the API's writes refuse the same with a 422."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.db.entities import get_node
from graph_service.db.imports import existing_kinds
from graph_service.domain.boundaries import MAX_BOUNDARY_VERTICES, BoundaryError, normalise
from graph_service.domain.coordinates import CoordSystem, gcj02_to_wgs84, wgs84_to_gcj02
from graph_service.domain.kinds import NodeKind
from graph_service.errors import Forbidden
from graph_service.main import create_app
from graph_service.services.exports import export_graph
from graph_service.services.imports import import_files
from loaders.problems import ImportReport

AS_OF = dt.date(2026, 6, 30)
# a subdistrict, two communities inside it, a community across its eastern edge
STREET = [[117.0, 36.6], [117.02, 36.6], [117.02, 36.62], [117.0, 36.62], [117.0, 36.6]]
NORTH = [[117.002, 36.611], [117.018, 36.611], [117.018, 36.618], [117.002, 36.611]]
SOUTH = [[117.002, 36.602], [117.018, 36.602], [117.018, 36.608], [117.002, 36.608],
         [117.002, 36.602]]  # fmt: skip
ACROSS = [[117.015, 36.602], [117.03, 36.602], [117.03, 36.608], [117.015, 36.602]]
BOWTIE = "POLYGON((117.002 36.602, 117.008 36.608, 117.008 36.602, 117.002 36.608, " \
         "117.002 36.602))"  # fmt: skip


def polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


def wkt(ring: list[list[float]]) -> str:
    return shapely.geometry.shape(polygon(ring)).wkt


def area(area_id: str, name: str, level: str, boundary: object = None) -> dict[str, Any]:
    row: dict[str, Any] = {"id": area_id, "name": name, "level": level}
    if boundary is not None:
        row["boundary"] = boundary
    return row


def bundle(path: Path, areas: list[dict[str, Any]], part_of: list[tuple[str, str]]) -> Path:
    path.write_text(json.dumps({
        "format": "regional-party-network", "version": 1,
        "tables": {"areas": areas,
                   "part_of": [{"from_id": a, "to_id": b} for a, b in part_of]},
    }, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return path


def workbook(path: Path, areas: list[list[Any]], part_of: list[tuple[str, str]],
             header: tuple[str, ...] = ("编号", "名称", "层级", "边界")) -> Path:  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.title = "areas"
    sheet.append(list(header))
    for row in areas:
        sheet.append(row)
    rels = book.create_sheet("part_of")
    rels.append(["起点编号", "终点编号"])
    for pair in part_of:
        rels.append(list(pair))
    book.save(path)
    return path


def features(path: Path, pairs: list[tuple[object, object]], **extra: Any) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": [
        {"type": "Feature", "properties": {"id": area_id, "name": "x"}, "geometry": geometry}
        for area_id, geometry in pairs
    ]}), encoding="utf-8")  # fmt: skip
    return path


def stored(db: Database, area_id: str) -> Any:
    text = get_node(db, Principal.cli(), NodeKind.AREA, area_id).boundary  # type: ignore[attr-defined]
    return None if text is None else shapely.geometry.shape(json.loads(text))


def same(shape: Any, ring: list[list[float]]) -> bool:
    return bool(
        shape.equals_exact(shapely.geometry.shape(polygon(ring)).normalize(), 1e-6)
        or shape.normalize().equals_exact(shapely.geometry.shape(polygon(ring)).normalize(), 1e-6)
    )


def only_problem(report: ImportReport) -> dict[str, Any]:
    assert not report.written
    assert len(report.problems) == 1, [p.as_dict() for p in report.problems]
    return report.problems[0].as_dict()


def boundaries_stored(db: Database) -> int:
    rows = db.read("place_area_boundaries", area=None)
    return len(rows)


# ---- in: the three forms ----------------------------------------------------------------------


def test_a_bundles_boundaries_are_stored_and_drawn_as_polygons(
    db: Database, tmp_path: Path
) -> None:
    """GeoJSON objects in a JSON bundle: stored as GeoJSON text (WGS-84, exterior ring
    counter-clockwise), drawn by the GeoJSON export as Polygon Features shapely reads."""
    source = bundle(
        tmp_path / "region.json",
        [
            area("A-S", "示例街道", "街道", polygon(STREET)),
            area("A-N", "北社区", "社区", polygon(NORTH)),
            area("A-X", "无边界社区", "社区"),
        ],
        [("A-N", "A-S"), ("A-X", "A-S")],
    )
    report = import_files(db, [source])
    assert report.ok and report.written, [p.as_dict() for p in report.problems]
    assert same(stored(db, "A-S"), STREET) and same(stored(db, "A-N"), NORTH)
    assert stored(db, "A-X") is None

    out = export_graph(db, "geojson", tmp_path / "map.geojson", area="A-S", as_of=AS_OF)
    document = json.loads(out.read_text(encoding="utf-8"))
    drawn = {f["id"]: f for f in document["features"] if f["geometry"]["type"] != "Point"}
    assert set(drawn) == {"A-S", "A-N"}
    for area_id, ring in (("A-S", STREET), ("A-N", NORTH)):
        feature = drawn[area_id]
        assert feature["properties"]["label"] == "Area"
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.geom_type == "Polygon" and shape.is_valid and shape.exterior.is_ccw
        assert same(shape, ring)
    assert shapely.geometry.shape(drawn["A-S"]["geometry"]).covers(
        shapely.geometry.shape(drawn["A-N"]["geometry"])
    )

    # the same file again changes nothing
    again = import_files(db, [source])
    assert again.counts["Area"].unchanged == 3 and again.counts["Area"].updated == 0


def test_an_xlsx_gives_wkt_in_its_column_in_any_coordinate_system(
    db: Database, tmp_path: Path
) -> None:
    """边界 as WKT (POLYGON and MULTIPOLYGON); with 坐标系 = 高德 the vertices are GCJ-02
    and are stored converted to WGS-84."""
    gcj = [list(reversed(wgs84_to_gcj02(lat, lon))) for lon, lat in SOUTH]
    source = workbook(
        tmp_path / "areas.xlsx",
        [
            ["A-S", "示例街道", "街道", wkt(STREET), None],
            [
                "A-N",
                "北社区",
                "社区",
                f"MULTIPOLYGON((({', '.join(f'{x} {y}' for x, y in NORTH)})))",
                "wgs84",
            ],
            ["A-SO", "南社区", "社区", wkt(gcj), "高德"],
        ],
        [("A-N", "A-S"), ("A-SO", "A-S")],
        header=("编号", "名称", "层级", "边界", "坐标系"),
    )
    report = import_files(db, [source])
    assert report.ok, [p.as_dict() for p in report.problems]
    assert same(stored(db, "A-S"), STREET)
    north = stored(db, "A-N")
    assert north.geom_type == "MultiPolygon" and same(north.geoms[0], NORTH)
    south = stored(db, "A-SO")
    for (lon, lat), (glon, glat) in zip(south.exterior.coords, gcj, strict=True):
        # each vertex lands where the inverse of GCJ-02 puts it (within 10 cm: 6 decimals)
        wlat, wlon = gcj02_to_wgs84(glat, glon)
        assert abs(lon - wlon) < 2e-6 and abs(lat - wlat) < 2e-6
    assert same(south, SOUTH)  # and that is where it was drawn in WGS-84


def test_a_geojson_file_beside_an_xlsx_gives_boundaries(db: Database, tmp_path: Path) -> None:
    """A FeatureCollection beside the workbook: its Features' geometries become the
    boundaries of the areas their properties.id name, those of the workbook and stored
    ones alike; a GCJ-02 file says so as the export writes it (coord_system)."""
    sheet = workbook(
        tmp_path / "areas.xlsx",
        [
            ["A-S", "示例街道", "街道"],
            ["A-N", "北社区", "社区"],
        ],
        [("A-N", "A-S")],
        header=("编号", "名称", "层级"),
    )
    beside = features(
        tmp_path / "边界.geojson", [("A-S", polygon(STREET)), ("A-N", polygon(NORTH))]
    )
    report = import_files(db, [sheet, beside])
    assert report.ok, [p.as_dict() for p in report.problems]
    assert report.counts["Area"].created == 2
    assert same(stored(db, "A-S"), STREET) and same(stored(db, "A-N"), NORTH)

    # a stored area's boundary from a .geojson alone, its positions in GCJ-02
    gcj = [list(reversed(wgs84_to_gcj02(lat, lon))) for lon, lat in SOUTH]
    db.write("upsert_nodes", placeholders={"label": NodeKind.AREA}, rows=[
        {"props": {"id": "A-SO", "name": "南社区", "level": "community"}, "location": None,
         "src_file": "t", "src_row": 2}], imported_at=dt.datetime.now(dt.UTC))  # fmt: skip
    alone = features(tmp_path / "south.geojson", [("A-SO", polygon(gcj))], coord_system="gcj02")
    report = import_files(db, [alone])
    assert report.ok and report.counts["Area"].updated == 1, [p.as_dict() for p in report.problems]
    assert same(stored(db, "A-SO"), SOUTH)
    assert import_files(db, [alone]).counts["Area"].unchanged == 1


# ---- refused, with where and why --------------------------------------------------------------


def test_an_unclosed_ring_in_a_bundle_is_refused(db: Database, tmp_path: Path) -> None:
    source = bundle(
        tmp_path / "region.json",
        [
            area("A-S", "示例街道", "街道", polygon(STREET[:-1])),
        ],
        [],
    )
    problem = only_problem(import_files(db, [source]))
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"]) == (
        "region.json",
        "areas",
        1,
        "边界 boundary",
    )
    assert problem["reason_zh"].startswith("边界的外环未闭合")
    assert "not closed" in problem["reason"]
    assert boundaries_stored(db) == 0 and not existing_kinds(db, ["A-S"])


def test_a_bowtie_in_an_xlsx_is_refused(db: Database, tmp_path: Path) -> None:
    source = workbook(tmp_path / "areas.xlsx", [["A-S", "示例街道", "街道", BOWTIE]], [])
    problem = only_problem(import_files(db, [source]))
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"]) == (
        "areas.xlsx",
        "areas",
        2,
        "边界 boundary",
    )
    assert problem["reason_zh"].startswith("边界无效：自相交") and "Self-intersection" in \
        problem["reason"]  # fmt: skip
    assert boundaries_stored(db) == 0


def test_a_community_outside_its_subdistrict_is_refused(db: Database, tmp_path: Path) -> None:
    """In the same import, then with the parent stored, then a parent drawn around less
    than its stored child: each time the row and field of the boundary given, the parent
    named, nothing written."""
    source = bundle(
        tmp_path / "region.json",
        [
            area("A-S", "示例街道", "街道", polygon(STREET)),
            area("A-E", "东社区", "社区", polygon(ACROSS)),
        ],
        [("A-E", "A-S")],
    )
    problem = only_problem(import_files(db, [source]))
    assert (problem["row"], problem["column"]) == (2, "边界 boundary")
    assert problem["reason_zh"].startswith(
        "区域 A-E 的边界不在上级区域 A-S 的边界内：超出上级区域边界约"
    )
    assert boundaries_stored(db) == 0

    parent = bundle(
        tmp_path / "street.json",
        [area("A-S", "示例街道", "街道", polygon(STREET)), area("A-E", "东社区", "社区")],
        [("A-E", "A-S")],
    )
    assert import_files(db, [parent]).ok
    child = features(tmp_path / "east.geojson", [("A-E", polygon(ACROSS))])
    problem = only_problem(import_files(db, [child]))
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"]) == (
        "east.geojson",
        "features",
        1,
        "geometry",
    )
    assert "A-S" in problem["reason_zh"] and stored(db, "A-E") is None

    # the child stored inside, then the parent redrawn smaller than it
    assert import_files(db, [features(tmp_path / "n.geojson", [("A-E", polygon(SOUTH))])]).ok
    smaller = features(tmp_path / "s.geojson", [("A-S", polygon(NORTH))])
    problem = only_problem(import_files(db, [smaller]))
    assert problem["reason_zh"].startswith("下级区域 A-E 的边界不在本区域 A-S 的边界内")
    assert same(stored(db, "A-S"), STREET)
    # a border drawn 3 m off the parent's is the same border
    nudged = [[lon + 0.00003 if lon == 117.018 else lon, lat] for lon, lat in SOUTH]
    nudged = [[117.02003 if lon == 117.018 else lon, lat] for lon, lat in nudged]
    assert import_files(db, [features(tmp_path / "e.geojson", [("A-E", polygon(nudged))])]).ok


@pytest.mark.parametrize(("feature", "column", "zh"), [
    (("A-NONE", polygon(NORTH)), "properties.id",
     "区域不存在：输入和数据库中都没有编号为“A-NONE”的区域"),
    (("A-N", {"type": "Point", "coordinates": [117.01, 36.61]}), "geometry",
     "边界应为多边形（Polygon 或 MultiPolygon），不能是 Point"),
])  # fmt: skip
def test_a_bad_feature_beside_an_xlsx_is_refused(
    db: Database, tmp_path: Path, feature: tuple[str, Any], column: str, zh: str
) -> None:
    rows = [["A-S", "示例街道", "街道"], ["A-N", "北社区", "社区"]]
    sheet = workbook(tmp_path / "a.xlsx", rows, [("A-N", "A-S")], header=("编号", "名称", "层级"))
    beside = features(tmp_path / "b.geojson", [("A-S", polygon(STREET)), feature])
    problem = only_problem(import_files(db, [sheet, beside]))
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"]) == (
        "b.geojson",
        "features",
        2,
        column,
    )
    assert problem["reason_zh"] == zh
    assert not existing_kinds(db, ["A-S", "A-N"])


def test_partial_keeps_the_stored_boundary_and_scope_holds(db: Database, tmp_path: Path) -> None:
    """With partial, an area row whose boundary is refused is written with its stored
    boundary; an organizer's .geojson may not touch an area outside their areas."""
    first = bundle(tmp_path / "a.json", [
        area("A-S", "示例街道", "街道", polygon(STREET)),
        area("A-N", "北社区", "社区", polygon(NORTH)),
        area("A-O", "另一街道", "街道"),
    ], [("A-N", "A-S")])  # fmt: skip
    assert import_files(db, [first]).ok
    moved = bundle(
        tmp_path / "b.json", [area("A-N", "北社区（改名）", "社区", polygon(ACROSS))], []
    )
    report = import_files(db, [moved], partial=True)
    assert report.written and len(report.problems) == 1
    assert report.problems[0].reason_zh.startswith("区域 A-N 的边界不在上级区域 A-S 的边界内")
    node = get_node(db, Principal.cli(), NodeKind.AREA, "A-N")
    assert node.name == "北社区（改名）" and same(stored(db, "A-N"), NORTH)

    organizer = Principal(name="s", role=Role.ORGANIZER, areas=("A-S",))
    inside = features(tmp_path / "in.geojson", [("A-N", polygon(SOUTH))])
    assert import_files(db, [inside], who=organizer).ok
    assert same(stored(db, "A-N"), SOUTH)
    elsewhere = features(tmp_path / "out.geojson", [("A-O", polygon(STREET))])
    with pytest.raises(Forbidden):
        import_files(db, [elsewhere], who=organizer)
    assert stored(db, "A-O") is None


# ---- the API --------------------------------------------------------------------------------


@pytest.fixture
def client(settings: Settings, admin_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=admin_headers) as test_client:
        yield test_client


def test_the_api_refuses_a_bad_boundary_chinese_first(client: TestClient) -> None:
    for body in (
        area("A-S", "示例街道", "subdistrict", polygon(STREET)),
        area("A-N", "北社区", "community"),
    ):
        assert client.post("/areas", json=body).status_code == 201, body
    made = client.post("/relationships/part_of", json={"from_id": "A-N", "to_id": "A-S"})
    assert made.status_code == 201, made.text

    bowtie = client.patch("/areas/A-N", json={"boundary": BOWTIE})
    assert bowtie.status_code == 422
    detail = bowtie.json()["detail"]
    assert "边界无效：自相交" in detail
    assert detail.index("自相交") < detail.index("Self-intersection")
    assert bowtie.json()["errors"][0]["field"] == "boundary"

    outside = client.patch("/areas/A-N", json={"boundary": polygon(ACROSS)})
    assert outside.status_code == 422, outside.text
    assert outside.json()["detail"].startswith("区域 A-N 的边界不在上级区域 A-S 的边界内")
    assert outside.json()["errors"] == [{"field": "boundary", "message": outside.json()[
        "detail"]}]  # fmt: skip
    assert client.get("/areas/A-N").json()["boundary"] is None

    inside = client.patch("/areas/A-N", json={"boundary": wkt(NORTH)})
    assert inside.status_code == 200, inside.text
    assert same(shapely.geometry.shape(json.loads(inside.json()["boundary"])), NORTH)
    # what the console's map draws: both outlines
    drawn = client.get("/map/places", params={"area": "A-S", "as_of": AS_OF.isoformat()})
    assert drawn.status_code == 200, drawn.text
    outlines = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in drawn.json()["boundaries"]}
    assert set(outlines) == {"A-S", "A-N"} and same(outlines["A-N"], NORTH)
    # an area across the subdistrict's edge may not be made part of it
    assert client.post("/areas", json=area("A-E", "东社区", "community", polygon(ACROSS))
                       ).status_code == 201  # fmt: skip
    joined = client.post("/relationships/part_of", json={"from_id": "A-E", "to_id": "A-S"})
    assert joined.status_code == 422 and joined.json()["errors"][0]["field"] == "to_id"


# ---- the format, on its own ---------------------------------------------------------------------


@st.composite
def convex_rings(draw: st.DrawFn) -> list[list[float]]:
    """A convex polygon around a point of China: the hull of random points."""
    lon = draw(st.floats(74, 134))
    lat = draw(st.floats(18, 53))
    points = draw(st.lists(st.tuples(st.floats(-0.05, 0.05), st.floats(-0.05, 0.05)),
                           min_size=3, max_size=40))  # fmt: skip
    hull = shapely.MultiPoint([(lon + x, lat + y) for x, y in points]).convex_hull
    if hull.geom_type != "Polygon" or hull.area < 1e-6:
        return [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]
    return [[round(x, 6), round(y, 6)] for x, y in hull.exterior.coords]


@settings(max_examples=60, deadline=None)
@given(ring=convex_rings(), clockwise=st.booleans())
def test_convex_polygons_round_trip_through_wkt_and_geojson(
    ring: list[list[float]], clockwise: bool
) -> None:
    ring = ring[::-1] if clockwise else ring
    from_geojson = normalise(polygon(ring))
    assert normalise(wkt(ring)) == from_geojson == normalise(json.dumps(polygon(ring)))
    assert normalise(from_geojson) == from_geojson  # stored text reads back as itself
    shape = shapely.geometry.shape(json.loads(from_geojson))
    assert shape.exterior.is_ccw and same(shape, ring)
    # GCJ-02 there and back lands within 10 cm of each vertex
    gcj = [list(reversed(wgs84_to_gcj02(lat, lon))) for lon, lat in ring]
    back = shapely.geometry.shape(json.loads(normalise(polygon(gcj), CoordSystem.GCJ02)))
    assert back.hausdorff_distance(shape) < 2e-6


@pytest.mark.parametrize(("value", "zh"), [
    ({"type": "Polygon", "coordinates": [[[117, 36], [118, 36], [117, 36]]]},
     "外环：边界的环点数太少"),
    ({"type": "Polygon", "coordinates": [[[36, 117], [36, 118], [37, 118], [36, 117]]]},
     "经纬度是否写反"),
    ("POLYGON((117 36, 118 36, 118 37))", "边界的环未闭合"),
    ("LINESTRING(117 36, 118 36)", "不能是 LineString"),
    ("POLYGON((117 36 ", "边界不是有效的 WKT"),
    ({"type": "Polygon", "coordinates": "x"}, "边界的坐标结构无效"),
    ({"type": "Polygon", "coordinates": [[[117 + i / 1e4, 36] for i in range(MAX_BOUNDARY_VERTICES)]
                                         + [[117, 36.1], [117, 36]]]}, "边界顶点过多"),
])  # fmt: skip
def test_each_refusal_says_why_in_chinese_first(value: object, zh: str) -> None:
    with pytest.raises(BoundaryError) as refused:
        normalise(value)
    assert zh in refused.value.zh and str(refused.value).startswith(refused.value.zh + " / ")
