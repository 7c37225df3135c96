// name: indexes
// mode: schema
// params:
// purpose: Property indexes the queries filter on, and a CJK full-text index on names.

CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level);
CREATE INDEX unit_kind IF NOT EXISTS FOR (n:Unit) ON (n.kind);
CREATE INDEX party_org_kind IF NOT EXISTS FOR (n:PartyOrg) ON (n.kind);
CREATE INDEX committee_kind IF NOT EXISTS FOR (n:Committee) ON (n.kind);
CREATE INDEX person_party_status IF NOT EXISTS FOR (n:Person) ON (n.party_status);
CREATE INDEX building_kind IF NOT EXISTS FOR (n:Building) ON (n.kind);
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.name_en] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};
