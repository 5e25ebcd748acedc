"""Study kind ``messages``: post-interview messages never enter the algorithm.

Every trial draws a market with post-interview messages and, from the same
seed, the same market without them (a second, independent draw with
``message_rate = 0``: applicants, programs, tastes and interviews are drawn
before messages, so the two must agree on everything but the messages).
Rows of four kinds (column ``mode``):

* ``"check"``: everybody ranks truthfully; rows for (up to ``record``)
  applicants who received a message, comparing their match in the market
  with messages and in the same market without them (``outcome`` is
  ``"same"``). ``lists_identical`` says whether all rank lists were equal in
  the two markets, ``n_differ`` counts applicants, in the whole market, whose
  match differs (0 whenever the lists are identical: the algorithm reads only
  lists).
* ``"alone"``: a focal applicant whose list changes when they respond to
  their messages (strategy in ``respond``) reorders while everybody else
  ranks truthfully; compared with their truthful outcome (never
  ``"better"``).
* ``"no messages"``: the same responders in the same market without messages
  have nothing to respond to; their lists stay truthful (``lists_identical``)
  and no match in the market changes (``n_differ`` is 0). Rows for up to
  ``record`` of them.
* ``"together"``: a share of applicants respond at once; rows for every
  applicant whose list or match changed, ``deviates`` telling whether they
  reordered themselves.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.strategies import apply_strategy
from matchsim.studies.kinds import Options, StrategyName, StudyKind
from matchsim.studies.trial import (alone, concat_rows, generate, outcome_rows, pick_rng, row_sums,
                                    rows_differ, strategy_rng)

__all__ = ["KIND", "MessagesOptions"]


class MessagesOptions(Options):
    """The ``[messages]`` table."""

    respond: Annotated[tuple[StrategyName, ...], Meta(
        description="strategies of applicants who react to messages",
        examples=[["signal_chasing"]])] = ("signal_chasing", "promise_keeper")
    focal: Annotated[int, Meta(gt=0, description="responders tried one at a time per trial")] = 20
    record: Annotated[int, Meta(gt=0, description=(
        "applicants recorded per trial in the check and the no-messages rows"))] = 20
    share: Annotated[float, Meta(ge=0.0, le=1.0, description="share of applicants who respond together")] = 0.25


def trial(scenario, trial):
    opts = scenario.options
    params = scenario.market_params()
    sm = generate(scenario, trial, params)
    # the same market drawn again from the same seed, with no program sending a message:
    # a separate draw, so "identical lists, identical matches" is checked, not assumed
    quiet = generate(scenario, trial, dataclasses.replace(params, message_rate=0.0))
    m0, q0 = sm.market, quiet.market
    n = m0.n_applicants
    pick = pick_rng(scenario, trial)
    truthful = deferred_acceptance(m0).assignment
    truthful_quiet = deferred_acceptance(q0).assignment
    lists_same = not rows_differ(m0, q0).any()
    n_differ = np.int32(np.count_nonzero(truthful != truthful_quiet))
    got = row_sums(m0.applicant_ptr, np.asarray(sm.message) != 0)
    recipients = np.flatnonzero(got > 0)
    rec = np.sort(pick.choice(recipients, size=min(opts.record, recipients.size), replace=False))
    parts = [outcome_rows(trial, sm, rec, truthful[rec], truthful_quiet[rec], "truthful",
                          m0.applicant_list_lengths[rec], mode="check", deviates=False,
                          lists_identical=lists_same, n_differ=n_differ)]
    together = pick.random(n) < opts.share  # the same responders under every strategy
    for s in opts.respond:
        params = scenario.strategy_params.get(s, {})
        everybody = apply_strategy(sm, s, np.ones(n, dtype=bool), rng=strategy_rng(scenario, trial, s),
                                   **params)
        movers = np.flatnonzero(rows_differ(m0, everybody))
        choose = strategy_rng(scenario, trial, s, purpose=1)
        focal = np.sort(choose.choice(movers, size=min(opts.focal, movers.size), replace=False))
        program, changed = alone(m0, everybody, focal, truthful)
        parts.append(outcome_rows(trial, sm, focal, program, truthful[focal], s,
                                  everybody.applicant_list_lengths[focal], mode="alone", deviates=True,
                                  lists_identical=False, n_differ=changed))
        # the same responders in the same market without messages: nothing to respond to
        mq = apply_strategy(quiet, s, together, rng=strategy_rng(scenario, trial, s), **params)
        rq = deferred_acceptance(mq).assignment
        quiet_same = not rows_differ(q0, mq).any()
        responders = np.flatnonzero(together)
        rec_q = np.sort(choose.choice(responders, size=min(opts.record, responders.size), replace=False))
        parts.append(outcome_rows(trial, sm, rec_q, rq[rec_q], truthful[rec_q], s,
                                  mq.applicant_list_lengths[rec_q], mode="no messages", deviates=False,
                                  lists_identical=quiet_same,
                                  n_differ=np.int32(np.count_nonzero(rq != truthful))))
        m = apply_strategy(sm, s, together, rng=strategy_rng(scenario, trial, s), **params)
        r = deferred_acceptance(m).assignment
        reordered = rows_differ(m0, m)
        rec = np.flatnonzero(reordered | (r != truthful))
        parts.append(outcome_rows(trial, sm, rec, r[rec], truthful[rec], s, m.applicant_list_lengths[rec],
                                  mode="together", deviates=reordered[rec], lists_identical=False,
                                  n_differ=np.int32(np.count_nonzero(r != truthful))))
    return concat_rows(parts)


def summarize(df):
    """Per mode and responding strategy: worse / same / better than truthful.

    ``mode`` "check" compares the same truthful lists with and without
    messages; "alone" one responder at a time; "together" a share of
    applicants responding at once (``deviates``: whether the row's applicant
    reordered).
    """
    from matchsim.studies.summary import outcome_shares

    keys = ["mode", "strategy", "deviates"]
    out = df.groupby(keys, sort=False)[list(df.columns)].apply(outcome_shares).reset_index()
    extra = df.groupby(keys, sort=False).agg(
        trials=("trial", "nunique"), lists_identical=("lists_identical", "all"),
        max_n_differ=("n_differ", "max")).reset_index()
    return out.merge(extra, on=keys).astype({"rows": int})


#: What each bar of the plot compares, by (mode, whether the applicants reordered).
BARS = {
    ("check", False): "truthful lists:\nwith messages vs without",
    ("no messages", False): "{s}, no messages:\nnothing to react to, vs truthful",
    ("alone", True): "{s}, reorders alone:\nvs truthful",
    ("together", True): "{s}, many reorder:\nthe reorderers, vs truthful",
    ("together", False): "{s}, many reorder:\nothers whose match moved, vs truthful",
}


def plot(summary, title=""):
    """One bar per group of the summary: each names what it compares, n is the applicant-trials it counts."""
    from matchsim.report.plots import OUTCOMES, outcome_figure

    keys = list(zip(summary["mode"], summary["deviates"].astype(bool)))
    table = summary[[k in BARS for k in keys]]
    labels = [BARS[(m, bool(d))].format(s=s) for m, s, d in zip(table["mode"], table["strategy"], table["deviates"])]
    return outcome_figure(labels, table, title=title, names=OUTCOMES, width=8, bar_height=0.62,
                          default_title="Post-interview messages: outcome against the same market without them",
                          xlabel="share of the applicants in each bar, over all trials")


KIND = StudyKind(
    name="messages",
    question="post-interview messages: identical lists give identical matches; reordering never helps",
    options=MessagesOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
    hidden=("matched", "trials"),
)
