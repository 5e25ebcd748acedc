"""Cells of the rank-list spreadsheet: spaces, ordinals (``3rd``), numbers with decimal commas, whole ranks.

Part of the reader :mod:`matchsim.io.rank_file`, shared with :mod:`matchsim.io.rank_lists`.

Examples
--------
>>> _whole_rank("3rd", False), _whole_rank("2,0", True), _whole_rank("1.5", False)
(3, 2, None)
"""

from __future__ import annotations

import math

__all__: list = []


def _clean(cell) -> str:
    return " ".join(str(cell).replace("\u00a0", " ").split())


def _strip_ordinal(text: str) -> str:
    """``"3rd"`` -> ``"3"`` (people write ranks as ordinals); anything else unchanged.

    Examples
    --------
    >>> _strip_ordinal("3rd"), _strip_ordinal("21ST"), _strip_ordinal("first")
    ('3', '21', 'first')
    """
    t = text.strip()
    if len(t) > 2 and t[:-2].isdigit() and t[-2:].lower() in ("st", "nd", "rd", "th"):
        return t[:-2]
    return t


def _number(text: str, decimal_comma: bool):
    t = text.strip().replace(" ", "")
    if decimal_comma and "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _whole_rank(cell, decimal_comma):
    """The cell as a whole number from 1 (``"3"``, ``"3.0"``, ``"3rd"``), or None."""
    v = _number(_strip_ordinal(cell), decimal_comma)
    if v is None or v < 1 or v != int(v):
        return None
    return int(v)


def _filled(sheet, c, rows=None):
    """``(program index, row number, cell)`` of each non-empty cell of column ``c``."""
    for j, (line, cells) in enumerate(sheet.body if rows is None else rows):
        if cells[c]:
            yield j, line, cells[c]
