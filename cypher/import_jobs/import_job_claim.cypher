// name: import_job_claim
// mode: write
// params: id
// purpose: A queued import job starts a run: running, progress and the last run's outcome cleared. No row when it is not queued (another process took it, or it ended).
MATCH (j:ImportJob {id: $id})
WHERE j.status = 'queued'
SET j.status = 'running', j.phase = null, j.done = 0, j.total = null, j.report = null,
    j.error = null, j.ended_at = null, j.started_at = datetime(), j.updated_at = datetime(),
    j.runs = coalesce(j.runs, 0) + 1
RETURN j {.*} AS job
