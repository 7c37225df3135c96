// fragment: orgs_placed_in
// params:
// purpose: The party organizations o placed in the area {{node}}: LOCATED_IN it (through up to 3 LOCATED_IN steps), ESTABLISHED_IN or LEADING a unit or committee located there, or COVERING a building, park or unit located there. One walk down from the area, then what each thing found says — not a walk per kind, which tripled the work of the queries that use it. Keeps only o.
MATCH ({{node}})<-[:LOCATED_IN*1..3]-(placed)
WITH DISTINCT placed
CALL (placed) {
  WITH placed AS o WHERE o:PartyOrg
  RETURN o
  UNION
  MATCH (placed:Unit|Committee)<-[:ESTABLISHED_IN|LEADS]-(o:PartyOrg)
  RETURN o
  UNION
  MATCH (placed:Building|Park|Unit)<-[:COVERS]-(o:PartyOrg)
  RETURN o
}
