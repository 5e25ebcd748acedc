"""Study kinds: one module per question a study asks, registered once in :data:`REGISTRY`.

A study kind is everything that is particular to one question: the options
of its ``[<kind>]`` table in a scenario file, what one trial computes, how the
trials are summarised, how the summary is drawn and which summary columns the
terminal leaves out. Each kind lives in its own module of this package and
describes itself with one :class:`StudyKind`, named ``KIND``. The scenario
parser, the runner, the summary, the plots and ``matchsim run`` all look a
kind up here; nothing else in matchsim names a kind.

Adding a kind is one new module plus one line in :data:`REGISTRY` (see
"How to add a study kind" in ``docs/studies.md``).

Examples
--------
>>> list(REGISTRY)
['strategies', 'messages', 'list_length', 'core', 'signals', 'stable_set', 'couples_gains']
>>> kind = get_kind("core")
>>> kind.options().scales
(0.25, 0.5, 1.0, 2.0)
>>> get_kind("lattice")
Traceback (most recent call last):
...
ValueError: kind must be one of ('strategies', 'messages', 'list_length', 'core', 'signals', 'stable_set', 'couples_gains'), got 'lattice'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from matchsim.strategies import STRATEGIES

__all__ = ["REGISTRY", "OptionError", "Options", "StrategyName", "StudyKind", "all_kinds", "get_kind"]

#: Every study kind, in the order users see them: kind name -> module defining ``KIND``.
REGISTRY: dict[str, str] = {
    "strategies": "matchsim.studies.kinds.strategies",
    "messages": "matchsim.studies.kinds.messages",
    "list_length": "matchsim.studies.kinds.list_length",
    "core": "matchsim.studies.kinds.core",
    "signals": "matchsim.studies.kinds.signals",
    "stable_set": "matchsim.studies.kinds.stable_set",
    "couples_gains": "matchsim.studies.kinds.couples_gains",
}


class Options(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of every kind's options: a frozen, typed table; unknown keys are refused.

    Declare each key as an annotated field with its default, e.g.
    ``sample: Annotated[int, Meta(gt=0, description="...")] = 10``; the
    scenario parser turns TOML into it with :func:`msgspec.convert` and
    explains any mistake with the field's type, range and description.
    """


#: A strategy named in a scenario: a key of :data:`matchsim.strategies.STRATEGIES`
#: (a mistake lists the ones other than truthful).
StrategyName = Annotated[Literal[tuple(STRATEGIES)], Meta(extra={
    "what": "strategy", "valid": tuple(s for s in STRATEGIES if s != "truthful")})]


class OptionError(ValueError):
    """A mistake that involves more than one key (raised by a kind's ``check``).

    Parameters
    ----------
    key : str
        The scenario key to point at, as ``table.key`` (e.g. ``"strategies.compare"``).
    message : str
        What is wrong and what to do.
    """

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class StudyKind:
    """Everything that is particular to one study kind.

    Attributes
    ----------
    name : str
        The value of ``study.kind``; also the name of its options table.
    question : str
        One line: what the study asks.
    options : type
        The frozen :class:`Options` subclass of its table.
    trial : callable
        ``trial(scenario, trial_number) -> dict`` of equal-length column
        arrays, starting with ``trial`` (see :mod:`matchsim.studies.trial`).
    summarize : callable
        ``summarize(results: DataFrame) -> DataFrame``.
    plot : callable
        ``plot(summary, title) -> matplotlib Figure``.
    hidden : tuple of str
        Summary columns left out of the terminal table (``summary.csv`` and
        ``--json`` keep every column).
    check : callable, optional
        ``check(scenario)``: checks that involve more than one key, raising
        :class:`OptionError`; called once the whole scenario is read.
    """

    name: str
    question: str
    options: type
    trial: Callable
    summarize: Callable
    plot: Callable
    hidden: tuple[str, ...] = ()
    check: Callable | None = None


@cache
def get_kind(name: str) -> StudyKind:
    """The :class:`StudyKind` registered as ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not in :data:`REGISTRY`.
    """
    if name not in REGISTRY:
        raise ValueError(f"kind must be one of {tuple(REGISTRY)}, got {name!r}")
    kind = importlib.import_module(REGISTRY[name]).KIND
    if kind.name != name:
        raise RuntimeError(f"{REGISTRY[name]}.KIND is named {kind.name!r}, registered as {name!r}")
    return kind


def all_kinds() -> dict[str, StudyKind]:
    """Every registered kind, in :data:`REGISTRY` order."""
    return {name: get_kind(name) for name in REGISTRY}
