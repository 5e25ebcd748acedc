"""Summary tables of a study's tidy results, one function per study kind.

Each function takes the tidy DataFrame written by the runner (one row per
trial x applicant x strategy, or per trial x setting) and returns a small
DataFrame: what ``matchsim run`` prints, writes to ``summary.csv`` and plots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["summarize", "SUMMARIES"]


def _type_order(df, column="applicant_type"):
    """Sort rows by applicant type in the order of APPLICANT_TYPES, "all" last."""
    from matchsim.markets import APPLICANT_TYPES

    order = {t: i for i, t in enumerate((*APPLICANT_TYPES, "all"))}
    key = df[column].map(lambda t: order.get(t, len(order)))
    return df.assign(_order=key).sort_values(["_order"], kind="stable").drop(columns="_order")


def _shares(g):
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


def _strategies(df):
    """Share of focal rows worse / same / better than truthful, per strategy.

    ``lost_match`` is the share that matched when truthful but not with the
    strategy; ``mean_ranks_lost`` how many places further down their true
    list the others ended, on average, when they did worse.
    """
    keys = ["strategy", "deviates"] if df["deviates"].nunique() > 1 else ["strategy"]
    order = list(dict.fromkeys(df["strategy"]))
    out = df.groupby(keys, sort=False)[list(df.columns)].apply(_shares).reset_index()
    out["strategy"] = pd.Categorical(out["strategy"], order, ordered=True)
    return out.sort_values(keys).reset_index(drop=True).astype({"strategy": str, "rows": int})


def _messages(df):
    """Per mode and responding strategy: worse / same / better than truthful.

    ``mode`` "check" compares the same truthful lists with and without
    messages; "alone" one responder at a time; "together" a share of
    applicants responding at once (``deviates``: whether the row's applicant
    reordered).
    """
    keys = ["mode", "strategy", "deviates"]
    out = df.groupby(keys, sort=False)[list(df.columns)].apply(_shares).reset_index()
    extra = df.groupby(keys, sort=False).agg(
        trials=("trial", "nunique"), lists_identical=("lists_identical", "all"),
        max_n_differ=("n_differ", "max")).reset_index()
    return out.merge(extra, on=keys).astype({"rows": int})


def _list_length(df):
    """P(match) by applicant type and number of programs ranked (top k of the true list)."""
    rows = []
    for (t, k), g in df.groupby(["applicant_type", "k"], sort=True):
        rows.append({"applicant_type": t, "k": int(k), "rows": len(g),
                     "mean_ranked": float(g["list_length"].mean()),
                     "p_match": float(g["matched"].mean())})
    for k, g in df.groupby("k", sort=True):
        rows.append({"applicant_type": "all", "k": int(k), "rows": len(g),
                     "mean_ranked": float(g["list_length"].mean()),
                     "p_match": float(g["matched"].mean())})
    return _type_order(pd.DataFrame(rows)).reset_index(drop=True)


def _core(df):
    """Mean number (and share) of applicants whose match differs between the two DA versions."""
    out = df.groupby(["sweep", "value"], sort=False).agg(
        trials=("trial", "nunique"),
        n_applicants=("n_applicants", "mean"),
        mean_list_length=("mean_list_length", "mean"),
        mean_differ=("n_differ", "mean"),
        max_differ=("n_differ", "max"),
        share_differ=("share_differ", "mean"),
        se_share_differ=("share_differ", lambda x: float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1
                         else float("nan")),
        trials_with_difference=("n_differ", lambda x: float((x > 0).mean())),
    ).reset_index()
    return out


def _signals(df):
    """By applicant type: interviews and match rate with and without signals."""
    def agg(g):
        return pd.Series({
            "rows": len(g),
            "interviews_with": g["interviews_with"].mean(),
            "interviews_without": g["interviews_without"].mean(),
            "interviews_gained": g["interviews_gained"].mean(),
            "interviews_lost": g["interviews_lost"].mean(),
            "match_rate_with": g["matched_with"].mean(),
            "match_rate_without": g["matched_without"].mean(),
            "match_changed": g["match_changed"].mean(),
        })
    by_type = _type_order(df.groupby("applicant_type", sort=True)[list(df.columns)].apply(agg).reset_index())
    overall = agg(df).to_frame().T
    overall.insert(0, "applicant_type", "all")
    return pd.concat([by_type, overall], ignore_index=True).astype({"rows": int})


SUMMARIES = {
    "strategies": _strategies,
    "messages": _messages,
    "list_length": _list_length,
    "core": _core,
    "signals": _signals,
}


def summarize(kind: str, results: pd.DataFrame) -> pd.DataFrame:
    """The summary table of a study of ``kind`` from its tidy ``results``.

    Parameters
    ----------
    kind : str
        A study kind (see :data:`matchsim.studies.scenario.KINDS`).
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
    if kind not in SUMMARIES:
        raise ValueError(f"kind must be one of {tuple(SUMMARIES)}, got {kind!r}")
    if results is None or len(results) == 0:
        return pd.DataFrame()
    return SUMMARIES[kind](results)
