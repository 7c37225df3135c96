"""Import jobs on ``:ImportJob`` nodes (see :mod:`graph_service.services.import_jobs`).

A job's record lives in Neo4j, so every API process (on every machine) answers for it, and
a process that starts after another was killed finds the jobs it left running. Its writes
are bookkeeping (:mod:`graph_service.db.bookkeeping`): progress written every second would
otherwise take the graph's write lock and empty every kept answer each time. The import the
job runs writes and audits the graph as any import does.

A job as returned here is a dict of its stored properties (``id``, ``account``,
``status``, ``phase``, ``done``, ``total``, ``files``, ``bytes``, ``dry_run``,
``partial``, ``host``, ``runs``, ``created_at``, ``started_at``, ``ended_at``,
``updated_at``) with ``report`` and ``error`` decoded from their JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from graph_service.auth.principal import Principal, Role
from graph_service.db.bookkeeping import bookkeeping
from graph_service.db.database import Database
from graph_service.db.records import native

#: the statuses of a job that still has work to do
UNENDED = ("queued", "running")


def _job(row: dict[str, Any]) -> dict[str, Any]:
    job = {key: native(value) for key, value in row["job"].items()}
    for key in ("report", "error"):
        job[key] = json.loads(job[key]) if job.get(key) else None
    return job


def _first(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _job(rows[0]) if rows else None


def create(
    db: Database, *, job_id: str, account: str, files: Sequence[str], size: int,
    dry_run: bool, partial: bool, host: str,
) -> dict[str, Any]:  # fmt: skip
    rows = bookkeeping(db, "import_job_create", id=job_id, account=account, files=list(files),
                       bytes=size, dry_run=dry_run, partial=partial, host=host)  # fmt: skip
    return _job(rows[0])


def get(db: Database, job_id: str) -> dict[str, Any] | None:
    return _first(db.read("import_job_get", id=job_id))


def listed(
    db: Database, account: str | None, skip: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the jobs of ``account`` (None: everyone's), newest first, without
    reports, and how many there are."""
    rows = db.read("import_job_list", account=account, skip=skip, limit=limit)
    total = int(db.read("import_job_count", account=account)[0]["total"])
    return [_job(row) for row in rows], total


def claim(db: Database, job_id: str) -> dict[str, Any] | None:
    """Start a run of a queued job; None when it is not queued."""
    return _first(bookkeeping(db, "import_job_claim", id=job_id))


def progress(db: Database, job_id: str, phase: str, done: int, total: int | None) -> None:
    bookkeeping(db, "import_job_progress", id=job_id, phase=phase, done=done, total=total)


def end(
    db: Database, job_id: str, status: str, *, report: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any] | None:  # fmt: skip
    """End the run of a queued or running job as ``status``; None when it had ended."""
    rows = bookkeeping(
        db, "import_job_end", id=job_id, status=status,
        report=json.dumps(report, ensure_ascii=False) if report is not None else None,
        error=json.dumps(error, ensure_ascii=False) if error is not None else None,
    )  # fmt: skip
    return _first(rows)


def requeue(db: Database, job_id: str) -> dict[str, Any] | None:
    """Queue an interrupted job again; None when it is not interrupted."""
    return _first(bookkeeping(db, "import_job_requeue", id=job_id))


def active(db: Database) -> list[str]:
    """The ids of the jobs recorded as queued or running."""
    return [row["id"] for row in db.read("import_jobs_active")]


def statuses(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """The status of each of these jobs that exists."""
    return {row["id"]: row["status"] for row in db.read("import_jobs_status", ids=list(ids))}


def expire(db: Database, keep_ms: int) -> list[str]:
    """Delete the jobs that ended or were interrupted longer than ``keep_ms`` ago; their
    ids."""
    gone: list[str] = []
    while rows := bookkeeping(db, "import_jobs_expire", keep_ms=keep_ms):
        gone += [row["id"] for row in rows]
    return gone


def runs_as(db: Database, job_id: str) -> Principal | None:
    """The principal the job runs as: its account as it is now, or None (revoked)."""
    rows = db.read("import_job_account", id=job_id)
    if not rows:
        return None
    row = rows[0]
    return Principal(name=row["name"], role=Role(row["role"]), areas=tuple(row["areas"] or ()))
