// name: export_count_relationships
// mode: read
// params:
// placeholders: rel
// purpose: How many relationships of a type the whole graph holds, from Neo4j's count store (no relationship is read): the total an export's progress bar counts towards.
MATCH ()-[r:{{rel}}]->()
RETURN count(r) AS n
