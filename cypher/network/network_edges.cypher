// name: network_edges
// mode: read
// params: ids, as_of
// purpose: The relationships among the entities $ids current on $as_of (the current fragment), at most one of each type between an ordered pair: a pair may hold several terms of one type (domain/terms.py), and terms never overlap, so at most one is current. Each: source, target, type, and the role (ASSIGNED_TO, SERVES_ON) or scheme (PAIRED_WITH) it carries.
UNWIND $ids AS wanted
MATCH (a:Entity {id: wanted})-[r]->(b:Entity)
WHERE b.id IN $ids AND {{> current r}}
WITH a.id AS source, b.id AS target, type(r) AS type,
     collect(coalesce(r.role, r.scheme))[0] AS role
RETURN source, target, type, role
ORDER BY source, target, type
