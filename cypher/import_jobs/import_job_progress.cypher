// name: import_job_progress
// mode: write
// params: id, phase, done, total
// purpose: A running import job's progress: its phase (validate, write or preview) and the rows done of about how many.
MATCH (j:ImportJob {id: $id})
WHERE j.status = 'running'
SET j.phase = $phase, j.done = $done, j.total = $total, j.updated_at = datetime()
