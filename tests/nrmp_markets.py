"""Random tiny markets with the NRMP's extensions, for property tests and seeded loops.

:func:`random_nrmp_market` draws, from a NumPy generator, a market with a few
single applicants, a few couples, and programs of random tracks; optionally
supplemental lists, reversions and even/odd requests. :func:`nrmp_markets` is
the same as a hypothesis strategy (hypothesis draws the seed and the sizes,
and shrinks them).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from matchsim import Market
from matchsim.extensions import ADVANCED, PRELIMINARY, TRANSITIONAL


def _subset(rng, items, max_len=None):
    items = list(items)
    k = int(rng.integers(0, len(items) + 1)) if max_len is None else int(rng.integers(0, min(max_len, len(items)) + 1))
    return [items[i] for i in rng.permutation(len(items))[:k]]


def random_nrmp_market(rng, n_singles=(1, 4), n_couples=(0, 2), n_programs=(1, 4), max_capacity=2,
                       max_pairs=5, supplemental=0.0, reversions=0.0, even_odd=0.0, tracks=None):
    """A random tiny market (see the module docstring); ``rng`` is a NumPy Generator or a seed.

    ``supplemental``, ``reversions`` and ``even_odd`` are probabilities: of a
    single applicant with an advanced program getting supplemental lists, of
    a program reverting, of a program asking for an even or odd number.
    """
    rng = np.random.default_rng(rng)
    n_s = int(rng.integers(n_singles[0], n_singles[1] + 1))
    n_c = int(rng.integers(n_couples[0], n_couples[1] + 1))
    n_p = int(rng.integers(n_programs[0], n_programs[1] + 1))
    n_a = n_s + 2 * n_c
    cap = rng.integers(0, max_capacity + 1, size=n_p).tolist()
    if tracks is None:
        tr = [0] * n_p
        if supplemental > 0 and n_p >= 2:
            tr = rng.choice([0, ADVANCED, PRELIMINARY, TRANSITIONAL], size=n_p, p=[0.3, 0.3, 0.25, 0.15]).tolist()
    else:
        tr = list(tracks)
    a_lists = [_subset(rng, range(n_p)) for _ in range(n_s)] + [[] for _ in range(2 * n_c)]
    p_lists = [_subset(rng, range(n_a)) for _ in range(n_p)]
    couples = []
    for c in range(n_c):
        m1, m2 = n_s + 2 * c, n_s + 2 * c + 1
        cells = [(x, y) for x in range(-1, n_p) for y in range(-1, n_p) if (x, y) != (-1, -1)]
        k = int(rng.integers(0, min(max_pairs, len(cells)) + 1))
        pairs = [cells[i] for i in rng.permutation(len(cells))[:k]]
        couples.append((m1, m2, pairs))
    sup = []
    pgy1 = [p for p in range(n_p) if tr[p] in (PRELIMINARY, TRANSITIONAL)]
    if supplemental > 0 and pgy1:
        for a in range(n_a):
            if a < n_s:
                adv = [p for p in a_lists[a] if tr[p] == ADVANCED]
            else:
                c, side = divmod(a - n_s, 2)
                adv = sorted({xy[side] for xy in couples[c][2] if xy[side] >= 0 and tr[xy[side]] == ADVANCED})
            if not adv or rng.random() >= supplemental:
                continue
            # one or two lists, each linked to some of the advanced programs (each program to one list)
            order = rng.permutation(len(adv))
            n_lists = 1 if len(adv) == 1 or rng.random() < 0.6 else 2
            groups = np.array_split(order, n_lists)
            for g in groups:
                if len(g) == 0:
                    continue
                progs = _subset(rng, pgy1) or [pgy1[int(rng.integers(len(pgy1)))]]
                sup.append((a, [adv[i] for i in g], progs))
    rev = []
    if reversions > 0:
        perm = rng.permutation(n_p)  # reversions only go "up" this order: no cycles
        given = [0] * n_p
        for i in range(n_p):
            for j in range(i + 1, n_p):
                d, r = int(perm[i]), int(perm[j])
                if rng.random() < reversions and given[d] < cap[d]:
                    k = int(rng.integers(1, cap[d] - given[d] + 1))
                    given[d] += k
                    rev.append((d, r, k))
    eo = None
    if even_odd > 0:
        eo = [int(rng.choice([1, 2])) if rng.random() < even_odd else 0 for _ in range(n_p)]
    return Market.from_lists(
        a_lists, p_lists, cap,
        couples=couples if couples else None,
        supplemental=sup if sup else None,
        reversions=rev if rev else None,
        tracks=tr if (sup or tracks is not None or supplemental > 0) else None,
        even_odd=eo,
    )


@st.composite
def nrmp_markets(draw, supplemental=0.0, reversions=0.0, even_odd=0.0, **sizes):
    """Hypothesis strategy: :func:`random_nrmp_market` from a drawn seed."""
    seed = draw(st.integers(0, 2**32 - 1))
    return random_nrmp_market(seed, supplemental=supplemental, reversions=reversions, even_odd=even_odd,
                              **sizes)


def random_outcome(market, rng):
    """A random individually rational outcome ``(primary, pgy1)`` (quotas not respected on purpose)."""
    rng = np.random.default_rng(rng)
    n_a = market.n_applicants
    ranked = [set(market.program_prefs(p).tolist()) for p in range(market.n_programs)]
    primary = np.full(n_a, -1, dtype=np.int32)
    pgy1 = np.full(n_a, -1, dtype=np.int32)
    in_couple = set()
    cp = market.couples
    if cp is not None:
        for c in range(cp.n_couples):
            m1, m2 = cp.members[c].tolist()
            in_couple |= {m1, m2}
            ok = [(x, y) for x, y in cp.joint_list(c).tolist()
                  if (x < 0 or m1 in ranked[x]) and (y < 0 or m2 in ranked[y])] + [(-1, -1)]
            primary[m1], primary[m2] = ok[int(rng.integers(len(ok)))]
    for a in range(n_a):
        if a in in_couple:
            continue
        ok = [p for p in market.applicant_prefs(a).tolist() if a in ranked[p]] + [-1]
        primary[a] = ok[int(rng.integers(len(ok)))]
    sp = market.supplemental
    if sp is not None:
        for i in range(sp.n_lists):
            a = int(sp.owner[i])
            if primary[a] in sp.links_of(i).tolist():
                ok = [s for s in sp.programs_of(i).tolist() if a in ranked[s]] + [-1]
                pgy1[a] = ok[int(rng.integers(len(ok)))]
    return primary, pgy1
