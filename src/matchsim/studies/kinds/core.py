"""Study kind ``core``: applicants whose match differs between applicant- and program-proposing DA.

Two sweeps on the same seed: market size (``scales``, lists as in the preset)
and list length (``interviews``, size as in the preset). In each setting both
versions of deferred acceptance run on the same market; the applicants whose
match differs are those with more than one stable partner that the two ends
of the set of stable matchings tell apart (the "size of the core").

Rows: one per trial x setting.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.market import UNMATCHED
from matchsim.studies.kinds import OptionError, Options, StudyKind
from matchsim.studies.trial import generate

__all__ = ["KIND", "CoreOptions", "scaled_params"]

_Multiples = tuple[Annotated[float, Meta(gt=0)], ...]


class CoreOptions(Options):
    """The ``[core]`` table."""

    scales: Annotated[_Multiples, Meta(min_length=1, description="market sizes, as multiples of the preset",
                                       examples=[[0.5, 1.0]])] = (0.25, 0.5, 1.0, 2.0)
    interviews: Annotated[_Multiples, Meta(
        min_length=1, description="list lengths, as multiples of the preset's interviews",
        examples=[[0.5, 1.0]])] = (0.5, 1.0, 1.5, 2.0)


def scaled_params(params, size: float = 1.0, interviews: float = 1.0):
    """Market parameters at ``size`` times the market, ``interviews`` times the list length.

    ``size`` multiplies the numbers of applicants, programs and positions
    (type shares and program sizes stay as they are); ``interviews``
    multiplies the applications sent, the interview slots per position and
    the most interviews an applicant attends, so rank lists grow in
    proportion.

    Examples
    --------
    >>> from matchsim.markets import preset
    >>> base = preset("pmr")
    >>> p = scaled_params(base, size=2.0, interviews=0.5)
    >>> p.n_applicants, p.n_programs, p.n_positions
    (1000, 188, 826)
    >>> p.max_interviews == round(base.max_interviews / 2)
    True
    """
    n_programs = max(1, int(round(params.n_programs * size)))
    return dataclasses.replace(
        params,
        n_applicants=int(round(params.n_applicants * size)),
        n_programs=n_programs,
        n_positions=max(n_programs, int(round(params.n_positions * size))),
        n_applications=tuple(max(1.0, x * interviews) for x in params.n_applications),
        interview_slots_per_position=params.interview_slots_per_position * interviews,
        max_interviews=max(1, int(round(params.max_interviews * interviews))),
    )


def check(scenario):
    base = scenario.market_params()
    for scale in scenario.options.scales:
        if scaled_params(base, scale).n_applicants < 1:
            raise OptionError("core.scales", f"at scale {scale:g} the market of {base.n_applicants} applicants "
                                             "has none left; use larger scales")


_COLUMNS = {"trial": np.int32, "sweep": str, "value": np.float64, "n_applicants": np.int32,
            "n_positions": np.int32, "mean_list_length": np.float64, "matched": np.int32,
            "n_differ": np.int32, "share_differ": np.float64}


def trial(scenario, trial):
    opts = scenario.options
    base = scenario.market_params()
    settings = [("size", s, s, 1.0) for s in opts.scales]
    settings += [("interviews", v, 1.0, v) for v in opts.interviews]
    rows = {k: [] for k in _COLUMNS}
    for sweep, value, scale, interviews in settings:
        sm = generate(scenario, trial, scaled_params(base, scale, interviews))
        m = sm.market
        ra = deferred_acceptance(m, "applicant").assignment
        rp = deferred_acceptance(m, "program").assignment
        differ = int(np.count_nonzero(ra != rp))
        rows["trial"].append(trial)
        rows["sweep"].append(sweep)
        rows["value"].append(float(value))
        rows["n_applicants"].append(m.n_applicants)
        rows["n_positions"].append(m.n_positions)
        rows["mean_list_length"].append(float(m.applicant_list_lengths.mean()) if m.n_applicants else 0.0)
        rows["matched"].append(int(np.count_nonzero(ra != UNMATCHED)))
        rows["n_differ"].append(differ)
        rows["share_differ"].append(differ / max(m.n_applicants, 1))
    return {k: np.asarray(v, dtype=_COLUMNS[k]) for k, v in rows.items()}


def summarize(df):
    """Mean number (and share) of applicants whose match differs between the two DA versions."""
    return df.groupby(["sweep", "value"], sort=False).agg(
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


def plot(summary, title=""):
    from matchsim.report.plots import percent_format, pyplot, set_title

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained", sharey=True)
    for ax, sweep, x, label in (
        (axes[0], "size", "n_applicants", "applicants in the market (log scale)"),
        (axes[1], "interviews", "mean_list_length", "mean rank-list length"),
    ):
        g = summary[summary["sweep"] == sweep]
        err = g["se_share_differ"] * 1.96 if "se_share_differ" in g else None
        ax.errorbar(g[x], g["share_differ"], yerr=err, marker="o", capsize=3)
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_formatter(percent_format(decimals=1))
        ax.set_ylim(bottom=0)
    axes[0].set_xscale("log")
    sizes = summary.loc[summary["sweep"] == "size", "n_applicants"].to_numpy()
    axes[0].set_xticks(sizes, [f"{int(round(v)):,}" for v in sizes])
    axes[0].minorticks_off()
    axes[0].set_ylabel("applicants whose match differs\n(applicant- vs program-proposing)")
    axes[0].set_title("as the market grows", fontsize=10)
    axes[1].set_title("as lists get longer", fontsize=10)
    set_title(fig, title, "Size of the core: how much the choice of proposing side matters")
    return fig


KIND = StudyKind(
    name="core",
    question="applicants whose match differs between applicant- and program-proposing",
    options=CoreOptions,
    trial=trial,
    summarize=summarize,
    plot=plot,
    hidden=("se_share_differ",),
    check=check,
)
