// name: admin_count
// mode: read
// params:
// purpose: How many active admin accounts there are (the first one is made from the CLI).
MATCH (a:Account {role: 'admin'})
WHERE a.revoked_at IS NULL
RETURN count(a) AS admins
