"""The gap repository: one rule's gaps a page at a time, counts, and the coverage summary.

Each rule of :data:`graph_service.domain.gaps.RULES` has two named queries, both composed
by the registry from its condition (``cypher/gaps/<code>.cypher``): ``<code>`` lists its
gaps (a page, sorted by impact, then id, every row carrying the total) and ``<code>_count``
counts them in an area and any of the areas under it at once. Both take ``$as_of`` and an
area (null = everywhere), and the rule's options as its declaration names them (``$kinds``,
``$periods``, thresholds), valued by the deployment's rules file (``registry.rules``).
Rules the rules file turns off are neither listed, counted nor found.

Where a subject is (its area, which the area filter and ``area_path`` use):

* an area: itself;
* a building, park, unit or committee: the area it is LOCATED_IN, directly or through
  the building or park it is in (a node located in several areas is in each);
* a party organization: its own place (LOCATED_IN, else the area of the unit it is
  ESTABLISHED_IN or the committee it LEADS, else the area of what it COVERS), else the
  place of its nearest ancestor by UNDER (whatever the dates: places do not move);
* a person: the area of their current employer, else the community they currently
  REPORTED_TO, else their latest party organization's area, else where they volunteer
  or hold a service post.

A subject is in an area when its area is that area or lies under it (PART_OF). One
without any area is listed only when no area is asked for.

What ``impact`` measures, per subject (each query's header says it per rule):

* a unit: its formal party members (the larger of ``formal_party_members`` and the
  formal members currently employed by it), the count behind ORG_UNIT_NEEDS_OWN_ORG;
* a building or park: units located in it (for a park, also those in its buildings);
* a party organization: its current members (MEMBER_OF);
* an area: units located in it or in any area under it;
* a committee: its current member units;
* a person: 1.

>>> page = list_gaps(db, "ORG_BUILDING_UNCOVERED", as_of=dt.date(2024, 6, 1),
...                  area="370103010", limit=20)              # doctest: +SKIP
>>> page.total, page.items[0].impact                          # doctest: +SKIP
(12, 35)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Required, TypedDict, Unpack

from graph_service.auth.principal import Principal
from graph_service.db.database import Database
from graph_service.db.plans import ID_LENGTHS, KeptRead, Plan, PlanningSteps, Step, no_id, step
from graph_service.db.records import native
from graph_service.db.registry import QueryRegistry
from graph_service.db.scope import scoped_area_plan, visible_ids_plan
from graph_service.domain.gaps import RULES as RULES  # the default catalogue (tests import it here)
from graph_service.domain.gaps import RULES_BY_CODE, GapRule, Rate, RuleSettings
from graph_service.domain.kinds import CommitteeKind
from graph_service.domain.paging import MAX_PAGE, MAX_SKIP, offset_cursor
from graph_service.errors import InvalidInput, NotFound
from graph_service.schemas.gaps import (
    AreaCoverage,
    AreaRef,
    CoverageRate,
    CoverageSummary,
    GapItem,
    GapPage,
    GapRuleOut,
)

# The rules whose kinds the coverage summary's denominators count (the same kinds their
# gaps are counted by): commercial buildings, covered unit kinds, branch kinds.
_DENOMINATOR_KINDS = {
    "building_kinds": "ORG_BUILDING_UNCOVERED",
    "unit_kinds": "ORG_UNIT_UNCOVERED",
    "branch_kinds": "TEAM_BRANCH_NO_OFFICER",
}


def list_query(code: str) -> str:
    """The name of a rule's list query."""
    return code.lower()


def count_query(code: str) -> str:
    """The name of a rule's count query."""
    return f"{code.lower()}_count"


# ---- arguments ------------------------------------------------------------------------------


def _rule(rules: RuleSettings, code: str) -> GapRule:
    rule = RULES_BY_CODE.get(code.strip().upper())
    if rule is None or not rules.is_on(rule.code):
        why = "turned off by this deployment's rules file; " if rule is not None else ""
        codes = ", ".join(r.code for r in rules.enabled)
        raise NotFound(f"no gap rule {code!r} ({why}the rules are: {codes})", rule=code)
    return rule


def _kinds(rules: RuleSettings, rule: GapRule, kinds: Sequence[str] | None) -> list[str] | None:
    """The rule's $kinds: the caller's (validated, English values) or the deployment's."""
    if rule.kinds is None:
        if kinds is not None:
            raise InvalidInput(f"rule {rule.code} takes no kinds", field="kinds")
        return None
    if kinds is None:
        return list(rules.kinds[rule.code])
    values: list[str] = []
    for kind in kinds:
        try:
            values.append(rule.kinds.enum.parse(kind).value)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="kinds") from None
    return values


def _periods(
    rules: RuleSettings, rule: GapRule, periods: Mapping[str, int] | None
) -> dict[str, int] | None:
    """The rule's meeting periods in days by committee kind: the deployment's, with the
    caller's on top (None for a rule without periods)."""
    if not rule.periods:
        if periods is not None:
            raise InvalidInput(f"rule {rule.code} takes no periods", field="periods")
        return None
    out = dict(rules.periods[rule.code])
    if periods is None:
        return out
    for kind, days in periods.items():
        try:
            key = CommitteeKind.parse(kind).value
        except ValueError as exc:
            raise InvalidInput(str(exc), field="periods") from None
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise InvalidInput(f"period of {key} must be a whole number of days ≥ 1",
                               field="periods")  # fmt: skip
        out[key] = days
    return out


def _check_page(skip: int, limit: int) -> None:
    if not 0 <= skip <= MAX_SKIP:
        raise InvalidInput(f"skip 须在 0 到 {MAX_SKIP} 之间 / skip must lie in 0..{MAX_SKIP}",
                           field="skip")  # fmt: skip
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit 须在 1 到 {MAX_PAGE} 之间 / limit must lie in 1..{MAX_PAGE}",
                           field="limit")  # fmt: skip


def _params(registry: QueryRegistry, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a named query declares, from a pool of every value a gap query may take."""
    return {key: values[key] for key in registry[name].params}


def list_step(
    registry: QueryRegistry, rule: GapRule, *, as_of: dt.date, area: str | None,
    kinds: list[str] | None, periods: dict[str, int] | None, skip: int, limit: int,
) -> Step:  # fmt: skip
    """The step of a rule's list query (its arguments already checked)."""
    pool: dict[str, Any] = {
        **registry.rules.params(rule), "as_of": as_of, "area": area, "areas": [area],
        "kinds": kinds, "periods": periods, "skip": skip, "limit": limit,
    }  # fmt: skip
    name = list_query(rule.code)
    return step(name, **_params(registry, name, pool))


def count_step(
    registry: QueryRegistry, rule: GapRule, *, as_of: dt.date, area: str | None,
    areas: Sequence[str | None], kinds: list[str] | None, periods: dict[str, int] | None,
) -> Step:  # fmt: skip
    """The step of a rule's count query for ``areas``, all of them ``area`` or under it."""
    pool = {**registry.rules.params(rule), "area": area, "areas": list(areas), "as_of": as_of,
            "kinds": kinds, "periods": periods}  # fmt: skip
    name = count_query(rule.code)
    return step(name, **_params(registry, name, pool))


def count_steps(
    registry: QueryRegistry, area: str | None, areas: Sequence[str | None], as_of: dt.date
) -> list[Step]:
    """The count step of every rule that is on, with the deployment's kinds and periods."""
    rules = registry.rules
    return [
        count_step(
            registry,
            rule,
            as_of=as_of,
            area=area,
            areas=areas,
            kinds=_kinds(rules, rule, None),
            periods=_periods(rules, rule, None),
        )
        for rule in rules.enabled
    ]


def denominators_step(
    registry: QueryRegistry, area: str, areas: Sequence[str], as_of: dt.date
) -> Step:
    """The step counting what the coverage rates of ``areas`` are taken over."""
    kinds = registry.rules.kinds
    return step(
        "coverage_denominators", area=area, areas=list(areas), as_of=as_of,
        building_kinds=list(kinds[_DENOMINATOR_KINDS["building_kinds"]]),
        unit_kinds=list(kinds[_DENOMINATOR_KINDS["unit_kinds"]]),
        branch_kinds=list(kinds[_DENOMINATOR_KINDS["branch_kinds"]]),
    )  # fmt: skip


def _area_plan(area_id: str) -> Plan[dict[str, Any]]:
    rows = yield step("area_with_children", id=area_id)
    if not rows:
        raise NotFound(f"no area with id {area_id!r} / 区域不存在", id=area_id)
    return rows[0]


# ---- gaps -----------------------------------------------------------------------------------


def gap_page_read(
    registry: QueryRegistry,
    who: Principal,
    code: str,
    *,
    as_of: dt.date,
    area: str | None = None,
    kinds: Sequence[str] | None = None,
    periods: Mapping[str, int] | None = None,
    skip: int = 0,
    limit: int = 50,
) -> KeptRead[GapPage]:
    """One page of a rule's gaps as of a date, largest impact first, then by id, as a
    read plan the result cache keeps: :func:`list_gaps` runs it for the CLI, the API
    awaits it (see :mod:`graph_service.db.async_reads`).

    ``kinds`` replaces the subject kinds a rule counts (only for the rules declared with
    kinds); ``periods`` replaces the meeting periods (days) by committee kind for the rules
    declared with periods (SCHED_MEETING_OVERDUE). Raises :class:`NotFound` for an unknown
    rule, one turned off, or an unknown area, and :class:`InvalidInput` for a bad argument.
    An area-scoped principal asks inside its areas only (see :func:`scoped_area_plan`);
    related entities outside them are not named.
    """
    _check_page(skip, limit)
    return _gaps_read(registry, who, code, as_of=as_of, area=area, kinds=kinds, periods=periods,
                      skip=skip, limit=limit)  # fmt: skip


def every_gap_read(
    registry: QueryRegistry,
    who: Principal,
    code: str,
    *,
    as_of: dt.date,
    area: str | None = None,
    kinds: Sequence[str] | None = None,
    periods: Mapping[str, int] | None = None,
) -> KeptRead[GapPage]:
    """Every gap of a rule as one page (``limit`` = the total), in the order of
    :func:`gap_page_read`'s pages, from one run of the rule: what a report (CSV, XLSX)
    holds. Paging through the rule instead would compute it again for each page."""
    return _gaps_read(registry, who, code, as_of=as_of, area=area, kinds=kinds, periods=periods,
                      skip=0, limit=None)  # fmt: skip


# A $limit that no list reaches: the list queries slice their gaps [$skip..$skip + $limit]
# (with $skip 0), and Cypher's slice bounds are 32-bit integers.
_EVERY = 2**31 - 1


def _gaps_read(
    registry: QueryRegistry, who: Principal, code: str, *, as_of: dt.date, area: str | None,
    kinds: Sequence[str] | None, periods: Mapping[str, int] | None, skip: int,
    limit: int | None,
) -> KeptRead[GapPage]:  # fmt: skip
    """A page of a rule's gaps, or every gap (``limit`` None), as a kept read plan."""
    rules = registry.rules
    rule = _rule(rules, code)
    rule_kinds, rule_periods = _kinds(rules, rule, kinds), _periods(rules, rule, periods)

    def plan() -> Plan[GapPage]:
        asked = yield from scoped_area_plan(who, area)
        if asked is not None:
            yield from _area_plan(asked)
        rows = yield list_step(
            registry, rule, as_of=as_of, area=asked, kinds=rule_kinds, periods=rule_periods,
            skip=skip, limit=_EVERY if limit is None else limit,
        )  # fmt: skip
        if rows:
            total = int(rows[0]["total"])
            related = sorted({row["related_id"] for row in rows if row["related_id"]})
            if who.scope is not None and related:
                seen = yield from visible_ids_plan(who, related)
                hide = {"related_id": None, "related_name": None}
                rows = [row if row["related_id"] in seen | {None} else row | hide for row in rows]
        elif skip == 0:
            total = 0
        else:  # past the last page: the rows that carry the total are gone, so count
            counted = count_step(
                registry, rule, as_of=as_of, area=asked, areas=[asked], kinds=rule_kinds,
                periods=rule_periods,
            )  # fmt: skip
            total = int((yield counted)[0]["total"])
        items = [_item(rule, row) for row in rows]
        return GapPage(
            rule=GapRuleOut.of(rule), as_of=as_of, area=asked, total=total, skip=skip,
            limit=max(total, 1) if limit is None else limit, items=items,
            next=offset_cursor(skip, len(items), total),
        )  # fmt: skip

    # "gaps/2": pages carry next since the list envelope; a shared store may still hold
    # pages kept by a process of the version before, at the same data version
    key = ("gaps/2", rule.code, _who(who), as_of, area, _frozen(rule_kinds), _frozen(rule_periods),
           skip, limit, rules.key())  # fmt: skip
    return KeptRead(key, plan, f"gaps:{rule.code}")


class GapOptions(TypedDict, total=False):
    """The keyword arguments of :func:`gap_page_read`."""

    as_of: Required[dt.date]
    area: str | None
    kinds: Sequence[str] | None
    periods: Mapping[str, int] | None
    skip: int
    limit: int


def list_gaps(db: Database, who: Principal, code: str, **options: Unpack[GapOptions]) -> GapPage:
    """:func:`gap_page_read`, run with the sync driver."""
    return db.read_kept(gap_page_read(db.registry, who, code, **options))


def _who(who: Principal) -> tuple[str, tuple[str, ...]]:
    """What of the principal an answer depends on: its role and its areas (not its name)."""
    return who.role.value, tuple(who.areas)


def _frozen(value: Sequence[str] | Mapping[str, int] | None) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return tuple(value)


def _item(rule: GapRule, row: Mapping[str, Any]) -> GapItem:
    return GapItem(
        code=rule.code, id=row["id"], name=row["name"] or row["id"], kind=row["kind"],
        subkind=row["subkind"], area_path=[AreaRef(**step) for step in row["area_path"]],
        related_id=row["related_id"], related_name=row["related_name"],
        impact=int(row["impact"] or 0), detail=native(row["detail"] or {}),
        en=rule.en, zh=rule.zh, fix_en=rule.fix_en, fix_zh=rule.fix_zh,
    )  # fmt: skip


def _counts_plan(
    registry: QueryRegistry, area: str | None, areas: Sequence[str | None], as_of: dt.date
) -> Plan[dict[str | None, dict[str, int]]]:
    """The count of every rule's gaps (default kinds) in each of ``areas``, all of them
    ``area`` or under it; ``area=None, areas=[None]`` counts everywhere."""
    enabled = registry.rules.enabled
    out: dict[str | None, dict[str, int]] = {a: {rule.code: 0 for rule in enabled} for a in areas}
    for rule, counted in zip(enabled, count_steps(registry, area, areas, as_of), strict=True):
        for row in (yield counted):
            out[row["area"]][rule.code] = int(row["total"])
    return out


def gap_counts_read(
    registry: QueryRegistry, who: Principal, *, as_of: dt.date, area: str | None = None
) -> KeptRead[dict[str, int]]:
    """How many gaps of each rule there are as of a date, in an area or everywhere
    (everywhere the principal may look), as a read plan the result cache keeps.

    The keys are the code of every rule that is on, in catalogue order (zero counts
    included).
    """

    def plan() -> Plan[dict[str, int]]:
        asked = yield from scoped_area_plan(who, area)
        if asked is not None:
            yield from _area_plan(asked)
        return (yield from _counts_plan(registry, asked, [asked], as_of))[asked]

    key = ("counts", _who(who), as_of, area, registry.rules.key())
    return KeptRead(key, plan, "gaps:count")


def count_gaps(
    db: Database, who: Principal, *, as_of: dt.date, area: str | None = None
) -> dict[str, int]:
    """:func:`gap_counts_read`, run with the sync driver."""
    counts = db.read_kept(gap_counts_read(db.registry, who, as_of=as_of, area=area))
    return dict(counts)  # a copy: the kept answer must not change


# ---- the coverage summary ------------------------------------------------------------------


def coverage_summary_read(
    registry: QueryRegistry, who: Principal, area_id: str, *, as_of: dt.date
) -> KeptRead[CoverageSummary]:
    """The three coverage rates and the gap counts of an area and of each child area, as
    a read plan the result cache keeps.

    Each rate is made of the parts the rules declare (:class:`SummaryPart`), each part the
    things of its denominator not among the rule's gaps, over all of them:

    * organization (组织大覆盖): commercial buildings, parks, and non-public enterprises and
      social organizations not in ORG_BUILDING_UNCOVERED / ORG_PARK_UNCOVERED /
      ORG_UNIT_UNCOVERED, over all of them;
    * leadership (班子大覆盖): current (member unit, committee) memberships not in
      LEAD_UNIT_UNREPRESENTED, over all current memberships;
    * team (队伍大覆盖): branches, commercial buildings and parks not in
      TEAM_BRANCH_NO_OFFICER / TEAM_BUILDING_NO_OFFICER / TEAM_PARK_NO_OFFICER, over all.

    A rule turned off has no part. A rate is null when its denominator is 0. Raises
    :class:`NotFound` for an unknown area.
    """

    def plan() -> Plan[CoverageSummary]:
        yield from scoped_area_plan(who, area_id)
        area = yield from _area_plan(area_id)
        ids = [area_id, *(child["id"] for child in area["children"])]
        counts = yield from _counts_plan(registry, area_id, ids, as_of)
        rows = yield denominators_step(registry, area_id, ids, as_of)
        totals = {row["area"]: row for row in rows}
        refs = [AreaRef(id=area["id"], name=area["name"], level=area["level"])]
        refs += [AreaRef(**child) for child in area["children"]]
        enabled = registry.rules.enabled
        lines = [_coverage(enabled, ref, totals[ref.id], counts[ref.id]) for ref in refs]
        return CoverageSummary(
            as_of=as_of, area=lines[0], children=lines[1:],
            rules=[GapRuleOut.of(r) for r in enabled],
        )  # fmt: skip

    # not the key of the rows an older version kept in a shared cache file: a new key
    key = ("coverage summary", _who(who), as_of, area_id, registry.rules.key())
    return KeptRead(key, plan, "coverage:summary")


def coverage_summary(
    db: Database, who: Principal, area_id: str, *, as_of: dt.date
) -> CoverageSummary:
    """:func:`coverage_summary_read`, run with the sync driver."""
    return db.read_kept(coverage_summary_read(db.registry, who, area_id, as_of=as_of))


def _coverage(
    enabled: Sequence[GapRule], area: AreaRef, totals: Mapping[str, Any], gaps: dict[str, int]
) -> AreaCoverage:
    parts: dict[Rate, dict[str, CoverageRate]] = {rate: {} for rate in Rate}
    for rule in enabled:
        if rule.summary is not None:
            total = int(totals[rule.summary.part])
            parts[rule.summary.rate][rule.summary.part] = CoverageRate.of(
                total - gaps[rule.code], total
            )
    return AreaCoverage(
        area=area,
        organization=_sum(parts[Rate.ORGANIZATION].values()),
        organization_parts=parts[Rate.ORGANIZATION],
        leadership=_sum(parts[Rate.LEADERSHIP].values()),
        team=_sum(parts[Rate.TEAM].values()),
        team_parts=parts[Rate.TEAM],
        circle=_sum(parts[Rate.CIRCLE].values()) if parts[Rate.CIRCLE] else None,
        gaps=gaps,
    )


def _sum(rates: Iterable[CoverageRate]) -> CoverageRate:
    items = list(rates)
    return CoverageRate.of(sum(r.covered for r in items), sum(r.total for r in items))


# ---- planning ahead -------------------------------------------------------------------------

# A list of areas in each size class Neo4j plans apart (see ID_LENGTHS): a summary's areas
# are the area and its children, a count's the one area.
LIST_SIZES = (1, 2, 11)


def planning_steps(registry: QueryRegistry, as_of: dt.date) -> PlanningSteps:
    """Steps of the same queries, with parameters of the same types, as the gap lists
    (default kinds and periods, with and without an area), the counts and the coverage
    summary send: planning them ahead spares the first of each kind of request after a
    start the planning (a second or more for each of these queries)."""
    run: list[Step] = []
    rules = registry.rules
    everywhere = [
        list_step(
            registry,
            rule,
            as_of=as_of,
            area=None,
            kinds=_kinds(rules, rule, None),
            periods=_periods(rules, rule, None),
            skip=0,
            limit=50,
        )
        for rule in rules.enabled
    ]
    everywhere += count_steps(registry, None, [None], as_of)
    for length in ID_LENGTHS:
        area = no_id(length)
        run.append(step("area_with_children", id=area))
        for rule in rules.enabled:
            run.append(list_step(
                registry, rule, as_of=as_of, area=area, kinds=_kinds(rules, rule, None),
                periods=_periods(rules, rule, None), skip=0, limit=50,
            ))  # fmt: skip
        for size in LIST_SIZES:
            run += count_steps(registry, area, [area] * size, as_of)
            run.append(denominators_step(registry, area, [area] * size, as_of))
    return PlanningSteps(run, everywhere)
