// piece: count
// purpose: How many gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas.
{{condition}}
{{count}}
