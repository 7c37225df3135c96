"""Input values echoed back (problem details, an import report, a log line), clipped to
:data:`MAX_ECHO_CHARS` by :func:`clip`, so a 5 MB value cannot come back as a 20 MB error.

Here, below everything, because the file formats (:mod:`loaders`) clip what they report as
well as the API does.
"""

from __future__ import annotations

MAX_ECHO_CHARS = 200


def clip(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """An input value as text fit to echo, at most ``limit`` characters long: the value
    itself, or its beginning, an ellipsis and its length.

    >>> clip("建新社区")
    '建新社区'
    >>> clip("x" * 5_000_000, 30)
    'xxxxxxxxxxx…(5000000 chars/字符)'
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    tail = f"…({len(text)} chars/字符)"
    return text[: max(limit - len(tail), 0)] + tail
