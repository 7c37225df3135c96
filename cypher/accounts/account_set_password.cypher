// name: account_set_password
// mode: write
// params: name, password_hash
// purpose: Set an active account's password (its argon2 hash); no row when there is no such account or it is revoked.
MATCH (a:Account {name: $name})
WHERE a.revoked_at IS NULL
SET a.password_hash = $password_hash, a.password_set_at = datetime()
RETURN a.name AS name
