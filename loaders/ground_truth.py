"""The coverage-gap rules evaluated in plain Python, without Neo4j: the answer key.

The rules are stated once, in the docstring of :mod:`graph_service.domain.gaps`. The Cypher
queries implement them against the graph; this module implements them a second time, over
import tables, so that a generated region can ship the set of gaps it holds
(``manifest.json``) and the queries can be tested against an independent answer. It reads
the same :class:`~graph_service.domain.gaps.RuleSettings` as the service (which rules are
on, their kinds, periods and thresholds): pass a deployment's, or get the defaults.

Rows are *typed*: each row is what ``Table.model.model_validate(raw).graph_properties()``
gives (enum values as their English value, dates as :class:`datetime.date`, ``None`` or an
absent key for a missing value), plus ``from_id`` and ``to_id`` for a relationship row.
:func:`typed_rows` turns raw rows (CSV text, spreadsheet cells) into typed rows through the
models. Dates written as ISO text (``2026-06-30``) are accepted as well, since that is how
they travel in JSON.

The evaluator assumes a referentially sound bundle (every relationship joins two nodes of
the bundle, of kinds its type allows), as the importer guarantees for what reaches the graph.

Where the docstring of ``gaps`` leaves a reading open, this module reads it literally, as
the queries in ``cypher/gaps/`` do:

* "X LOCATED_IN it" and "LOCATED_IN a building or park" mean one direct ``LOCATED_IN``
  edge: a service post located in a grid does not count for the grid's community
  (``TEAM_COMMUNITY_NO_POSTS``), nor a committee located in a community for its
  subdistrict (``VERT_AREA_NO_COMMITTEE``).
* ``REPORTED_TO``, ``VOLUNTEERS_IN`` and ``PAIRED_WITH`` count only when they end at the
  community itself.
* Persons are counted once per unit in ``ORG_UNIT_NEEDS_OWN_ORG``, however many current
  ``EMPLOYED_BY`` rows join them (the query counts rows; the two differ only for duplicate
  employment rows, which the generator never writes).

>>> from datetime import date
>>> gaps = evaluate_gaps(
...     {"buildings": [{"id": "B-1", "name": "泉城大厦", "kind": "commercial"}]},
...     date(2026, 6, 30),
... )
>>> sorted(gaps["ORG_BUILDING_UNCOVERED"])
[('B-1', None)]
>>> gaps["ORG_PARK_UNCOVERED"]
set()
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from graph_service.domain.coordinates import haversine_m
from graph_service.domain.gaps import RuleSettings, default_rule_settings
from graph_service.domain.models import NodeIn, RelIn
from graph_service.domain.tables import TABLES, Table, table_named

Pair = tuple[str, str | None]
"""(subject id, related id): the related id is the committee of ``LEAD_UNIT_UNREPRESENTED``,
the person or unit (the relationship's start) of ``SCHED_EXPIRED``, and None elsewhere."""

GapSets = dict[str, set[Pair]]

WORKING_COMMITTEE = "working_committee"
PARTY_MEMBER_STATUSES = frozenset({"formal", "probationary"})

_TABLE_KEYS = frozenset(table.key for table in TABLES)


def evaluate_gaps(
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    as_of: dt.date,
    *,
    rules: RuleSettings | None = None,
    counted_unit_kinds: Collection[str] | None = None,
    meeting_period_days: Mapping[str, int] | None = None,
) -> GapSets:
    """Every rule's gaps as of ``as_of``: rule code → set of (subject id, related id).

    ``tables`` maps a table key (``units``, ``assigned_to`` …, or its Chinese name) to its
    typed rows; each iterable is read once, so generators that stream a file are fine. Every
    code of a rule that is on in ``rules`` (default: every rule, with its declared options)
    is in the result, with an empty set when nothing fails it. ``counted_unit_kinds`` and
    ``meeting_period_days`` replace the kinds of REACH_UNIT_UNTIED and the periods of
    SCHED_MEETING_OVERDUE that ``rules`` gives.
    """
    evaluator = GapEvaluator(
        as_of, rules=rules, counted_unit_kinds=counted_unit_kinds,
        meeting_period_days=meeting_period_days,
    )  # fmt: skip
    for key, rows in tables.items():
        evaluator.add_all(key, rows)
    return evaluator.result()


def typed_rows(table: Table | str, rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Validate raw rows (keyed by English field name) with the table's model, typed.

    A blank cell is an absent value. Raises :class:`pydantic.ValidationError` on the first
    row the model refuses: the answer key is only meaningful for a bundle that imports
    cleanly.
    """
    resolved = _resolve_table(table) if isinstance(table, str) else table
    for raw in rows:
        present = {
            key: value
            for key, value in raw.items()
            if not (isinstance(value, str) and not value.strip())
        }
        record = resolved.model.model_validate(present)
        values = record.graph_properties()
        if isinstance(record, NodeIn):
            values.update(record.location() or {})  # WGS-84, however the row gave it
        if isinstance(record, RelIn):
            values["from_id"] = record.from_id
            values["to_id"] = record.to_id
        yield values


def is_current(since: Any, until: Any, as_of: dt.date) -> bool:
    """Whether a relationship with these dates counts on ``as_of`` (either end may be open)."""
    start, end = as_date(since), as_date(until)
    return (start is None or start <= as_of) and (end is None or end >= as_of)


def as_date(value: Any) -> dt.date | None:
    """A typed or ISO-text date as a :class:`datetime.date`; None for a missing one."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError(f"not a date: {value!r}")


def _resolve_table(name: str) -> Table:
    table = table_named(name)
    if table is None:
        raise ValueError(f"unknown table '{name}'")
    return table


class GapEvaluator:
    """Collects typed rows, table by table and in any order, then evaluates every rule.

    The generator feeds it each row as it writes the row, so a region of a million nodes is
    evaluated without being held: the evaluator keeps only the ids and edges the rules read.

    >>> import datetime as dt
    >>> evaluator = GapEvaluator(dt.date(2026, 6, 30))
    >>> evaluator.add("areas", {"id": "A-1", "name": "建新社区", "level": "community"})
    >>> sorted(evaluator.result()["TEAM_COMMUNITY_NO_POSTS"])
    [('A-1', None)]
    """

    def __init__(
        self,
        as_of: dt.date,
        *,
        rules: RuleSettings | None = None,
        counted_unit_kinds: Collection[str] | None = None,
        meeting_period_days: Mapping[str, int] | None = None,
    ) -> None:
        self.as_of = as_of
        self.rules = rules or default_rule_settings()
        kinds = self.rules.kinds
        self._counted_kinds = frozenset(
            kinds["REACH_UNIT_UNTIED"] if counted_unit_kinds is None else counted_unit_kinds
        )
        self._periods = dict(
            self.rules.periods["SCHED_MEETING_OVERDUE"]
            if meeting_period_days is None else meeting_period_days
        )  # fmt: skip
        self._building_kinds = frozenset(kinds["ORG_BUILDING_UNCOVERED"])
        self._officer_building_kinds = frozenset(kinds["TEAM_BUILDING_NO_OFFICER"])
        self._uncovered_unit_kinds = frozenset(kinds["ORG_UNIT_UNCOVERED"])
        self._branch_kinds = frozenset(kinds["TEAM_BRANCH_NO_OFFICER"])
        self._min_formal = self.rules.thresholds["ORG_UNIT_NEEDS_OWN_ORG"]["min_formal_members"]
        self._employer_kinds = frozenset(kinds["TEAM_MEMBER_UNREPORTED"])
        self._circle_radius = self.rules.thresholds["REACH_PLACE_OUTSIDE_CIRCLE"]["radius_m"]
        # nodes: only what a rule reads
        self._area_level: dict[str, str] = {}
        self._buildings: set[str] = set()
        self._commercial_buildings: set[str] = set()  # of a kind ORG_BUILDING_UNCOVERED counts
        self._officer_buildings: set[str] = set()  # of a kind TEAM_BUILDING_NO_OFFICER counts
        self._parks: set[str] = set()
        self._unit_kind: dict[str, str] = {}
        self._unit_formal: dict[str, int] = {}
        self._org_kind: dict[str, str] = {}
        self._committees: dict[str, tuple[str, dt.date | None]] = {}
        self._party_members: set[str] = set()
        self._formal_members: set[str] = set()
        self._service_posts: set[str] = set()
        self._points: dict[str, tuple[float, float]] = {}  # buildings and parks with coordinates
        self._stations: dict[str, tuple[float, float, int | None]] = {}  # lat, lon, radius_m
        self._meeting_date: dict[str, dt.date] = {}
        # relationships: LOCATED_IN whatever its dates, the rest when current
        self._located_in: defaultdict[str, list[str]] = defaultdict(list)
        self._children: defaultdict[str, list[str]] = defaultdict(list)
        self._covered: set[str] = set()
        self._with_own_org: set[str] = set()
        self._memberships: set[tuple[str, str]] = set()
        self._delegations: set[tuple[str, str]] = set()
        self._with_officer: set[str] = set()
        self._with_reported: set[str] = set()
        self._reports: set[tuple[str, str]] = set()  # (person, area) of a current REPORTED_TO
        self._with_volunteers: set[str] = set()
        self._paired: set[str] = set()
        self._in_org: set[str] = set()
        self._employments: set[tuple[str, str]] = set()
        self._claimants: set[str] = set()
        self._meeting_of: list[tuple[str, str]] = []
        # terms (type, from, to, until) that ended before the date; the starts of the terms
        # of each pair begun by then
        self._expired_terms: list[tuple[str, str, str, dt.date | None, dt.date]] = []
        self._begun: defaultdict[tuple[str, str, str], list[dt.date]] = defaultdict(list)
        self._handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "areas": self._area,
            "units": self._unit,
            "party_orgs": self._party_org,
            "committees": self._committee,
            "buildings": self._building,
            "parks": self._park,
            "persons": self._person,
            "meetings": self._meeting,
            "service_posts": self._service_post,
            "stations": self._station,
            "located_in": self._located,
            "under": self._under,
            "covers": self._target_if_current(self._covered),
            "established_in": self._target_if_current(self._with_own_org),
            "member_unit_of": self._member_unit_of,
            "serves_on": self._serves_on,
            "member_of": self._member_of,
            "employed_by": self._employed_by,
            "assigned_to": self._assigned_to,
            "paired_with": self._paired_with,
            "reported_to": self._reported_to,
            "volunteers_in": self._target_if_current(self._with_volunteers),
            "claimed": self._claimed,
            "of": self._of,
        }

    # ---- feeding -------------------------------------------------------------------------

    def add(self, table_key: str, row: Mapping[str, Any]) -> None:
        """Take one typed row of a table; tables no rule reads are accepted and ignored."""
        handler = self._handlers.get(table_key)
        if handler is not None:
            handler(row)
        elif table_key not in _TABLE_KEYS:
            key = _resolve_table(table_key).key
            if key in self._handlers:
                self._handlers[key](row)

    def add_all(self, table_key: str, rows: Iterable[Mapping[str, Any]]) -> None:
        key = table_key if table_key in _TABLE_KEYS else _resolve_table(table_key).key
        handler = self._handlers.get(key)
        if handler is None:
            for _ in rows:  # still read, so a streaming reader reaches its end
                pass
            return
        for row in rows:
            handler(row)

    def _current(self, row: Mapping[str, Any]) -> bool:
        return is_current(row.get("since"), row.get("until"), self.as_of)

    def _area(self, row: Mapping[str, Any]) -> None:
        self._area_level[row["id"]] = str(row["level"])

    def _unit(self, row: Mapping[str, Any]) -> None:
        self._unit_kind[row["id"]] = str(row["kind"])
        formal = row.get("formal_party_members")
        if formal:
            self._unit_formal[row["id"]] = int(formal)

    def _party_org(self, row: Mapping[str, Any]) -> None:
        self._org_kind[row["id"]] = str(row["kind"])

    def _committee(self, row: Mapping[str, Any]) -> None:
        self._committees[row["id"]] = (str(row["kind"]), as_date(row.get("founded")))

    def _building(self, row: Mapping[str, Any]) -> None:
        self._buildings.add(row["id"])
        kind = str(row.get("kind") or "commercial")
        if kind in self._building_kinds:
            self._commercial_buildings.add(row["id"])
        if kind in self._officer_building_kinds:
            self._officer_buildings.add(row["id"])
        self._point(row)

    def _park(self, row: Mapping[str, Any]) -> None:
        self._parks.add(row["id"])
        self._point(row)

    def _point(self, row: Mapping[str, Any]) -> None:
        if row.get("latitude") is not None and row.get("longitude") is not None:
            self._points[row["id"]] = (float(row["latitude"]), float(row["longitude"]))

    def _station(self, row: Mapping[str, Any]) -> None:
        if row.get("latitude") is not None and row.get("longitude") is not None:
            radius = row.get("radius_m")
            self._stations[row["id"]] = (float(row["latitude"]), float(row["longitude"]),
                                         int(radius) if radius is not None else None)  # fmt: skip

    def _person(self, row: Mapping[str, Any]) -> None:
        status = str(row.get("party_status") or "none")
        if status in PARTY_MEMBER_STATUSES:
            self._party_members.add(row["id"])
        if status == "formal":
            self._formal_members.add(row["id"])

    def _meeting(self, row: Mapping[str, Any]) -> None:
        held = as_date(row["date"])
        if held is not None and held <= self.as_of:
            self._meeting_date[row["id"]] = held

    def _service_post(self, row: Mapping[str, Any]) -> None:
        self._service_posts.add(row["id"])

    def _located(self, row: Mapping[str, Any]) -> None:
        self._located_in[row["from_id"]].append(row["to_id"])  # places do not move

    def _target_if_current(self, targets: set[str]) -> Callable[[Mapping[str, Any]], None]:
        def add(row: Mapping[str, Any]) -> None:
            if self._current(row):
                targets.add(row["to_id"])

        return add

    def _under(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._children[row["to_id"]].append(row["from_id"])

    def _reported_to(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._with_reported.add(row["to_id"])
            self._reports.add((row["from_id"], row["to_id"]))

    def _member_unit_of(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._memberships.add((row["from_id"], row["to_id"]))

    def _serves_on(self, row: Mapping[str, Any]) -> None:
        for_unit = row.get("for_unit")
        if for_unit and self._current(row):
            self._delegations.add((str(for_unit), row["to_id"]))

    def _member_of(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._in_org.add(row["from_id"])

    def _employed_by(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._employments.add((row["from_id"], row["to_id"]))

    def _assigned_to(self, row: Mapping[str, Any]) -> None:
        self._note_expiry("ASSIGNED_TO", row)
        if self._current(row):
            self._with_officer.add(row["to_id"])

    def _paired_with(self, row: Mapping[str, Any]) -> None:
        self._note_expiry("PAIRED_WITH", row)
        if self._current(row):
            self._paired.add(row["to_id"])

    def _note_expiry(self, rel: str, row: Mapping[str, Any]) -> None:
        until, since = as_date(row.get("until")), as_date(row.get("since"))
        if until is not None and until < self.as_of:
            self._expired_terms.append((rel, row["from_id"], row["to_id"], since, until))
        if since is not None and since <= self.as_of:
            self._begun[(rel, row["from_id"], row["to_id"])].append(since)

    def _expired(self) -> set[Pair]:
        """Expired terms that no later term of the same pair, begun by the date, renews
        (graph_service/domain/terms.py)."""
        return {(target, person) for rel, person, target, own, until in self._expired_terms
                if not any(since > until and since != own
                           for since in self._begun.get((rel, person, target), ()))}  # fmt: skip

    def _claimed(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._claimants.add(row["from_id"])

    def _of(self, row: Mapping[str, Any]) -> None:
        if self._current(row):
            self._meeting_of.append((row["from_id"], row["to_id"]))

    # ---- evaluation ----------------------------------------------------------------------

    def result(self) -> GapSets:
        """Every code of a rule that is on (in the order of ``RULES``) → its set of
        (subject, related) pairs."""
        found: dict[str, Iterable[Pair]] = {
            "ORG_BUILDING_UNCOVERED": _alone(self._commercial_buildings - self._covered),
            "ORG_PARK_UNCOVERED": _alone(self._parks - self._covered),
            "ORG_UNIT_UNCOVERED": _alone(self._uncovered_units()),
            "ORG_UNIT_NEEDS_OWN_ORG": _alone(self._units_needing_own_org()),
            "LEAD_UNIT_UNREPRESENTED": self._memberships - self._delegations,
            "TEAM_BRANCH_NO_OFFICER": _alone(
                org
                for org, kind in self._org_kind.items()
                if kind in self._branch_kinds and org not in self._with_officer
            ),
            "TEAM_BUILDING_NO_OFFICER": _alone(self._officer_buildings - self._with_officer),
            "TEAM_PARK_NO_OFFICER": _alone(self._parks - self._with_officer),
            "TEAM_COMMUNITY_NO_REPORTED": _alone(self._communities() - self._with_reported),
            "TEAM_COMMUNITY_NO_POSTS": _alone(
                self._communities() - self._areas_holding(self._service_posts)
            ),
            "TEAM_COMMUNITY_NO_VOLUNTEERS": _alone(self._communities() - self._with_volunteers),
            "TEAM_MEMBER_UNREPORTED": _alone(self._unreported_members()),
            "REACH_UNIT_UNTIED": _alone(self._untied_units()),
            "REACH_COMMUNITY_UNPAIRED": _alone(self._communities() - self._paired),
            "REACH_PLACE_OUTSIDE_CIRCLE": self._outside_circles(),
            "VERT_ORG_CHAIN_BROKEN": _alone(self._broken_chains()),
            "VERT_AREA_NO_COMMITTEE": _alone(self._areas_without_committee()),
            "VERT_MEMBER_NO_BRANCH": _alone(self._party_members - self._in_org),
            "SCHED_MEETING_OVERDUE": _alone(self._overdue_committees()),
            "SCHED_EXPIRED": self._expired(),
            "SCHED_NO_CLAIMED_PROJECT": _alone(
                {unit for unit, _ in self._memberships} - self._claimants
            ),
        }
        return {rule.code: set(found[rule.code]) for rule in self.rules.enabled}

    def _communities(self) -> set[str]:
        return {area for area, level in self._area_level.items() if level == "community"}

    def _uncovered_units(self) -> Iterator[str]:
        covered_places = self._covered & (self._buildings | self._parks)
        for unit, kind in self._unit_kind.items():
            if kind not in self._uncovered_unit_kinds:
                continue
            if unit in self._with_own_org or unit in self._covered:
                continue
            if any(place in covered_places for place in self._located_in.get(unit, ())):
                continue
            yield unit

    def _units_needing_own_org(self) -> Iterator[str]:
        employed_formal = Counter(
            unit for person, unit in self._employments if person in self._formal_members
        )
        for unit in self._unit_kind:
            formal = max(self._unit_formal.get(unit, 0), employed_formal[unit])
            if formal >= self._min_formal and unit not in self._with_own_org:
                yield unit

    def _unreported_members(self) -> set[str]:
        """Party members an organ or institution (a counted kind) employs now, registered
        with no community (a REPORTED_TO to another level of area does not count)."""
        communities = self._communities()
        registered = {person for person, area in self._reports if area in communities}
        employed = {person for person, unit in self._employments
                    if self._unit_kind.get(unit) in self._employer_kinds}  # fmt: skip
        return (employed & self._party_members) - registered

    def _outside_circles(self) -> Iterator[Pair]:
        """Buildings and parks with coordinates farther than every station's radius (its
        own, else the rule's), each with its nearest station (ties by id; None when no
        station has coordinates)."""
        stations = sorted(self._stations.items())
        for place, (lat, lon) in self._points.items():
            nearest: tuple[float, str] | None = None
            inside = False
            for station, (s_lat, s_lon, radius) in stations:
                distance = haversine_m(lat, lon, s_lat, s_lon)
                reach = self._circle_radius if radius is None else radius
                inside = inside or distance <= reach
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, station)
            if not inside:
                yield place, nearest[1] if nearest else None

    def _untied_units(self) -> Iterator[str]:
        tied = {unit for unit, _ in self._memberships}
        for unit, kind in self._unit_kind.items():
            if kind in self._counted_kinds and unit not in tied:
                yield unit

    def _broken_chains(self) -> Iterator[str]:
        """Orgs that no chain of current UNDER edges joins to a working committee."""
        reached = {org for org, kind in self._org_kind.items() if kind == WORKING_COMMITTEE}
        queue = deque(reached)
        while queue:
            for child in self._children.get(queue.popleft(), ()):
                if child not in reached:
                    reached.add(child)
                    queue.append(child)
        return (org for org in self._org_kind if org not in reached)

    def _areas_holding(self, nodes: Iterable[str]) -> set[str]:
        """The places these nodes are directly LOCATED_IN."""
        return {place for node in nodes for place in self._located_in.get(node, ())}

    def _areas_without_committee(self) -> Iterator[str]:
        with_committee: dict[str, set[str]] = {"big_working_committee": set(), "community": set()}
        for committee, (kind, _) in self._committees.items():
            if kind in with_committee:
                with_committee[kind].update(self._located_in.get(committee, ()))
        expected = {"subdistrict": "big_working_committee", "community": "community"}
        for area, level in self._area_level.items():
            if level in expected and area not in with_committee[expected[level]]:
                yield area

    def _overdue_committees(self) -> Iterator[str]:
        latest: dict[str, dt.date] = {}
        for meeting, committee in self._meeting_of:
            held = self._meeting_date.get(meeting)
            if held is not None and (committee not in latest or held > latest[committee]):
                latest[committee] = held
        for committee, (kind, founded) in self._committees.items():
            period = self._periods.get(kind)
            if period is None:
                continue
            if founded is not None and (self.as_of - founded).days < period:
                continue  # founded less than one period ago: not yet due
            last = latest.get(committee)
            if last is None or (self.as_of - last).days > period:
                yield committee


def _alone(subjects: Iterable[str]) -> Iterator[Pair]:
    return ((subject, None) for subject in subjects)
