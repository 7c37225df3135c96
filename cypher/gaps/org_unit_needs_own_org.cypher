// rule: ORG_UNIT_NEEDS_OWN_ORG
// params: as_of, area, min_formal_members
// carries: declared, employed
// impact: condition
// detail: {declared_formal_members: declared, employed_formal_members: employed}
// purpose: Units with $min_formal_members (default 3) or more formal party members (the larger of the formal_party_members property and the formal members currently EMPLOYED_BY the unit) and no current ESTABLISHED_IN organization. Impact: those formal party members. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Unit)
    WHERE NOT (n)<-[:ESTABLISHED_IN]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Unit)<-[r:ESTABLISHED_IN]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Unit)<-[r:ESTABLISHED_IN]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE NOT EXISTS {
      MATCH (:PartyOrg)-[o:ESTABLISHED_IN]->(n)
      WHERE {{> current o}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Unit}}
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[o:ESTABLISHED_IN]->(n)
    WHERE {{> current o}}
  }
  RETURN n
}
// fewer people employed at all than the threshold: fewer formal members (a degree check)
WITH n, coalesce(n.formal_party_members, 0) AS declared
WHERE declared >= $min_formal_members OR COUNT { (n)<-[:EMPLOYED_BY]-() } >= $min_formal_members
WITH n, declared, COUNT {
       MATCH (:Person {party_status: 'formal'})-[e:EMPLOYED_BY]->(n)
       WHERE {{> current e}}
     } AS employed
WITH n, declared, employed,
     CASE WHEN declared >= employed THEN declared ELSE employed END AS impact
WHERE impact >= $min_formal_members
