// name: import_jobs_active
// mode: read
// params:
// purpose: The import jobs recorded as queued or running (a process may have died under them).
MATCH (j:ImportJob)
WHERE j.status IN ['queued', 'running']
RETURN j.id AS id
