// name: account_revoke
// mode: write
// params: name
// purpose: Revoke an account's key from now on (the account stays, for the audit trail).
MATCH (a:Account {name: $name})
SET a.revoked_at = coalesce(a.revoked_at, datetime())
RETURN a.name AS name, a.role AS role, a.areas AS areas, a.revoked_at AS revoked_at
