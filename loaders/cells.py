"""Spreadsheet cells safe from CSV injection, and back.

A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with one leading apostrophe; the CSV and
XLSX readers take exactly that apostrophe off again, so the round trip is exact.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    rest = text.lstrip("'")
    return rest != "" and rest[0] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """Text made safe for a spreadsheet cell: one ``'`` before a formula-like start.

    >>> neutralise("=1+1")
    "'=1+1"
    >>> neutralise("-")
    "'-"
    >>> neutralise("'=x")
    "''=x"
    >>> neutralise("二七新村")
    '二七新村'
    """
    return "'" + text if _looks_like_formula(text) else text


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise`, for the CSV and XLSX readers.

    >>> unneutralise("'=1+1")
    '=1+1'
    >>> unneutralise("''=x")
    "'=x"
    >>> unneutralise("'quoted")
    "'quoted"
    """
    return text[1:] if text.startswith("'") and _looks_like_formula(text) else text
