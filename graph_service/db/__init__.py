"""The query registry and the code that runs Cypher."""
