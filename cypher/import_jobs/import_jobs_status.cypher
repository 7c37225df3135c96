// name: import_jobs_status
// mode: read
// params: ids
// purpose: The status of each of these import jobs that exists.
MATCH (j:ImportJob)
WHERE j.id IN $ids
RETURN j.id AS id, j.status AS status
