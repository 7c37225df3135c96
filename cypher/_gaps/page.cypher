// piece: page
// purpose: One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
{{condition}}
{{filter}}
{{impact}}
ORDER BY impact DESC, n.id{{order_related}}
WITH collect({n: n{{carry_map}}, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n{{carry_unpack}}, g.impact AS impact
{{path}}
{{rows}}
RETURN n.id AS id, n.name AS name, {{kind}} AS kind,
       {{subkind}} AS subkind, area_path,
       {{related_id}} AS related_id, {{related_name}} AS related_name, impact,
       {{detail}} AS detail,
       total
ORDER BY impact DESC, id{{order_related_id}}
