// piece: locate_org
// purpose: A party organization's area, as area: the one stored on it (resolved_area, see the org_area fragment and org_areas_refresh). No guard: an index seek costs less than the test.
CALL (n) {
  // a party organization's area is stored on it (see org_areas_refresh)
  OPTIONAL MATCH (stored:Area {id: n.resolved_area})
  RETURN stored AS area
}
