"""Study kind ``signals``: preference signals before interviews change who interviews whom.

The same market is drawn with and without pre-interview signals. Both draws
use the same seed, so applicants, programs and tastes are the same; only who
interviews whom can differ, and through the rank lists that come from
interviews, the Match. One row per (sampled) applicant: interviews and
outcome with signals and without; ``interviews_gained`` counts programs that
interviewed the applicant only with signals, ``interviews_lost`` only
without.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.market import UNMATCHED
from matchsim.studies.kinds import Options, StudyKind
from matchsim.studies.trial import generate, pick_rng, row_sums, rows_not_in, type_names

__all__ = ["KIND", "SignalsOptions"]


class SignalsOptions(Options):
    """The ``[signals]`` table."""

    sample: Annotated[int, Meta(ge=0, description="applicants recorded per trial (0 = all)")] = 0


def trial(scenario, trial):
    params = scenario.market_params()
    on = generate(scenario, trial, params)
    off = generate(scenario, trial, dataclasses.replace(params, n_signals=0))
    mon, moff = on.market, off.market
    n = mon.n_applicants
    ron = deferred_acceptance(mon).assignment
    roff = deferred_acceptance(moff).assignment
    k = scenario.options.sample
    if k and k < n:
        who = np.sort(pick_rng(scenario, trial).choice(n, size=k, replace=False))
    else:
        who = np.arange(n)
    n_signals = row_sums(mon.applicant_ptr, np.asarray(on.signal))
    gained = rows_not_in(mon, moff)
    lost = rows_not_in(moff, mon)
    return {
        "trial": np.full(who.size, trial, dtype=np.int32),
        "applicant": who.astype(np.int32),
        "applicant_type": type_names(on, who),
        "signals_interviewed": n_signals[who].astype(np.int16),
        "interviews_with": mon.applicant_list_lengths[who].astype(np.int16),
        "interviews_without": moff.applicant_list_lengths[who].astype(np.int16),
        "interviews_gained": gained[who].astype(np.int16),
        "interviews_lost": lost[who].astype(np.int16),
        "matched_with": ron[who] != UNMATCHED,
        "matched_without": roff[who] != UNMATCHED,
        "program_with": ron[who].astype(np.int32),
        "program_without": roff[who].astype(np.int32),
        "match_changed": ron[who] != roff[who],
    }


def summarize(df):
    """By applicant type: interviews and match rate with and without signals."""
    import pandas as pd

    from matchsim.studies.summary import type_order

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
    by_type = type_order(df.groupby("applicant_type", sort=True)[list(df.columns)].apply(agg).reset_index())
    overall = agg(df).to_frame().T
    overall.insert(0, "applicant_type", "all")
    return pd.concat([by_type, overall], ignore_index=True).astype({"rows": int})


def plot(summary, title=""):
    from matchsim.report.plots import COLORS, percent_format, pyplot, set_title

    plt = pyplot()
    x = np.arange(len(summary))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    ax.bar(x - 0.2, summary["match_rate_without"], 0.4, label="without signals", color=COLORS["same"])
    ax.bar(x + 0.2, summary["match_rate_with"], 0.4, label="with signals", color=COLORS["better"])
    ax.set_xticks(x, summary["applicant_type"], fontsize=8, rotation=20)
    ax.set_ylabel("match rate")
    ax.yaxis.set_major_formatter(percent_format())
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("who matches", fontsize=10)
    if "interviews_gained" in summary:
        ax2.bar(x - 0.2, summary["interviews_gained"], 0.4, label="interviews only with signals",
                color=COLORS["better"])
        ax2.bar(x + 0.2, summary["interviews_lost"], 0.4, label="interviews only without signals",
                color=COLORS["worse"])
        ax2.set_xticks(x, summary["applicant_type"], fontsize=8, rotation=20)
        ax2.set_ylabel("interviews per applicant")
        ax2.legend(fontsize=8)
        ax2.set_title("who interviews whom", fontsize=10)
    set_title(fig, title, "Preference signals before interviews")
    return fig


KIND = StudyKind(
    name="signals",
    question="preference signals before interviews change who interviews whom, and so the Match",
    options=SignalsOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
)
