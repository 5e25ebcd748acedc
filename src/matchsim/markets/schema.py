"""Field types with their allowed ranges, and the check of a dataclass against them.

A parameter class declares each field's type and range once, on the field
(``n_programs: Positive = 140``); :func:`check_fields`, called from its
``__post_init__``, validates every field with msgspec and turns the first
violation into one line that names the field and what it allows. The types
are :data:`typing.Annotated` types with :class:`msgspec.Meta` constraints, so
msgspec (or any tool that reads ``Annotated``) sees the same schema.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Knobs:
...     size: Positive = 3
...     share: Share = 0.5
...     def __post_init__(self):
...         check_fields(self)
>>> Knobs(size=2).size
2
>>> Knobs(share=2.0)
Traceback (most recent call last):
...
ValueError: share must be in [0, 1], got 2.0
>>> Knobs(size="3")
Traceback (most recent call last):
...
ValueError: size must be an integer >= 1, got '3'
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import fields
from typing import Annotated

import msgspec
import numpy as np
from msgspec import Meta

__all__ = [
    "AtLeastOne",
    "Count",
    "Cutoffs",
    "NonNegative",
    "PerType",
    "PerTypeAtLeastOne",
    "PerTypeNonNegative",
    "Positive",
    "Share",
    "check_fields",
]

#: An integer >= 0.
Count = Annotated[int, Meta(ge=0)]
#: An integer >= 1.
Positive = Annotated[int, Meta(ge=1)]
#: A number in [0, 1].
Share = Annotated[float, Meta(ge=0.0, le=1.0)]
#: A number >= 0.
NonNegative = Annotated[float, Meta(ge=0.0)]
#: A number >= 1.
AtLeastOne = Annotated[float, Meta(ge=1.0)]
#: Five numbers, one per applicant type.
PerType = tuple[float, float, float, float, float]
#: Five numbers >= 0, one per applicant type.
PerTypeNonNegative = tuple[NonNegative, NonNegative, NonNegative, NonNegative, NonNegative]
#: Five numbers >= 1, one per applicant type.
PerTypeAtLeastOne = tuple[AtLeastOne, AtLeastOne, AtLeastOne, AtLeastOne, AtLeastOne]
#: Three numbers >= 0 (message cut-offs).
Cutoffs = tuple[NonNegative, NonNegative, NonNegative]


@functools.cache
def _schema(cls):
    """The fields' annotated types, and a msgspec Struct built from them."""
    hints = typing.get_type_hints(cls, include_extras=True)
    struct = msgspec.defstruct(f"{cls.__name__}Schema", [(f.name, hints[f.name])
                                                        for f in fields(cls)])
    return hints, struct


def _plain(v):
    """``v`` with NumPy scalars and arrays as Python numbers and tuples (msgspec is strict)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple, np.ndarray)):
        return tuple(_plain(x) for x in v)
    return v


_PATH = re.compile(r"at `\$\.(\w+)(?:\[(\d+)\])?`$")


def check_fields(obj, per_type=()) -> None:
    """Check every field of dataclass ``obj`` against its annotated type.

    Parameters
    ----------
    obj : dataclass instance
        Its fields' annotations are the schema (types of this module, or any
        ``Annotated[..., msgspec.Meta(...)]``). NumPy scalars and arrays count
        as the Python numbers and tuples they hold; values are not changed.
    per_type : sequence of str, optional
        Labels of the entries of tuple fields that have one value per label
        (the applicant types), used to name an entry in errors.

    Raises
    ------
    ValueError
        For the first field that breaks its type or range, naming the field,
        what it allows and the value given.

    Examples
    --------
    >>> from matchsim.markets import MarketParams
    >>> MarketParams(n_applications=(10, 10, 0.5, 10, 10))
    Traceback (most recent call last):
    ...
    ValueError: n_applications must be >= 1 for every type, got 0.5 for US-citizen IMG
    """
    hints, struct = _schema(type(obj))
    values = {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    try:
        msgspec.convert(values, struct)
    except msgspec.ValidationError as exc:
        m = _PATH.search(str(exc))
        if m is None:  # pragma: no cover - msgspec always names the path
            raise ValueError(str(exc)) from None
        name, index = m.group(1), m.group(2)
        line = _explain(name, index, getattr(obj, name), hints[name], tuple(per_type))
        raise ValueError(line) from None


def _split(hint):
    """``(base type, Meta or None)`` of a scalar field type."""
    if typing.get_origin(hint) is Annotated:
        return typing.get_args(hint)[0], hint.__metadata__[0]
    return hint, None


def _allowed(hint) -> str:
    """What a scalar type admits, in words: "an integer >= 1", "a number in [0, 1]"."""
    base, meta = _split(hint)
    kind = "an integer" if base is int else "a number"
    lo, hi = getattr(meta, "ge", None), getattr(meta, "le", None)
    if lo is not None and hi is not None:
        return f"{kind} in [{lo:g}, {hi:g}]"
    return f"{kind} >= {lo:g}" if lo is not None else kind


def _bare(hint) -> str:
    """The range alone when there is one (">= 1"), else the kind ("a number")."""
    words = _allowed(hint)
    for kind in ("an integer ", "a number "):
        if words.startswith(kind):
            return words[len(kind):]
    return words


def _is_number(value, hint) -> bool:
    """Whether ``value`` has the kind the field wants (an int for an int field)."""
    base, _ = _split(hint)
    plain = _plain(value)
    if isinstance(plain, bool) or not isinstance(plain, (int, float)):
        return False
    return base is not int or isinstance(plain, int)


def _explain(name, index, value, hint, per_type) -> str:
    """The error line for field ``name`` (element ``index`` of a tuple field, if given)."""
    if typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        labelled = bool(per_type) and len(items) == len(per_type)
        value = _plain(value)
        if index is None:
            got = len(value) if isinstance(value, tuple) else f"the single value {value!r}"
            whose = f", one per type {per_type}" if labelled else ""
            return f"{name} needs {len(items)} values{whose}, got {got}"
        i = int(index)
        what = _bare(items[i]) if _is_number(value[i], items[i]) else _allowed(items[i])
        where = (f"for every type, got {value[i]!r} for {per_type[i]}" if labelled
                 else f"each, got {value!r}")
        return f"{name} must be {what} {where}"
    what = _bare(hint) if _is_number(value, hint) else _allowed(hint)
    return f"{name} must be {what}, got {value!r}"
