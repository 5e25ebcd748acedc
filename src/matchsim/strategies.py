"""Ways an applicant may build the rank list they submit.

Every strategy turns an applicant's true preferences (the order of
:attr:`SyntheticMarket.utility`), beliefs, post-interview messages and
preference signals into a submitted list that is a *reordering or a subset* of
their true list: nobody can rank a program that did not interview them. The
registry :data:`STRATEGIES` maps names to functions; :func:`apply_strategy`
applies one to a group of applicants and returns the market with their lists
replaced, everybody else unchanged.

Why none of them can help
-------------------------
Under applicant-proposing deferred acceptance without couples, truthful
ranking is a dominant strategy (Dubins & Freedman 1981; Roth 1982): with
everybody else's lists fixed, each applicant faces a fixed "menu" of programs
that would take them, and the algorithm gives them the first program on their
own list that is on the menu. Moving a program up, dropping programs or
cutting the list short can only pick a worse item from the same menu, or none.
The strategies here model what real applicants report doing; the studies in
:mod:`matchsim.studies` measure what it costs them.

Implementation
--------------
All strategies are vectorised over applicants: a strategy assigns every list
entry a *keep* flag and a *group* (lower groups go first); the new lists are
the kept entries sorted by ``(applicant, group, true position)`` with one
``np.lexsort``. No Python loop runs per applicant, so "everybody uses it"
works at NRMP scale.

Examples
--------
>>> from matchsim.markets import generate_market
>>> from matchsim.strategies import apply_strategy
>>> sm = generate_market("small", rng=3)
>>> m = apply_strategy(sm, "truncate", who=[0, 1], k=1)
>>> [len(m.applicant_prefs(a)) <= 1 for a in (0, 1)]
[True, True]
>>> bool((m.applicant_prefs(2) == sm.market.applicant_prefs(2)).all())
True
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Literal

import msgspec
import numpy as np
from msgspec import Meta

from matchsim.market import UNMATCHED, Market
from matchsim.markets import MESSAGES, SyntheticMarket

__all__ = [
    "STRATEGIES",
    "apply_strategy",
    "truthful",
    "safety_first",
    "signal_chasing",
    "truncate",
    "drop_reaches",
    "promise_keeper",
    "true_rank",
    "true_utility",
    "strategy_params",
    "parameter_schema",
]

_RANKED_TO_MATCH = MESSAGES.index("ranked to match")


# ------------------------------------------------------------------ helpers
def _who_mask(sm: SyntheticMarket, who) -> np.ndarray:
    """Boolean mask of applicants from a mask, an id, ids, or ``"all"``."""
    n = sm.market.n_applicants
    if isinstance(who, str):
        if who == "all":
            return np.ones(n, dtype=bool)
        raise ValueError(f"who must be a boolean mask, applicant ids or 'all', got {who!r}")
    arr = np.asarray(who)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"a boolean who mask needs shape ({n},), got {arr.shape}")
        return arr
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"who must be a boolean mask or integer applicant ids, got {arr.dtype}")
    ids = arr.astype(np.int64).ravel()
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        bad = ids[(ids < 0) | (ids >= n)][0]
        raise ValueError(f"applicant id {bad} is outside 0..{n - 1}")
    mask = np.zeros(n, dtype=bool)
    mask[ids] = True
    return mask


def _resubmit(sm: SyntheticMarket, who: np.ndarray, keep: np.ndarray | None,
              group: np.ndarray | None) -> Market:
    """The market with the lists of applicants in ``who`` rebuilt.

    ``keep`` and ``group`` are aligned with ``market.applicant_list``; entries of
    applicants outside ``who`` are kept in place whatever they say.
    """
    m = sm.market
    e_app = sm.entry_applicant
    in_who = who[e_app]
    keep_all = np.ones(e_app.size, dtype=bool) if keep is None else (keep | ~in_who)
    idx = np.flatnonzero(keep_all)
    if group is not None and np.any(group[in_who]):
        g = np.where(in_who, group, 0)[idx]
        idx = idx[np.lexsort((idx, g, e_app[idx]))]
    if idx.size == e_app.size and group is None:
        return m
    lengths = np.bincount(e_app[idx], minlength=m.n_applicants)
    ptr = np.zeros(m.n_applicants + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    return Market(ptr, m.applicant_list[idx], m.program_ptr, m.program_list, m.capacity,
                  m.applicant_names, m.program_names)


def _message_code(value) -> int:
    return MESSAGES.index(value) if isinstance(value, str) else int(value)


# ------------------------------------------------------------ parameters
#: A share or believed chance, between 0 and 1.
Fraction = Annotated[float, Meta(ge=0.0, le=1.0)]
#: A post-interview message, by name or by code (0 = none ... 3 = "ranked to match").
MessageLevel = Literal[MESSAGES] | Annotated[int, Meta(ge=0, le=len(MESSAGES) - 1)]

_NOT_PARAMETERS = ("sm", "who", "rng")


def _declared(func):
    """Make a strategy check its keyword parameters against the types and ranges in its signature.

    A strategy's parameters are declared once, in its signature: name,
    ``Annotated`` type with its range (a :class:`msgspec.Meta`) and default.
    From them this builds the strategy's parameter schema (a frozen
    :class:`msgspec.Struct`, see :func:`parameter_schema`), which scenario
    files are checked against and every call goes through.
    """
    hints = typing.get_type_hints(func, include_extras=True)
    fields = [(p.name, hints.get(p.name, typing.Any), p.default)
              for p in inspect.signature(func).parameters.values() if p.name not in _NOT_PARAMETERS]
    schema = msgspec.defstruct(f"{func.__name__}_parameters", fields, frozen=True, kw_only=True,
                               forbid_unknown_fields=True)

    @functools.wraps(func)
    def strategy(sm, who, rng=None, **params):
        return func(sm, who, rng, **_checked(func.__name__, schema, params))

    strategy.parameters = schema
    return strategy


def _checked(name, schema, params) -> dict:
    """``params`` converted by ``schema``; a ValueError naming the parameter otherwise."""
    valid = schema.__struct_fields__
    for key in params:
        if key not in valid:
            listed = ", ".join(valid) if valid else "none"
            raise ValueError(f"strategy {name!r} has no parameter {key!r}; its parameters: {listed}")
    plain = {k: v.item() if isinstance(v, np.generic) else v for k, v in params.items()}
    try:
        value = msgspec.convert(plain, schema, strict=True)
    except msgspec.ValidationError as exc:
        key = next((k for k in plain if f"$.{k}" in str(exc)), next(iter(plain), ""))
        raise ValueError(f"strategy {name!r}: {key} = {params.get(key)!r} is not allowed "
                         f"({str(exc).split(' - at ')[0]})") from None
    return {k: getattr(value, k) for k in plain}


# --------------------------------------------------------------- strategies
@_declared
def truthful(sm: SyntheticMarket, who, rng=None) -> Market:
    """Rank every interview in order of true preference (the dominant strategy).

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> truthful(sm, "all") is sm.market
    True
    """
    _who_mask(sm, who)
    return sm.market


@_declared
def safety_first(sm: SyntheticMarket, who, rng=None,
                 threshold: Annotated[Fraction, Meta(
                     description="believed chance from which a program moves to the top")] = 0.5) -> Market:
    """Move programs the applicant believes likely to take them to the top.

    Programs with ``belief >= threshold`` come first, in true order, then the
    rest, in true order. Models the applicants who rank "where I think I will
    get in" above where they want to go: 17% of surveyed US students reported
    a list that was not their true preference order, 5% for strategic reasons
    (Rees-Jones 2018, Games and Economic Behavior 108:317-330), and 23% of
    1,714 students misrepresented preferences in an incentivised matching task
    (Rees-Jones & Skowronek 2018, PNAS 115(45):11471-11476).

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> m = safety_first(sm, "all", threshold=0.5)
    >>> m.applicant_list.size == sm.market.applicant_list.size
    True
    """
    mask = _who_mask(sm, who)
    return _resubmit(sm, mask, None, (sm.belief < threshold).astype(np.int8))


@_declared
def signal_chasing(sm: SyntheticMarket, who, rng=None,
                   min_message: Annotated[MessageLevel, Meta(
                       description="the weakest message that moves a program to the top")] = "ranked highly",
                   ) -> Market:
    """Move programs that sent an encouraging message to the top.

    Programs whose post-interview message is at least ``min_message`` (by
    default "ranked highly" or "ranked to match") come first, in true order,
    then the rest. Models the 6% of students who said they would move a
    program up after hearing they were "at the top" of its list (Schnapp et
    al. 2020, West J Emerg Med), and the anesthesiology applicants whose
    matches followed programs' statements (Moran et al. 2019, Anesth Analg:
    95.7% matched where they had a "guaranteed commitment").

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> m = signal_chasing(sm, "all", min_message="ranked to match")
    >>> m.applicant_list.size == sm.market.applicant_list.size
    True
    """
    code = _message_code(min_message)
    mask = _who_mask(sm, who)
    return _resubmit(sm, mask, None, (sm.message < code).astype(np.int8))


@_declared
def truncate(sm: SyntheticMarket, who, rng=None,
             k: Annotated[int, Meta(ge=1, description="programs kept from the top of the true list")] = 5,
             ) -> Market:
    """Rank only the top ``k`` programs of the true list.

    Models short lists: unmatched applicants' lists are much shorter than
    matched applicants' (about 4 versus 10 programs in 2015; Newsome et al.,
    Am Surg 2023); truncation is also the manipulation whose scope Roth &
    Peranson (1999) measured in NRMP data. Under applicant-proposing DA it
    never helps and risks going unmatched.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> int(truncate(sm, "all", k=2).applicant_list_lengths.max())
    2
    """
    mask = _who_mask(sm, who)
    m = sm.market
    pos = np.arange(m.applicant_list.size) - np.repeat(m.applicant_ptr[:-1],
                                                       m.applicant_list_lengths)
    return _resubmit(sm, mask, pos < k, None)


@_declared
def drop_reaches(sm: SyntheticMarket, who, rng=None,
                 threshold: Annotated[Fraction, Meta(
                     description="believed chance below which a program is left off")] = 0.2) -> Market:
    """Leave off programs the applicant believes will not take them.

    Programs with ``belief < threshold`` are dropped; the rest stay in true
    order. Models applicants who do not "waste" ranks on reach programs, and
    the 23% of students who would move a program down after hearing they were
    ranked low (Schnapp et al. 2020, West J Emerg Med). Dropping a program can
    never help under DA: if it would not take you, listing it costs nothing.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> m = drop_reaches(sm, "all", threshold=0.0)
    >>> m.applicant_list.size == sm.market.applicant_list.size
    True
    """
    mask = _who_mask(sm, who)
    return _resubmit(sm, mask, sm.belief >= threshold, None)


@_declared
def promise_keeper(sm: SyntheticMarket, who, rng=None,
                   promise: Annotated[Literal["message", "signal", "either"], Meta(
                       description="what the promise follows")] = "either") -> Market:
    """Rank first the program the applicant promised to rank first.

    The promised program is the most preferred program that said "ranked to
    match" (``promise="message"``), or the most preferred program the
    applicant signalled (``promise="signal"``); with ``"either"`` (default) a
    "ranked to match" program, else the top signalled one. The rest follow in
    true order; an applicant with nothing to keep submits the true list. Models
    applicants who reciprocate programs' commitments, which the NRMP Match
    Participation Agreement (section 6.3) forbids programs to solicit; in
    anesthesiology 95.7% of applicants with a "guaranteed commitment" matched
    at that program (Moran et al. 2019, Anesth Analg).

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> m = promise_keeper(sm, "all", promise="signal")
    >>> m.applicant_list.size == sm.market.applicant_list.size
    True
    """
    mask = _who_mask(sm, who)
    m = sm.market
    e_app = sm.entry_applicant
    n_a, n_e = m.n_applicants, e_app.size
    BIG = np.iinfo(np.int64).max
    idx = np.arange(n_e, dtype=np.int64)

    def first_entry(cond):
        # the first (most preferred) entry of each applicant satisfying cond
        first = np.full(n_a, BIG, dtype=np.int64)
        np.minimum.at(first, e_app[cond], idx[cond])
        return first

    if promise in ("message", "either"):
        chosen = first_entry(sm.message == _RANKED_TO_MATCH)
    else:
        chosen = np.full(n_a, BIG, dtype=np.int64)
    if promise in ("signal", "either"):
        by_signal = first_entry(sm.signal)
        chosen = np.where(chosen == BIG, by_signal, chosen)
    group = (idx != chosen[e_app]).astype(np.int8)
    return _resubmit(sm, mask, None, group)


#: Registry of strategies: name -> function(sm, who, rng=None, **params) -> Market.
#: Each function's parameters (type, range, default) are declared in its
#: signature; :func:`parameter_schema` gives them as a schema.
STRATEGIES: dict[str, Callable[..., Market]] = {
    "truthful": truthful,
    "safety_first": safety_first,
    "signal_chasing": signal_chasing,
    "truncate": truncate,
    "drop_reaches": drop_reaches,
    "promise_keeper": promise_keeper,
}


def parameter_schema(strategy: str) -> type[msgspec.Struct]:
    """The declared parameters of a strategy, as a frozen :class:`msgspec.Struct` type.

    Its fields are the strategy's keyword parameters with their types,
    ranges (``msgspec.Meta``: ``ge``, ``le``...), descriptions and defaults;
    scenario files and every call are checked against it.

    Examples
    --------
    >>> import msgspec
    >>> schema = parameter_schema("truncate")
    >>> schema.__struct_fields__, schema().k
    (('k',), 5)
    >>> msgspec.convert({"k": 0}, schema)
    Traceback (most recent call last):
    ...
    msgspec.ValidationError: Expected `int` >= 1 - at `$.k`
    """
    if strategy not in STRATEGIES:
        raise ValueError(
            f"unknown strategy {strategy!r}; valid strategies: {', '.join(STRATEGIES)}"
        )
    return STRATEGIES[strategy].parameters


def strategy_params(strategy: str) -> dict[str, object]:
    """The parameters of a strategy and their defaults.

    Examples
    --------
    >>> strategy_params("truncate")
    {'k': 5}
    >>> strategy_params("truthful")
    {}
    """
    defaults = parameter_schema(strategy)()
    return {name: getattr(defaults, name) for name in defaults.__struct_fields__}


def apply_strategy(sm: SyntheticMarket, strategy: str, who, rng=None, **params) -> Market:
    """The market in which applicants ``who`` submit what ``strategy`` gives.

    Parameters
    ----------
    sm : SyntheticMarket
        A generated market; its truthful lists are the starting point.
    strategy : str
        A key of :data:`STRATEGIES`.
    who : bool array of shape (n_applicants,), int, sequence of int, or "all"
        The applicants who use the strategy; everybody else stays truthful
        (their lists are untouched).
    rng : None, int or Generator
        For strategies that draw random numbers (none of the built-in ones
        do; accepted so that all strategies share one signature).
    **params
        The strategy's parameters (see :func:`strategy_params`).

    Returns
    -------
    Market
        Same programs and program lists; the lists of ``who`` replaced.

    Raises
    ------
    ValueError
        Naming the valid strategies, or the strategy's valid parameters.

    Examples
    --------
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> int(apply_strategy(sm, "truncate", "all", k=3).applicant_list_lengths.max()) <= 3
    True
    >>> apply_strategy(sm, "truncate", "all", n=3)
    Traceback (most recent call last):
    ...
    ValueError: strategy 'truncate' has no parameter 'n'; its parameters: k
    >>> apply_strategy(sm, "honest", "all")
    Traceback (most recent call last):
    ...
    ValueError: unknown strategy 'honest'; valid strategies: truthful, safety_first, signal_chasing, truncate, drop_reaches, promise_keeper
    >>> apply_strategy(sm, "truncate", "all", k=0)
    Traceback (most recent call last):
    ...
    ValueError: strategy 'truncate': k = 0 is not allowed (Expected `int` >= 1)
    """
    parameter_schema(strategy)  # names the valid strategies
    return STRATEGIES[strategy](sm, who, rng=rng, **params)


# ------------------------------------------------------------------ outcomes
def true_rank(sm: SyntheticMarket, assignment) -> np.ndarray:
    """Place of each applicant's match on their TRUE list (1 = first choice).

    Parameters
    ----------
    sm : SyntheticMarket
    assignment : array of int, shape (n_applicants,)
        Program of each applicant (``UNMATCHED`` = -1), e.g.
        ``deferred_acceptance(...).assignment`` for any submitted lists.

    Returns
    -------
    ndarray of int32
        1-based rank in true preference order, ``UNMATCHED`` (-1) if unmatched.

    Examples
    --------
    >>> from matchsim.engine import deferred_acceptance
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> res = deferred_acceptance(sm.market, "applicant")
    >>> bool((true_rank(sm, res.assignment) == res.rank).all())
    True
    """
    m = sm.market
    assignment = np.asarray(assignment)
    if assignment.shape != (m.n_applicants,):
        raise ValueError(f"assignment needs shape ({m.n_applicants},), got {assignment.shape}")
    e_app = sm.entry_applicant
    hit = np.flatnonzero(m.applicant_list == assignment[e_app])
    out = np.full(m.n_applicants, UNMATCHED, dtype=np.int32)
    out[e_app[hit]] = (hit - m.applicant_ptr[e_app[hit]] + 1).astype(np.int32)
    return out


def true_utility(sm: SyntheticMarket, assignment) -> np.ndarray:
    """True utility of each applicant's match (``-inf`` if unmatched).

    Examples
    --------
    >>> from matchsim.engine import deferred_acceptance
    >>> from matchsim.markets import generate_market
    >>> sm = generate_market("small", rng=0)
    >>> u = true_utility(sm, deferred_acceptance(sm.market, "applicant").assignment)
    >>> u.shape == (sm.market.n_applicants,)
    True
    """
    m = sm.market
    r = true_rank(sm, assignment)
    out = np.full(m.n_applicants, -np.inf)
    ok = r > 0
    out[ok] = sm.utility[m.applicant_ptr[:-1][ok] + r[ok] - 1]
    return out
