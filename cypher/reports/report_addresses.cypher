// name: report_addresses
// mode: read
// params: ids, as_of
// purpose: The address to visit for each thing of $ids (a gap list's subjects), as of $as_of: its own address, else that of the nearest place it is LOCATED_IN (a unit in a building in a park: up to 3 steps), else, for a party organization, that of the unit it is ESTABLISHED_IN or the place or unit it COVERS (each step current on $as_of; fewest steps first, then the smaller id). Never a person's: a person's home address is personal data. One row per thing that has an address.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE NOT n:Person
CALL (n) {
  OPTIONAL MATCH path = (n)-[steps:LOCATED_IN|ESTABLISHED_IN|COVERS*0..3]->(place)
  WHERE NOT place:Person AND trim(coalesce(place.address, '')) <> ''
    AND all(r IN steps WHERE {{> current r}})
  RETURN place.address AS address
  ORDER BY length(path), place.id
  LIMIT 1
}
WITH n, address
WHERE address IS NOT NULL
RETURN n.id AS id, address
