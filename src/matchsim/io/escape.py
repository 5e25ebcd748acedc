"""Make names from users' files safe to print in a terminal and to open in a spreadsheet.

Names of applicants, programs and lists come from users' files and are shown
as they were written. Two kinds of text in a name would do harm on the way out:

* **Control characters** (escape sequences that clear the screen, move the
  cursor or change colours; carriage returns that overwrite a line; Unicode
  direction overrides that make text read backwards). :func:`terminal_text`
  writes each of them as a visible ``\\xNN`` / ``\\uNNNN`` code, so the name
  can still be recognised and nothing is executed by the terminal.
* **Spreadsheet formulas**: a cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return is run as a formula by Excel and LibreOffice
  (OWASP, "CSV Injection"). :func:`csv_text` puts a single quote in front of
  such a text cell, which spreadsheets show as the plain text; numbers are
  never changed.

Both are plain functions on strings (standard library only), used by every
command and writer that shows or saves a name.

Examples
--------
>>> terminal_text("Mercy\\x1b[2J")
'Mercy\\\\x1b[2J'
>>> csv_text("=HYPERLINK(1)"), csv_text("City"), csv_text(-3)
("'=HYPERLINK(1)", 'City', -3)
"""

from __future__ import annotations

import re

__all__ = ["terminal_text", "csv_text", "FORMULA_STARTS"]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# C0 controls, DEL, C1 controls, and the Unicode bidirectional controls
# (embeddings, overrides, isolates and marks) that can reorder what is shown.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _code(match: re.Match) -> str:
    c = ord(match.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_text(text) -> str:
    """``text`` with every control character written as a visible code.

    Parameters
    ----------
    text : object
        Converted with ``str``.

    Returns
    -------
    str
        The same text when it holds no control characters (the usual case).

    Examples
    --------
    >>> terminal_text("St. Mary's"), terminal_text("a\\tb\\u202e")
    ("St. Mary's", 'a\\\\x09b\\\\u202e')
    """
    text = str(text)
    return _UNSAFE.sub(_code, text) if _UNSAFE.search(text) else text


def csv_text(value):
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Strings starting with one of :data:`FORMULA_STARTS` get a leading single
    quote; other strings and all non-strings (numbers, booleans, ``None``) are
    returned unchanged.

    Examples
    --------
    >>> csv_text("-5 ranked"), csv_text("@SUM(A1)"), csv_text(0.5), csv_text("")
    ("'-5 ranked", "'@SUM(A1)", 0.5, '')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
