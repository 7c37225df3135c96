// name: rel_replace
// mode: write
// params: from_id, to_id, props
// placeholders: rel
// purpose: Replace the properties of one relationship (after the API merged and validated an update).
MATCH (:Entity {id: $from_id})-[r:{{rel}}]->(:Entity {id: $to_id})
SET r = $props
SET r.src_file = 'api', r.src_at = datetime()
RETURN count(r) AS updated
