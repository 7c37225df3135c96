// name: ping
// mode: read
// params:
// purpose: The cheapest round trip that proves the database answers.
RETURN 1 AS ok
