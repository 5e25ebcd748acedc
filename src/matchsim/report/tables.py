"""Summary tables for the terminal (rich) and for scripts (plain records).

Columns holding shares (``better``, ``p_match``, ``match_rate_with``...) are
shown as percentages, counts as integers, everything else with two decimals.
"""

from __future__ import annotations

import math

__all__ = ["HEADERS", "SHARE_COLUMNS", "format_value", "summary_table", "summary_records"]

#: Summary columns that hold a share in [0, 1], shown as percentages.
SHARE_COLUMNS = frozenset({
    "better", "same", "worse", "lost_match", "matched", "p_match", "share_differ",
    "trials_with_difference", "match_rate_with", "match_rate_without", "match_changed",
})


#: Shorter headers for the terminal (summary.csv keeps the full names).
HEADERS = {
    "mean_ranks_lost": "ranks lost",
    "lost_match": "lost match",
    "lists_identical": "same lists",
    "max_n_differ": "max moved",
    "trials_with_difference": "trials differing",
    "mean_list_length": "list length",
    "interviews_without": "interviews w/o",
    "interviews_with": "interviews with",
    "match_rate_without": "match w/o",
    "match_rate_with": "match with",
}


def format_value(column: str, value) -> str:
    """Text of one summary cell.

    Examples
    --------
    >>> format_value("better", 0.0), format_value("worse", 0.25), format_value("rows", 60.0)
    ('0.0%', '25.0%', '60')
    >>> format_value("mean_ranks_lost", 2.345), format_value("strategy", "truncate")
    ('2.35', 'truncate')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if column in SHARE_COLUMNS:
        return f"{100 * float(value):.1f}%"
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f.is_integer() and (column in ("rows", "trials", "k") or column.startswith(("n_", "max_"))):
        return str(int(f))
    return f"{f:.2f}"


def summary_table(summary, title: str = "", drop=()):
    """A :class:`rich.table.Table` of a summary DataFrame, without the columns in ``drop``."""
    from rich import box
    from rich.table import Table

    summary = summary.drop(columns=[c for c in drop if c in summary.columns])
    table = Table(title=title or None, title_justify="left", box=box.SIMPLE_HEAD)
    for col in summary.columns:
        numeric = summary[col].dtype.kind in "fiu"
        # names (strategies, types) are kept whole; numbers give way when the terminal is narrow
        width = None if numeric else min(max(summary[col].astype(str).str.len().max(), 4), 16)
        table.add_column(HEADERS.get(col, col.replace("_", " ")), justify="right" if numeric else "left", min_width=width)
    for row in summary.itertuples(index=False):
        table.add_row(*(format_value(c, v) for c, v in zip(summary.columns, row)))
    return table


def summary_records(summary) -> list[dict]:
    """The summary as a list of JSON-ready dicts (NaN becomes ``None``).

    Examples
    --------
    >>> import pandas as pd
    >>> summary_records(pd.DataFrame({"k": [1], "p_match": [float("nan")]}))
    [{'k': 1, 'p_match': None}]
    """
    out = []
    for rec in summary.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            if hasattr(v, "item"):
                v = v.item()
            if isinstance(v, float) and math.isnan(v):
                v = None
            clean[k] = v
        out.append(clean)
    return out
