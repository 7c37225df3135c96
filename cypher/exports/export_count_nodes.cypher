// name: export_count_nodes
// mode: read
// params:
// placeholders: label
// purpose: How many nodes of a label the whole graph's export holds, from Neo4j's count store (no node is read): the total an export's progress bar counts towards.
MATCH (n:{{label}})
RETURN count(n) AS n
