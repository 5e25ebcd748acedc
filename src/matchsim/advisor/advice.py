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

__all__ = ["Advice", "ListOutcome", "CrossCheck", "MarketCheck", "MarketSettings", "advise"]


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
    """

    applicants: int = DEFAULT_APPLICANTS
    markets: int = DEFAULT_MARKETS
    generator: str = DEFAULT_GENERATOR
    verify: int = DEFAULT_VERIFY_MARKETS


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

    @classmethod
    def from_probabilities(cls, name, programs, prob, preference, worse, same, better, *,
                           is_true_order, is_reference=False):
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
                   bool(is_reference))


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
        Share of verified markets in which each program would take you.
    """

    markets: int
    generator: str
    verified_markets: int
    menu_violations: int | None
    placement_agreement: float | None
    realised_chance: np.ndarray | None


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
    lists = []
    for i, name in enumerate(r.names):
        lists.append(ListOutcome.from_probabilities(
            name, r.lists[i], prob[i], pref, r.worse[i], r.same[i], r.better[i],
            is_true_order=np.array_equal(r.lists[i], r.truthful)))
    truth = ListOutcome.from_probabilities("true order", r.truthful, r.truthful_prob, pref, 0.0, 1.0, 0.0,
                                           is_true_order=True)
    first = next((o.name for o in lists if o.is_true_order), None)
    if first is None:
        truth = replace(truth, is_reference=True)
    return tuple(lists), truth, first


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
    )


def advise(rank_file: RankFile, *, correlation=DEFAULT_CORRELATION, method=DEFAULT_METHOD,
           samples=DEFAULT_SAMPLES, seed=DEFAULT_SEED, market: MarketSettings | None = None,
           progress=None) -> Advice:
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

    f = rank_file
    check = None
    market_check = None
    if market is not None:
        from matchsim.advisor.market_mode import simulate_list_outcomes

        run = simulate_list_outcomes(f.chance, f.preference, f.lists, n_applicants=market.applicants,
                                     n_markets=market.markets, correlation=correlation, rng=seed,
                                     verify=market.verify, generator=market.generator, progress=progress)
        shown = run.comparison
        market_check = _market_check(run)
    else:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        samples = int(samples)
        if samples < 0 or (method == "sample" and samples < 1):
            raise ValueError(f"samples must be at least {int(method == 'sample')}, got {samples}")
        exact = compare_lists(f.chance, f.preference, f.lists, correlation)
        sampled = (compare_lists(f.chance, f.preference, f.lists, correlation, method="sample",
                                 n_samples=samples, rng=seed) if samples else None)
        shown, other = (exact, sampled) if method == "exact" else (sampled, exact)
        check = None if other is None else CrossCheck.between(shown, other)
    lists, truth, first = _outcomes(shown)
    return Advice(
        rank_file=f,
        comparison=shown,
        lists=lists,
        true_order=truth,
        true_order_list=first,
        findings=tuple(list_findings(f.programs, shown, f.signal, f.chance, f.chance_given)),
        checks=tuple(check_lists(f.programs, f.preference, f.lists, written_ranks=f.written_ranks,
                                 written_preference=f.written_preference)),
        assumptions=tuple(assumption_notes(f.programs, f.chance, f.chance_given, f.signal,
                                           SIGNAL_SOURCE) + _reading_notes(f)),
        seed=seed,
        cross_check=check,
        market=market_check,
    )
