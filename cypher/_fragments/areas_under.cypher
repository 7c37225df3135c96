// fragment: areas_under
// params: area
// purpose: A pattern: {{node}} is the area $area or an area under it (up to 8 PART_OF steps). How the gap rules walk down from an area to its areas (and, through resolved_area, to its party organizations).
(:Area {id: $area})<-[:PART_OF*0..8]-({{node}})
