"""Reads written once, run alone or several in one transaction.

A *read plan* is a generator: it yields the named queries it needs, one :class:`Step` at
a time, is sent back each one's records, and returns the answer. :class:`Database` runs a
plan in a transaction of its own (the CLI, the loaders, most routes);
:class:`~graph_service.db.async_reads.AsyncReads` awaits the same plans for the reads the
API answers most often, several of them in one transaction when they wait at the same
time. The logic (scope checks, not-found, shaping the answer) exists once.

A plan is made afresh for each attempt (the runners take a function that makes it):
a managed transaction may be retried.

>>> def answer() -> Plan[int]:
...     rows = yield step("entity_count")
...     return int(rows[0]["entities"])
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from graph_service.db.result_cache import AnswerCache

T = TypeVar("T")
Record = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One named query of a plan, with its parameters and placeholder values."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    placeholders: Mapping[str, Enum] | None = None
    # planning ahead a query of requests: how many to send at once (default 1 and 2)
    batches: tuple[int, ...] = ()


# Neo4j 5.26 plans a query again for each size class of a list or string parameter
# (measured): empty, 1, 2-10, 11-100, more. Ids are 2-10 characters long (A-JIANXIN) or
# 11-100 (A-370102002-01): steps planned ahead name ids of both classes that cannot exist.
ID_LENGTHS = (9, 20)


def no_id(length: int) -> str:
    """An id of ``length`` characters that no entity can have (an id starts with a letter,
    a digit or a character: ``ID_PATTERN``)."""
    return "-" * length


class PlanningSteps(NamedTuple):
    """Steps to plan ahead (see :mod:`graph_service.db.warmup`), of the same queries with
    parameters of the same types as real reads send."""

    run: list[Step]  # name nothing that exists: they find nothing, at once
    explain: list[Step]  # would read everywhere: only planned (EXPLAIN)
    # as ``run``, but run after a change in a transaction then rolled back: what a what-if
    # sends (Neo4j plans a query again for a transaction that has changed the graph)
    changed: Sequence[Step] = ()


Plan = Generator[Step, list[Record], T]
PlanMaker = Callable[[], Plan[T]]


@dataclass(frozen=True)
class KeptRead(Generic[T]):
    """A read plan whose answer the result cache may keep (see
    :mod:`graph_service.db.result_cache`): ``key`` names everything the answer depends on,
    the principal's scope included; the answer must not be changed by whoever gets it."""

    key: Hashable
    make: PlanMaker[T]
    label: str = ""


def step(name: str, /, placeholders: Mapping[str, Enum] | None = None, **params: Any) -> Step:
    return Step(name, params, placeholders)


def run_with(plan: Plan[T], run: Callable[[Step], list[Record]]) -> T:
    """Drive ``plan`` to its answer, running each step with ``run``."""
    try:
        wanted = next(plan)
        while True:
            wanted = plan.send(run(wanted))
    except StopIteration as done:
        answer: T = done.value
        return answer


Outcome = tuple[Any, Exception | None]  # a plan's answer, or the error its own logic raised


def run_together(
    plans: Sequence[Plan[Any]],
    run: Callable[[Step], list[Record]],
    together: Callable[[Step], Hashable | None],
    run_many: Callable[[list[Step]], list[list[Record]]],
) -> list[Outcome]:
    """Drive several plans to their answers in step: each round, every plan still running
    waits on one step; steps that ``together`` gives the same key (not None) run as one
    call of ``run_many`` (their records, in order) when there are several, the others
    one by one with ``run``. Each plan's outcome: its answer, or the exception its own
    logic raised (e.g. not found: it ends that plan only). An exception of ``run`` or
    ``run_many`` (a query's) is raised.

    >>> def double(n: int) -> Plan[int]:
    ...     rows = yield step("echo", n=n)
    ...     return 2 * rows[0]["n"]
    >>> calls = []
    >>> def run_many(steps):
    ...     calls.append(len(steps))
    ...     return [[dict(each.params)] for each in steps]
    >>> run_together([double(1), double(2)], None, lambda s: s.name, run_many), calls
    ([(2, None), (4, None)], [2])
    """
    outcomes: list[Outcome | None] = [None] * len(plans)
    waiting: dict[int, Step] = {}

    def advance(i: int, sent: list[Record] | None) -> None:
        try:
            waiting[i] = next(plans[i]) if sent is None else plans[i].send(sent)
        except StopIteration as done:
            outcomes[i] = (done.value, None)
        except Exception as exc:  # the plan's own answer, e.g. not found
            outcomes[i] = (None, exc)

    for i in range(len(plans)):
        advance(i, None)
    while waiting:
        groups: dict[Hashable, list[int]] = {}
        alone: list[int] = []
        for i, wanted in waiting.items():
            key = together(wanted)
            (alone if key is None else groups.setdefault(key, [])).append(i)
        answers: dict[int, list[Record]] = {}
        for members in groups.values():
            if len(members) == 1:
                alone += members
                continue
            rows = run_many([waiting[i] for i in members])
            answers.update(zip(members, rows, strict=True))
        for i in alone:
            answers[i] = run(waiting[i])
        waiting.clear()
        for i in sorted(answers):
            advance(i, answers[i])
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(plans)  # each plan ended, with its answer or its error
    return done


def data_version() -> Plan[str | None]:
    """The graph's data version (see :mod:`graph_service.db.result_cache`)."""
    rows = yield step("data_version_get")
    version: str | None = rows[0]["version"]
    return version


def versioned(make: PlanMaker[T]) -> PlanMaker[tuple[str | None, T]]:
    """The plan ``make`` makes, preceded by reading the data version in the same
    transaction: an answer labelled with the version it was computed at."""

    def plan() -> Plan[tuple[str | None, T]]:
        version = yield from data_version()
        answer = yield from make()
        return version, answer

    return plan


@dataclass(frozen=True)
class KeptStep:
    """What :func:`keeping` asks its runner to read: the graph's data version (a light
    read of its own), or the answer computed with the version it was computed at (a heavy
    read: a gap page, the counts, a summary)."""

    make: PlanMaker[Any]
    label: str
    computes: bool


def keeping(kept: KeptRead[T], cache: AnswerCache) -> Generator[KeptStep, Any, T]:
    """A kept answer, written once for the sync :class:`~graph_service.db.database.Database`
    and the API's :class:`~graph_service.db.async_reads.AsyncReads`: served from ``cache``
    while the graph's data version is unchanged (one small read), else computed — the
    version read in the same transaction — and kept under the version it was computed at.

    The runner sends back what each :class:`KeptStep` reads. The async runner lets one
    caller at a time run the computing step of an answer at a version; the others drop
    their flow (``close``) and take that caller's answer, so an answer is kept once."""
    version = yield KeptStep(data_version, "data_version", computes=False)
    if version is not None:
        found, known = cache.get(kept.key, version)
        if found:
            return known  # type: ignore[no-any-return]
    seen, answer = yield KeptStep(versioned(kept.make), kept.label, computes=True)
    if seen is not None:
        cache.put(kept.key, seen, answer)
    return answer  # type: ignore[no-any-return]
