"""Hypothesis strategies for random small markets.

``markets()`` draws a market with 1-``max_applicants`` applicants and
1-``max_programs`` programs, capacities 0-``max_capacity``, and random strict
lists on both sides. Lists are drawn independently, so one-sided entries
(a ranks p, p does not rank a) occur often, as in the NRMP.
"""

from __future__ import annotations

from hypothesis import strategies as st

from matchsim import Market


@st.composite
def markets(draw, max_applicants=5, max_programs=4, max_capacity=2, min_applicants=1):
    n_a = draw(st.integers(min_applicants, max_applicants))
    n_p = draw(st.integers(1, max_programs))
    cap = draw(st.lists(st.integers(0, max_capacity), min_size=n_p, max_size=n_p))
    a_lists = [
        draw(st.permutations(range(n_p)).flatmap(lambda perm: st.integers(0, n_p).map(lambda k: perm[:k])))
        for _ in range(n_a)
    ]
    p_lists = [
        draw(st.permutations(range(n_a)).flatmap(lambda perm: st.integers(0, n_a).map(lambda k: perm[:k])))
        for _ in range(n_p)
    ]
    return Market.from_lists(a_lists, p_lists, cap)
