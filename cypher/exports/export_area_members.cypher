// name: export_area_members
// mode: read
// params: scope
// purpose: The id and labels of every node in the export of an area ($scope = [its id]), in id order: the nodes in the area by the one scope rule (see the visible fragment: the area and its descendants, what is located in them, the party organizations whose stored area lies there, and the persons, projects and meetings with a relationship to any of those). Walked down from the area, so it costs what the area holds, not what the graph holds (the rule checked node by node took over 30 s a label for a subdistrict of the city graph).
{{> scope_nodes x}}
WITH x WHERE x.id IS NOT NULL
RETURN x.id AS id, labels(x) AS labels
ORDER BY id
