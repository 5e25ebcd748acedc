"""Cells of the rank-list spreadsheet: spaces, ordinals (``3rd``), numbers with decimal commas, whole ranks.

Part of the reader :mod:`matchsim.io.rank_file`, shared with :mod:`matchsim.io.rank_lists`.

Examples
--------
>>> whole_rank("3rd", False), whole_rank("2,0", True), whole_rank("1.5", False)
(3, 2, None)
"""

from __future__ import annotations

import math

__all__ = ["clean_cell", "strip_ordinal", "parse_number", "whole_rank", "filled_cells"]


def clean_cell(cell) -> str:
    """The cell as text with runs of spaces (and no-break spaces) made one space, trimmed.

    Examples
    --------
    >>> clean_cell("  Mercy\u00a0  General ")
    'Mercy General'
    """
    return " ".join(str(cell).replace("\u00a0", " ").split())


def strip_ordinal(text: str) -> str:
    """``"3rd"`` -> ``"3"`` (people write ranks as ordinals); anything else unchanged.

    Examples
    --------
    >>> strip_ordinal("3rd"), strip_ordinal("21ST"), strip_ordinal("first")
    ('3', '21', 'first')
    """
    t = text.strip()
    if len(t) > 2 and t[:-2].isdigit() and t[-2:].lower() in ("st", "nd", "rd", "th"):
        return t[:-2]
    return t


def parse_number(text: str, decimal_comma: bool):
    """The cell as a float (a decimal comma read as a point when ``decimal_comma``), or None.

    Examples
    --------
    >>> parse_number("0,5", True), parse_number(" 12 ", False)
    (0.5, 12.0)
    """
    t = text.strip().replace(" ", "")
    if decimal_comma and "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def whole_rank(cell, decimal_comma):
    """The cell as a whole number from 1 (``"3"``, ``"3.0"``, ``"3rd"``), or None."""
    v = parse_number(strip_ordinal(cell), decimal_comma)
    if v is None or v < 1 or v != int(v):
        return None
    return int(v)


def filled_cells(sheet, c, rows=None):
    """``(program index, row number, cell)`` of each non-empty cell of column ``c``."""
    for j, (line, cells) in enumerate(sheet.body if rows is None else rows):
        if cells[c]:
            yield j, line, cells[c]
