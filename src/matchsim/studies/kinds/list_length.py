"""Study kind ``list_length``: the probability of matching against the number of programs ranked.

``sample`` applicants of each type are drawn per trial; each tries every
``k`` in ``lengths`` alone, ranking only the top ``k`` programs of their true
list while everybody else submits their truthful list. When ``k`` is at
least the applicant's number of interviews nothing is cut and the truthful
match is used. With the others fixed, the top-``k`` list matches exactly when
the truthful match is among those ``k`` programs, so the curve can only rise
with ``k``.

Rows: one per trial x sampled applicant x ``k``, with the outcome columns of
:func:`matchsim.studies.trial.outcome_rows` and ``k``.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.studies.kinds import Options, StudyKind
from matchsim.studies.trial import concat_rows, generate, outcome_rows, pick_rng

__all__ = ["KIND", "ListLengthOptions"]


class ListLengthOptions(Options):
    """The ``[list_length]`` table."""

    lengths: Annotated[tuple[Annotated[int, Meta(gt=0)], ...], Meta(
        min_length=1, description="list lengths to try (the top k of the true list)",
        examples=[[1, 2, 3]])] = tuple(range(1, 16))
    sample: Annotated[int, Meta(gt=0, description="applicants of each type per trial whose list is cut")] = 10


def trial(scenario, trial):
    opts = scenario.options
    sm = generate(scenario, trial)
    m0 = sm.market
    pick = pick_rng(scenario, trial)
    truthful = deferred_acceptance(m0).assignment
    types = np.asarray(sm.applicant_type)
    sample = []
    for t in np.unique(types):  # the same number of each type, so rare types are seen too
        members = np.flatnonzero(types == t)
        sample.append(pick.choice(members, size=min(opts.sample, members.size), replace=False))
    sample = np.sort(np.concatenate(sample)) if sample else np.zeros(0, np.int64)
    lengths = m0.applicant_list_lengths
    parts = []
    for k in opts.lengths:
        program = truthful[sample].copy()
        for i, a in enumerate(sample):
            if lengths[a] > k:
                m = m0.with_applicant_list(int(a), m0.applicant_prefs(int(a))[:k])
                program[i] = deferred_acceptance(m).assignment[a]
        parts.append(outcome_rows(trial, sm, sample, program, truthful[sample], "truncate",
                                  np.minimum(lengths[sample], k), k=np.int16(k)))
    return concat_rows(parts)


def summarize(df):
    """P(match) by applicant type and number of programs ranked (top k of the true list)."""
    import pandas as pd

    from matchsim.studies.summary import type_order

    rows = []
    for (t, k), g in df.groupby(["applicant_type", "k"], sort=True):
        rows.append({"applicant_type": t, "k": int(k), "rows": len(g),
                     "mean_ranked": float(g["list_length"].mean()),
                     "p_match": float(g["matched"].mean())})
    for k, g in df.groupby("k", sort=True):
        rows.append({"applicant_type": "all", "k": int(k), "rows": len(g),
                     "mean_ranked": float(g["list_length"].mean()),
                     "p_match": float(g["matched"].mean())})
    return type_order(pd.DataFrame(rows)).reset_index(drop=True)


def plot(summary, title=""):
    from matchsim.report.plots import percent_format, pyplot, set_title

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for t, g in summary.groupby("applicant_type", sort=False):
        style = {"color": "black", "linewidth": 2.5} if t == "all" else {"linewidth": 1.5}
        ax.plot(g["k"], g["p_match"], marker="o", markersize=3, label=t, **style)
    ax.set_xlabel("programs ranked (the top k of the applicant's true list)")
    ax.set_ylabel("probability of matching")
    ax.yaxis.set_major_formatter(percent_format())
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(title="applicant type", fontsize=8)
    set_title(ax, title, "Probability of matching against the number of programs ranked")
    return fig


KIND = StudyKind(
    name="list_length",
    question="probability of matching against the number of programs ranked, by applicant type",
    options=ListLengthOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
)
