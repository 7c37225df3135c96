// name: entity_any
// mode: read
// params:
// purpose: Whether any domain node is stored: a first load (neo4j-admin database import) replaces the whole database, so it is only for a graph without one.
RETURN EXISTS { MATCH (:Entity) } AS found
