"""Study kind ``couples_gains``: who could gain by another list, as the share of couples grows.

Without couples the NRMP algorithm is applicant-proposing deferred acceptance
and no applicant can gain by changing their list (Dubins & Freedman 1981;
Roth 1982). With couples it is no longer strategy-proof, and Roth & Peranson
(1999) measured how rarely a single applicant could gain in the real Match.

Each trial draws one NRMP-shaped market
(:func:`matchsim.markets.simple.nrmp_shaped_market`) and, for each share of
the applicants in ``shares``, pairs that many of them into couples
(:func:`matchsim.markets.couples.pair_into_couples`: each joint list is built
from the partners' own lists; the couples of a smaller share are among those
of a larger one, so the shares differ only in the couples). Then every single
applicant (or ``audited`` of them, drawn at random) is audited with
:func:`matchsim.engine.audit_couples.audit_nrmp` over every truncation and
adjacent swap of their list, with everyone else's lists fixed.

Rows: one per trial x share: couples, singles audited, how many could gain and
by how many places in total, how many gains needed a couple (taking a couple
that moved apart made that gain disappear), whether the NRMP result was
verified stable, and how many loops the match had to break.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine.audit_couples import audit_nrmp
from matchsim.engine.nrmp import nrmp_match
from matchsim.markets.couples import pair_into_couples
from matchsim.markets.simple import nrmp_shaped_market
from matchsim.studies.kinds import OptionError, Options, StudyKind
from matchsim.studies.trial import trial_seed

__all__ = ["KIND", "CouplesGainsOptions"]

_STREAM = 8


class CouplesGainsOptions(Options):
    """The ``[couples_gains]`` table."""

    shares: Annotated[tuple[Annotated[float, Meta(ge=0, le=1)], ...], Meta(
        min_length=1, description="shares of the applicants who are in a couple", examples=[[0, 0.05, 0.1]])] = (
        0.0, 0.02, 0.04, 0.06, 0.08, 0.10)
    applicants: Annotated[int, Meta(ge=4, le=5_000, description="applicants in each market")] = 120
    programs: Annotated[int, Meta(gt=0, description="programs in each market")] = 40
    positions: Annotated[int, Meta(gt=0, description="positions in each market")] = 111
    mean_list: Annotated[float, Meta(ge=1, le=40, description="mean programs ranked per applicant")] = 6.0
    audited: Annotated[int, Meta(ge=0, description="single applicants audited per share (0: all)")] = 0


def check(scenario):
    opts = scenario.options
    if opts.positions < opts.programs:
        raise OptionError("couples_gains.positions", f"every program needs a position: use at least "
                                                     f"{opts.programs} positions, or fewer programs")


_COLUMNS = {"trial": np.int32, "share": np.float64, "couples": np.int32, "audited": np.int32,
            "gainers": np.int32, "places": np.int32, "max_gain": np.int32, "needed_couple": np.int32,
            "stable": np.bool_, "loops": np.int32}


def trial(scenario, trial):
    opts = scenario.options
    market_seed, couple_seed, pick_seed = trial_seed(scenario.seed, trial, _STREAM).spawn(3)
    n = opts.applicants
    base = nrmp_shaped_market(n, opts.programs, opts.positions, opts.mean_list, rng=market_seed)
    rows = {c: [] for c in _COLUMNS}
    pick = np.random.default_rng(pick_seed)
    for share in opts.shares:
        members = 2 * int(round(share * n / 2))
        market = pair_into_couples(base, members, rng=np.random.default_rng(couple_seed))
        singles = np.flatnonzero(market.couples.couple_of(n) < 0) if market.couples is not None else np.arange(n)
        if opts.audited and opts.audited < singles.size:
            singles = np.sort(pick.choice(singles, opts.audited, replace=False))
        res = audit_nrmp(market, singles)
        run = nrmp_match(market)
        for c, v in (("trial", trial), ("share", share), ("couples", members // 2), ("audited", singles.size),
                     ("gainers", res.n_gainers), ("places", int(res.gain.sum())),
                     ("max_gain", int(res.gain.max(initial=0))),
                     ("needed_couple", sum(1 for k in res.needed if k)),
                     ("stable", run.stable), ("loops", run.restarts)):
            rows[c].append(v)
    return {c: np.asarray(v, dtype=_COLUMNS[c]) for c, v in rows.items()}


def summarize(df):
    """Per share: mean gainers, share of audited singles who could gain, places, stability and loops."""
    df = df.assign(share_gainers=df["gainers"] / df["audited"].clip(lower=1))
    return df.groupby("share", sort=True).agg(
        trials=("trial", "nunique"),
        mean_couples=("couples", "mean"),
        mean_gainers=("gainers", "mean"),
        share_gainers=("share_gainers", "mean"),
        max_gainers=("gainers", "max"),
        mean_places=("places", "mean"),
        needed_couple=("needed_couple", "sum"),
        share_stable=("stable", "mean"),
        mean_loops=("loops", "mean"),
    ).reset_index()


def plot(summary, title=""):
    from matchsim.report.plots import percent_format, pyplot, set_title

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    ax.plot(summary["share"], summary["share_gainers"], marker="o")
    ax.set_xlabel("applicants in a couple")
    ax.set_ylabel("single applicants who could gain")
    ax.xaxis.set_major_formatter(percent_format())
    ax.yaxis.set_major_formatter(percent_format(decimals=1))
    top = max(0.01, 1.15 * float(summary["share_gainers"].max()))
    ax.set_ylim(-0.03 * top, top)  # no negative shares, but a zero stays visible
    ax.grid(alpha=0.3)
    set_title(fig, title, "Couples and the single applicants who could gain by another list")
    return fig


KIND = StudyKind(
    name="couples_gains",
    question="single applicants who could gain by another list, as the share of couples grows",
    options=CouplesGainsOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
    check=check,
    hidden=("trials", "mean_couples", "mean_gainers", "max_gainers", "mean_places"),
)
