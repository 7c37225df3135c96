// name: rel_replace
// mode: write
// params: from_id, to_id, since, props
// placeholders: rel
// purpose: Replace the properties of one term of a relationship, the one that starts on $since (after the API merged and validated an update; its dates may move).
MATCH (:Entity {id: $from_id})-[r:{{rel}}]->(:Entity {id: $to_id})
WHERE {{> term_named r}}
SET r = $props
SET r.src_file = 'api', r.src_at = datetime()
RETURN count(r) AS updated
