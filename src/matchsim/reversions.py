"""Reversions: unfilled positions that move from one program to another (the container :class:`Reversions`).

Part of the NRMP's variations (:mod:`matchsim.extensions`, which re-exports
everything here): rows ``(donor, receiver, positions)``; reversions may chain
but never come back to where they started (:func:`reversion_cycle`), and
:func:`reversion_order` gives an order in which each donor's outcome is known
before it reverts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim._arrays import readonly as _readonly

__all__ = ["Reversions", "reversion_order", "reversion_cycle"]

_IDX = np.int32


@dataclass(frozen=True, eq=False)
class Reversions:
    """Positions that revert from one program to another when left unfilled.

    Parameters
    ----------
    donor, receiver : array_like of int, shape (n,)
        Program ids (int32). A donor may appear in several rows; its
        unfilled positions go to its receivers in the order of the rows.
    positions : array_like of int, shape (n,)
        The most positions that revert along each row (>= 1).

    Examples
    --------
    >>> r = Reversions([0, 0], [1, 2], [1, 2])
    >>> r.n_reversions, r.positions.tolist()
    (2, [1, 2])
    """

    donor: np.ndarray
    receiver: np.ndarray
    positions: np.ndarray

    def __post_init__(self):
        arrs = [np.ascontiguousarray(x, dtype=_IDX).ravel() for x in (self.donor, self.receiver, self.positions)]
        donor, receiver, positions = arrs
        if not donor.size == receiver.size == positions.size:
            raise ValueError(f"reversions need as many receivers and positions as donors "
                             f"({donor.size}, {receiver.size}, {positions.size})")
        if donor.size and min(donor.min(), receiver.min()) < 0:
            raise ValueError("reversion program ids must be >= 0")
        if np.any(positions < 1):
            i = int(np.flatnonzero(positions < 1)[0])
            raise ValueError(f"reversion {i + 1} moves {positions[i]} positions; give at least 1")
        if np.any(donor == receiver):
            i = int(np.flatnonzero(donor == receiver)[0])
            raise ValueError(f"reversion {i + 1} reverts program {donor[i]} to itself")
        key = donor.astype(np.int64) * 2**32 + receiver
        if np.unique(key).size != key.size:
            raise ValueError("a (donor, receiver) pair appears in two reversions; give one row per pair")
        for name, arr in zip(("donor", "receiver", "positions"), arrs):
            object.__setattr__(self, name, _readonly(arr))

    @property
    def n_reversions(self) -> int:
        return self.donor.size

    def renumbered(self, new_program) -> Reversions:
        new_program = np.asarray(new_program)
        return Reversions(new_program[self.donor], new_program[self.receiver], self.positions)


def reversion_order(reversions: Reversions, n_programs: int) -> np.ndarray:
    """Row ids of ``reversions`` in an order where each donor comes after every program reverting to it.

    Rows of one donor keep their given order. Raises ``ValueError`` naming a
    cycle (by program id) when reversions are circular.

    Examples
    --------
    >>> reversion_order(Reversions([1, 0], [2, 1], [1, 1]), 3).tolist()
    [1, 0]
    >>> reversion_order(Reversions([0, 1], [1, 0], [1, 1]), 2)
    Traceback (most recent call last):
    ...
    ValueError: reversions are circular: program 0 -> 1 -> 0
    """
    cycle = reversion_cycle(reversions)
    if cycle is not None:
        raise ValueError("reversions are circular: program " + " -> ".join(map(str, cycle)))
    receiver = reversions.receiver.tolist()
    out_rows = {}  # donor -> its rows, in their given order (one pass over the rows)
    for i, d in enumerate(reversions.donor.tolist()):
        out_rows.setdefault(d, []).append(i)
    donors = sorted(out_rows)
    indeg = np.zeros(n_programs, dtype=np.int64)
    for r in receiver:  # a (donor, receiver) pair has one row
        indeg[r] += 1
    ready = [d for d in donors if indeg[d] == 0]
    order = []
    while ready:
        d = ready.pop(0)
        rows = out_rows.get(d, [])
        order.extend(rows)
        for i in rows:
            r = receiver[i]
            indeg[r] -= 1
            if indeg[r] == 0 and r in out_rows:
                ready.append(r)
    return np.array(order, dtype=np.int64)


def reversion_cycle(reversions: Reversions) -> list | None:
    """A cycle of program ids in the reversion graph (its first program repeated at the end), or None.

    Examples
    --------
    >>> reversion_cycle(Reversions([0, 1, 2], [1, 2, 1], [1, 1, 1]))
    [1, 2, 1]
    >>> reversion_cycle(Reversions([0], [1], [1])) is None
    True
    """
    succ = {}
    for d, r in zip(reversions.donor.tolist(), reversions.receiver.tolist()):
        succ.setdefault(d, []).append(r)
    state = {}  # 1 = on the current path, 2 = done
    for start in succ:
        if state.get(start):
            continue
        path, stack = [start], [iter(succ.get(start, ()))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(succ.get(nxt, ())))
    return None
