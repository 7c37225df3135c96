// fragment: current
// params: as_of
// purpose: True when the relationship {{node}} is current on $as_of: it has begun (no since, or since on or before $as_of) and not ended (no until, or until on or after $as_of). The one test of "current" every gap rule uses; SCHED_EXPIRED alone reads relationships that are not.
({{node}}.since IS NULL OR {{node}}.since <= $as_of) AND ({{node}}.until IS NULL OR {{node}}.until >= $as_of)
