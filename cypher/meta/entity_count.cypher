// name: entity_count
// mode: read
// params:
// purpose: How many domain nodes the database holds (is it empty?).
MATCH (n:Entity)
RETURN count(n) AS entities
