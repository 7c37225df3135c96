// name: account_create
// mode: write
// params: name, role, areas, key_digest, key_hint, created_by
// purpose: A new account (the key itself is never stored, only its SHA-256 digest).
CREATE (a:Account {name: $name, role: $role, areas: $areas, key_digest: $key_digest,
                   key_hint: $key_hint, created_at: datetime(), created_by: $created_by})
RETURN a.name AS name
