"""Importers and exporters of the organization graph: readers (CSV, XLSX, JSON, YAML), row
validation, batched upsert with an import report, exporters, the demo region and the region
generator."""
