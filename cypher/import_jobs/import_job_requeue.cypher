// name: import_job_requeue
// mode: write
// params: id
// purpose: An interrupted import job is queued again (resumed). No row when it is not interrupted.
MATCH (j:ImportJob {id: $id})
WHERE j.status = 'interrupted'
SET j.status = 'queued', j.updated_at = datetime()
RETURN j {.*} AS job
