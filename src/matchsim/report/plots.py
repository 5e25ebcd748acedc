"""Plots of study summaries (matplotlib, imported only when a plot is drawn).

Each study kind draws its own figure (``plot`` in its module of
:mod:`matchsim.studies.kinds`) with the helpers here; :func:`plot_summary`
looks the kind up and :func:`save_study_plots` writes the figure as PNG and
SVG. Matplotlib runs on its non-interactive Agg backend, so no screen is
needed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AGAINST_TRUTHFUL", "COLORS", "OUTCOMES", "legend_below", "outcome_bars", "outcome_figure", "percent_format", "plot_summary", "pyplot",
           "save_figure", "save_study_plots", "set_title"]

#: Colours of the outcome segments (colour-blind safe, from ColorBrewer "Dark2").
COLORS = {"better": "#1b9e77", "same": "#bdbdbd", "worse": "#d95f02", "lost": "#7570b3"}


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend, or an ImportError saying how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "plots need matplotlib; install it with: python -m pip install 'matchsim[plot]'"
        ) from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


#: Legend of the outcome segments when every bar is compared with truthful ranking.
AGAINST_TRUTHFUL = ("better than truthful", "same as truthful", "worse: a less-preferred program",
                    "worse: unmatched instead of matched")
#: Legend of the outcome segments when each bar names its own comparison.
OUTCOMES = ("better", "same", "worse: a less-preferred program", "worse: unmatched instead of matched")


def outcome_bars(ax, labels, table, xlabel="share of the applicants in each bar", names=AGAINST_TRUTHFUL):
    """Horizontal stacked bars: better / same / worse (lower rank) / worse (unmatched).

    ``table`` has the columns ``better``, ``same``, ``worse`` and
    ``lost_match`` (shares of each bar's rows) and ``rows`` (how many
    applicant-trials each bar counts, written at its right); ``names`` are
    the legend labels of the four segments.
    """
    import numpy as np

    y = np.arange(len(labels))
    better = table["better"].to_numpy(float)
    same = table["same"].to_numpy(float)
    lost = table["lost_match"].to_numpy(float)
    worse = table["worse"].to_numpy(float) - lost
    left = np.zeros(len(labels))
    for values, name, color in zip((better, same, worse, lost), names,
                                   (COLORS["better"], COLORS["same"], COLORS["worse"], COLORS["lost"])):
        ax.barh(y, values, left=left, color=color, label=name, edgecolor="white", height=0.7)
        for yi, v, x0 in zip(y, values, left):
            if v >= 0.05:  # label the segments wide enough to hold a number
                ax.text(x0 + v / 2, yi, f"{100 * v:.0f}%", ha="center", va="center", fontsize=8)
        left += values
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if "rows" in table:  # how many applicant-trials each bar counts, on the right
        counts = ax.secondary_yaxis("right")
        counts.set_yticks(y, [f"n = {int(n):,}" for n in table["rows"].to_numpy()])
        counts.tick_params(length=0, labelsize=7, labelcolor="#555555")
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(percent_format())


def outcome_figure(labels, table, *, title, default_title, xlabel, names=AGAINST_TRUTHFUL, width=7.5,
                   bar_height=0.55):
    """A figure of :func:`outcome_bars`, with its title (``title``, else ``default_title``) and the legend below."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(width, bar_height * len(table) + 2.0), layout="constrained")
    outcome_bars(ax, labels, table, xlabel=xlabel, names=names)
    set_title(ax, title, default_title)
    legend_below(fig, ax)
    return fig


def percent_format(decimals=0):
    """A tick formatter that shows shares in [0, 1] as percentages."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=decimals)


def set_title(fig_or_ax, text, default):
    """A wrapped title (``text``, else ``default``) on a figure or an axes."""
    import textwrap

    text = textwrap.fill(text or default, 70)
    if hasattr(fig_or_ax, "suptitle"):
        fig_or_ax.suptitle(text, fontsize=11)
    else:
        fig_or_ax.set_title(text, fontsize=11)


def legend_below(fig, ax):
    """The legend of ``ax`` in two columns below the figure."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, fontsize=8)


def plot_summary(kind: str, summary, title: str = ""):
    """Draw the plot of a study of ``kind`` from its summary table; return the Figure.

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    """
    from matchsim.studies.kinds import get_kind

    return get_kind(kind).plot(summary, title)


def save_figure(fig, out, name: str) -> list[Path]:
    """Write ``fig`` to ``out/<name>.png`` and ``out/<name>.svg``, close it, return the paths."""
    plt = pyplot()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    # a fixed salt for the ids in SVG files, so the same study gives the same bytes
    with plt.rc_context({"svg.hashsalt": "matchsim"}):
        for ext in ("png", "svg"):
            path = out / f"{name}.{ext}"
            fig.savefig(path, dpi=120 if ext == "png" else None, metadata=_metadata(ext))
            paths.append(path)
    plt.close(fig)
    return paths


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
    pyplot()
    return save_figure(plot_summary(kind, summary, title), out, name)


def _metadata(ext):
    # no creation dates in the files, so the same study gives the same bytes
    if ext == "svg":
        return {"Date": None}
    if ext == "png":
        return {"Software": None}
    return None
