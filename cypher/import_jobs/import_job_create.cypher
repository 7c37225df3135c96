// name: import_job_create
// mode: write
// params: id, account, files, bytes, dry_run, partial, host
// purpose: A new import job, queued: the account that sent the upload (the job runs as it), the files' names and bytes, the import's options, and the machine holding its spooled files.
CREATE (j:ImportJob {id: $id, account: $account, status: 'queued', files: $files,
                     bytes: $bytes, dry_run: $dry_run, partial: $partial, host: $host,
                     runs: 0, done: 0, created_at: datetime(), updated_at: datetime()})
RETURN j {.*} AS job
