// name: import_job_list
// mode: read
// params: account, limit
// purpose: The newest import jobs of one account (every account's when $account is null), without their reports.
MATCH (j:ImportJob)
WHERE $account IS NULL OR j.account = $account
RETURN j {.*, report: null} AS job
ORDER BY j.created_at DESC, j.id
LIMIT $limit
