"""Imports as jobs: a large upload is imported after the request that sent it has ended.

``POST /imports`` with an upload of ``IMPORT_JOB_BYTES`` or more (or ``Prefer:
respond-async``) saves the files in a folder of their own, records an ``:ImportJob`` in
Neo4j (:mod:`graph_service.db.import_jobs`) and answers 202; a worker thread of the API
process runs :func:`~graph_service.services.imports.import_files` on the saved files as the
account that sent them, writing the job's phase and progress at most every
``PROGRESS_EVERY`` seconds, then its report.

Where things are, and why:

* the **record** is in Neo4j: every API process, on every machine, answers ``GET
  /imports/jobs/{id}``, and one that starts after another was killed finds what it left;
* the **files** are on the disk of the machine that took the upload, in
  ``IMPORT_JOBS_DIR/<id>/files/`` (default ``DATA_DIR/import-jobs``; mode 0700), which a
  restart keeps (unlike the temporary folder of the synchronous path). Uploads of a city
  are hundreds of MB: Neo4j is no place for them;
* ``<id>/owner.lock`` is locked (flock) by the process that queued or runs the job, for as
  long as it does. The lock goes when the process ends, however it ends, so a job recorded
  as queued or running whose folder nobody holds was left by a process that died.

Statuses: ``queued`` → ``running`` → ``succeeded`` (the report; with ``partial`` it may list
problems) or ``failed`` (problems found and nothing written, as the 422 of the synchronous
path, or an error: out of the account's areas, too many rows for a scoped import, the graph
changed under it); or ``interrupted`` — the process stopped (SIGTERM: the import stops at its
next batch or row; SIGKILL, a power cut: found at the next start by :meth:`ImportJobs.recover`)
or Neo4j went away. An interrupted job keeps its files until it is resumed
(``POST /imports/jobs/{id}/resume``) or expires. Resuming is never automatic: a file that
made the process run out of memory would otherwise kill it at every start. A resume runs
the same files again as the same account (as it is now): the importer is idempotent, so
what the first run committed is counted unchanged and the rest is written.

Files go when a job ends (succeeded, failed); records of ended or interrupted jobs, with any
files left, when they are ``IMPORT_JOB_KEEP_HOURS`` old (checked at start and at each new
job).
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_service.auth.principal import Principal
from graph_service.db import import_jobs as repo
from graph_service.db.database import Database
from graph_service.errors import (
    Conflict,
    DatabaseUnavailable,
    GraphServiceError,
    NotFound,
)
from graph_service.services.imports import (
    SPOOL_LOCK,
    Source,
    abandoned,
    hold_folder,
    import_files,
)

log = logging.getLogger(__name__)

#: a running job's progress is written at most this often (and at each new phase)
PROGRESS_EVERY = 1.0
#: how long a stopping API process waits for its running job to reach its next row or batch
STOP_WAIT_SECONDS = 20.0
_FILES = "files"
#: the statuses of a job whose files are kept
_KEEPS_FILES = frozenset({"queued", "running", "interrupted"})
_ID_CHARS = frozenset("0123456789abcdef")


class JobStopped(BaseException):
    """The API process is stopping: the running import stops where it is. A BaseException,
    like the CLI's, so that no ``except Exception`` on the way takes it for an error."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the request hands it over: its name and a way to copy it."""

    name: str
    copy_to: Callable[[Path], None]


class ImportJobs:
    """The import jobs of one API process: a worker thread running them one after the other
    (writes are serialised anyway), the folders it holds, and the records in Neo4j."""

    def __init__(self, db: Database, folder: Path, keep_hours: float) -> None:
        self.db = db
        self.folder = folder
        self.keep_ms = int(keep_hours * 3_600_000)
        self.host = socket.gethostname()
        self._held: dict[str, int] = {}  # job id -> descriptor of its locked owner.lock
        self._guard = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None

    # ---- the folders ----------------------------------------------------------------------
    def folder_of(self, job_id: str) -> Path:
        if not (len(job_id) == 32 and set(job_id) <= _ID_CHARS):
            raise NotFound(f"导入任务不存在 / no import job '{job_id[:40]}'")
        return self.folder / job_id

    def _hold(self, job_id: str) -> bool:
        """Take the job folder's lock for this process; False when another holds it."""
        import fcntl

        lock = self.folder_of(job_id) / SPOOL_LOCK
        try:
            handle = os.open(lock, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return False
        with self._guard:
            self._held[job_id] = handle
        return True

    def _release(self, job_id: str, *, remove: bool) -> None:
        if remove:
            shutil.rmtree(self.folder_of(job_id), ignore_errors=True)
        with self._guard:
            handle = self._held.pop(job_id, None)
        if handle is not None:
            os.close(handle)

    def sources(self, job_id: str) -> list[Source]:
        """The job's saved files in the order they were sent, under their own names."""
        files = self.folder_of(job_id) / _FILES
        return [Source(path, path.name)
                for index in sorted(files.iterdir(), key=lambda p: int(p.name))
                for path in index.iterdir()]  # fmt: skip

    # ---- creating, resuming ---------------------------------------------------------------
    def create(
        self, who: Principal, uploads: Sequence[Upload], *, size: int, dry_run: bool,
        partial: bool,
    ) -> dict[str, Any]:  # fmt: skip
        """Save the uploads in a new job's folder, record the job as queued and queue it."""
        who.require_write()
        self.expire()
        job_id = secrets.token_hex(16)
        folder = self.folder_of(job_id)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(mode=0o700)
        try:
            handle = hold_folder(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        with self._guard:
            self._held[job_id] = handle
        try:
            for index, upload in enumerate(uploads):
                place = folder / _FILES / str(index)
                place.mkdir(parents=True)
                upload.copy_to(place / upload.name)
            job = repo.create(self.db, job_id=job_id, account=who.name,
                              files=[u.name for u in uploads], size=size, dry_run=dry_run,
                              partial=partial, host=self.host)  # fmt: skip
        except BaseException:
            self._release(job_id, remove=True)
            raise
        self._submit(job_id)
        return job

    def resume(self, who: Principal, job_id: str) -> dict[str, Any]:
        """Queue an interrupted job again, to run its saved files as its account."""
        job = self.visible(who, job_id)
        who.require_write()
        if job["status"] != "interrupted":
            raise Conflict(
                f"只有已中断的导入任务可以继续（此任务为 {job['status']}）/ only an interrupted "
                f"import job can be resumed; this one is {job['status']}"
            )
        if not (self.folder_of(job_id) / _FILES).is_dir():
            raise Conflict(
                f"此任务的文件保存在服务器 {job.get('host')} 上，请在该服务器上继续 / the job's "
                f"files are on the machine {job.get('host')}: resume it through the API there"
            )
        if not self._hold(job_id):
            raise Conflict("此任务正在被继续 / the job is being resumed already")
        try:
            runs_as = repo.runs_as(self.db, job_id)
            if runs_as is None:
                raise Conflict(
                    f"创建此任务的账号 {job['account']} 已吊销 / the account {job['account']} "
                    "that started this job is revoked"
                )
            runs_as.require_write()
            queued = repo.requeue(self.db, job_id)
            if queued is None:
                raise Conflict("此任务刚被继续 / the job was resumed meanwhile")
        except BaseException:
            self._release(job_id, remove=False)
            raise
        self._submit(job_id)
        return queued

    def visible(self, who: Principal, job_id: str) -> dict[str, Any]:
        """The job if ``who`` started it or is an admin; otherwise, as when there is none,
        404 (a job's existence is not revealed)."""
        self.folder_of(job_id)  # a malformed id is no job
        job = repo.get(self.db, job_id)
        if job is None or not (who.is_admin or job["account"] == who.name):
            raise NotFound(f"导入任务不存在 / no import job '{job_id}'")
        if job["status"] in repo.UNENDED and self._left(job_id):  # its process died
            job = repo.end(self.db, job_id, "interrupted", error=_INTERRUPTED) or job
        return job

    def listed(
        self, who: Principal, skip: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the jobs ``who`` may see (its own, or everyone's for an admin), newest
        first, and how many there are."""
        return repo.listed(self.db, None if who.is_admin else who.name, skip, limit)

    # ---- running --------------------------------------------------------------------------
    def _submit(self, job_id: str) -> None:
        with self._guard:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="import-jobs",
                                                daemon=True)  # fmt: skip
                self._worker.start()
        self._queue.put(job_id)

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            if self._stopping.is_set():
                self._interrupted(job_id)
                continue
            try:
                self._run(job_id)
            except BaseException:  # the job's record says what happened where it could
                log.exception("import job %s", job_id)
                self._release(job_id, remove=False)

    def _run(self, job_id: str) -> None:
        job = repo.claim(self.db, job_id)
        if job is None:  # ended meanwhile
            self._release(job_id, remove=False)
            return
        runs_as = repo.runs_as(self.db, job_id)
        if runs_as is None:
            self._end(job_id, "failed", error=_problem(Conflict(
                f"创建此任务的账号 {job['account']} 已吊销 / the account {job['account']} that "
                "started this job is revoked")))  # fmt: skip
            return
        status, report, error = "succeeded", None, None
        try:
            result = import_files(self.db, self.sources(job_id), dry_run=job["dry_run"],
                                  partial=job["partial"], who=runs_as,
                                  progress=self._progress(job_id))  # fmt: skip
        except JobStopped:
            self._interrupted(job_id)
            return
        except DatabaseUnavailable as exc:
            log.warning("import job %s interrupted: Neo4j went away (%s)", job_id, exc)
            self._interrupted(job_id, _problem(exc))
            return
        except GraphServiceError as exc:
            status, error = "failed", _problem(exc)
        except Exception as exc:
            log.exception("import job %s failed", job_id)
            status, error = "failed", _problem(GraphServiceError(str(exc)))
        else:
            report = result.as_dict()
            if result.problems and not result.written:  # the synchronous path's 422
                status = "failed"
        self._end(job_id, status, report=report, error=error)

    def _end(self, job_id: str, status: str, **outcome: Any) -> None:
        try:
            repo.end(self.db, job_id, status, **outcome)
        finally:
            self._release(job_id, remove=True)

    def _interrupted(self, job_id: str, error: dict[str, Any] | None = None) -> None:
        try:
            repo.end(self.db, job_id, "interrupted", error=error or _INTERRUPTED)
        except DatabaseUnavailable:  # the next start, or a GET, finds it
            pass
        finally:
            self._release(job_id, remove=False)

    def _progress(self, job_id: str) -> Callable[[str, int, int | None], None]:
        last: list[Any] = ["", 0.0]  # phase, when written

        def progress(phase: str, done: int, total: int | None) -> None:
            if self._stopping.is_set():
                raise JobStopped
            now = time.monotonic()
            if phase == last[0] and now - last[1] < PROGRESS_EVERY:
                return
            last[:] = [phase, now]
            with suppress(DatabaseUnavailable):  # the import itself will say so, if it lasts
                repo.progress(self.db, job_id, phase, done, total)

        return progress

    # ---- start and stop -------------------------------------------------------------------
    def _left(self, job_id: str) -> bool:
        """Whether the job's folder is on this machine and no process holds it."""
        folder = self.folder_of(job_id)
        with self._guard:
            if job_id in self._held:
                return False
        return (folder / SPOOL_LOCK).exists() and abandoned(folder)

    def recover(self) -> list[str]:
        """At start: the jobs this machine's processes left queued or running are
        interrupted (their files kept); expired jobs and folders without a job go. Returns
        the ids marked interrupted."""
        left = [job_id for job_id in repo.active(self.db)
                if self.folder_of(job_id).is_dir() and self._left(job_id)]  # fmt: skip
        for job_id in left:
            repo.end(self.db, job_id, "interrupted", error=_INTERRUPTED)
        if left:
            log.warning("import jobs interrupted by a stopped API process: %s; resume them "
                        "with POST /imports/jobs/{id}/resume", ", ".join(left))  # fmt: skip
        self.expire()
        self._remove_orphans()
        return left

    def expire(self) -> None:
        for job_id in repo.expire(self.db, self.keep_ms):
            shutil.rmtree(self.folder_of(job_id), ignore_errors=True)

    def _remove_orphans(self) -> None:
        """Folders of this machine whose job record is gone or ended (a process killed
        between the two), once nobody holds them."""
        if not self.folder.is_dir():
            return
        folders = {f.name: f for f in self.folder.iterdir()
                   if f.is_dir() and len(f.name) == 32 and set(f.name) <= _ID_CHARS}  # fmt: skip
        known = repo.statuses(self.db, sorted(folders))
        for job_id, folder in folders.items():
            status = known.get(job_id)
            if status in _KEEPS_FILES:
                continue
            if abandoned(folder):  # held while its request saves it
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """The API is stopping: the running job stops at its next row or batch and is
        marked interrupted, as are the queued ones."""
        self._stopping.set()
        self._queue.put(None)
        if self._worker is not None:
            self._worker.join(STOP_WAIT_SECONDS)


_INTERRUPTED: dict[str, Any] = {
    "status": 503, "code": "import-interrupted", "title": "Interrupted / 已中断",
    "detail": "运行此导入的 API 进程已停止，文件已保留，可继续（POST /imports/jobs/{id}/resume）/ "
              "the API process running this import stopped; its files are kept: resume it with "
              "POST /imports/jobs/{id}/resume",
}  # fmt: skip


def _problem(error: GraphServiceError) -> dict[str, Any]:
    return {"status": error.status, "code": error.code, "title": error.title,
            "detail": error.detail}  # fmt: skip
