// name: constraints
// mode: schema
// params:
// purpose: Unique id per node label; every domain node also carries :Entity, whose id is unique across all kinds.  Accounts are unique by name and key digest, console sessions by token digest; audit events by sequence number; follow-ups (整改台账) by id; import jobs by id.

CREATE CONSTRAINT area_id IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT party_org_id IF NOT EXISTS FOR (n:PartyOrg) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT committee_id IF NOT EXISTS FOR (n:Committee) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT building_id IF NOT EXISTS FOR (n:Building) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT park_id IF NOT EXISTS FOR (n:Park) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT meeting_id IF NOT EXISTS FOR (n:Meeting) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT service_post_id IF NOT EXISTS FOR (n:ServicePost) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT station_id IF NOT EXISTS FOR (n:Station) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT graph_service_meta_id IF NOT EXISTS FOR (n:GraphServiceMeta) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT account_name IF NOT EXISTS FOR (a:Account) REQUIRE a.name IS UNIQUE;
CREATE CONSTRAINT account_key_digest IF NOT EXISTS FOR (a:Account) REQUIRE a.key_digest IS UNIQUE;
CREATE CONSTRAINT audit_event_seq IF NOT EXISTS FOR (e:AuditEvent) REQUIRE e.seq IS UNIQUE;
CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE;
CREATE CONSTRAINT session_token_digest IF NOT EXISTS FOR (s:Session) REQUIRE s.token_digest IS UNIQUE;
CREATE CONSTRAINT follow_up_id IF NOT EXISTS FOR (f:FollowUp) REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT import_job_id IF NOT EXISTS FOR (j:ImportJob) REQUIRE j.id IS UNIQUE
