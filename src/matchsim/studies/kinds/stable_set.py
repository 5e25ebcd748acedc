"""Study kind ``stable_set``: how many stable matchings, and who has more than one stable partner.

Markets of ``n`` applicants and ``n`` one-position programs in which every
applicant ranks ``k`` programs, uniformly at random (``uniform``) or by a
common quality plus individual noise (``correlated``, weight ``correlation``
on the common part); programs rank everyone who ranked them, the same way.
Two sweeps: market size (``sizes`` at the first list length) and list length
(``list_lengths`` at the first size). Each market's set of stable matchings is
computed with :mod:`matchsim.engine.lattice`.

Rows: one per trial x preference model x setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from msgspec import Meta

from matchsim.engine.lattice import stable_lattice
from matchsim.market import Market
from matchsim.studies.kinds import Options, StudyKind
from matchsim.studies.trial import trial_seed

__all__ = ["KIND", "StableSetOptions", "random_market"]

_STREAM = 7


class StableSetOptions(Options):
    """The ``[stable_set]`` table."""

    sizes: Annotated[tuple[Annotated[int, Meta(gt=1)], ...], Meta(
        min_length=1, description="numbers of applicants (= programs)", examples=[[100, 400]])] = (
        100, 200, 400, 800)
    list_lengths: Annotated[tuple[Annotated[int, Meta(gt=0)], ...], Meta(
        min_length=1, description="programs ranked by each applicant", examples=[[5, 10]])] = (5, 10, 20, 40)
    preferences: Annotated[tuple[Literal["uniform", "correlated"], ...], Meta(
        min_length=1, description="preference models")] = ("uniform", "correlated")
    correlation: Annotated[float, Meta(ge=0, le=1, description="weight of the common quality")] = 0.5


def random_market(n: int, k: int, model: str, correlation: float, rng) -> Market:
    """``n`` applicants ranking ``k`` of ``n`` one-position programs (see the module docstring).

    Examples
    --------
    >>> m = random_market(5, 2, "uniform", 0.5, 0)
    >>> m.n_applicants, m.applicant_list_lengths.tolist()
    (5, [2, 2, 2, 2, 2])
    """
    rng = np.random.default_rng(rng)
    k = min(k, n)
    w = correlation if model == "correlated" else 0.0
    quality = rng.random(n)
    score = w * quality[None, :] + (1 - w) * rng.random((n, n))
    a_lists = np.argsort(-score, axis=1)[:, :k]
    merit = rng.random(n)
    p_score = w * merit[None, :] + (1 - w) * rng.random((n, n))  # program x applicant
    p_lists = []
    for p in range(n):
        who = np.flatnonzero((a_lists == p).any(axis=1))
        p_lists.append(who[np.argsort(-p_score[p, who])])
    return Market.from_lists(list(a_lists), p_lists, np.ones(n, dtype=np.int32))


_COLUMNS = {"trial": np.int32, "preferences": str, "sweep": str, "value": np.int32, "n_applicants": np.int32,
            "list_length": np.int32, "rotations": np.int32, "stable_matchings": np.float64,
            "several_partners": np.int32, "share_several": np.float64}


def trial(scenario, trial):
    opts = scenario.options
    settings = [("size", n, n, opts.list_lengths[0]) for n in opts.sizes]
    settings += [("list_length", k, opts.sizes[0], k) for k in opts.list_lengths]
    seeds = trial_seed(scenario.seed, trial, _STREAM).spawn(len(settings) * len(opts.preferences))
    rows = {c: [] for c in _COLUMNS}
    i = 0
    for model in opts.preferences:
        for sweep, value, n, k in settings:
            lat = stable_lattice(random_market(n, k, model, opts.correlation, seeds[i]))
            i += 1
            count = lat.count()
            several = int(np.count_nonzero(lat.n_stable_partners() > 1))
            for c, v in (("trial", trial), ("preferences", model), ("sweep", sweep), ("value", value),
                         ("n_applicants", n), ("list_length", min(k, n)), ("rotations", lat.n_rotations),
                         ("stable_matchings", float("nan") if count is None else float(count)),
                         ("several_partners", several), ("share_several", several / n)):
                rows[c].append(v)
    return {c: np.asarray(v, dtype=_COLUMNS[c]) for c, v in rows.items()}


def summarize(df):
    """Mean number of stable matchings and share of applicants with several stable partners."""
    return df.groupby(["preferences", "sweep", "value"], sort=False).agg(
        trials=("trial", "nunique"),
        mean_stable_matchings=("stable_matchings", "mean"),
        max_stable_matchings=("stable_matchings", "max"),
        mean_rotations=("rotations", "mean"),
        share_several=("share_several", "mean"),
    ).reset_index()


def plot(summary, title=""):
    from matchsim.report.plots import percent_format, pyplot, set_title

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained", sharey=True)
    for ax, sweep, label in ((axes[0], "size", "applicants (= programs)"),
                             (axes[1], "list_length", "programs ranked per applicant")):
        for model, g in summary[summary["sweep"] == sweep].groupby("preferences", sort=False):
            ax.plot(g["value"], g["share_several"], marker="o", label=model)
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_formatter(percent_format(decimals=1))
    axes[0].set_ylabel("applicants with more than one stable partner")
    axes[0].legend()
    set_title(fig, title, "The set of stable matchings: who could be matched elsewhere")
    return fig


KIND = StudyKind(
    name="stable_set",
    question="how many stable matchings, and applicants with more than one stable partner",
    options=StableSetOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
)
