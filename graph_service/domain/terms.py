"""Terms (任期) of a relationship: the same relationship between the same two ends, held
more than once, each time with its own dates.

An instructor who served a building in 2020–2021 and again from 2025 has two
``ASSIGNED_TO`` terms to it. Terms of one pair never overlap, so a term is named among
its pair's by its start date, ``since`` (None: a term whose start is not recorded, which
can only be the earliest), and on any date at most one term of a pair is current.

A period is ``(since, until)``; both ends count as inside it, and a missing end is open.

>>> d = dt.date.fromisoformat
>>> overlaps((d("2020-01-01"), d("2021-06-30")), (d("2025-01-01"), None))
False
>>> overlaps((None, None), (d("2025-01-01"), None))
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

Period = tuple[dt.date | None, dt.date | None]

#: How a term is named where no date is: in messages and in the API's ``since`` parameter
NO_START = ""


def overlaps(a: Period, b: Period) -> bool:
    """Whether two periods share a day (their ends included; a missing end is open)."""
    a_start, a_end = a[0] or dt.date.min, a[1] or dt.date.max
    b_start, b_end = b[0] or dt.date.min, b[1] or dt.date.max
    return a_start <= b_end and b_start <= a_end


def starts_before(a: dt.date | None, b: dt.date | None) -> bool:
    """Whether a term starting on ``a`` comes before one starting on ``b`` (no start first)."""
    return (a or dt.date.min) < (b or dt.date.min)


def latest(periods: Sequence[Period]) -> int:
    """The index of the term that starts last (the pair's newest); periods is not empty."""
    return max(range(len(periods)), key=lambda i: periods[i][0] or dt.date.min)


def label(period: Period) -> tuple[str, str]:
    """A term's dates as words, English and Chinese: ``2020-01-01 – 2021-06-30``."""
    since, until = period
    en = f"{since or 'no start'} – {until or 'open'}"
    zh = f"{since or '起始未记录'} 至 {until or '今'}"
    return en, zh


def key_text(since: dt.date | None) -> str:
    """A term's name in the API (its ``since`` parameter): the date, or empty for no start."""
    return since.isoformat() if since else NO_START


@dataclass(frozen=True)
class Outcome:
    """What an import row does to its pair's stored terms: creates a term (``term`` None,
    ``refused`` None), replaces the stored term that starts on ``term`` (its dates may
    move), or is refused, with the reason in English and Chinese."""

    creates: bool
    term: dt.date | None = None
    refused: tuple[str, str] | None = None


def match_rows(stored: Sequence[Period], rows: Sequence[Period]) -> list[Outcome]:
    """How the rows of an import replace or add to a pair's stored terms, one outcome per row.

    ``rows`` do not overlap each other (the import refuses that first). A row replaces the
    stored term that starts on the same day; else the one stored term its dates overlap (it
    extends, shortens or ends it); else it is a new term. A row is refused when its dates
    overlap two stored terms, or a stored term no row replaces: the terms left after the
    import never overlap. Rows are taken by start date, so the outcome does not depend on
    their order in the file.
    """
    refused: dict[int, tuple[str, str]] = {}
    while True:
        outcomes = _matched(stored, rows, refused)
        late = _overlapping_kept(stored, rows, outcomes, refused)
        if not late:
            return outcomes
        refused.update(late)


def _matched(
    stored: Sequence[Period], rows: Sequence[Period], refused: dict[int, tuple[str, str]]
) -> list[Outcome]:
    outcomes: dict[int, Outcome] = {i: Outcome(False, refused=why) for i, why in refused.items()}
    order = sorted((i for i in range(len(rows)) if i not in refused),
                   key=lambda i: rows[i][0] or dt.date.min)  # fmt: skip
    claimed: set[int] = set()
    by_start = {period[0]: t for t, period in enumerate(stored)}
    for i in order:
        t = by_start.get(rows[i][0])
        if t is not None:
            claimed.add(t)
            outcomes[i] = Outcome(False, term=stored[t][0])
    for i in order:
        if i in outcomes:
            continue
        candidates = [t for t, period in enumerate(stored)
                      if t not in claimed and overlaps(period, rows[i])]  # fmt: skip
        if len(candidates) == 1:
            claimed.add(candidates[0])
            outcomes[i] = Outcome(False, term=stored[candidates[0]][0])
        elif not candidates:
            outcomes[i] = Outcome(True)
        else:
            en = ", ".join(label(stored[t])[0] for t in candidates)
            zh = "、".join(label(stored[t])[1] for t in candidates)
            outcomes[i] = Outcome(False, refused=(
                f"its dates overlap {len(candidates)} stored terms of this relationship "
                f"({en}); give each term its own row",
                f"日期与该关系已存储的 {len(candidates)} 个任期重叠（{zh}），请每个任期各占一行",
            ))  # fmt: skip
    return [outcomes[i] for i in range(len(rows))]


def _overlapping_kept(
    stored: Sequence[Period], rows: Sequence[Period], outcomes: Sequence[Outcome],
    refused: dict[int, tuple[str, str]],
) -> dict[int, tuple[str, str]]:  # fmt: skip
    """The rows, not yet refused, whose dates overlap a stored term that stays as it is."""
    replaced = {o.term for o in outcomes if o.refused is None and not o.creates}
    kept = [period for period in stored if period[0] not in replaced]
    late: dict[int, tuple[str, str]] = {}
    for i, outcome in enumerate(outcomes):
        if i in refused or outcome.refused is not None:
            continue
        clash = next((period for period in kept if overlaps(period, rows[i])), None)
        if clash is not None:
            en, zh = label(clash)
            late[i] = (
                f"its dates overlap the stored term {en}, which another row of the file "
                "replaces or no row changes; end that term first or correct the dates",
                f"日期与该关系已存储的任期（{zh}）重叠，请先结束该任期或更正日期",
            )
    return late


def overlapping(periods: Sequence[Period], period: Period) -> Period | None:
    """The first of ``periods`` that ``period`` overlaps, or None."""
    return next((other for other in periods if overlaps(other, period)), None)
