"""REACH_PLACE_OUTSIDE_CIRCLE (issue 25, item 5): buildings and parks outside every station's
service circle, with the nearest station and its distance. It ships off; a rules file turns
it on. Checked on a small area whose answer is known (Neo4j's distances against the
haversine the answer key uses) and on a generated subdistrict against the answer key."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.gaps import count_gaps, coverage_summary, list_gaps
from graph_service.domain.coordinates import haversine_m
from graph_service.domain.gaps import load_rule_settings
from graph_service.services.imports import import_files
from graph_service.services.places import export_geojson
from loaders.generator import generate
from tests.test_gaps import Bundle
from tests.test_rule_settings import own_registry

CODE = "REACH_PLACE_OUTSIDE_CIRCLE"
ADMIN = Principal.cli()
AS_OF = dt.date(2026, 6, 30)
STATION = (36.650, 117.000)
FAR = (36.700, 117.100)  # a station with a 3 km circle of its own


def rules(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(f"[{CODE}]\nenabled = true\n{extra}", encoding="utf-8")
    return path


def small_area() -> Bundle:
    b = Bundle()
    b.node("stations", "ST-A", latitude=STATION[0], longitude=STATION[1])
    b.rel("located_in", "ST-A", "K1")
    b.node("stations", "ST-B", latitude=FAR[0], longitude=FAR[1], radius_m=3000)
    b.rel("located_in", "ST-B", "K3")
    for node_id, table, lat, lon in (
        ("B-IN", "buildings", 36.655, 117.000),     # 556 m from ST-A
        ("B-OUT", "buildings", 36.665, 117.000),    # 1.67 km from ST-A, 7.6 km from ST-B
        ("B-FAR-IN", "buildings", 36.710, 117.110),  # 1.4 km from ST-B: inside its 3 km
        ("PK-OUT", "parks", 36.650, 117.030),       # 2.68 km from ST-A
        ("B-NOWHERE", "buildings", None, None),     # no coordinates: not a place on the map
    ):  # fmt: skip
        b.node(table, node_id, **({} if lat is None else {"latitude": lat, "longitude": lon}))
        b.rel("located_in", node_id, "K1" if node_id != "B-FAR-IN" else "K3")
    return b


def test_places_outside_every_circle_name_the_nearest_station(
    db: Database, tmp_path: Path
) -> None:
    small_area().load(db, tmp_path)
    assert not db.registry.rules.is_on(CODE)  # ships off
    here = own_registry(db, rules(tmp_path))
    page = list_gaps(here, ADMIN, CODE, as_of=AS_OF, limit=100)
    assert {(i.id, i.related_id) for i in page.items} == {("B-OUT", "ST-A"), ("PK-OUT", "ST-A")}
    for item in page.items:
        lat, lon = {"B-OUT": (36.665, 117.000), "PK-OUT": (36.650, 117.030)}[item.id]
        # Neo4j's point.distance and the answer key's haversine agree to a metre
        assert abs(item.detail["distance_m"] - haversine_m(lat, lon, *STATION)) <= 1
        assert item.detail["radius_m"] == 1000 and item.kind in {"Building", "Park"}
    # in an area: only what lies under it
    assert list_gaps(here, ADMIN, CODE, as_of=AS_OF, area="S2", limit=10).total == 0
    assert list_gaps(here, ADMIN, CODE, as_of=AS_OF, area="K1", limit=10).total == 2
    # the coverage summary gains the share inside circles while the rule is on: of the three
    # places with coordinates in K1 only B-IN is inside one
    inside = coverage_summary(here, ADMIN, "K1", as_of=AS_OF).area.circle
    assert inside is not None and (inside.covered, inside.total) == (1, 3)
    far = coverage_summary(here, ADMIN, "K3", as_of=AS_OF).area.circle
    assert far is not None and (far.covered, far.total) == (1, 1)
    assert coverage_summary(db, ADMIN, "K1", as_of=AS_OF).area.circle is None  # rule off
    # a wider circle from the rules file takes both in; a narrower one leaves B-IN out too
    wide = own_registry(db, rules(tmp_path, "radius_m = 3000\n"))
    assert list_gaps(wide, ADMIN, CODE, as_of=AS_OF, limit=10).total == 0
    narrow = own_registry(db, rules(tmp_path, "radius_m = 500\n"))
    found = {i.id for i in list_gaps(narrow, ADMIN, CODE, as_of=AS_OF, limit=10).items}
    assert found == {"B-IN", "B-OUT", "PK-OUT"}  # B-FAR-IN keeps ST-B's own 3 km


def test_the_generated_subdistrict_matches_the_answer_key(db: Database, tmp_path: Path) -> None:
    rules_file = rules(tmp_path)
    folder = generate(2, "subdistrict", tmp_path / "region", rules=load_rule_settings(rules_file))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    expected = {tuple(pair) for pair in manifest["gaps"][CODE]}
    assert expected  # the generator's spread leaves some place outside every circle
    assert import_files(db, [folder]).ok
    here = own_registry(db, rules_file)
    page = list_gaps(here, ADMIN, CODE, as_of=AS_OF, limit=1000)
    assert {(i.id, i.related_id) for i in page.items} == expected
    assert count_gaps(here, ADMIN, as_of=AS_OF)[CODE] == len(expected)
    # the summary's share inside circles: every building and park with coordinates, less those
    # the answer key places outside every circle
    def rows(table: str) -> list[dict[str, str]]:
        text = (folder / f"{table}.csv").read_text(encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    placed = sum(1 for table in ("buildings", "parks") for row in rows(table)
                 if row["纬度 latitude"])  # fmt: skip
    top = next(row["编号 id"] for row in rows("areas")
               if row["层级 level"] in ("subdistrict", "街道"))  # fmt: skip
    circle = coverage_summary(here, ADMIN, top, as_of=AS_OF).area.circle
    assert circle is not None and (circle.covered, circle.total) == (placed - len(expected),
                                                                     placed)  # fmt: skip
    # and the map carries the code on those places
    out = export_geojson(here, tmp_path / "map.geojson", as_of=AS_OF)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    carrying = {f["id"] for f in features if CODE in f["properties"]["gaps"]}
    assert carrying == {subject for subject, _ in expected}
