"""File formats and test data of the organization graph, depending on the domain only:
readers (CSV, XLSX, JSON, YAML), rows and the import report's problems, spreadsheet cells,
the formats' writers (exporters), the XLSX template; the demo bundle, the region generator
and its ground-truth evaluator. The services that read and write Neo4j with them are in
:mod:`graph_service.services`."""
