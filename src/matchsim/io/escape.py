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

import json
import re
import sys

__all__ = ["terminal_text", "csv_text", "json_for_script", "from_csv_text", "FORMULA_STARTS", "CSV_ESCAPED",
           "clip", "QUOTE_LIMIT", "json_text"]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The texts :func:`csv_text` protects: any number of single quotes, then a formula start.
CSV_ESCAPED = re.compile("'*[=+\\-@\t\r]")

#: Longest piece of a user's input that an error message quotes whole (:func:`clip`).
QUOTE_LIMIT = 60

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

    Strings starting with one of :data:`FORMULA_STARTS`, possibly after some
    single quotes (:data:`CSV_ESCAPED`), get one more leading single quote;
    other strings and all non-strings (numbers, booleans, ``None``) are
    returned unchanged. :func:`from_csv_text` undoes it.

    Examples
    --------
    >>> csv_text("-5 ranked"), csv_text("@SUM(A1)"), csv_text(0.5), csv_text("")
    ("'-5 ranked", "'@SUM(A1)", 0.5, '')
    >>> csv_text("'=1"), csv_text("'t Hooft")
    ("''=1", "'t Hooft")
    """
    if isinstance(value, str) and CSV_ESCAPED.match(value):
        return "'" + value
    return value


def from_csv_text(value):
    """The text that :func:`csv_text` turned into ``value`` (one leading quote removed).

    A string of single quotes followed by a formula start loses its first
    quote; anything else is returned unchanged, so
    ``from_csv_text(csv_text(x)) == x`` for every ``x``.

    Examples
    --------
    >>> from_csv_text("'-5 ranked"), from_csv_text("''=1"), from_csv_text("-5"), from_csv_text("'ok")
    ('-5 ranked', "'=1", '-5', "'ok")
    """
    if isinstance(value, str) and value.startswith("'") and CSV_ESCAPED.match(value, 1):
        return value[1:]
    return value


def clip(value, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as text short enough to quote in a one-line message, terminal-safe.

    Text longer than ``limit`` characters keeps its beginning and says how
    long it was; control characters become visible codes (:func:`terminal_text`).

    Examples
    --------
    >>> clip("City")
    'City'
    >>> clip("x" * 50_000_000)
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (50,000,000 characters)'
    >>> clip(10 ** 100, limit=20)
    '10000000000000000000... (101 characters)'
    """
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an integer too long for str() (Python's digit limit)
        return f"a number of more than {sys.get_int_max_str_digits():,} digits"
    if len(text) > limit:
        keep = max(limit - 20, 10) if limit > 20 else limit
        text = f"{text[:keep]}... ({len(text):,} characters)"
    return terminal_text(text)


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal may act on: DEL, the
# C1 controls and the Unicode direction controls (json already escapes U+0000-U+001F).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(doc, **kwargs) -> str:
    """``json.dumps(doc, ensure_ascii=False, **kwargs)`` with no raw control character in it.

    The characters a terminal could act on are written as JSON escapes (``\\u001b``),
    which every JSON reader turns back into the same text; for ordinary names
    the output is exactly ``json.dumps``'s.

    Examples
    --------
    >>> json_text({"name": "Mercy\u202e\x1b[2J"})
    '{"name": "Mercy\\\\u202e\\\\u001b[2J"}'
    >>> json.loads(json_text({"name": "Mercy\u202e"}))["name"] == "Mercy\u202e"
    True
    """
    text = json.dumps(doc, ensure_ascii=False, **kwargs)
    if _JSON_UNSAFE.search(text):
        text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def json_for_script(doc) -> str:
    """The JSON document as the text of a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so no name (``</script>``, ``<!--``) can end
    the element or start anything else; ``json.loads`` reads the same document back.

    Examples
    --------
    >>> print(json_for_script({"name": "</script><!--"}))
    {"name": "\\u003c/script\\u003e\\u003c!--"}
    """
    text = json.dumps(doc, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
