"""The Erqi Xincun demo region (二七新村街道): the article's facts plus illustrative data.

``DEMO_BUNDLE`` is a YAML bundle in the import format; every article fact in it has
``illustrative: false`` and a note citing the article, everything else is marked
illustrative. As of ``DEMO_AS_OF`` every coverage-gap rule fails at least once, so the demo
shows each kind of gap (the file's header lists where). It is loaded into a database by
:func:`graph_service.services.demo.load_demo`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

DEMO_BUNDLE: Path = Path(__file__).resolve().parent / "demo" / "erqi_xincun.yaml"
DEMO_AS_OF: dt.date = dt.date(2026, 6, 30)
