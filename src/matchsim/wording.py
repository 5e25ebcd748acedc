"""Small pieces of English shared by the commands: ordinals, name lists, plurals.

Standard library only, so that any layer (the advisor, the readers, the
command line) can import it without cost.

Examples
--------
>>> ordinal(3), join_names(["Mercy", "City", "State"]), plural(1, "program")
('3rd', 'Mercy, City and State', '1 program')
"""

from __future__ import annotations

__all__ = ["ordinal", "join_names", "plural", "number_runs"]


def ordinal(k: int) -> str:
    """``1 -> '1st'``, ``2 -> '2nd'``, ``11 -> '11th'``, ``103 -> '103rd'``.

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd', '111th']
    """
    k = int(k)
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th') }"


def join_names(items, limit: int = 4) -> str:
    """``a``, ``a and b``, ``a, b and c``; beyond ``limit`` items the rest are counted.

    Examples
    --------
    >>> join_names([]), join_names(["A"]), join_names(["A", "B"])
    ('', 'A', 'A and B')
    >>> join_names(["A", "B", "C", "D", "E", "F"], limit=3)
    'A, B, C and 3 more'
    """
    items = [str(x) for x in items]
    if len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, with an ``s`` (or ``many``) unless ``n`` is 1.

    Examples
    --------
    >>> plural(2, "list"), plural(1, "list"), plural(3, "pair", "pairs of programs")
    ('2 lists', '1 list', '3 pairs of programs')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def number_runs(numbers) -> str:
    """Whole numbers as runs: ``[3, 4, 5, 6, 9]`` -> ``'3 to 6 and 9'``.

    A run of three or more is written ``a to b``.

    Examples
    --------
    >>> number_runs([2]), number_runs([2, 4]), number_runs([1, 2, 3, 5, 6, 8, 9, 10])
    ('2', '2 and 4', '1 to 3, 5, 6 and 8 to 10')
    """
    values = sorted({int(x) for x in numbers})
    runs, i = [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - i >= 2:
            runs.append(f"{values[i]} to {values[j]}")
        else:
            runs.extend(str(v) for v in values[i:j + 1])
        i = j + 1
    return join_names(runs, limit=len(runs))
