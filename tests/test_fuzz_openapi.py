"""Fuzz every operation of the service's own OpenAPI with schemathesis, in process.

The app is reached over ASGI (no server process) against the test Neo4j with the demo
region loaded. Every response must be no 5xx, carry a status code and a content type the
OpenAPI declares, and match the declared schema. Creates, updates and deletes are fuzzed
too: the database is a throwaway, and the demo is loaded once for the whole module, so
later operations meet what earlier ones left.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from tests.conftest import Neo4jUnderTest

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONFIG = schemathesis.Config.from_dict({
    # The coverage phase sends a hundred and more boundary cases to some operations, too
    # many for every test run; the examples and fuzzing phases stay.
    "phases": {"coverage": {"enabled": False}},
    # The first gap requests compile their queries on a cold Neo4j: seconds on 2 cores.
    "request-timeout": 60,
})  # fmt: skip

# The OpenAPI document depends on no setting, so it is read at collection from an app that
# is never started; the requests go to `demo_app`, which points at the test server.
# (schemathesis.pytest.from_fixture would defer it, but fails on pytest 9.2: it reads the
# removed Node._nodeid.)
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi(), config=CONFIG)


@pytest.fixture(scope="module")
def fuzz_headers(demo_database: Database) -> dict[str, str]:
    """The headers of every fuzzed request: an admin's API key, so nothing is out of scope."""
    key = add_account(demo_database, Principal.cli(), "fuzz", Role.ADMIN)
    return {"X-API-Key": key}


@pytest.fixture(scope="module")
def demo_app(neo4j_server: Neo4jUnderTest, demo_database: Database) -> FastAPI:
    """The app over the demo database. schemathesis runs its lifespan (so
    ``app.state.database`` exists) from an operation's first request to the end of that
    operation's test."""
    return create_app(neo4j_server.settings())


@pytest.mark.slow
@schema.parametrize()
# Most of the time goes to Neo4j planning each kind's queries for the first time, whatever
# the count; 5 examples keep the 164 operations near a minute and a half on 2 cores.
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(
    case: schemathesis.Case, demo_app: FastAPI, fuzz_headers: dict[str, str]
) -> None:
    # a copy: the transport adds its own headers to the dict it is given
    case.call_and_validate(app=demo_app, headers=dict(fuzz_headers), checks=CHECKS)
