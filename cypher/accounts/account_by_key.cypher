// name: account_by_key
// mode: read
// params: key_digest
// purpose: The active (not revoked) account holding the key with this digest.
MATCH (a:Account {key_digest: $key_digest})
WHERE a.revoked_at IS NULL
RETURN a.name AS name, a.role AS role, a.areas AS areas
