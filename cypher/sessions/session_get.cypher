// name: session_get
// mode: read
// params: token_digest, idle_ms
// purpose: The account of a live session (neither idle for $idle_ms nor past its lifetime) and the session's CSRF token; the account as it is now (role, areas), and no row when it is revoked.
MATCH (s:Session {token_digest: $token_digest})
WHERE s.expires_at > datetime()
  AND s.last_seen + duration({milliseconds: $idle_ms}) > datetime()
MATCH (a:Account {name: s.account})
WHERE a.revoked_at IS NULL
RETURN a.name AS name, a.role AS role, a.areas AS areas, s.csrf_token AS csrf_token,
       duration.inSeconds(s.last_seen, datetime()).milliseconds AS idle_ms
