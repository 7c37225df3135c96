"""The GeoJSON export (graph_service/services/places.py) against the generator's answer key:
every place with coordinates is a Point Feature at [lon, lat], carrying exactly the gap codes
the ground truth gives it, read back by shapely; the API and the CLI give the same file."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import shapely.geometry
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.coordinates import CoordSystem, haversine_m, wgs84_to_gcj02
from graph_service.domain.gaps import RULES_BY_CODE
from graph_service.errors import InvalidInput, NotFound
from graph_service.main import create_app
from graph_service.services.exports import export_graph
from graph_service.services.imports import import_files
from graph_service.services.places import COUNTED, coverage_status
from loaders.generator import generate

POINT_TABLES = {"buildings": "Building", "parks": "Park", "units": "Unit",
                "stations": "Station", "service_posts": "ServicePost"}  # fmt: skip


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("geo") / "region"
    generate(1, "subdistrict", folder)
    return folder


@pytest.fixture(scope="module")
def loaded(session_database: Database, region: Path) -> tuple[Database, dict[str, Any]]:
    """The generated subdistrict, imported once for the module (its tests only read it;
    the module's last test wipes it)."""
    db = session_database
    db.wipe()
    db.ensure_schema()
    report = import_files(db, [region])
    assert report.ok, [p.as_dict() for p in report.problems[:5]]
    return db, json.loads((region / "manifest.json").read_text(encoding="utf-8"))


def _points(region: Path) -> dict[str, tuple[str, float, float]]:
    """id → (label, lat, lon) of every row with coordinates in the bundle."""
    out = {}
    for table, label in POINT_TABLES.items():
        path = region / f"{table}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if row.get("纬度 latitude"):
                    out[row["编号 id"]] = (label, float(row["纬度 latitude"]),
                                           float(row["经度 longitude"]))  # fmt: skip
    return out


def _expected_codes(manifest: dict[str, Any]) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = defaultdict(set)
    for code, pairs in manifest["gaps"].items():
        if RULES_BY_CODE[code].subject in {"Building", "Park", "Unit", "*"}:
            for subject, _related in pairs:
                codes[subject].add(code)
    return codes


def _check_rfc7946(document: dict[str, Any]) -> None:
    """The structure RFC 7946 asks of a FeatureCollection of points and polygons."""
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # §4: no crs member
    for feature in document["features"]:
        assert feature["type"] == "Feature" and set(feature) >= {"geometry", "properties"}
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]  # §3.1.1: [longitude, latitude]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        else:
            assert geometry["type"] in {"Polygon", "MultiPolygon"}
        # a real GIS reader takes it as is
        assert shapely.geometry.shape(geometry).is_valid


def test_every_place_carries_the_ground_truths_gaps(
    loaded: tuple[Database, dict[str, Any]], region: Path, tmp_path: Path
) -> None:
    db, manifest = loaded
    as_of = dt.date.fromisoformat(manifest["as_of"])
    out = export_graph(db, "geojson", tmp_path / "all.geojson", as_of=as_of)
    document = json.loads(out.read_text(encoding="utf-8"))
    _check_rfc7946(document)
    features = {f["id"]: f for f in document["features"]}
    points = _points(region)
    assert set(features) == set(points)
    expected = _expected_codes(manifest)
    wrong = {}
    for node_id, (label, lat, lon) in points.items():
        feature = features[node_id]
        props = feature["properties"]
        assert props["id"] == node_id and props["label"] == label and props["name"]
        shape = shapely.geometry.shape(feature["geometry"])
        assert (shape.x, shape.y) == pytest.approx((lon, lat), abs=1e-7)
        if set(props["gaps"]) != expected.get(node_id, set()):
            wrong[node_id] = (props["gaps"], sorted(expected.get(node_id, set())))
        assert props["coverage"] == coverage_status(label, props["kind"], set(props["gaps"]),
                                                    COUNTED)  # fmt: skip
    assert wrong == {}
    # the map has something to colour: every status occurs in the generated region
    statuses = {f["properties"]["coverage"] for f in document["features"]}
    assert statuses >= {"covered", "uncovered", "no_officer", None}
    # ground truth of the status itself: an uncovered commercial building is 'uncovered'
    for subject, _ in manifest["gaps"]["ORG_BUILDING_UNCOVERED"]:
        if subject in features:
            assert features[subject]["properties"]["coverage"] == "uncovered"


def test_an_areas_export_holds_its_places_with_their_paths(
    loaded: tuple[Database, dict[str, Any]], tmp_path: Path
) -> None:
    db, manifest = loaded
    as_of = dt.date.fromisoformat(manifest["as_of"])
    community = db.driver.execute_query(
        "MATCH (a:Area {level: 'community'}) RETURN a.id AS id ORDER BY id LIMIT 1",
        database_=db.database,
    ).records[0]["id"]
    whole = json.loads(export_graph(db, "geojson", tmp_path / "a.geojson", as_of=as_of)
                       .read_text(encoding="utf-8"))  # fmt: skip
    part = json.loads(export_graph(db, "geojson", tmp_path / "c.geojson", area=community,
                                   as_of=as_of).read_text(encoding="utf-8"))  # fmt: skip
    _check_rfc7946(part)
    inside = {f["id"] for f in whole["features"]
              if community in [a["id"] for a in f["properties"]["area_path"]]}  # fmt: skip
    assert inside and {f["id"] for f in part["features"]} == inside
    assert part["area"] == community and part["as_of"] == as_of.isoformat()
    # the area path runs from the top (the city) down
    path = part["features"][0]["properties"]["area_path"]
    assert path[0]["level"] == "city" and community in [a["id"] for a in path]


def test_gcj02_export_moves_every_point_by_the_published_offset(
    loaded: tuple[Database, dict[str, Any]], tmp_path: Path
) -> None:
    db, manifest = loaded
    as_of = dt.date.fromisoformat(manifest["as_of"])
    wgs = json.loads(export_graph(db, "geojson", tmp_path / "w.geojson", as_of=as_of)
                     .read_text(encoding="utf-8"))  # fmt: skip
    gcj = json.loads(export_graph(db, "geojson", tmp_path / "g.geojson", as_of=as_of,
                                  crs="高德").read_text(encoding="utf-8"))  # fmt: skip
    assert gcj["coord_system"] == "gcj02" and "coord_system" not in wgs
    for plain, moved in zip(wgs["features"], gcj["features"], strict=True):
        lon, lat = plain["geometry"]["coordinates"]
        want_lat, want_lon = wgs84_to_gcj02(lat, lon)
        got_lon, got_lat = moved["geometry"]["coordinates"]
        assert haversine_m(got_lat, got_lon, want_lat, want_lon) < 0.05
        assert haversine_m(got_lat, got_lon, lat, lon) > 100  # Jinan is inside China
        assert moved["properties"] == plain["properties"]


def test_the_api_answers_the_same_document(
    loaded: tuple[Database, dict[str, Any]], neo4j_server: Any, tmp_path: Path
) -> None:
    db, manifest = loaded
    settings: Settings = neo4j_server.settings()
    admin_headers = {"X-API-Key": add_account(db, Principal.cli(), "geo-admin", Role.ADMIN)}
    as_of = dt.date.fromisoformat(manifest["as_of"])
    expected = json.loads(
        export_graph(db, "geojson", tmp_path / "e.geojson", as_of=as_of, crs="bd09",
                     who=Principal.cli()).read_text(encoding="utf-8")
    )  # fmt: skip
    with TestClient(create_app(settings), headers=admin_headers) as client:
        answer = client.get("/exports", params={"format": "geojson", "as_of": manifest["as_of"],
                                                "crs": "bd09"})  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/geo+json")
        assert answer.json() == expected
        assert client.get("/exports", params={"format": "geojson", "crs": "x"}).status_code == 422
    assert expected["coord_system"] == CoordSystem.BD09.value


def test_the_map_answer_says_of_each_place_what_the_geojson_says(
    loaded: tuple[Database, dict[str, Any]], neo4j_server: Any, tmp_path: Path
) -> None:
    """GET /map/places (the console map's answer): each place as the GeoJSON export has it,
    flat; kept with an ETag (304 while unchanged, a new answer after a write); another
    area's organizer gets 404."""
    db, manifest = loaded
    settings: Settings = neo4j_server.settings()
    admin = Principal.cli()
    admin_headers = {"X-API-Key": add_account(db, admin, "map-admin", Role.ADMIN)}
    as_of = dt.date.fromisoformat(manifest["as_of"])
    geo = json.loads(export_graph(db, "geojson", tmp_path / "m.geojson", as_of=as_of,
                                  who=admin).read_text(encoding="utf-8"))  # fmt: skip
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    subdistrict = next(a for a in points[0]["properties"]["area_path"]
                       if a["level"] == "subdistrict")  # fmt: skip
    communities = {a["id"] for f in points for a in f["properties"]["area_path"]
                   if a["level"] == "community"}  # fmt: skip
    other = add_account(db, admin, "map-organizer", Role.ORGANIZER, [sorted(communities)[0]])
    query = {"area": subdistrict["id"], "as_of": manifest["as_of"]}
    with TestClient(create_app(settings), headers=admin_headers) as client:
        answer = client.get("/map/places", params=query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["area"], body["as_of"], body["coord_system"]) == (
            subdistrict["id"], manifest["as_of"], "wgs84")
        assert [p["id"] for p in body["places"]] == [f["id"] for f in points]
        areas = {a["id"]: a for a in body["areas"]}
        for place, feature in zip(body["places"], points, strict=True):
            props = feature["properties"]
            assert [place["lon"], place["lat"]] == feature["geometry"]["coordinates"]
            assert {k: place[k] for k in ("name", "label", "kind", "gaps", "coverage")} == {
                k: props[k] for k in ("name", "label", "kind", "gaps", "coverage")}
            assert place["area"] == props["area_path"][-1]["id"]
            assert all(areas[a["id"]] == a for a in props["area_path"])
            assert place["radius_m"] == props.get("radius_m")
        assert any(p["gaps"] for p in body["places"])

        tag = answer.headers["ETag"]
        again = client.get("/map/places", params=query, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.headers["ETag"] == tag
        first = body["places"][0]
        label_path = {"Building": "buildings", "Park": "parks", "Unit": "units",
                      "Station": "stations"}[first["label"]]  # fmt: skip
        renamed = client.patch(f"/{label_path}/{first['id']}", json={"name": "地图改名测试"})
        assert renamed.status_code == 200, renamed.text
        after = client.get("/map/places", params=query, headers={"If-None-Match": tag})
        assert after.status_code == 200 and after.headers["ETag"] != tag
        assert after.json()["places"][0]["name"] == "地图改名测试"

        refused = client.get("/map/places", params=query, headers={"X-API-Key": other})
        assert refused.status_code == 404, refused.text
        assert client.get("/map/places", params=query | {"crs": "x"}).status_code == 422
    # with no system named, the points come in the basemap's (MAP_TILE_CRS)
    gaode = settings.model_copy(update={"map_tile_crs": "gcj02"})
    with TestClient(create_app(gaode), headers=admin_headers) as client:
        default = client.get("/map/places", params=query).json()
        named = client.get("/map/places", params=query | {"crs": "gcj02"}).json()
        plain = client.get("/map/places", params=query | {"crs": "wgs84"}).json()
    assert default["coord_system"] == "gcj02" and default == named
    assert plain["coord_system"] == "wgs84"
    assert [(p["lat"], p["lon"]) for p in default["places"]] != [
        (p["lat"], p["lon"]) for p in plain["places"]]


def test_bad_arguments_are_refused_before_anything_is_written(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    with pytest.raises(InvalidInput) as bad:
        export_graph(db, "geojson", out, as_of=dt.date(2026, 1, 1), crs="mercator")
    assert bad.value.extra["field"] == "crs"
    with pytest.raises(InvalidInput):
        export_graph(db, "xlsx", tmp_path / "x.xlsx", crs="gcj02")
    with pytest.raises(NotFound):
        export_graph(db, "geojson", out, area="NO-SUCH", as_of=dt.date(2026, 1, 1))
    assert not out.exists()
