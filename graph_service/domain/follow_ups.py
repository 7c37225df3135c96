"""整改台账: a gap taken up by someone, by a date, until it is closed.

A follow-up names a gap by its rule and its subject (the thing the rule reports). Only one
follow-up of a gap is active (open or in progress) at a time; once closed, the same gap may
be taken up again. It closes by hand, or by itself when the rule no longer reports its
subject (see ``graph_service.db.follow_ups.reconcile``).
"""

from __future__ import annotations

from graph_service.domain.kinds import BilingualEnum, _zh


class FollowUpStatus(BilingualEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


_zh(FollowUpStatus, {"open": "待整改", "in_progress": "整改中", "closed": "已销号"})


class ClosedReason(BilingualEnum):
    """Why a follow-up closed: the rule stopped reporting its subject, or someone closed it."""

    GAP_GONE = "gap_gone"
    BY_HAND = "by_hand"


_zh(ClosedReason, {"gap_gone": "问题已消除（自动销号）", "by_hand": "手动销号"})

#: the longest handler name and notes a follow-up keeps
MAX_HANDLER = 64
MAX_NOTES = 2000
