// name: candidates
// mode: read
// params: id, as_of, limit
// purpose: Who could be assigned to, or cover, the branch, building, park or unit $id, given everyone's load on $as_of. One row: the entity, its area path (the top first) and two lists. Officers (for a party organization, building or park): persons with a current instructor or liaison ASSIGNED_TO a target in the entity's subdistrict (or, for an entity above or outside any subdistrict, in its own area, not below it), not already assigned to it. Covering organizations (for a building, park or unit): party organizations with a current COVERS of a building, park or unit there, not already covering it or established in it. For each candidate: `near`, the index in the area path of the deepest area that holds both the entity and one of the candidate's current targets there; `nearby`, how many of those targets that area holds; `load`, its distinct current targets anywhere (officers: as instructor or liaison; organizations: covered). Each list is sorted nearest first, then lightest load, then id, and cut at $limit; the totals count the whole lists. Nothing found: no row.
MATCH (x:Entity {id: $id})
WITH x, x:PartyOrg OR x:Building OR x:Park AS takes_officers,
     x:Building OR x:Park OR x:Unit AS takes_orgs
CALL (x) {
  // where the entity is: a party organization's area is stored on it (see
  // org_areas_refresh); a place's or a unit's is the nearest area it is LOCATED_IN
  OPTIONAL MATCH (stored:Area {id: x.resolved_area})
  OPTIONAL MATCH here = (x)-[:LOCATED_IN*1..3]->(placed:Area)
  WITH stored, placed ORDER BY length(here), placed.id LIMIT 1
  WITH coalesce(stored, placed) AS home
  OPTIONAL MATCH up = (home)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN coalesce(reverse(nodes(up)), []) AS chain
}
// candidates come from the entity's subdistrict (`below` runs from there down to its
// area) or, for an entity above any subdistrict, from its own area alone (a district's
// organs: not every officer of the district)
WITH x, takes_officers, takes_orgs, chain,
     [i IN range(0, size(chain) - 1) WHERE chain[i].level = 'subdistrict'] AS subdistrict_at
WITH x, takes_officers, takes_orgs, chain, size(subdistrict_at) > 0 AS in_subdistrict,
     CASE WHEN size(subdistrict_at) = 0 THEN size(chain) - 1 ELSE subdistrict_at[0] END
     AS pool_at
WITH x, takes_officers, takes_orgs, chain, in_subdistrict, pool_at,
     CASE WHEN takes_officers OR takes_orgs THEN chain[pool_at..] ELSE [] END AS below
CALL (below, in_subdistrict) {
  // every area under the pool's top, with how far its walk down follows `below`: the
  // last area both share is the nearest one holding the entity and what lies there
  UNWIND below[0..1] AS pool_top
  CALL (pool_top, below, in_subdistrict) {
    WITH pool_top WHERE in_subdistrict
    MATCH down = (pool_top)<-[:PART_OF*0..8]-(s:Area)
    RETURN s, size([i IN range(0, length(down))
                    WHERE i < size(below) AND nodes(down)[i] = below[i]]) - 1 AS shared
    UNION
    WITH pool_top WHERE NOT in_subdistrict
    RETURN pool_top AS s, 0 AS shared
  }
  CALL (s) {
    RETURN s AS t
    UNION
    MATCH (s)<-[:LOCATED_IN*1..3]-(t:Building|Park|Unit)
    RETURN t
    UNION
    MATCH (t:PartyOrg {resolved_area: s.id})
    RETURN t
  }
  WITH t, max(shared) AS shared
  RETURN collect({t: t, shared: shared}) AS placed
}
CALL (x, takes_officers, placed) {
  UNWIND CASE WHEN takes_officers THEN placed ELSE [] END AS p
  WITH p.t AS t, p.shared AS shared
  MATCH (c:Person)-[r:ASSIGNED_TO]->(t)
  WHERE r.role IN ['instructor', 'liaison']
    AND (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
  WITH DISTINCT c, t, shared
  WITH c, max(shared) AS near, collect(shared) AS shares
  // one look at the candidate's current assignments: its load, its roles, and whether
  // it is assigned to the entity already
  CALL (c, x) {
    MATCH (c)-[r:ASSIGNED_TO]->(t)
    WHERE r.role IN ['instructor', 'liaison']
      AND (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
    WITH collect(DISTINCT t) AS targets, collect(DISTINCT r.role) AS roles
    RETURN size(targets) AS load, roles, x IN targets AS assigned
  }
  WITH c, near, shares, load, roles WHERE NOT assigned
  WITH c, near, size([v IN shares WHERE v = near]) AS nearby, load, roles
  ORDER BY near DESC, load, c.id
  WITH collect({id: c.id, name: c.name, kind: 'Person', roles: roles, load: load,
                near: near, nearby: nearby}) AS found
  RETURN size(found) AS officers_total, found[0..$limit] AS officers
}
CALL (x, takes_orgs, placed) {
  UNWIND CASE WHEN takes_orgs THEN placed ELSE [] END AS p
  WITH p.t AS t, p.shared AS shared
  WHERE t:Building OR t:Park OR t:Unit
  MATCH (o:PartyOrg)-[c:COVERS]->(t)
  WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
  WITH DISTINCT o, t, shared
  WITH o, max(shared) AS near, collect(shared) AS shares
  CALL (o, x) {
    MATCH (o)-[c:COVERS]->(t)
    WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
    WITH collect(DISTINCT t) AS covered
    RETURN size(covered) AS load, x IN covered AS covering
  }
  WITH o, near, shares, load WHERE NOT covering AND NOT EXISTS {
    MATCH (o)-[e:ESTABLISHED_IN]->(x)
    WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
  }
  WITH o, near, size([v IN shares WHERE v = near]) AS nearby, load
  ORDER BY near DESC, load, o.id
  WITH collect({id: o.id, name: o.name, kind: 'PartyOrg', roles: [o.kind], load: load,
                near: near, nearby: nearby}) AS found
  RETURN size(found) AS orgs_total, found[0..$limit] AS orgs
}
RETURN x.id AS id, x.name AS name, [label IN labels(x) WHERE label <> 'Entity'][0] AS kind,
       takes_officers, takes_orgs,
       [a IN chain | {id: a.id, name: a.name, level: a.level}] AS area_path, pool_at,
       officers_total, [o IN officers | o {.*, near: o.near + pool_at}] AS officers,
       orgs_total, [o IN orgs | o {.*, near: o.near + pool_at}] AS orgs
