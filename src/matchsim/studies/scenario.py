"""Scenario files: what a Monte Carlo study runs, read from TOML and checked.

A scenario names a *study kind* (which question is asked), a synthetic market
(a preset plus parameter overrides), the parameters of the strategies it
uses, how many trials and the seed. It is a small frozen :class:`Scenario`;
workers receive it once per chunk of trials together with trial numbers,
never markets.

File layout (every key but ``study.kind`` has a default)::

    [study]
    kind = "strategies"      # strategies | messages | list_length | core | signals
    name = "truthful_vs_strategies"
    description = "Truthful ranking against each alternative strategy"
    trials = 200
    seed = 2025
    chunk = 25               # trials per checkpoint file

    [market]
    preset = "pmr"           # one of matchsim.markets.PRESETS
    n_applicants = 400       # any other key overrides a MarketParams field

    [strategies]             # the options of the study kind "strategies"
    who = "focal"
    focal = 20
    compare = ["safety_first", "truncate"]

    [strategies.truncate]    # keyword parameters of one strategy
    k = 3

Each study kind has a table of the same name holding its options (see
:mod:`matchsim.studies.kinds`); ``[strategies.NAME]`` tables hold the
parameters of strategy NAME as declared in :mod:`matchsim.strategies`.

The schema is described once, by typed :class:`msgspec.Struct` classes (the
``[study]`` table here, built from the registered kinds, each kind's options in
its module, each strategy's parameters in its signature), and checked by
:func:`msgspec.convert`. :mod:`matchsim.studies.schema_errors` turns msgspec's
errors into one friendly :class:`matchsim.errors.InputError` naming the file,
the line (as ``row``), the key (as ``column``, e.g. ``"strategies.compare"``)
and what to do: an unknown key suggests the closest known one, a wrong type
says which type is expected, an unknown preset or strategy lists the valid
ones. ``[market]`` is checked through the public API of
:mod:`matchsim.markets` (``PRESETS``, ``MarketParams.field_names``,
``preset``).
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from matchsim.errors import InputError
from matchsim.studies.kinds import REGISTRY, OptionError, all_kinds, get_kind
from matchsim.studies.schema_errors import explain, type_of, unknown, unknown_choice, words

__all__ = ["KINDS", "MAX_TRIALS", "Scenario", "load_scenario", "parse_scenario"]

#: The most trials a study may have: trial numbers are stored as 32-bit integers.
MAX_TRIALS = 2**31 - 1


def _study_table(kinds) -> type:
    """The ``[study]`` table, with ``kind`` one of ``kinds`` (the registered study kinds)."""
    return msgspec.defstruct("StudyTable", [
        ("kind", Annotated[Literal[tuple(kinds)], Meta(description="the question the study asks",
                                                       extra={"what": "study kind"})]),
        ("name", Annotated[str | None, Meta(description="a short name (default: the file name)")], None),
        ("description", str, ""),
        ("trials", Annotated[int, Meta(gt=0, le=MAX_TRIALS, description="number of trials (markets drawn)")],
         100),
        ("seed", Annotated[int, Meta(ge=0, description="the seed all trials derive from")], 0),
        ("chunk", Annotated[int, Meta(ge=0, description="trials per checkpoint file (0 = automatic)")], 0),
    ], frozen=True, forbid_unknown_fields=True, kw_only=True)


#: The study kinds, each answering one question (see docs/studies.md): name -> question.
KINDS = {name: kind.question for name, kind in all_kinds().items()}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: everything a trial needs, small enough to pickle.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    name, description : str
        Labels for reports.
    options : msgspec.Struct
        The options of the study kind (its ``[<kind>]`` table, defaults filled
        in), an instance of ``get_kind(kind).options``.
    trials, seed : int
        Number of trials; trial ``i`` draws from
        ``np.random.SeedSequence(seed).spawn(trials)[i]``.
    chunk : int
        Trials per checkpoint file (0 = chosen by the runner).
    preset : str
        The market preset.
    overrides : dict
        MarketParams fields replaced in the preset.
    strategy_params : dict
        Keyword parameters per strategy name.
    text : str
        The scenario file as written (kept in the results' manifest).
    file : str
        Where it was read from.
    """

    kind: str
    name: str
    description: str = ""
    options: Any = None
    trials: int = 100
    seed: int = 0
    chunk: int = 0
    preset: str = "pmr"
    overrides: dict = field(default_factory=dict)
    strategy_params: dict = field(default_factory=dict)
    text: str = field(default="", repr=False)
    file: str = field(default="<scenario>", repr=False)

    def __post_init__(self):
        if self.options is None:
            object.__setattr__(self, "options", get_kind(self.kind).options())

    def market_params(self):
        """The :class:`matchsim.markets.MarketParams` of this scenario's market."""
        from matchsim.markets import preset

        return preset(self.preset, **self.overrides)

    def with_trials(self, trials: int) -> Scenario:
        """A copy with another number of trials (the ``--trials`` override).

        Trial ``i`` keeps its seed, so the first trials of a longer run equal
        those of a shorter one.
        """
        if isinstance(trials, bool) or not isinstance(trials, int) or not 0 < trials <= MAX_TRIALS:
            raise InputError(f"the number of trials must be a whole number from 1 to {MAX_TRIALS:,}, "
                             f"got {trials!r}", file=self.file, column="--trials")
        return dataclasses.replace(self, trials=trials)


# ---------------------------------------------------------------- loading
def load_scenario(path) -> Scenario:
    """Read and check a scenario file.

    Parameters
    ----------
    path : str or Path
        A TOML file.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        If the file is missing, is not valid TOML, or breaks the schema.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = p.write_text('[study]\\nkind = "core"\\ntrials = 5\\n')
    >>> load_scenario(p).trials
    5
    >>> _ = p.write_text('[study]\\nkind = "core"\\ntrails = 5\\n')
    >>> load_scenario(p)
    Traceback (most recent call last):
    ...
    matchsim.errors.InputError: ...s.toml, row 3, column "study.trails": unknown key "trails"; did you mean "trials"?
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file; check the path (shipped scenarios are in scenarios/)", file=path)
    if path.is_dir():
        raise InputError("this is a folder; give a scenario .toml file", file=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc}); save it as UTF-8 text", file=path) from None
    return parse_scenario(text, file=str(path), default_name=path.stem)


@cache
def _document() -> type:
    """The schema of a whole scenario file: ``[study]``, ``[market]`` and one table per kind."""
    tables = [("study", _study_table(REGISTRY)), ("market", dict[str, Any], msgspec.field(default_factory=dict))]
    tables += [(name, kind.options, msgspec.field(default_factory=kind.options))
               for name, kind in all_kinds().items()]
    return msgspec.defstruct("ScenarioFile", tables, forbid_unknown_fields=True, frozen=True)


def parse_scenario(text: str, *, file: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Check scenario TOML ``text`` and return a :class:`Scenario`.

    Examples
    --------
    >>> s = parse_scenario('[study]\\nkind = "strategies"\\n[strategies]\\ncompare = ["truncate"]\\n')
    >>> s.kind, s.options.compare, s.options.who
    ('strategies', ('truncate',), 'focal')
    >>> parse_scenario('[study]\\nkind = "strategies"\\ntrials = "many"\\n')
    Traceback (most recent call last):
    ...
    matchsim.errors.InputError: <scenario>, row 3, column "study.trials": expected a whole number, got a string ("many"); write it without quotes, like trials = 100
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise InputError(f"not valid TOML ({exc}); check quotes, brackets and '=' signs",
                         file=file, row=line) from None
    lines = _LineFinder(text)

    def fail(key, message):
        raise InputError(message, file=file, row=lines.find(key), column=key)

    # [strategies.NAME] tables are strategy parameters, not options of the kind
    given_params = {}
    if isinstance(data.get("strategies"), dict):
        table = data["strategies"]
        given_params = {k: table.pop(k) for k in list(table) if isinstance(table[k], dict)}
    data.setdefault("study", {})
    schema = _document()
    try:
        doc = msgspec.convert(data, schema, strict=True)
    except msgspec.ValidationError as exc:
        fail(*explain(exc, schema, data))

    study = doc.study
    name = study.name if study.name is not None else default_name
    problem = _not_a_plain_name(name)
    if problem:
        fail("study.name", f"the study name {json.dumps(name)} {problem}; it names the plot files and the "
                           'default results folder, so use letters, digits, "-" and "_", like '
                           'name = "my_study" under [study]')
    preset_name, overrides = _market_overrides(doc.market, fail)
    strategy_params = {name: _strategy_params(name, params, fail) for name, params in given_params.items()}
    scenario = Scenario(
        kind=study.kind, name=name, description=study.description,
        options=getattr(doc, study.kind), trials=study.trials, seed=study.seed, chunk=study.chunk,
        preset=preset_name, overrides=overrides, strategy_params=strategy_params,
        text=text, file=file,
    )
    check = get_kind(study.kind).check
    if check is not None:
        try:
            check(scenario)
        except OptionError as exc:
            fail(exc.key, exc.message)
    return scenario


def _not_a_plain_name(name: str) -> str | None:
    """Why ``name`` cannot be used as a file name inside the output folder (None if it can).

    Examples
    --------
    >>> _not_a_plain_name("core_size"), _not_a_plain_name("../../escaped")
    (None, 'is a path, not a plain file name')
    """
    if not name.strip():
        return "is empty"
    if any(c in name for c in "/\\:") or name in (".", ".."):
        return "is a path, not a plain file name"
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        return "holds control characters"
    if name.startswith(".") or name != name.strip():
        return "starts with a dot or a space"
    return None


def _market_overrides(given, fail):
    """Check ``[market]`` through the public API of :mod:`matchsim.markets`; return the preset and overrides."""
    from matchsim.markets import PRESETS, MarketParams, preset

    given = dict(given)
    name = given.pop("preset", "pmr")
    if not isinstance(name, str) or name not in PRESETS:
        fail("market.preset", unknown_choice(name, PRESETS, "preset"))
    base = preset(name)
    fields = MarketParams.field_names()
    out = {}
    for key, value in given.items():
        full = f"market.{key}"
        if key not in fields:
            fail(full, unknown(key, ["preset", *fields], "key"))
        current = getattr(base, key)
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(current, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(current, tuple):
            ok = isinstance(value, list) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            floats = any(isinstance(v, float) for v in current)
            value = tuple(float(v) if floats else v for v in value) if ok else value
        else:
            ok = True
        if not ok:
            wanted = words(list[float] if isinstance(current, tuple) else type(current))
            fail(full, f"expected {wanted} (the preset has {current!r}), got {type_of(value)} ({value!r})")
        out[key] = value
    try:
        params = preset(name, **out)
    except (ValueError, TypeError) as exc:
        key = next((k for k in out if k in str(exc)), next(iter(out), "preset"))
        fail(f"market.{key}", f"{exc}; change this value")
    if params.n_applicants < 1:
        fail("market.n_applicants", f"a study needs applicants; n_applicants must be 1 or more, "
                                    f"got {params.n_applicants}")
    return name, out


def _strategy_params(name, params, fail) -> dict:
    """The parameters of strategy ``name`` given in ``[strategies.NAME]``, checked by its declared schema."""
    from matchsim.strategies import STRATEGIES, parameter_schema

    if name not in STRATEGIES:
        fail(f"strategies.{name}", unknown_choice(name, [s for s in STRATEGIES if s != "truthful"], "strategy"))
    schema = parameter_schema(name)
    try:
        value = msgspec.convert(params, schema, strict=True)
    except msgspec.ValidationError as exc:
        what = f"parameter of {name}" if schema.__struct_fields__ else None
        key, message = explain(exc, schema, params, prefix=f"strategies.{name}", unknown_what=what)
        if what is None:
            message = f'{name} takes no parameters; remove "{key.rsplit(".", 1)[-1]}"'
        fail(key, message)
    return {k: getattr(value, k) for k in params}


def _toml_error_line(message):
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


class _LineFinder:
    """Best-effort line numbers of keys (``section.key``) in TOML text."""

    def __init__(self, text):
        self.index = {}
        section = ""
        for i, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", line)
            if header:
                section = header.group(1)
                self.index.setdefault(section, i)
                continue
            key = re.match(r'^([A-Za-z0-9_\-"]+)\s*=', line)
            if key:
                name = key.group(1).strip('"')
                self.index.setdefault(f"{section}.{name}" if section else name, i)

    def find(self, key):
        while key:
            if key in self.index:
                return self.index[key]
            key = key.rpartition(".")[0]
        return None
