"""Services: the work the API and the CLI both ask for, around the file formats of
:mod:`loaders` and the repositories of :mod:`graph_service.db` — an import (validate, spool,
write in batches or in one scoped transaction, audit), an export (scope, read a page at a
time, write a format) and loading the demo region.

Layers point down only (``[tool.importlinter]`` in pyproject.toml, checked by ``make lint``):
``api``/``cli`` → ``services`` → ``db`` → ``domain``; ``loaders`` (file formats) → ``domain``.
"""
