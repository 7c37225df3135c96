// name: session_delete
// mode: write
// params: token_digest
// purpose: End one session (sign-out).
MATCH (s:Session {token_digest: $token_digest})
DELETE s
RETURN count(*) AS ended
