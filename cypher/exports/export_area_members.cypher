// name: export_area_members
// mode: read
// params: scope
// purpose: The id and labels of every node in the export of an area ($scope = [its id]), in id order. A node is in it if it reaches the area by an optional COVERS, ESTABLISHED_IN or LEADS step, then LOCATED_IN steps, then PART_OF steps (the area and its descendants; what is located in them, through buildings and parks; organizations covering, established in or leading such a thing), or if it is a person, project or meeting with a relationship to such a node. Walked down from the area, so it costs what the area holds, not what the graph holds (the rule checked node by node took over 30 s a label for a subdistrict of the city graph).
{{> scope_nodes x}}
WITH x WHERE x.id IS NOT NULL
RETURN x.id AS id, labels(x) AS labels
ORDER BY id
