// name: entities_named
// mode: read
// params: names, scope
// purpose: The entities whose Chinese or English name is one of $names and that lie in the area scope $scope (see the visible fragment; null = everything), so an import's relationship row may name an end instead of giving its id. One label scan, run once per import, only for the names no id matched.
MATCH (n:Entity)
WHERE (n.name IN $names OR n.name_en IN $names) AND {{> visible n}}
RETURN CASE WHEN n.name IN $names THEN n.name ELSE n.name_en END AS name, n.id AS id,
       [label IN labels(n) WHERE label <> 'Entity'][0] AS label
ORDER BY name, id
