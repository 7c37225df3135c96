"""Organization-network service for regional party building (区域化党建) on Neo4j."""

__version__ = "0.1.0"
