// name: session_create
// mode: write
// params: token_digest, account, csrf_token, lifetime_ms, idle_ms
// purpose: A console session of an active account with a password (only the SHA-256 digest of its token is kept); ends the sessions that have expired meanwhile. No row when the account is revoked or has no password.
CALL () {
  MATCH (old:Session)
  WHERE old.expires_at <= datetime()
     OR old.last_seen + duration({milliseconds: $idle_ms}) <= datetime()
  WITH old LIMIT 1000
  DELETE old
}
MATCH (a:Account {name: $account})
WHERE a.revoked_at IS NULL AND a.password_hash IS NOT NULL
CREATE (s:Session {token_digest: $token_digest, account: a.name, csrf_token: $csrf_token,
                   created_at: datetime(), last_seen: datetime(),
                   expires_at: datetime() + duration({milliseconds: $lifetime_ms})})
RETURN s.account AS account
