// name: follow_up_update
// mode: write
// params: id, changes
// purpose: Set the fields $changes of a follow-up (a map the service builds from its closed set of editable fields and the closing stamp); the follow-up as it is now.
MATCH (f:FollowUp {id: $id})
SET f += $changes, f.updated_at = datetime()
RETURN f.id AS id
