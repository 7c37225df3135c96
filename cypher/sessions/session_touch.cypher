// name: session_touch
// mode: write
// params: token_digest
// purpose: The session was used now (its idle time starts again).
MATCH (s:Session {token_digest: $token_digest})
SET s.last_seen = datetime()
