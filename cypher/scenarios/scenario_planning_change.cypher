// name: scenario_planning_change
// mode: write
// params:
// purpose: A change that is always rolled back: it makes a transaction hold changes, as a what-if's does, so that the queries planned ahead after it (graph_service/db/warmup.py) are planned as a what-if runs them. Neo4j keeps apart the plans of a transaction that has changed the graph and of one that has not.
CREATE (n:ScenarioPlanning)
RETURN count(n) AS created
