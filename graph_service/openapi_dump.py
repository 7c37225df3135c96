"""Print the service's OpenAPI document, for the console's generated API client.

    python -m graph_service.openapi_dump > console/src/api/openapi.json

The document is the app's own (``create_app(...).openapi()``), built without Neo4j: the
app only connects in its lifespan, which is not entered here, so no database and no
password are needed. The console's ``npm run build`` generates ``schema.d.ts`` from it, so
the console and the API cannot drift apart.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from graph_service.config import Settings
from graph_service.main import create_app

# never used to connect: the lifespan, which opens the driver, does not run here
_UNUSED_PASSWORD = "openapi-dump-does-not-connect"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the app as configured (DOCS_PUBLIC, CYPHER_DIR …)."""
    settings = Settings(neo4j_password=_UNUSED_PASSWORD)
    document: dict[str, Any] = create_app(settings).openapi()
    return document


def main() -> None:
    json.dump(openapi_document(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
