"""Markets from Python lists and names, and back: the construction behind :meth:`Market.from_lists`.

:class:`~matchsim.market.Market` stores integer arrays; this module turns
dicts of names (or sequences of ids) into those arrays, and the NRMP's
variations given by name (couples, supplemental lists, reversions, tracks,
even/odd requests) into the containers of :mod:`matchsim.extensions`; and
:func:`extension_lists` gives them back by name. Its functions return arrays
and containers, never a :class:`Market`, so that the market module stays the
one owner of validation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from matchsim.constants import NO_MATCH
from matchsim.extensions import (
    EVEN_ODD, TRACKS, Couples, Reversions, SupplementalLists, is_no_match, pairs_of, parse_even_odd,
    parse_track,
)

__all__ = ["plain_arrays", "rows_to_csr", "couple_rows", "extension_arrays", "extension_lists"]

_IDX = np.int32
_PTR = np.int64


def plain_arrays(applicant_prefs, program_prefs, capacities) -> tuple:
    """The arguments of :class:`Market` (CSR arrays, capacities, names) from dicts of names or id sequences.

    See :meth:`Market.from_lists` for the forms accepted and the errors.
    """
    if isinstance(capacities, Mapping):
        if not isinstance(applicant_prefs, Mapping) or not isinstance(program_prefs, Mapping):
            raise ValueError("use dicts for all three arguments, or sequences for all three")
        fast = _from_name_dicts_fast(applicant_prefs, program_prefs, capacities)
        if fast is not None:
            return fast
        program_names = [str(p) for p in capacities]
        prog_id = {p: i for i, p in enumerate(program_names)}
        missing = [p for p in program_prefs if str(p) not in prog_id]
        if missing:
            raise ValueError(f"program {missing[0]!r} has a rank list but no capacity")
        app_id = {str(a): i for i, a in enumerate(applicant_prefs)}
        # flat name lists, then one dictionary look-up per entry: no per-row arrays
        a_items = list(applicant_prefs.items())
        a_len = [len(lst) for _, lst in a_items]
        a_flat = [str(p) for _, lst in a_items for p in lst]
        try:
            a_idx = np.fromiter(map(prog_id.__getitem__, a_flat), dtype=_IDX, count=len(a_flat))
        except KeyError:
            for a, alist in a_items:
                for rank, p in enumerate(alist, start=1):
                    if str(p) not in prog_id:
                        raise ValueError(
                            f"applicant {a!r} ranks unknown program {p!r} at rank {rank}"
                        ) from None
            raise
        # an applicant named only on a program's list gets the next id
        p_items = [(prog_id[str(p)], plist) for p, plist in program_prefs.items()]
        p_flat = [str(a) for _, plist in p_items for a in plist]
        p_ids = np.fromiter((app_id.setdefault(a, len(app_id)) for a in p_flat), dtype=_IDX,
                            count=len(p_flat))
        applicant_names = list(app_id)
        a_len += [0] * (len(applicant_names) - len(a_len))
        a_ptr = np.zeros(len(a_len) + 1, dtype=_PTR)
        np.cumsum(a_len, out=a_ptr[1:])
        p_len = np.zeros(len(program_names), dtype=_PTR)
        for p, plist in p_items:
            p_len[p] = len(plist)
        p_ptr = np.zeros(len(program_names) + 1, dtype=_PTR)
        np.cumsum(p_len, out=p_ptr[1:])
        # program rows may come in any order: place each at its own offset
        p_idx = np.empty(int(p_ptr[-1]), dtype=_IDX)
        k = 0
        for p, plist in p_items:
            n = len(plist)
            p_idx[p_ptr[p] : p_ptr[p] + n] = p_ids[k : k + n]
            k += n
        cap = [int(capacities[p]) for p in capacities]
        return (a_ptr, a_idx, p_ptr, p_idx, np.asarray(cap, dtype=np.int64),
                tuple(applicant_names), tuple(program_names))
    else:
        if isinstance(applicant_prefs, Mapping) or isinstance(program_prefs, Mapping):
            raise ValueError("use dicts for all three arguments, or sequences for all three")
        a_rows = [list(r) for r in applicant_prefs]
        p_rows = [list(r) for r in program_prefs]
        cap = list(capacities)
        if len(p_rows) != len(cap):
            raise ValueError(f"{len(p_rows)} program lists but {len(cap)} capacities")
    a_ptr, a_idx = rows_to_csr(a_rows)
    p_ptr, p_idx = rows_to_csr(p_rows)
    return a_ptr, a_idx, p_ptr, p_idx, np.asarray(cap, dtype=np.int64)


def extension_lists(market) -> dict:
    """``market``'s extensions keyed by name, in the forms :meth:`Market.from_lists` accepts (see
    :meth:`Market.extension_lists`)."""
    an, pn = market.applicant_labels(), market.program_labels()
    out = {}
    if market.couples is not None:
        cp = market.couples
        out["couples"] = {
            (an[cp.members[c, 0]], an[cp.members[c, 1]]): [
                tuple(None if x == NO_MATCH else pn[x] for x in pair) for pair in cp.joint_list(c).tolist()
            ]
            for c in range(cp.n_couples)
        }
    if market.supplemental is not None:
        sp = market.supplemental
        sup = {}
        for i in range(sp.n_lists):
            sup.setdefault(an[sp.owner[i]], {})[sp.label(i)] = (
                [pn[p] for p in sp.links_of(i).tolist()], [pn[p] for p in sp.programs_of(i).tolist()])
        out["supplemental"] = sup
    if market.reversions is not None:
        rv = market.reversions
        out["reversions"] = [(pn[d], pn[r], int(k)) for d, r, k in
                             zip(rv.donor.tolist(), rv.receiver.tolist(), rv.positions.tolist())]
    if market.tracks is not None:
        out["tracks"] = {pn[p]: TRACKS[t] for p, t in enumerate(market.tracks.tolist()) if t}
    if market.even_odd is not None:
        out["even_odd"] = {pn[p]: EVEN_ODD[t] for p, t in enumerate(market.even_odd.tolist()) if t}
    return out


def _from_name_dicts_fast(applicant_prefs, program_prefs, capacities):
    """CSR arrays from name dicts when every name is used as given (the usual case).

    Names are looked up as they are, without conversion, and every applicant
    on a program's list must have a list of their own. Returns ``None`` when
    that does not hold, and the careful path (names compared as strings,
    unlisted applicants added, errors that say which name is wrong) runs.
    """
    from itertools import chain

    prog_id = {p: i for i, p in enumerate(capacities)}
    app_id = {a: i for i, a in enumerate(applicant_prefs)}
    if len(prog_id) != len(capacities) or any(p not in prog_id for p in program_prefs):
        return None
    try:
        a_len = np.fromiter(map(len, applicant_prefs.values()), dtype=_PTR, count=len(applicant_prefs))
        a_idx = np.fromiter(map(prog_id.__getitem__, chain.from_iterable(applicant_prefs.values())),
                            dtype=_IDX, count=int(a_len.sum()))
        p_rows = [None] * len(prog_id)
        for p, plist in program_prefs.items():
            p_rows[prog_id[p]] = plist
        p_rows = [() if r is None else r for r in p_rows]
        p_len = np.fromiter(map(len, p_rows), dtype=_PTR, count=len(p_rows))
        p_idx = np.fromiter(map(app_id.__getitem__, chain.from_iterable(p_rows)),
                            dtype=_IDX, count=int(p_len.sum()))
    except (KeyError, TypeError):
        return None
    a_ptr = np.zeros(a_len.size + 1, dtype=_PTR)
    np.cumsum(a_len, out=a_ptr[1:])
    p_ptr = np.zeros(p_len.size + 1, dtype=_PTR)
    np.cumsum(p_len, out=p_ptr[1:])
    cap = np.fromiter((int(c) for c in capacities.values()), dtype=np.int64, count=len(capacities))
    return (a_ptr, a_idx, p_ptr, p_idx, cap,
            tuple(map(str, applicant_prefs)), tuple(map(str, capacities)))


def rows_to_csr(rows):
    """CSR ``(ptr, idx)`` of a sequence of id rows (int64 pointers, int32 ids)."""
    lengths = np.fromiter((len(r) for r in rows), dtype=_PTR, count=len(rows))
    ptr = np.zeros(len(rows) + 1, dtype=_PTR)
    np.cumsum(lengths, out=ptr[1:])
    if ptr[-1]:
        idx = np.concatenate([np.asarray(r, dtype=_IDX) for r in rows if len(r)])
    else:
        idx = np.zeros(0, dtype=_IDX)
    return ptr, idx


# ------------------------------------------------------------- extensions
def couple_rows(couples):
    """``[((partner_1, partner_2), joint_list), ...]`` from either accepted form."""
    if isinstance(couples, Mapping):
        rows = list(couples.items())
    else:
        rows = []
        for row in couples:
            row = tuple(row)
            if len(row) != 3:
                raise ValueError("give couples as {(partner_1, partner_2): joint_list} or as "
                                 "(partner_1, partner_2, joint_list) rows")
            rows.append(((row[0], row[1]), row[2]))
    for pair, _ in rows:
        if isinstance(pair, str) or len(tuple(pair)) != 2:
            raise ValueError(f"a couple is two applicants, got {pair!r}")
    return [(tuple(pair), jl) for pair, jl in rows]


def _lookup(ids, name, what, where):
    try:
        return ids[str(name)]
    except KeyError:
        raise ValueError(f"{where} names unknown {what} {name!r}") from None


def extension_arrays(base, by_name, couples, supplemental, reversions, tracks, even_odd) -> dict:
    """Translate :meth:`Market.from_lists`' extension arguments to the containers, by name or by id."""
    n_p = base.n_programs
    if by_name:
        a_ids = {n: i for i, n in enumerate(base.applicant_labels())}
        p_ids = {n: i for i, n in enumerate(base.program_labels())}

        def app(x, where):
            return _lookup(a_ids, x, "applicant", where)

        def prog(x, where):
            return _lookup(p_ids, x, "program", where)
    else:
        def app(x, where):
            return int(x)

        def prog(x, where):
            return int(x)

    out = {}
    if tracks is not None:
        out["tracks"] = _per_program(tracks, n_p, parse_track, prog, "tracks")
    if even_odd is not None:
        out["even_odd"] = _per_program(even_odd, n_p, parse_even_odd, prog, "even_odd")
    if couples is not None:
        rows = couple_rows(couples)
        members, lists, names = [], [], []
        for (m1, m2), jl in rows:
            label = f"{m1} & {m2}" if by_name else f"c{len(names)}"
            names.append(label)
            members.append((app(m1, f"couple {label!r}"), app(m2, f"couple {label!r}")))
            pairs = []
            for rank, (x, y) in enumerate(pairs_of(jl, label), start=1):
                where = f"couple {label!r} at rank {rank}"
                pairs.append(tuple(NO_MATCH if is_no_match(v) else prog(v, where) for v in (x, y)))
            lists.append(pairs)
        out["couples"] = Couples.from_pairs(members, lists, names if by_name else None)
    if supplemental is not None:
        triples, names = [], []
        if isinstance(supplemental, Mapping):
            for a, lists in supplemental.items():
                items = list(lists.items()) if isinstance(lists, Mapping) else \
                    [(str(i), v) for i, v in enumerate(lists, start=1)]
                for name, value in items:
                    value = tuple(value)
                    if len(value) != 2:
                        raise ValueError(f"supplemental list {name!r} of {a!r}: give (linked advanced "
                                         "programs, PGY-1 programs)")
                    triples.append((a, value[0], value[1]))
                    names.append(str(name))
        else:
            counts = {}
            for row in supplemental:
                row = tuple(row)
                if len(row) != 3:
                    raise ValueError("give supplemental lists as (applicant, linked advanced programs, "
                                     "PGY-1 programs) rows")
                counts[row[0]] = counts.get(row[0], 0) + 1
                triples.append(row)
                names.append(str(counts[row[0]]))
        rows = []
        for (a, links, progs), name in zip(triples, names):
            where = f"supplemental list {name!r} of {a!r}"
            if isinstance(links, (str, int, np.integer)):
                links = [links]
            rows.append((app(a, where), [prog(x, where) for x in links], [prog(x, where) for x in progs]))
        out["supplemental"] = SupplementalLists.from_rows(rows, names)
    if reversions is not None:
        rows = [tuple(r) for r in reversions]
        for r in rows:
            if len(r) != 3:
                raise ValueError("give reversions as (donor, receiver, positions) rows")
        out["reversions"] = Reversions(
            np.array([prog(d, "a reversion") for d, _, _ in rows], dtype=_IDX),
            np.array([prog(r, "a reversion") for _, r, _ in rows], dtype=_IDX),
            np.array([int(k) for _, _, k in rows], dtype=_IDX),
        )
    return out


def _per_program(values, n_p, parse, prog, what):
    """One code per program from ``{program: value}`` (others 0) or a sequence of ``n_p`` values."""
    codes = np.zeros(n_p, dtype=np.int8)
    if isinstance(values, Mapping):
        for p, v in values.items():
            codes[prog(p, what)] = parse(v)
        return codes
    values = list(values)
    if len(values) != n_p:
        raise ValueError(f"{what} has {len(values)} entries for {n_p} programs")
    for p, v in enumerate(values):
        codes[p] = parse(v)
    return codes
