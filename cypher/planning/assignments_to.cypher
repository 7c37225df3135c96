// name: assignments_to
// mode: read
// params: ids
// purpose: Every ASSIGNED_TO from a person to an entity of $ids, whatever its dates (for a target with no current officer: ended or not yet begun ones). A person and a target have at most one such relationship, so applying a plan renews it (new dates) instead of creating a second.
UNWIND $ids AS id
MATCH (p:Person)-[r:ASSIGNED_TO]->(:Entity {id: id})
RETURN p.id AS officer, id AS target, r.since AS since, r.until AS until
