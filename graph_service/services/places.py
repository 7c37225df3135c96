"""Where things are: the GeoJSON of an area's places, and where to put the next station.

**GeoJSON** (:func:`export_geojson`, RFC 7946). One ``FeatureCollection``: a ``Point``
Feature (``[longitude, latitude]``) for every building, park, unit, station and service post
that has coordinates, in the area's subtree (or everywhere), in id order, then a
``Polygon``/``MultiPolygon`` Feature for every area that carries a boundary. A point's
properties: ``id``, ``name``, ``label`` (Building, Park, Unit, Station, ServicePost),
``kind``, ``area_path`` (ids and names from the top area down), ``gaps`` (the codes of the
rules it fails on the date: the gap rules themselves run for the area,
:func:`graph_service.db.gaps.every_gap_read`, every rule that is on and is about a place or
a unit) and ``coverage`` (:func:`coverage_status`).

Coordinates are WGS-84 as RFC 7946 requires; ``crs`` gcj02 or bd09 gives them in that
system instead for a 高德/腾讯/百度 basemap (the collection then carries
``"coord_system": "gcj02"``, and is GeoJSON by structure but no longer by the RFC's datum).

**Station siting** (:func:`plan_stations`): the maximal covering location problem, solved
exactly as an integer program with HiGHS (``highspy``).

>>> coverage_status("Building", "commercial", {"ORG_BUILDING_UNCOVERED"}, COUNTED)
'uncovered'
>>> coverage_status("Building", "commercial", {"TEAM_BUILDING_NO_OFFICER"}, COUNTED)
'no_officer'
>>> coverage_status("Building", "residential", set(), COUNTED) is None
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.gaps import every_gap_read
from graph_service.db.plans import KeptRead, Plan, step
from graph_service.db.registry import QueryRegistry
from graph_service.db.scope import scoped_area_plan
from graph_service.domain.coordinates import EARTH_RADIUS_M, CoordSystem, from_wgs84
from graph_service.domain.gaps import GapCategory, GapRule
from graph_service.schemas.gaps import GapPage

#: the labels drawn as points, and the subjects whose gap rules a point carries
POINT_LABELS = ("Building", "Park", "Unit", "Station", "ServicePost")
_GAP_SUBJECTS = frozenset({"Building", "Park", "Unit", "*"})
#: the gap rules the GeoJSON export runs at once (each in its own read transaction)
GAP_READS_AT_ONCE = 4


@dataclass(frozen=True)
class Counted:
    """Which places the organization-coverage rules count: commercial building kinds and
    covered unit kinds (the deployment's, from its rules file); every park counts."""

    building_kinds: frozenset[str]
    unit_kinds: frozenset[str]


#: the declared defaults (the doctest's); a deployment's come from :func:`counted`
COUNTED = Counted(frozenset({"commercial", "mixed"}),
                  frozenset({"non_public_enterprise", "social_organization"}))  # fmt: skip


class Coverage:
    """The coverage status of a point (``properties.coverage``), for the map's colours."""

    UNCOVERED = "uncovered"  # 未覆盖: it fails an organization-coverage (ORG_*) rule
    NO_OFFICER = "no_officer"  # 无指导员/联络员: covered, but fails a TEAM_*_NO_OFFICER rule
    COVERED = "covered"  # 已覆盖: counted by the coverage rules and failing neither


def coverage_status(
    label: str, kind: str | None, codes: set[str], counted: Counted,
    rules: Mapping[str, GapRule] | None = None,
) -> str | None:  # fmt: skip
    """A point's coverage: ``uncovered`` when it has a gap of an organization-coverage rule
    (ORG_BUILDING_UNCOVERED, ORG_PARK_UNCOVERED, ORG_UNIT_UNCOVERED, ORG_UNIT_NEEDS_OWN_ORG),
    else ``no_officer`` when it has a team rule's gap about its own kind of place
    (TEAM_BUILDING_NO_OFFICER, TEAM_PARK_NO_OFFICER), else ``covered`` when the coverage
    rules count it at all (a commercial building, a park, a unit of a covered kind), else
    None (a residential building, a government organ, a station: not a coverage subject)."""
    from graph_service.domain.gaps import RULES_BY_CODE

    catalogue = rules if rules is not None else RULES_BY_CODE
    found = [catalogue[code] for code in codes if code in catalogue]
    if any(rule.category is GapCategory.ORGANIZATION for rule in found):
        return Coverage.UNCOVERED
    if any(rule.category is GapCategory.TEAM and rule.subject == label for rule in found):
        return Coverage.NO_OFFICER
    if (label == "Park" or (label == "Building" and kind in counted.building_kinds)
            or (label == "Unit" and kind in counted.unit_kinds)):  # fmt: skip
        return Coverage.COVERED
    return None


def counted(db: Database) -> Counted:
    """The kinds the deployment's organization-coverage rules count."""
    kinds = db.registry.rules.kinds
    return Counted(frozenset(kinds.get("ORG_BUILDING_UNCOVERED", ())),
                   frozenset(kinds.get("ORG_UNIT_UNCOVERED", ())))  # fmt: skip


def gap_codes(
    db: Database, who: Principal, *, area: str | None, as_of: dt.date
) -> dict[str, set[str]]:
    """Subject id → the codes of the rules it fails on ``as_of``, for every rule that is on
    and is about buildings, parks or units (or several kinds: SCHED_EXPIRED), run for
    ``area`` (None: everywhere) as the gap lists run it."""
    codes: dict[str, set[str]] = defaultdict(set)
    rules = [rule for rule in db.registry.rules.enabled if rule.subject in _GAP_SUBJECTS]

    def run(rule: GapRule) -> GapPage:
        return db.read_kept(every_gap_read(db.registry, who, rule.code, as_of=as_of, area=area))

    # each rule is one read transaction of its own; a few at once keep Neo4j's cores busy
    # while this process decodes the answers (a district's took 4.8 s one after another
    # and 2.6 s four at a time, measured on a busy machine)
    with ThreadPoolExecutor(max_workers=GAP_READS_AT_ONCE) as pool:
        for rule, page in zip(rules, pool.map(run, rules), strict=True):
            for item in page.items:
                codes[item.id].add(rule.code)
    return codes


@dataclass(frozen=True)
class Place:
    """A point of the map: a building, park, unit, station or service post with coordinates
    (WGS-84)."""

    id: str
    name: str
    label: str
    kind: str | None
    latitude: float
    longitude: float
    area_id: str | None
    formal_party_members: int | None = None
    radius_m: float | None = None


def places(db: Database, area: str | None) -> list[Place]:
    """Every place with coordinates in ``area``'s subtree (None: everywhere), in id order."""
    return [Place(**row) for row in db.read("place_features", area=area)]


def _area_paths(db: Database, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row["id"]: row["area_path"] for row in db.read("place_area_paths", ids=wanted)}


def _position(lat: float, lon: float, crs: CoordSystem) -> list[float]:
    lat, lon = from_wgs84(lat, lon, crs)
    # RFC 7946 §11.2: 6 decimals are about 10 cm, more is noise
    return [round(lon, 7), round(lat, 7)]


def _ring(ring: list[list[float]], crs: CoordSystem) -> list[list[float]]:
    return [_position(lat, lon, crs) for lon, lat, *_ in ring]


def _geometry(boundary: str, crs: CoordSystem) -> dict[str, Any] | None:
    """An area's stored boundary (GeoJSON text, WGS-84) in ``crs``; None when unreadable."""
    try:
        shape = json.loads(boundary)
        if shape["type"] == "Polygon":
            return {"type": "Polygon", "coordinates": [_ring(r, crs) for r in shape["coordinates"]]}
        if shape["type"] == "MultiPolygon":
            return {"type": "MultiPolygon",
                    "coordinates": [[_ring(r, crs) for r in p] for p in shape["coordinates"]]}
    except (ValueError, KeyError, TypeError):
        return None
    return None


def geojson_features(
    db: Database, who: Principal, *, area: str | None, as_of: dt.date,
    crs: CoordSystem = CoordSystem.WGS84,
) -> Iterator[dict[str, Any]]:  # fmt: skip
    """The Features of the GeoJSON export (see the module docstring), points first."""
    found, codes, paths = _located(db, who, area=area, as_of=as_of)
    kinds = counted(db)
    for place in found:
        mine = codes.get(place.id, set())
        yield {
            "type": "Feature",
            "id": place.id,
            "geometry": {"type": "Point",
                         "coordinates": _position(place.latitude, place.longitude, crs)},
            "properties": {
                "id": place.id, "name": place.name, "label": place.label, "kind": place.kind,
                "area_path": paths.get(place.area_id or "", []),
                "gaps": sorted(mine),
                "coverage": coverage_status(place.label, place.kind, mine, kinds),
                # a station's own service radius (m), when it has one: the map's circle
                **({"radius_m": place.radius_m} if place.label == "Station" else {}),
            },
        }  # fmt: skip
    yield from _boundaries(db, area, crs)


def _located(
    db: Database, who: Principal, *, area: str | None, as_of: dt.date
) -> tuple[list[Place], dict[str, set[str]], dict[str, list[dict[str, Any]]]]:
    """The places of ``area``, each one's gap codes on ``as_of``, and the area paths."""
    with ThreadPoolExecutor(max_workers=1) as side:  # the places are read meanwhile
        reading = side.submit(places, db, area)
        codes = gap_codes(db, who, area=area, as_of=as_of)
        found = reading.result()
    return found, codes, _area_paths(db, (p.area_id for p in found if p.area_id))


def _boundaries(db: Database, area: str | None, crs: CoordSystem) -> Iterator[dict[str, Any]]:
    return _boundary_features(db.read("place_area_boundaries", area=area), crs)


def _boundary_features(rows: Iterable[Mapping[str, Any]], crs: CoordSystem
                       ) -> Iterator[dict[str, Any]]:  # fmt: skip
    """A Feature for every area row (of ``place_area_boundaries``) with a readable boundary."""
    for row in rows:
        geometry = _geometry(row["boundary"], crs)
        if geometry is None:
            continue
        yield {
            "type": "Feature", "id": row["id"], "geometry": geometry,
            "properties": {"id": row["id"], "name": row["name"], "label": "Area",
                           "kind": row["level"]},
        }  # fmt: skip


def map_places_read(
    registry: QueryRegistry, who: Principal, *, area: str, as_of: dt.date, crs: CoordSystem
) -> KeptRead[dict[str, Any]]:
    """The console map's answer for ``area`` as a read the result cache keeps (one
    transaction; 404 outside the principal's areas): what the GeoJSON export says of each
    place, one flat object a place (no Feature wrapping, no area path: the areas are named
    once), and the areas' boundaries. A district's GeoJSON is ~10 MB and seconds to make;
    this is a fifth of it, computed once per version of the graph."""
    rules = [rule for rule in registry.rules.enabled if rule.subject in _GAP_SUBJECTS]
    kinds = Counted(frozenset(registry.rules.kinds.get("ORG_BUILDING_UNCOVERED", ())),
                    frozenset(registry.rules.kinds.get("ORG_UNIT_UNCOVERED", ())))  # fmt: skip

    def plan() -> Plan[dict[str, Any]]:
        asked = yield from scoped_area_plan(who, area)
        located = [Place(**row) for row in (yield step("place_features", area=asked))]
        codes: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            page = yield from every_gap_read(registry, who, rule.code, as_of=as_of,
                                             area=asked).make()  # fmt: skip
            for item in page.items:
                codes[item.id].add(rule.code)
        wanted = sorted({p.area_id for p in located if p.area_id})
        areas: dict[str, dict[str, Any]] = {}
        for row in (yield step("place_area_paths", ids=wanted)) if wanted else []:
            for each in row["area_path"]:
                areas.setdefault(each["id"], each)
        points = []
        for place in located:
            mine = codes.get(place.id, set())
            lon, lat = _position(place.latitude, place.longitude, crs)
            points.append({
                "id": place.id, "name": place.name, "label": place.label, "kind": place.kind,
                "lon": lon, "lat": lat, "area": place.area_id, "gaps": sorted(mine),
                "coverage": coverage_status(place.label, place.kind, mine, kinds),
                "radius_m": place.radius_m if place.label == "Station" else None,
            })  # fmt: skip
        boundaries = yield step("place_area_boundaries", area=asked)
        return {"area": asked, "as_of": as_of.isoformat(), "coord_system": crs.value,
                "places": points, "areas": sorted(areas.values(), key=lambda a: a["id"]),
                "boundaries": list(_boundary_features(boundaries, crs))}  # fmt: skip

    key = ("map_places", who.role.value, tuple(who.areas), area, as_of, crs.value,
           registry.rules.key())  # fmt: skip
    return KeptRead(key, plan, "map_places")


def write_geojson(
    features: Iterable[Mapping[str, Any]], out: TextIO, *, crs: CoordSystem = CoordSystem.WGS84,
    meta: Mapping[str, Any] | None = None,
) -> int:  # fmt: skip
    """Write a FeatureCollection, one Feature a line as they come; return how many."""
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if crs is not CoordSystem.WGS84:
        head["coord_system"] = crs.value  # a foreign member (RFC 7946 §6.1); no "crs"
    head.update(meta or {})
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    out.write(opening + ', "features": [\n')
    written = 0
    for feature in features:
        if written:
            out.write(",\n")
        out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        written += 1
    out.write("\n]}\n")
    return written


def export_geojson(
    db: Database, out: Path, *, area: str | None = None, as_of: dt.date,
    crs: CoordSystem = CoordSystem.WGS84, who: Principal | None = None,
) -> Path:  # fmt: skip
    """Write the GeoJSON of ``area``'s places (None: everywhere) as of ``as_of`` to ``out``;
    return it. The file is written beside and renamed into place, so a failure leaves
    ``out`` as it was."""
    who = who if who is not None else Principal.cli()
    partial = out.with_name(out.name + ".partial")
    meta = {"as_of": as_of.isoformat(), "area": area}
    try:
        with partial.open("w", encoding="utf-8") as handle:
            write_geojson(geojson_features(db, who, area=area, as_of=as_of, crs=crs), handle,
                          crs=crs, meta=meta)  # fmt: skip
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


# ---- where to put the next station ------------------------------------------------------


#: the most candidate sites a plan weighs (each costs a distance to every place of the area)
MAX_SITES = 5_000


class Candidates:
    """Where new stations may go."""

    BUILDINGS = "buildings"  # 现有楼宇: the area's buildings that have coordinates
    GRID = "grid"  # 网格: the points of a square grid over the area's places' bounding box


@dataclass(frozen=True)
class Site:
    """A candidate site for a new station."""

    id: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class SitePick:
    """A chosen site and what it brings: the weight and the places it covers that the
    sites before it in the plan (and the existing stations) do not."""

    site: Site
    gained_weight: float
    gained: tuple[str, ...]


@dataclass(frozen=True)
class StationPlan:
    """The best ``k`` sites for new stations in an area (:func:`plan_stations`)."""

    area: str
    as_of: dt.date
    k: int
    radius_m: float
    candidates: str
    candidate_count: int
    #: places outside every existing station's circle: how many, and their total weight
    uncovered_count: int
    uncovered_weight: float
    covered_weight: float
    optimal: bool
    picks: tuple[SitePick, ...]


def solve_max_cover(
    weights: list[float], covers: list[frozenset[int]], k: int
) -> tuple[list[int], float, bool]:
    """The maximal covering location problem, solved exactly: choose at most ``k`` of the
    sites (``covers[j]``: the demand points site ``j`` covers) to maximise the total
    ``weights`` of the demand points covered by at least one chosen site.

    As an integer program (Church & ReVelle 1974): binary ``x_j`` (site chosen), ``y_i``
    in [0, 1] (point covered), maximise Σ wᵢ yᵢ subject to yᵢ ≤ Σ_{j covers i} x_j and
    Σ x_j ≤ k; with x integral the best y is too. Points with the same set of covering
    sites are merged first (their weights added). Solved by HiGHS's branch and cut.
    Returns the chosen sites (ascending), the covered weight and whether HiGHS proved it
    optimal.

    >>> solve_max_cover([1, 1, 5], [frozenset({0, 1}), frozenset({2})], 1)
    ([1], 5.0, True)
    """
    import highspy
    import numpy as np

    if k < 0:
        raise ValueError("k must be 0 or more")
    sites_of: dict[frozenset[int], float] = defaultdict(float)
    by_point: dict[int, set[int]] = defaultdict(set)
    for j, reach in enumerate(covers):
        for i in reach:
            by_point[i].add(j)
    for i, sites in by_point.items():
        if weights[i] > 0:
            sites_of[frozenset(sites)] += weights[i]
    groups = sorted(sites_of.items(), key=lambda item: sorted(item[0]))
    n_sites, n_groups = len(covers), len(groups)
    if n_sites == 0 or n_groups == 0 or k == 0:
        return [], 0.0, True
    # columns: x_0 … x_{n_sites-1}, then y_0 … y_{n_groups-1}; rows: one per group
    # (y_g - Σ x_j ≤ 0), then the budget (Σ x_j ≤ k)
    rows_of_site: list[list[int]] = [[] for _ in range(n_sites)]
    for g, (group, _weight) in enumerate(groups):
        for j in group:
            rows_of_site[j].append(g)
    starts, index, value = [0], [], []
    for j in range(n_sites):
        index += [*rows_of_site[j], n_groups]
        value += [-1.0] * len(rows_of_site[j]) + [1.0]
        starts.append(len(index))
    for g in range(n_groups):
        index.append(g)
        value.append(1.0)
        starts.append(len(index))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_sites + n_groups, n_groups + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.array([0.0] * n_sites + [w for _, w in groups])
    lp.col_lower_ = np.zeros(n_sites + n_groups)
    lp.col_upper_ = np.ones(n_sites + n_groups)
    lp.row_lower_ = np.array([-highspy.kHighsInf] * (n_groups + 1))
    lp.row_upper_ = np.array([0.0] * n_groups + [float(k)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    lp.integrality_ = ([highspy.HighsVarType.kInteger] * n_sites
                       + [highspy.HighsVarType.kContinuous] * n_groups)  # fmt: skip
    with _banner_hidden():
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("threads", 1)
    solver.passModel(lp)
    solver.run()
    optimal = solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
    x = solver.getSolution().col_value[:n_sites]
    chosen = [j for j in range(n_sites) if x[j] > 0.5]
    covered: set[int] = set().union(*(covers[j] for j in chosen))
    return chosen, float(sum(weights[i] for i in covered if weights[i] > 0)), optimal


@contextmanager
def _banner_hidden() -> Iterator[None]:
    """HiGHS prints its banner to the process's standard output (fd 1, from C++) when a
    solver is made, before any option can be set: it would land in the CLI's output (JSON
    included) and the API's log. Point fd 1 at /dev/null for that moment only."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _distances_m(
    lats: Any, lons: Any, lat: Any, lon: Any
) -> Any:
    """Haversine distances (m), numpy-broadcast, on :data:`EARTH_RADIUS_M`'s sphere."""
    import numpy as np

    p1, p2 = np.radians(lats), np.radians(lat)
    dp, dl = p2 - p1, np.radians(lon - lons)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _grid(demand: list[Place], spacing_m: float) -> tuple[float, float, float, float, int, int]:
    """The south-west corner, the steps (degrees) and the rows and columns of the grid."""
    import math

    lat0, lat1 = min(p.latitude for p in demand), max(p.latitude for p in demand)
    lon0, lon1 = min(p.longitude for p in demand), max(p.longitude for p in demand)
    step_lat = spacing_m / (EARTH_RADIUS_M * math.pi / 180)
    step_lon = step_lat / max(math.cos(math.radians((lat0 + lat1) / 2)), 1e-6)
    # the last row and column lie at or beyond the box's far edges
    rows = math.ceil((lat1 - lat0) / step_lat) + 1
    cols = math.ceil((lon1 - lon0) / step_lon) + 1
    return lat0, lon0, step_lat, step_lon, rows, cols


def grid_size(demand: list[Place], spacing_m: float) -> int:
    """How many points :func:`grid_sites` would make (without making them)."""
    if not demand:
        return 0
    *_, rows, cols = _grid(demand, spacing_m)
    return rows * cols


def grid_sites(demand: list[Place], spacing_m: float) -> list[Site]:
    """The points of a square grid, ``spacing_m`` apart, over the bounding box of the
    places (ids ``G-<row>-<col>``); every place is within half a diagonal of one."""
    if not demand:
        return []
    lat0, lon0, step_lat, step_lon, rows, cols = _grid(demand, spacing_m)
    return [Site(f"G-{r}-{c}", f"网格点 grid {r},{c}", lat0 + r * step_lat, lon0 + c * step_lon)
            for r in range(rows) for c in range(cols)]  # fmt: skip


def _weight(place: Place) -> float:
    """A demand point's weight: a unit's formal party members when the data has them (at
    least 1), else 1."""
    if place.label == "Unit" and place.formal_party_members:
        return float(place.formal_party_members)
    return 1.0


def plan_stations(
    db: Database, area: str, *, k: int, as_of: dt.date, radius_m: float,
    candidates: str = Candidates.BUILDINGS, grid_spacing_m: float | None = None,
) -> StationPlan:  # fmt: skip
    """The ``k`` sites that bring the most of ``area``'s uncovered places inside a new
    station's circle of ``radius_m`` (straight-line).

    Demand: the buildings, parks and units with coordinates in the area that lie outside
    every existing station's circle (each station's own ``radius_m`` if it has one, else
    ``radius_m``), weighted by :func:`_weight`. Candidates: the area's buildings, or a grid
    (``grid_spacing_m``, default half the radius) over the area's places. Solved exactly
    (:func:`solve_max_cover`); the picks are listed in the order that adds the most first,
    each with what it adds to the ones before it. Raises :class:`NotFound` for an unknown
    area, :class:`InvalidInput` for a bad ``k``, radius or candidate kind.
    """
    import numpy as np

    from graph_service.db.exports import require_area
    from graph_service.errors import InvalidInput

    if not 1 <= k <= 100:
        raise InvalidInput("k 应在 1 到 100 之间 / k must be between 1 and 100", field="k")
    if not 10 <= radius_m <= 50_000:
        raise InvalidInput("半径应在 10 到 50000 米之间 / radius_m must be in [10, 50000]",
                           field="radius_m")  # fmt: skip
    if grid_spacing_m is not None and not 10 <= grid_spacing_m <= 50_000:
        raise InvalidInput("网格间距应在 10 到 50000 米之间 / grid_spacing_m must be in "
                           "[10, 50000]", field="grid_spacing_m")  # fmt: skip
    if candidates not in (Candidates.BUILDINGS, Candidates.GRID):
        raise InvalidInput("候选点应为 buildings 或 grid / candidates: buildings or grid",
                           field="candidates")  # fmt: skip
    require_area(db, area)
    found = places(db, area)
    stations = [Place(**row) for row in db.read("place_stations")]
    demand = [p for p in found if p.label in ("Building", "Park", "Unit")]
    if stations and demand:
        lats = np.array([p.latitude for p in demand])
        lons = np.array([p.longitude for p in demand])
        served = np.zeros(len(demand), dtype=bool)
        for station in stations:
            reach = station.radius_m or radius_m
            served |= _distances_m(lats, lons, station.latitude, station.longitude) <= reach
        demand = [p for p, inside in zip(demand, served, strict=True) if not inside]
    if candidates == Candidates.BUILDINGS:
        sites = [Site(p.id, p.name, p.latitude, p.longitude) for p in found
                 if p.label == "Building"]  # fmt: skip
    else:
        located = [p for p in found if p.label != "ServicePost"]
        spacing = grid_spacing_m or radius_m / 2
        size = grid_size(located, spacing)
        if size > MAX_SITES:  # counted before any is made: a tiny spacing must not run away
            raise InvalidInput(
                f"候选点过多（{size} 个，最多 {MAX_SITES} 个），请加大网格间距 / {size} "
                f"candidate sites (at most {MAX_SITES}): use a larger grid_spacing_m",
                field="grid_spacing_m",
            )
        sites = grid_sites(located, spacing)
    weights = [_weight(p) for p in demand]
    covers: list[frozenset[int]] = []
    if demand:
        lats = np.array([p.latitude for p in demand])
        lons = np.array([p.longitude for p in demand])
        for site in sites:
            near = _distances_m(lats, lons, site.latitude, site.longitude) <= radius_m
            covers.append(frozenset(int(i) for i in np.flatnonzero(near)))
    else:
        covers = [frozenset() for _ in sites]
    chosen, covered_weight, optimal = solve_max_cover(weights, covers, k)
    picks: list[SitePick] = []
    taken: set[int] = set()
    left = list(chosen)
    while left:  # the order that adds the most first; ties by site order
        best = max(left, key=lambda j: (sum(weights[i] for i in covers[j] - taken), -j))
        new = sorted(covers[best] - taken)
        picks.append(SitePick(sites[best], float(sum(weights[i] for i in new)),
                              tuple(demand[i].id for i in new)))  # fmt: skip
        taken |= covers[best]
        left.remove(best)
    return StationPlan(
        area=area, as_of=as_of, k=k, radius_m=radius_m, candidates=candidates,
        candidate_count=len(sites), uncovered_count=len(demand),
        uncovered_weight=float(sum(weights)), covered_weight=covered_weight, optimal=optimal,
        picks=tuple(picks),
    )  # fmt: skip
