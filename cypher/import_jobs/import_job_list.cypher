// name: import_job_list
// mode: read
// params: account, skip, limit
// purpose: A page of the import jobs of one account (every account's when $account is null), newest first, without their reports.
MATCH (j:ImportJob)
WHERE $account IS NULL OR j.account = $account
RETURN j {.*, report: null} AS job
ORDER BY j.created_at DESC, j.id
SKIP $skip
LIMIT $limit
