// name: import_jobs_expire
// mode: write
// params: keep_ms
// purpose: Delete up to 1,000 import jobs that ended (succeeded, failed) or were interrupted longer ago than $keep_ms; return their ids, so their spooled files go too.
MATCH (j:ImportJob)
WHERE j.status IN ['succeeded', 'failed', 'interrupted']
  AND j.updated_at < datetime() - duration({milliseconds: $keep_ms})
WITH j LIMIT 1000
WITH j, j.id AS id
DELETE j
RETURN id
