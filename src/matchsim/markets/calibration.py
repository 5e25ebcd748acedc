"""Compare a preset's simulated aggregates with the published figures.

Run ``python -m matchsim.markets.calibration nrmp2025 --seeds 0 1 2`` to print
the target-versus-simulated table shown in ``docs/markets.md``.

Examples
--------
>>> from matchsim.markets.calibration import simulate_figures
>>> fig = simulate_figures("small", seeds=[0])
>>> 0.0 < fig["fill rate"] <= 1.0
True
"""

from __future__ import annotations

import argparse

import numpy as np

from matchsim.engine import deferred_acceptance
from matchsim.markets.generator import generate_market
from matchsim.markets.params import APPLICANT_TYPES, MarketParams
from matchsim.markets.presets import TARGETS, preset

__all__ = ["market_figures", "simulate_figures", "calibration_rows", "format_figure",
           "format_table"]


def market_figures(sm) -> dict[str, float]:
    """Aggregates of one synthetic market after the applicant-proposing match.

    Parameters
    ----------
    sm : SyntheticMarket
        A generated market (its truthful lists are matched).

    Returns
    -------
    dict
        Figure name -> value: the figures :data:`matchsim.markets.TARGETS`
        refer to (``Target.key``), plus a few descriptive extras (list
        lengths, interviews per position, signal and message shares).
        ``"positions"`` and ``"fill rate"`` count every position of the
        market, whatever the year it starts in.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> fig = market_figures(generate_market("small", rng=0))
    >>> fig["positions"], 0 < fig["match rate, all"] < 1
    (250.0, True)
    """
    m = sm.market
    res = deferred_acceptance(m, "applicant")
    matched = res.assignment >= 0
    length = m.applicant_list_lengths
    out = {
        "active applicants": float(m.n_applicants),
        "positions": float(m.n_positions),
        "fill rate": float(res.filled.sum() / max(m.n_positions, 1)),
    }
    for code, name in enumerate(APPLICANT_TYPES):
        sel = sm.applicant_type == code
        out[f"match rate, {name}"] = float(matched[sel].mean()) if sel.any() else float("nan")
    filled_by = np.bincount(sm.applicant_type[matched], minlength=len(APPLICANT_TYPES))
    for code, name in enumerate(APPLICANT_TYPES):
        out[f"share of filled positions, {name}"] = float(filled_by[code] / max(matched.sum(), 1))
    out["match rate, all"] = float(matched.mean()) if m.n_applicants else float("nan")
    out["mean list length, matched"] = float(length[matched].mean()) if matched.any() else 0.0
    out["mean list length, unmatched"] = (
        float(length[~matched].mean()) if (~matched).any() else float("nan")
    )
    out["applicants with an empty list"] = float((length == 0).mean())
    out["mean applications"] = float(sm.n_applied.mean())
    out["program list per position"] = float(m.program_list.size / max(m.n_positions, 1))
    out["share matched to first choice"] = float((res.rank[matched] == 1).mean())
    out["share of interviews with a signal"] = float(sm.signal.mean()) if sm.signal.size else 0.0
    got_msg = sm.message > 0
    out["share of interviews with a message"] = float(got_msg.mean()) if sm.signal.size else 0.0
    # Moran et al. (2019): how often an applicant matched at a program, by what
    # the program had said (codes 3, 2, 1, 0).
    e_app = sm.entry_applicant
    at_prog = res.assignment[e_app] == m.applicant_list
    for code, label in ((3, "ranked to match"), (2, "ranked highly"), (1, "interested"),
                        (0, "none")):
        sel = sm.message == code
        out[f"matched there if told: {label}"] = float(at_prog[sel].mean()) if sel.any() else float("nan")
    return out


def simulate_figures(params: MarketParams | str, seeds=(0, 1, 2)) -> dict[str, float]:
    """Mean of :func:`market_figures` over markets drawn with ``seeds``.

    Examples
    --------
    >>> simulate_figures("small", seeds=[0, 1])["active applicants"]
    300.0
    """
    rows = [market_figures(generate_market(params, rng=s)) for s in seeds]
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def calibration_rows(name: str, seeds=(0, 1, 2)):
    """``(target, simulated, ok)`` for every target of preset ``name``.

    Examples
    --------
    >>> target, simulated, ok = calibration_rows("pmr", seeds=[0])[0]
    >>> target.name, simulated, ok
    ('positions, categorical + advanced', 413.0, True)
    """
    fig = simulate_figures(preset(name), seeds)
    return [(t, fig[t.key], bool(abs(fig[t.key] - t.value) <= t.tolerance))
            for t in TARGETS.get(name, ())]


def format_figure(name: str, v: float) -> str:
    """A figure as the calibration tables show it: shares in percent, counts with commas.

    Examples
    --------
    >>> format_figure("match rate, US MD", 0.9333), format_figure("positions", 40041.0)
    ('93.3%', '40,041')
    >>> format_figure("mean list length, matched", 11.912)
    '11.91'
    """
    if name.startswith(("match rate", "fill rate", "share", "matched there", "applicants with")):
        if v != v:
            return "n/a"
        return f"{100 * v:.1f}%"
    if v >= 1000 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:.2f}"


def format_table(name: str, seeds=(0, 1, 2)) -> str:
    """Markdown table of targets, simulated values and sources for preset ``name``.

    Examples
    --------
    >>> print(format_table("pmr", seeds=[0]).splitlines()[2])  # doctest: +ELLIPSIS
    | positions, categorical + advanced | 413 | 413 | yes | 2017: 119 categorical (PGY-1) + ...
    """
    fig = simulate_figures(preset(name), seeds)
    lines = ["| Figure | Target | Simulated | Within tolerance | Source |",
             "|---|---|---|---|---|"]
    # targets with tested=False are shown for comparison ("(shown)")
    names = set()
    for t in TARGETS.get(name, ()):
        v = fig[t.key]
        names.add(t.key)
        tol = f" ± {format_figure(t.key, t.tolerance)}" if t.tolerance else ""
        ok = "yes" if abs(v - t.value) <= t.tolerance else "no"
        if not t.tested:
            ok += " (not tested)"
        lines.append(f"| {t.name} | {format_figure(t.key, t.value)}{tol} "
                     f"| {format_figure(t.key, v)} | {ok} | {t.source} |")
    for k, v in fig.items():
        if k not in names:
            lines.append(f"| {k} | | {format_figure(k, v)} | | (descriptive) |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("preset", nargs="?", default="nrmp2025")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    a = ap.parse_args(argv)
    print(format_table(a.preset, a.seeds))


if __name__ == "__main__":  # pragma: no cover
    main()
