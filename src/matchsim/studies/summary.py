"""Summary tables of a study's tidy results: the dispatcher and shared helpers.

Each study kind (:mod:`matchsim.studies.kinds`) has a ``summarize`` function
that takes the tidy DataFrame of its trials (one row per trial x applicant x
strategy, or per trial x setting) and returns a small DataFrame: what
``matchsim run`` prints, writes to ``summary.csv`` and plots. The helpers here
are the pieces several kinds share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["summarize", "outcome_shares", "type_order"]


def type_order(df, column="applicant_type"):
    """Sort rows by applicant type in the order of APPLICANT_TYPES, "all" last."""
    from matchsim.markets import APPLICANT_TYPES

    order = {t: i for i, t in enumerate((*APPLICANT_TYPES, "all"))}
    key = df[column].map(lambda t: order.get(t, len(order)))
    return df.assign(_order=key).sort_values(["_order"], kind="stable").drop(columns="_order")


def outcome_shares(g) -> pd.Series:
    """Shares of rows better / same / worse than their baseline, for one group of outcome rows.

    ``lost_match`` is the share that matched in the baseline but not here;
    ``mean_ranks_lost`` how many places further down their true list the
    others ended, on average, when they did worse; ``matched`` the share
    matched.
    """
    n = len(g)
    out = {"rows": n}
    for o in ("better", "same", "worse"):
        out[o] = float((g["outcome"] == o).mean()) if n else np.nan
    both = g["matched"] & (g["truthful_rank"] > 0)
    worse_rank = both & (g["outcome"] == "worse")
    out["lost_match"] = float((~g["matched"] & (g["truthful_rank"] > 0)).mean()) if n else np.nan
    out["mean_ranks_lost"] = float(g.loc[worse_rank, "rank_change"].mean()) if worse_rank.any() else 0.0
    out["matched"] = float(g["matched"].mean()) if n else np.nan
    return pd.Series(out)


def summarize(kind: str, results: pd.DataFrame) -> pd.DataFrame:
    """The summary table of a study of ``kind`` from its tidy ``results``.

    Parameters
    ----------
    kind : str
        A study kind (see :data:`matchsim.studies.KINDS`).
    results : pandas.DataFrame
        Rows as written by the runner.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If ``kind`` is unknown.

    Examples
    --------
    >>> df = pd.DataFrame({"trial": [0, 0, 1], "sweep": ["size"] * 3, "value": [1.0, 2.0, 1.0],
    ...                    "n_applicants": [10, 20, 10], "mean_list_length": [3.0, 3.0, 3.0],
    ...                    "n_differ": [0, 2, 1], "share_differ": [0.0, 0.1, 0.1]})
    >>> summarize("core", df)[["value", "trials", "mean_differ"]].to_dict("list")
    {'value': [1.0, 2.0], 'trials': [2, 1], 'mean_differ': [0.5, 2.0]}
    """
    from matchsim.studies.kinds import get_kind

    study_kind = get_kind(kind)
    if results is None or len(results) == 0:
        return pd.DataFrame()
    return study_kind.summarize(results)
