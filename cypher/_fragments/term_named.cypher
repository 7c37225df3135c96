// fragment: term_named
// params: since
// purpose: True when the relationship {{node}} is the term of its pair that starts on $since (a date, or null: the term whose start is not recorded). Terms of one pair never overlap, so at most one is named (domain/terms.py).
(({{node}}.since IS NULL AND $since IS NULL) OR {{node}}.since = $since)
