// name: import_job_get
// mode: read
// params: id
// purpose: One import job with its report (no row when there is none).
MATCH (j:ImportJob {id: $id})
RETURN j {.*} AS job
