"""Plots of study summaries (matplotlib, imported only when a plot is drawn).

One function per study kind takes the summary table from
:func:`matchsim.studies.summary.summarize` and returns a matplotlib Figure;
:func:`save_study_plots` draws the right one and writes it as PNG and SVG.
Matplotlib runs on its non-interactive Agg backend, so no screen is needed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PLOTS", "plot_summary", "save_study_plots"]

_COLORS = {"better": "#1b9e77", "same": "#bdbdbd", "worse": "#d95f02", "lost": "#7570b3"}


def _plt():
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "plots need matplotlib; install it with: python -m pip install 'matchsim[plot]'"
        ) from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _outcome_bars(ax, labels, table):
    """Horizontal stacked bars: better / same / worse (lower rank) / worse (unmatched)."""
    import numpy as np

    y = np.arange(len(labels))
    better = table["better"].to_numpy(float)
    same = table["same"].to_numpy(float)
    lost = table["lost_match"].to_numpy(float)
    worse = table["worse"].to_numpy(float) - lost
    left = np.zeros(len(labels))
    for values, name, color in (
        (better, "better than truthful", _COLORS["better"]),
        (same, "same as truthful", _COLORS["same"]),
        (worse, "worse: a less-preferred program", _COLORS["worse"]),
        (lost, "worse: unmatched instead of matched", _COLORS["lost"]),
    ):
        ax.barh(y, values, left=left, color=color, label=name, edgecolor="white", height=0.7)
        for yi, v, x0 in zip(y, values, left):
            if v >= 0.05:  # label the segments wide enough to hold a number
                ax.text(x0 + v / 2, yi, f"{100 * v:.0f}%", ha="center", va="center", fontsize=8)
        left += values
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of trials")
    ax.xaxis.set_major_formatter(_percent())


def _percent(decimals=0):
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=decimals)


def _title(fig_or_ax, text, default):
    import textwrap

    text = textwrap.fill(text or default, 70)
    if hasattr(fig_or_ax, "suptitle"):
        fig_or_ax.suptitle(text, fontsize=11)
    else:
        fig_or_ax.set_title(text, fontsize=11)


def _legend_below(fig, ax):
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, fontsize=8)


def plot_strategies(summary, title=""):
    plt = _plt()
    table = summary[summary["strategy"] != "truthful"]
    if "deviates" in table:
        table = table[table["deviates"].astype(bool)]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(table) + 2.0), layout="constrained")
    _outcome_bars(ax, list(table["strategy"]), table)
    _title(ax, title, "Each strategy against ranking in true order (same market, same applicant)")
    _legend_below(fig, ax)
    return fig


def plot_messages(summary, title=""):
    plt = _plt()
    table = summary[summary["deviates"].astype(bool) | summary["mode"].isin(["check", "no messages"])]
    names = {"check": "messages, truthful lists", "alone": "reorders alone", "together": "reorders with others",
             "no messages": "would respond, no messages"}
    labels = [names.get(m, m) + ("" if m == "check" else f"\n({s})")
              for m, s in zip(table["mode"], table["strategy"])]
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * len(table) + 2.0), layout="constrained")
    _outcome_bars(ax, labels, table)
    _title(ax, title, "Post-interview messages: outcome against the same market without them")
    _legend_below(fig, ax)
    return fig


def plot_list_length(summary, title=""):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for t, g in summary.groupby("applicant_type", sort=False):
        style = {"color": "black", "linewidth": 2.5} if t == "all" else {"linewidth": 1.5}
        ax.plot(g["k"], g["p_match"], marker="o", markersize=3, label=t, **style)
    ax.set_xlabel("programs ranked (the top k of the applicant's true list)")
    ax.set_ylabel("probability of matching")
    ax.yaxis.set_major_formatter(_percent())
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(title="applicant type", fontsize=8)
    _title(ax, title, "Probability of matching against the number of programs ranked")
    return fig


def plot_core(summary, title=""):
    plt = _plt()
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
        ax.yaxis.set_major_formatter(_percent(decimals=1))
        ax.set_ylim(bottom=0)
    axes[0].set_xscale("log")
    sizes = summary.loc[summary["sweep"] == "size", "n_applicants"].to_numpy()
    axes[0].set_xticks(sizes, [f"{int(round(v)):,}" for v in sizes])
    axes[0].minorticks_off()
    axes[0].set_ylabel("applicants whose match differs\n(applicant- vs program-proposing)")
    axes[0].set_title("as the market grows", fontsize=10)
    axes[1].set_title("as lists get longer", fontsize=10)
    _title(fig, title, "Size of the core: how much the choice of proposing side matters")
    return fig


def plot_signals(summary, title=""):
    import numpy as np

    plt = _plt()
    x = np.arange(len(summary))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    ax.bar(x - 0.2, summary["match_rate_without"], 0.4, label="without signals", color="#bdbdbd")
    ax.bar(x + 0.2, summary["match_rate_with"], 0.4, label="with signals", color="#1b9e77")
    ax.set_xticks(x, summary["applicant_type"], fontsize=8, rotation=20)
    ax.set_ylabel("match rate")
    ax.yaxis.set_major_formatter(_percent())
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("who matches", fontsize=10)
    if "interviews_gained" in summary:
        ax2.bar(x - 0.2, summary["interviews_gained"], 0.4, label="interviews only with signals",
                color="#1b9e77")
        ax2.bar(x + 0.2, summary["interviews_lost"], 0.4, label="interviews only without signals",
                color="#d95f02")
        ax2.set_xticks(x, summary["applicant_type"], fontsize=8, rotation=20)
        ax2.set_ylabel("interviews per applicant")
        ax2.legend(fontsize=8)
        ax2.set_title("who interviews whom", fontsize=10)
    _title(fig, title, "Preference signals before interviews")
    return fig


PLOTS = {
    "strategies": plot_strategies,
    "messages": plot_messages,
    "list_length": plot_list_length,
    "core": plot_core,
    "signals": plot_signals,
}


def plot_summary(kind: str, summary, title: str = ""):
    """Draw the plot of a study of ``kind`` from its summary table; return the Figure.

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    """
    if kind not in PLOTS:
        raise ValueError(f"kind must be one of {tuple(PLOTS)}, got {kind!r}")
    return PLOTS[kind](summary, title)


def save_study_plots(kind: str, summary, out, name: str, title: str = "") -> list[Path]:
    """Write the study's plot to ``out/<name>.png`` and ``out/<name>.svg``.

    Returns the paths written (none when the summary is empty).

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> s = pd.DataFrame({"applicant_type": ["all", "all"], "k": [1, 2], "p_match": [0.3, 0.6]})
    >>> [p.suffix for p in save_study_plots("list_length", s, tempfile.mkdtemp(), "demo")]
    ['.png', '.svg']
    """
    if summary is None or len(summary) == 0:
        return []
    plt = _plt()
    fig = plot_summary(kind, summary, title)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = out / f"{name}.{ext}"
        fig.savefig(path, dpi=120 if ext == "png" else None, metadata=_metadata(ext))
        paths.append(path)
    plt.close(fig)
    return paths


def _metadata(ext):
    # no creation dates in the files, so the same study gives the same bytes
    if ext == "svg":
        return {"Date": None}
    if ext == "png":
        return {"Software": None}
    return None
