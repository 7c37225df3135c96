// name: import_job_end
// mode: write
// params: id, status, report, error
// purpose: A queued or running import job ends a run: succeeded or failed (with the import report as JSON, or the error as a problem's JSON), or interrupted (its files kept for a resume). No row when it had already ended.
MATCH (j:ImportJob {id: $id})
WHERE j.status IN ['queued', 'running']
SET j.status = $status, j.report = $report, j.error = $error, j.ended_at = datetime(),
    j.updated_at = datetime()
RETURN j {.*} AS job
