"""Keep personal data out of the logs: every record's message is passed through
:func:`graph_service.domain.personal.redact` (phone and ID numbers masked)."""

from __future__ import annotations

import logging

from graph_service.domain.personal import redact


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Attach the filter to the root logger's and uvicorn's handlers (idempotent)."""
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        targets: list[logging.Filterer] = [logger, *logger.handlers]
        for target in targets:
            if not any(isinstance(f, RedactPersonalData) for f in target.filters):
                target.addFilter(RedactPersonalData())
