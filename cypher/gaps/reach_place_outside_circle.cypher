// rule: REACH_PLACE_OUTSIDE_CIRCLE
// params: area, radius_m
// carries: s, d
// related: s
// detail: {distance_m: CASE WHEN d IS NULL THEN null ELSE toInteger(round(d)) END, radius_m: CASE WHEN s IS NULL THEN $radius_m ELSE coalesce(s.radius_m, $radius_m) END}
// purpose: Buildings and parks with coordinates outside every station's service circle (15分钟党群服务圈): no Station with coordinates lies within its radius of them (the station's own radius_m, else $radius_m metres, straight-line, point.distance on WGS-84). Stations have no dates: the circles are those of the graph as it is. Related: the nearest station (ties by id; none when no station has coordinates), its distance and radius in the detail. Impact: units located in the place. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n)
  WHERE (n:Building OR n:Park) AND n.location IS NOT NULL
  RETURN n
  UNION
  MATCH {{> located_under n}}
  WHERE (n:Building OR n:Park) AND n.location IS NOT NULL
  RETURN n
}
WITH n, COLLECT {
  MATCH (st:Station)
  WHERE st.location IS NOT NULL
  WITH st, point.distance(n.location, st.location) AS dist
  ORDER BY dist, st.id
  RETURN {s: st, d: dist, inside: dist <= coalesce(st.radius_m, $radius_m)}
} AS near
WHERE none(c IN near WHERE c.inside)
WITH n, near[0].s AS s, near[0].d AS d
