// name: import_job_account
// mode: read
// params: id
// purpose: The account an import job runs as, as it is now (role, areas); no row when the job or an active account of that name is gone.
MATCH (j:ImportJob {id: $id})
MATCH (a:Account {name: j.account})
WHERE a.revoked_at IS NULL
RETURN a.name AS name, a.role AS role, a.areas AS areas
