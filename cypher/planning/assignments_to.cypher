// name: assignments_to
// mode: read
// params: ids
// purpose: Every ASSIGNED_TO term from a person to an entity of $ids, whatever its dates (for a target with no current officer: ended or not yet begun ones). Applying a plan creates a new term after one that ended, and moves one not yet begun to start on the plan's date (terms of one pair never overlap).
UNWIND $ids AS id
MATCH (p:Person)-[r:ASSIGNED_TO]->(:Entity {id: id})
RETURN p.id AS officer, id AS target, r.since AS since, r.until AS until
