"""Organization-network service for regional party building (区域化党建) on Neo4j."""

import sys

__version__ = "0.1.0"

# The neo4j driver imports pandas at once when it is installed, for Result.to_df and pandas
# parameters, neither of which this service uses; pandas is here only as ortools'
# dependency. That import cost every CLI command and every server start ~1.3 s on this
# machine. While the driver loads, pandas reads as absent (a None in sys.modules makes
# `import pandas` raise ImportError, which the driver expects); afterwards it imports as
# usual for anyone who asks.
if "neo4j" not in sys.modules and "pandas" not in sys.modules:
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import neo4j  # noqa: F401
    finally:
        del sys.modules["pandas"]
