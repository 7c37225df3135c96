// name: account_for_signin
// mode: read
// params: name
// purpose: An active account's role, areas and password hash, for signing in; no row when there is no such account or it is revoked.
MATCH (a:Account {name: $name})
WHERE a.revoked_at IS NULL
RETURN a.name AS name, a.role AS role, a.areas AS areas, a.password_hash AS password_hash
