// name: indexes
// mode: schema
// params:
// purpose: Property indexes the queries filter on (a party organization's stored area among them), a CJK full-text index on names, and since/until indexes on the relationships whose absence the gap queries test (the ones not current on a date are found without a scan), and a keyword full-text index on the ids each audit event names (targets: a node, or both ends of a relationship), so an entity's history is found without reading every event (a range index does not serve membership in a list).

CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level);
CREATE INDEX unit_kind IF NOT EXISTS FOR (n:Unit) ON (n.kind);
CREATE INDEX party_org_kind IF NOT EXISTS FOR (n:PartyOrg) ON (n.kind);
CREATE INDEX party_org_resolved_area IF NOT EXISTS FOR (n:PartyOrg) ON (n.resolved_area);
CREATE INDEX committee_kind IF NOT EXISTS FOR (n:Committee) ON (n.kind);
CREATE INDEX person_party_status IF NOT EXISTS FOR (n:Person) ON (n.party_status);
CREATE INDEX building_kind IF NOT EXISTS FOR (n:Building) ON (n.kind);
CREATE INDEX member_of_since IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.since);
CREATE INDEX member_of_until IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.until);
CREATE INDEX assigned_to_since IF NOT EXISTS FOR ()-[r:ASSIGNED_TO]-() ON (r.since);
CREATE INDEX assigned_to_until IF NOT EXISTS FOR ()-[r:ASSIGNED_TO]-() ON (r.until);
CREATE INDEX covers_since IF NOT EXISTS FOR ()-[r:COVERS]-() ON (r.since);
CREATE INDEX covers_until IF NOT EXISTS FOR ()-[r:COVERS]-() ON (r.until);
CREATE INDEX member_unit_of_since IF NOT EXISTS FOR ()-[r:MEMBER_UNIT_OF]-() ON (r.since);
CREATE INDEX member_unit_of_until IF NOT EXISTS FOR ()-[r:MEMBER_UNIT_OF]-() ON (r.until);
CREATE INDEX established_in_since IF NOT EXISTS FOR ()-[r:ESTABLISHED_IN]-() ON (r.since);
CREATE INDEX established_in_until IF NOT EXISTS FOR ()-[r:ESTABLISHED_IN]-() ON (r.until);
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.name_en] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};
CREATE INDEX follow_up_subject IF NOT EXISTS FOR (f:FollowUp) ON (f.subject_id);
CREATE INDEX follow_up_status IF NOT EXISTS FOR (f:FollowUp) ON (f.status);
CREATE FULLTEXT INDEX audit_targets IF NOT EXISTS FOR (e:AuditEvent) ON EACH [e.targets] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}};
