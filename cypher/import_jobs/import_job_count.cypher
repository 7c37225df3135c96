// name: import_job_count
// mode: read
// params: account
// purpose: How many import jobs one account has (every account's when $account is null).
MATCH (j:ImportJob)
WHERE $account IS NULL OR j.account = $account
RETURN count(j) AS total
