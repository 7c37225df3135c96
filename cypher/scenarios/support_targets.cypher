// name: support_targets
// mode: read
// params: area, branch_kinds
// purpose: What an area's support network is projected around (weak points): its branches (party organizations of $branch_kinds whose stored area lies in $area's subtree), the buildings and parks located in it (counted: their redundancy is reported), and its areas and the committees located in it (not counted: they join the network). Each once: id, name, kind (its label) and counted. Their supporters come from the supporters query, the one definition of a support channel.
CALL () {
  MATCH {{> areas_under sub:Area}}
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind IN $branch_kinds
  RETURN n, true AS counted
  UNION
  MATCH {{> located_under n:Building}}
  RETURN n, true AS counted
  UNION
  MATCH {{> located_under n:Park}}
  RETURN n, true AS counted
  UNION
  MATCH {{> areas_under n:Area}}
  RETURN n, false AS counted
  UNION
  MATCH {{> located_under n:Committee}}
  RETURN n, false AS counted
}
RETURN n.id AS id, n.name AS name, [label IN labels(n) WHERE label <> 'Entity'][0] AS kind,
       counted
ORDER BY id
