"""One thin router per resource; no Cypher here."""
