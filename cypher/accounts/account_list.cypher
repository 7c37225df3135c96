// name: account_list
// mode: read
// params:
// purpose: Every account, revoked ones too, without key digests.
MATCH (a:Account)
RETURN a.name AS name, a.role AS role, a.areas AS areas, a.key_hint AS key_hint,
       a.password_hash IS NOT NULL AS has_password,
       a.created_at AS created_at, a.created_by AS created_by, a.revoked_at AS revoked_at
ORDER BY a.name
