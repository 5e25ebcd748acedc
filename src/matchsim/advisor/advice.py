"""Everything ``matchsim compare`` shows, computed once: :func:`advise` -> :class:`Advice`.

The command line only renders an :class:`Advice` (as tables, as JSON or as
CSV through :mod:`matchsim.advisor.export`); every figure, sentence and check
it prints is an attribute here, so the terminal, the JSON document and the CSV
file cannot disagree.

Examples
--------
>>> from matchsim.io.rank_file import parse_rank_text
>>> f = parse_rank_text("program,preference,chance,honest,swap\\nA,1,50%,1,2\\nB,2,50%,2,1\\n")
>>> a = advise(f, correlation=0.0, samples=2_000, seed=1)
>>> [(o.name, round(o.p_match, 3), round(o.worse, 3)) for o in a.lists]
[('honest', 0.75, 0.0), ('swap', 0.75, 0.25)]
>>> a.true_order_list, a.cross_check.samples, a.cross_check.better_than_true_order
('honest', 2000, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from matchsim.advisor.comparison import ListComparison
from matchsim.advisor.defaults import (
    DEFAULT_APPLICANTS,
    DEFAULT_CORRELATION,
    DEFAULT_GENERATOR,
    DEFAULT_MARKETS,
    DEFAULT_METHOD,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_VERIFY_MARKETS,
    METHODS,
)
from matchsim.advisor.inputs import RankFile
from matchsim.advisor.menu import compare_lists

__all__ = ["Advice", "ListOutcome", "PGY1Outcome", "CrossCheck", "MarketCheck", "MarketSettings",
           "SensitivityRow", "advise", "model_inputs", "sensitivity", "scaled_chance"]


def _probability(x):
    """``x`` clipped to [0, 1] (a probability computed as a sum may overshoot by a rounding error)."""
    return np.clip(x, 0.0, 1.0)


@dataclass(frozen=True)
class MarketSettings:
    """How to build the simulated markets of ``--market`` (see :mod:`matchsim.advisor.market_mode`).

    Attributes
    ----------
    applicants : int
        Applicants per market, you included.
    markets : int
        Number of simulated markets.
    generator : str
        One of :data:`matchsim.advisor.defaults.GENERATORS`.
    verify : int
        In this many markets, also find your menu with the algorithm.
    jobs : int
        Worker processes (markets with advanced programs and supplemental lists).
    """

    applicants: int = DEFAULT_APPLICANTS
    markets: int = DEFAULT_MARKETS
    generator: str = DEFAULT_GENERATOR
    verify: int = DEFAULT_VERIFY_MARKETS
    jobs: int = 1


@dataclass(frozen=True, eq=False)
class ListOutcome:
    """One list's figures, as every output shows them.

    Attributes
    ----------
    name : str
        The list's name (``"true order"`` for the reference row).
    programs : ndarray of int64
        Program ids on the list, first to last.
    p_match, p_first_choice, p_top3 : float
        Chance of matching anywhere, at your first choice, at one of your three most wanted.
    mean_rank_if_matched : float or None
        Mean true-order rank of the match, over Matches at an acceptable
        program (None if there are none).
    worse, same, better : float
        Share of Matches in which the list does worse than, the same as, or
        better than your true order on the same Match.
    p_program : ndarray of float64, shape (n_programs,)
        Chance of matching at each program.
    p_unmatched : float
    is_true_order : bool
        The list is your complete true order.
    is_reference : bool
        The row is your complete true order, added because no list is it.
    pgy1 : PGY1Outcome or None
        With advanced programs: the PGY-1 side of the outcome.
    """

    name: str
    programs: np.ndarray
    p_match: float
    p_first_choice: float
    p_top3: float
    mean_rank_if_matched: float | None
    worse: float
    same: float
    better: float
    p_program: np.ndarray
    p_unmatched: float
    is_true_order: bool
    is_reference: bool = False
    pgy1: "PGY1Outcome | None" = None

    @classmethod
    def from_probabilities(cls, name, programs, prob, preference, worse, same, better, *,
                           is_true_order, is_reference=False, pgy1=None):
        """Figures of a list from its outcome probabilities ``prob`` (last entry = unmatched).

        Every probability is clipped to [0, 1]: sums of many small terms can
        overshoot by a rounding error (``1.0000000000000002``).
        """
        prob = _probability(prob)
        worse, same, better = (float(_probability(x)) for x in (worse, same, better))
        acc = np.append(preference > 0, False)
        ranks = np.append(preference, 0).astype(np.float64)
        p_acc = prob[acc].sum()
        mean = float((prob[acc] * ranks[acc]).sum() / p_acc) if p_acc > 0 else None

        def top(k):
            return float(prob[np.append((preference >= 1) & (preference <= k), False)].sum())

        return cls(name, np.asarray(programs, dtype=np.int64), float(_probability(1.0 - prob[-1])),
                   float(_probability(top(1))), float(_probability(top(3))),
                   mean, float(worse), float(same), float(better),
                   np.asarray(prob[:-1], dtype=np.float64), float(prob[-1]), bool(is_true_order),
                   bool(is_reference), pgy1)


@dataclass(frozen=True, eq=False)
class PGY1Outcome:
    """The PGY-1 side of one list's outcome (files with advanced programs).

    Attributes
    ----------
    p_advanced_and_pgy1 : float
        Chance of an advanced program together with a PGY-1 year from the
        linked supplemental list.
    p_advanced_without_pgy1 : float
        Chance of an advanced program and no PGY-1 year (she stays matched to
        the advanced program).
    p_complete : float
        Chance of a complete training path: a categorical program, or an
        advanced one with its PGY-1 year.
    p_pgy1_only : float
        Chance of matching, as the primary match, at a PGY-1 program ranked on
        the primary list (a one-year position only).
    p_pgy1_program : ndarray of float64, shape (n_programs,)
        Chance of each PGY-1 program as the PGY-1 year of an advanced match.
    pairs : ndarray of float64, shape (n_programs + 1, n_programs + 1)
        ``pairs[a, b]``: chance of primary ``a`` with PGY-1 ``b`` (last index:
        unmatched / none).
    supplemental : dict of int -> str
        For each advanced program on the list, the supplemental list used with
        it (None: none).
    """

    p_advanced_and_pgy1: float
    p_advanced_without_pgy1: float
    p_complete: float
    p_pgy1_only: float
    p_pgy1_program: np.ndarray
    pairs: np.ndarray
    supplemental: dict

    @classmethod
    def from_table(cls, table, tracks, programs, supplemental_of):
        from matchsim.advisor.comparison import pair_figures

        table = _probability(table)
        w, wo, pp, comp, only = pair_figures(table, tracks)
        adv = tracks.advanced[:-1]
        used = {int(a): supplemental_of(int(a)) for a in programs if adv[a]}
        return cls(float(_probability(w)), float(_probability(wo)), float(_probability(comp)),
                   float(_probability(only)), np.asarray(_probability(pp), dtype=np.float64), table, used)


@dataclass(frozen=True)
class CrossCheck:
    """The shown figures recomputed another way (exact quadrature or sampled menus).

    Attributes
    ----------
    method : str
        How the check was computed (``"sample"`` or ``"exact"``).
    samples : int
        Sampled Matches (0 for exact).
    max_abs_difference : float
        Largest difference, over every list and outcome, of the outcome
        probabilities and of ``worse``.
    better_than_true_order : float
        Largest ``better`` share in the check (0 by theory).
    """

    method: str
    samples: int
    max_abs_difference: float
    better_than_true_order: float

    @classmethod
    def between(cls, shown: ListComparison, check: ListComparison) -> "CrossCheck":
        diff = float(np.abs(check.prob - shown.prob).max())
        diff = max(diff, float(np.abs(check.worse - shown.worse).max()))
        if shown.tracks is not None:
            diff = max(diff, float(np.abs(check.tracks.pgy1 - shown.tracks.pgy1).max()))
        return cls(check.method, check.n_samples, diff, float(check.better.max()))


@dataclass(frozen=True, eq=False)
class MarketCheck:
    """What the simulated markets of ``--market`` showed about the menu theorem.

    Attributes
    ----------
    markets : int
    generator : str
    verified_markets : int
        Markets in which your menu was also found with the algorithm.
    menu_violations : int or None
        Verified markets in which some list did not get the first program on
        it that is on that menu (0 by theory); None if none were verified.
    placement_agreement : float or None
        Share of (verified market, program) pairs where the algorithm's menu
        equals the intended one.
    realised_chance : ndarray of float64 or None
        Share of verified markets in which each program would take you
        (NaN for PGY-1 programs, whose menu depends on the advanced match).
    pgy1_checks : int
        With advanced programs: PGY-1 menu entries found with the algorithm.
    """

    markets: int
    generator: str
    verified_markets: int
    menu_violations: int | None
    placement_agreement: float | None
    realised_chance: np.ndarray | None
    pgy1_checks: int = 0


@dataclass(frozen=True, eq=False)
class Advice:
    """Everything ``matchsim compare`` shows about one applicant's candidate lists.

    Attributes
    ----------
    rank_file : RankFile
        The applicant's programs, true order, chances and lists.
    comparison : ListComparison
        The outcome distributions behind the figures shown.
    lists : tuple of ListOutcome
        One per candidate list, in file order.
    true_order : ListOutcome
        Your complete true order (the reference row).
    true_order_list : str or None
        The first candidate list that is your complete true order, if any.
    findings : tuple of Finding
        Plain-language findings (:func:`matchsim.advisor.findings.list_findings`).
    checks : tuple of ListCheck
        List checks (:func:`matchsim.advisor.checks.check_lists`).
    assumptions : tuple of str
        Which chances were assumed, and from what source.
    seed : int or None
        Seed of the sampled check or of the simulated markets.
    cross_check : CrossCheck or None
        The figures recomputed another way (menu model only).
    market : MarketCheck or None
        With simulated markets: the menu-theorem check.
    sensitivity : tuple of SensitivityRow or None
        With ``chance_scale``: the comparison with every chance scaled.
    """

    rank_file: RankFile
    comparison: ListComparison
    lists: tuple
    true_order: ListOutcome
    true_order_list: str | None
    findings: tuple
    checks: tuple
    assumptions: tuple
    seed: int | None = None
    cross_check: CrossCheck | None = None
    market: MarketCheck | None = None
    sensitivity: tuple | None = None

    @property
    def method(self) -> str:
        """``"exact"``, ``"sample"`` or ``"market"``."""
        return self.comparison.method

    @property
    def correlation(self) -> float:
        return self.comparison.correlation

    @property
    def samples(self) -> int:
        """Sampled Matches or simulated markets behind the figures (0 for exact)."""
        return self.comparison.n_samples

    @property
    def rows(self) -> tuple:
        """The rows every table shows: the lists, then the true order when no list is it."""
        return self.lists if self.true_order_list is not None else self.lists + (self.true_order,)


def _outcomes(r: ListComparison):
    pref = r.preference
    prob = r.prob
    t = r.tracks
    worse, same, better = r.worse, r.same, r.better
    lists = []

    def pgy1(table, programs, supplemental_of):
        return None if t is None else PGY1Outcome.from_table(table, t, programs, supplemental_of)

    def linked(a):
        return None if t.link[a] < 0 else t.supplemental_names[t.link[a]]

    for i, name in enumerate(r.names):
        lists.append(ListOutcome.from_probabilities(
            name, r.lists[i], prob[i], pref, worse[i], same[i], better[i],
            is_true_order=_is_true_order(r, i),
            pgy1=pgy1(None if t is None else t.pgy1[i], r.lists[i], linked)))
    truth = ListOutcome.from_probabilities(
        "true order", r.truthful, r.truthful_prob, pref, 0.0, 1.0, 0.0, is_true_order=True,
        pgy1=pgy1(None if t is None else t.truthful_pgy1, r.truthful, lambda a: "your PGY-1 true order"))
    first = next((o.name for o in lists if o.is_true_order), None)
    if first is None:
        truth = replace(truth, is_reference=True)
    return tuple(lists), truth, first


def _is_true_order(r: ListComparison, i: int) -> bool:
    """The list is the true order: its primary list, and (with advanced programs) every supplemental
    list linked to one of its advanced programs is the whole PGY-1 true order."""
    if not np.array_equal(r.lists[i], r.truthful):
        return False
    t = r.tracks
    if t is None:
        return True
    adv = t.advanced[:-1]
    return all(t.link[a] >= 0 and np.array_equal(t.supplemental[t.link[a]], t.truthful_supplemental)
               for a in r.lists[i].tolist() if adv[a])


def _reading_notes(f) -> list:
    """What the reader had to decide about the file, said so the user can check it."""
    if f.encoding == "cp1252":
        return [f"{f.source} is not UTF-8 text, so it was read as Windows-1252 (what Excel writes as "
                'plain CSV on Windows). If a name looks wrong, save the sheet as "CSV UTF-8" and run '
                "again."]
    return []


def _market_check(run) -> MarketCheck:
    return MarketCheck(
        markets=run.comparison.n_samples,
        generator=run.generator,
        verified_markets=0 if run.menus is None else int(run.menus.shape[0]),
        menu_violations=run.menu_violations,
        placement_agreement=run.placement_agreement,
        realised_chance=run.realised_chance,
        pgy1_checks=getattr(run, "pgy1_checks", 0),
    )


class ModelInputs(NamedTuple):
    """The arrays the model reads from a :class:`RankFile` (see :func:`model_inputs`)."""

    chance: np.ndarray
    preference: np.ndarray
    lists: dict
    track_kw: dict
    pgy1_on_primary: tuple


def model_inputs(f: RankFile, chance=None) -> ModelInputs:
    """What :func:`~matchsim.advisor.menu.compare_lists` is given for a file.

    The comparison's true order is the primary true order. When a primary
    list ranks PGY-1 programs (a one-year position as a back-up), the true
    order goes on with every acceptable PGY-1 program in PGY-1 order, below
    every primary program and above not matching; the assumptions say so.
    """
    pref = f.primary_preference.copy()
    pp = f.pgy1_preference
    on_primary = sorted({int(p) for lst in f.lists.values() for p in lst.tolist() if f.is_pgy1[p]})
    if on_primary:
        ok = pp > 0
        pref[ok] = pref.max() + pp[ok]
    kw = {}
    if f.has_tracks:
        kw = dict(tracks=f.track_codes, pgy1_preference=pp, supplemental=tuple(f.supplemental.values()),
                  supplemental_names=tuple(f.supplemental), link=f.link)
    return ModelInputs(f.chance if chance is None else chance, pref, f.lists, kw, tuple(on_primary))


@dataclass(frozen=True, eq=False)
class SensitivityRow:
    """The comparison with every chance multiplied by ``scale`` (``--chance-scale``).

    Attributes
    ----------
    scale : float
    capped : tuple of str
        Programs whose scaled chance went above 1 and was set to 1 (certain).
    p_match, worse, better : ndarray of float64, shape (n_lists,)
    p_complete : ndarray of float64 or None
        Chance of a complete training path (files with advanced programs).
    true_order_p_match : float
    best : str or None
        The list that does at least as well as every other in every Match
        (your true order), or None when no list is it.
    """

    scale: float
    capped: tuple
    p_match: np.ndarray
    worse: np.ndarray
    better: np.ndarray
    p_complete: np.ndarray | None
    true_order_p_match: float
    best: str | None


def scaled_chance(chance, scale):
    """Every chance times ``scale``, capped at 1: ``(chances, capped program ids)``.

    Examples
    --------
    >>> c, capped = scaled_chance(np.array([0.2, 0.6]), 2.0)
    >>> c.tolist(), capped.tolist()
    ([0.4, 1.0], [1])
    """
    scale = float(scale)
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"a chance scale must be a number above 0, got {scale}")
    raw = np.asarray(chance, dtype=np.float64) * scale
    return np.minimum(raw, 1.0), np.flatnonzero(raw > 1.0)


def sensitivity(f: RankFile, scales, correlation=DEFAULT_CORRELATION) -> tuple:
    """:class:`SensitivityRow` for each scale, from the exact menu model."""
    rows = []
    for scale in scales:
        c, capped = scaled_chance(f.chance, scale)
        m = model_inputs(f, c)
        r = compare_lists(m.chance, m.preference, m.lists, correlation, **m.track_kw)
        lists, truth, first = _outcomes(r)
        rows.append(SensitivityRow(
            float(scale), tuple(f.programs[j] for j in capped),
            np.array([o.p_match for o in lists]), np.array([o.worse for o in lists]),
            np.array([o.better for o in lists]),
            None if r.tracks is None else np.array([o.pgy1.p_complete for o in lists]),
            truth.p_match, first))
    return tuple(rows)


def advise(rank_file: RankFile, *, correlation=DEFAULT_CORRELATION, method=DEFAULT_METHOD,
           samples=DEFAULT_SAMPLES, seed=DEFAULT_SEED, market: MarketSettings | None = None,
           progress=None, chance_scale=None) -> Advice:
    """Compare the candidate lists of ``rank_file``: figures, findings, checks and assumptions.

    Parameters
    ----------
    rank_file : RankFile
        What :func:`matchsim.io.read_rank_file` read.
    correlation : float
        How alike programs judge you (``rho`` of :mod:`matchsim.advisor.menu`).
    method : {"exact", "sample"}
        Menu model: show the exact figures (checked against ``samples``
        sampled Matches), or the sampled ones (checked against the exact).
    samples : int
        Sampled Matches; 0 skips the cross-check (``method="exact"`` only).
    seed : int, optional
        Seed of the sampled Matches or of the simulated markets.
    market : MarketSettings, optional
        Instead of the menu model, run the real algorithm in simulated markets.
    progress : callable, optional
        With ``market``: called as ``progress(done, total)`` after each market.
    chance_scale : sequence of float, optional
        Also compute the comparison with every chance multiplied by each of
        these (capped at 1): ``Advice.sensitivity``.

    Returns
    -------
    Advice

    Raises
    ------
    ValueError
        For a bad method, correlation or number of samples.
    """
    from matchsim.advisor.checks import check_lists
    from matchsim.advisor.findings import assumption_notes, list_findings
    from matchsim.advisor.signals import SIGNAL_SOURCE
    from matchsim.advisor.track_findings import (sensitivity_findings, supplemental_checks,
                                                 track_assumptions, track_findings)

    f = rank_file
    m = model_inputs(f)
    check = None
    market_check = None
    if market is not None:
        from matchsim.advisor.market_mode import simulate_list_outcomes

        run = simulate_list_outcomes(m.chance, m.preference, m.lists, n_applicants=market.applicants,
                                     n_markets=market.markets, correlation=correlation, rng=seed,
                                     verify=market.verify, generator=market.generator, progress=progress,
                                     jobs=market.jobs, **m.track_kw)
        shown = run.comparison
        market_check = _market_check(run)
    else:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        samples = int(samples)
        if samples < 0 or (method == "sample" and samples < 1):
            raise ValueError(f"samples must be at least {int(method == 'sample')}, got {samples}")
        exact = compare_lists(m.chance, m.preference, m.lists, correlation, **m.track_kw)
        sampled = (compare_lists(m.chance, m.preference, m.lists, correlation, method="sample",
                                 n_samples=samples, rng=seed, **m.track_kw) if samples else None)
        shown, other = (exact, sampled) if method == "exact" else (sampled, exact)
        check = None if other is None else CrossCheck.between(shown, other)
    lists, truth, first = _outcomes(shown)
    scales = None if chance_scale is None else sensitivity(f, chance_scale, correlation)
    return Advice(
        rank_file=f,
        comparison=shown,
        lists=lists,
        true_order=truth,
        true_order_list=first,
        findings=tuple(_primary_only(list_findings(f.programs, shown, f.signal, f.chance, f.chance_given), lists)
                       + track_findings(f, shown, lists, truth, m.pgy1_on_primary, correlation)
                       + sensitivity_findings(f, scales)),
        checks=tuple(check_lists(f.programs, m.preference, f.lists, written_ranks=f.written_ranks,
                                 written_preference=_written_primary(f))
                     + supplemental_checks(f)),
        assumptions=tuple(assumption_notes(f.programs, f.chance, f.chance_given, f.signal,
                                           SIGNAL_SOURCE) + _reading_notes(f)
                          + track_assumptions(f, m.pgy1_on_primary, scales)),
        seed=seed,
        cross_check=check,
        market=market_check,
        sensitivity=scales,
    )


def _primary_only(findings, lists):
    """A list whose primary list is the true order but whose supplemental list is not: say so, not "submit it"."""
    from matchsim.advisor.findings import Finding

    short = {o.name for o in lists if not o.is_true_order}
    out = []
    for x in findings:
        if x.kind == "true order" and x.list_name in short:
            x = Finding(x.list_name, x.kind,
                        f'"{x.list_name}" ranks your programs in your true order, but the supplemental list used '
                        "with its advanced programs is not your whole PGY-1 true order (see the list checks): "
                        "fix that, and it does at least as well as any other list in every possible Match.")
        out.append(x)
    return out


def _written_primary(f):
    """The preference column as written, for the gaps check of the primary true order."""
    if f.written_preference is None:
        return None
    return np.where(f.is_pgy1, 0, f.written_preference)
