"""Study kind ``strategies``: truthful ranking against each alternative strategy.

In every trial a market is drawn. With ``who = "focal"``, ``focal``
applicants are picked and each one, alone, swaps their truthful list for
each strategy of ``compare`` while everybody else ranks truthfully; the
Match is run again on the same market. With ``who = "share"`` (a random
``share`` of applicants) or ``"everybody"``, the deviators use the strategy
together, and ``record`` applicants of each group (deviators, others) are
recorded. Outcomes are judged in true
preferences; without couples no strategy can do better than truthful ranking
(Dubins & Freedman 1981; Roth 1982).

Rows: one per trial x recorded applicant x strategy (``truthful`` included),
with the outcome columns of :func:`matchsim.studies.trial.outcome_rows` and
``deviates``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.strategies import STRATEGIES, apply_strategy
from matchsim.studies.kinds import OptionError, Options, StrategyName, StudyKind
from matchsim.studies.trial import (alone, concat_rows, generate, mask_of, outcome_rows, pick_rng,
                                    strategy_rng)

__all__ = ["KIND", "WHO", "StrategiesOptions"]

#: Who uses the strategies being compared.
WHO = ("focal", "share", "everybody")


class StrategiesOptions(Options):
    """The ``[strategies]`` table (its ``[strategies.NAME]`` sub-tables hold strategy parameters)."""

    who: Annotated[Literal[WHO], Meta(description="who deviates: focal, share or everybody")] = "focal"
    focal: Annotated[int, Meta(gt=0, description="with who = focal: applicants per trial, each deviating alone")] = 10
    share: Annotated[float, Meta(ge=0.0, le=1.0,
                                 description="with who = share: the share of applicants that deviate together")] = 0.2
    record: Annotated[int, Meta(gt=0, description=(
        "with who = share or everybody: applicants recorded per trial in each group"))] = 10
    compare: Annotated[tuple[StrategyName, ...], Meta(
        description="strategies compared with truthful", examples=[["truncate"]])] = tuple(
            s for s in STRATEGIES if s != "truthful")


def check(scenario):
    if not scenario.options.compare:
        raise OptionError("strategies.compare",
                          "the list is empty; name at least one strategy to compare with truthful")


def trial(scenario, trial):
    opts = scenario.options
    sm = generate(scenario, trial)
    m0 = sm.market
    n = m0.n_applicants
    pick = pick_rng(scenario, trial)
    truthful = deferred_acceptance(m0).assignment
    lengths0 = m0.applicant_list_lengths
    parts = []
    if opts.who == "focal":
        focal = np.sort(pick.choice(n, size=min(opts.focal, n), replace=False))
        parts.append(outcome_rows(trial, sm, focal, truthful[focal], truthful[focal], "truthful",
                                  lengths0[focal], deviates=True))
        for s in opts.compare:
            lists = apply_strategy(sm, s, mask_of(n, focal), rng=strategy_rng(scenario, trial, s),
                                   **scenario.strategy_params.get(s, {}))
            program, _ = alone(m0, lists, focal, truthful)
            parts.append(outcome_rows(trial, sm, focal, program, truthful[focal], s,
                                      lists.applicant_list_lengths[focal], deviates=True))
    else:
        if opts.who == "everybody":
            mask = np.ones(n, dtype=bool)
        else:
            mask = pick.random(n) < opts.share
        dev, stay = np.flatnonzero(mask), np.flatnonzero(~mask)
        k = opts.record
        rec_dev = np.sort(pick.choice(dev, size=min(k, dev.size), replace=False))
        rec_stay = np.sort(pick.choice(stay, size=min(k, stay.size), replace=False))
        rec = np.concatenate([rec_dev, rec_stay])
        deviates = np.concatenate([np.ones(rec_dev.size, bool), np.zeros(rec_stay.size, bool)])
        parts.append(outcome_rows(trial, sm, rec, truthful[rec], truthful[rec], "truthful", lengths0[rec],
                                  deviates=deviates))
        for s in opts.compare:
            m = apply_strategy(sm, s, mask, rng=strategy_rng(scenario, trial, s),
                               **scenario.strategy_params.get(s, {}))
            r = deferred_acceptance(m).assignment
            parts.append(outcome_rows(trial, sm, rec, r[rec], truthful[rec], s, m.applicant_list_lengths[rec],
                                      deviates=deviates))
    return concat_rows(parts)


def summarize(df):
    """Share of recorded rows worse / same / better than truthful, per strategy.

    ``lost_match`` is the share that matched when truthful but not with the
    strategy; ``mean_ranks_lost`` how many places further down their true
    list the others ended, on average, when they did worse.
    """
    import pandas as pd

    from matchsim.studies.summary import outcome_shares

    keys = ["strategy", "deviates"] if df["deviates"].nunique() > 1 else ["strategy"]
    order = list(dict.fromkeys(df["strategy"]))
    out = df.groupby(keys, sort=False)[list(df.columns)].apply(outcome_shares).reset_index()
    out["strategy"] = pd.Categorical(out["strategy"], order, ordered=True)
    return out.sort_values(keys).reset_index(drop=True).astype({"strategy": str, "rows": int})


def plot(summary, title=""):
    """One bar per strategy (with who = share or everybody: one for its users, one for the others)."""
    from matchsim.report.plots import outcome_figure

    table = summary[summary["strategy"] != "truthful"]
    if "deviates" in table:
        labels = [f"{s} ({'its users' if d else 'the others'})" for s, d in zip(table["strategy"], table["deviates"])]
        xlabel = "share of the applicants recorded in each group, over all trials"
    else:
        labels = list(table["strategy"])
        xlabel = "share of the focal applicants, over all trials"
    return outcome_figure(labels, table, title=title, xlabel=xlabel,
                          default_title="Each strategy against ranking in true order (same market, same applicant)")


KIND = StudyKind(
    name="strategies",
    question="truthful ranking against each alternative strategy, for focal applicants",
    options=StrategiesOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
    check=check,
)
