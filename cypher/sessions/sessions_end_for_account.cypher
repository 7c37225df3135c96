// name: sessions_end_for_account
// mode: write
// params: account
// purpose: End every session of an account (it was revoked, or its password was set).
MATCH (s:Session {account: $account})
DELETE s
RETURN count(*) AS ended
