// name: account_get
// mode: read
// params: name
// purpose: One account by name (no key digest).
MATCH (a:Account {name: $name})
RETURN a.name AS name, a.role AS role, a.areas AS areas, a.revoked_at AS revoked_at
