// fragment: located_under
// params: area
// purpose: A pattern: {{node}} is LOCATED_IN (directly, or through a building or park: up to 3 steps) an area that is $area or lies under it (up to 8 PART_OF steps). How the gap rules whose subject is a place, unit or committee walk down from an area; include it as {{> located_under n:Unit}} to give the node its label.
(:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-({{node}})
