// name: assignment_check
// mode: read
// params: officers, targets, as_of
// purpose: What applying an assignment plan must find unchanged, read under the graph's write lock: for each person of $officers, how many distinct targets they currently (on $as_of) hold as instructor or liaison officer (the load the plan counted); and which of $targets now have a current ASSIGNED_TO of anyone (the plan took them as having none).
CALL () {
  UNWIND $officers AS id
  MATCH (p:Person {id: id})
  OPTIONAL MATCH (p)-[r:ASSIGNED_TO]->(t)
  WHERE r.role IN ['instructor', 'liaison'] AND {{> current r}}
  WITH p, count(DISTINCT t) AS load
  RETURN collect({id: p.id, load: load}) AS loads
}
CALL () {
  UNWIND $targets AS id
  MATCH (:Person)-[a:ASSIGNED_TO]->(t:Entity {id: id})
  WHERE {{> current a}}
  RETURN collect(DISTINCT t.id) AS assigned
}
RETURN loads, assigned
