// name: officer_loads
// mode: read
// params: ids, as_of
// purpose: For each person of $ids: their own capacity (null: the deployment's default applies), the roles they hold and the distinct targets they currently (on $as_of) hold as instructor or liaison officer (ASSIGNED_TO), anywhere: the load the candidates answer counts. Persons that do not exist are left out.
UNWIND $ids AS id
MATCH (p:Person {id: id})
OPTIONAL MATCH (p)-[r:ASSIGNED_TO]->(t)
WHERE r.role IN ['instructor', 'liaison'] AND {{> current r}}
WITH p, collect(DISTINCT t.id) AS targets, collect(DISTINCT r.role) AS roles
RETURN p.id AS id, p.name AS name, p.capacity AS capacity, targets, roles
ORDER BY id
