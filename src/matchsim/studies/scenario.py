"""Scenario files: what a Monte Carlo study runs, read from TOML and checked.

A scenario names a *study kind* (which question is asked), a synthetic market
(a preset plus parameter overrides), who uses which ranking strategy, how many
trials and the seed. It is a small frozen :class:`Scenario`; workers receive it
once per chunk of trials together with trial numbers, never markets.

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

    [strategies]
    who = "focal"            # focal | share | everybody
    focal = 20               # focal applicants per trial, each deviating alone
    share = 0.2              # with who = "share": the share that deviates together
    compare = ["safety_first", "truncate"]

    [strategies.truncate]    # keyword parameters of one strategy
    k = 3

The tables ``[messages]``, ``[list_length]``, ``[core]`` and ``[signals]``
hold the options of the study kind of the same name (see :data:`SCHEMA`).

Every mistake raises :class:`matchsim.errors.InputError` naming the file, the
line (as ``row``), the key (as ``column``, e.g. ``"strategies.compare"``) and
what to do: an unknown key suggests the closest known one, a wrong type says
which type is expected, an unknown preset or strategy lists the valid ones.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matchsim.errors import InputError

__all__ = ["KINDS", "WHO", "SCHEMA", "Scenario", "load_scenario", "parse_scenario"]

#: The study kinds, each answering one question (see docs/studies.md).
KINDS = {
    "strategies": "truthful ranking against each alternative strategy, for focal applicants",
    "messages": "post-interview messages: identical lists give identical matches; reordering never helps",
    "list_length": "probability of matching against the number of programs ranked, by applicant type",
    "core": "applicants whose match differs between applicant- and program-proposing",
    "signals": "preference signals before interviews change who interviews whom, and so the Match",
}

#: Who uses the strategies being compared.
WHO = ("focal", "share", "everybody")


class _Spec:
    """One key of the schema: expected type, default and an optional check."""

    def __init__(self, kind, default, check=None, help=""):
        self.kind = kind  # "int", "float", "str", "bool", "int_list", "float_list", "str_list", "table"
        self.default = default
        self.check = check
        self.help = help


def _positive(v):
    return None if v > 0 else "must be greater than 0"


def _non_negative(v):
    return None if v >= 0 else "must be 0 or more"


def _fraction(v):
    return None if 0.0 <= v <= 1.0 else "must be between 0 and 1"


def _positive_list(v):
    return None if v and all(x > 0 for x in v) else "must be a non-empty list of numbers greater than 0"


#: Sections and keys a scenario may hold; ``market`` also takes every field of
#: :class:`matchsim.markets.MarketParams` and ``strategies`` a table of
#: parameters per strategy.
SCHEMA: dict[str, dict[str, _Spec]] = {
    "study": {
        "kind": _Spec("str", None, help="the question the study asks"),
        "name": _Spec("str", None, help="a short name (default: the file name)"),
        "description": _Spec("str", ""),
        "trials": _Spec("int", 100, _positive, "number of trials (markets drawn)"),
        "seed": _Spec("int", 0, _non_negative, "the seed all trials derive from"),
        "chunk": _Spec("int", 0, _non_negative, "trials per checkpoint file (0 = automatic)"),
    },
    "market": {
        "preset": _Spec("str", "pmr", help="a market preset"),
    },
    "strategies": {
        "who": _Spec("str", "focal", help="who deviates: focal, share or everybody"),
        "focal": _Spec("int", 10, _positive, "focal applicants per trial"),
        "share": _Spec("float", 0.2, _fraction, "share of applicants that deviate together"),
        "compare": _Spec("str_list", None, help="strategies compared with truthful"),
    },
    "messages": {
        "respond": _Spec("str_list", ["signal_chasing", "promise_keeper"],
                         help="strategies of applicants who react to messages"),
        "focal": _Spec("int", 20, _positive, "responders tried one at a time per trial"),
        "share": _Spec("float", 0.25, _fraction, "share of applicants who respond together"),
    },
    "list_length": {
        "lengths": _Spec("int_list", list(range(1, 16)), _positive_list,
                         "list lengths to try (the top k of the true list)"),
        "sample": _Spec("int", 10, _positive, "applicants of each type per trial whose list is cut"),
    },
    "core": {
        "scales": _Spec("float_list", [0.25, 0.5, 1.0, 2.0], _positive_list,
                        "market sizes, as multiples of the preset"),
        "interviews": _Spec("float_list", [0.5, 1.0, 1.5, 2.0], _positive_list,
                            "list lengths, as multiples of the preset's interviews"),
    },
    "signals": {
        "sample": _Spec("int", 0, _non_negative,
                        "applicants recorded per trial (0 = all)"),
    },
}

_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "a quoted string",
    "bool": "true or false",
    "int_list": "a list of whole numbers, like [1, 2, 3]",
    "float_list": "a list of numbers, like [0.5, 1.0]",
    "str_list": 'a list of quoted strings, like ["truncate"]',
    "table": "a table",
}


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with a decimal point"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _conforms(kind, value):
    """Return the value converted to ``kind``, or raise TypeError."""
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError
        return float(value)
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError
        return value
    if kind.endswith("_list"):
        if not isinstance(value, list):
            raise TypeError
        inner = kind[: -len("_list")]
        return [_conforms(inner, v) for v in value]
    if kind == "table":
        if not isinstance(value, dict):
            raise TypeError
        return value
    raise AssertionError(kind)  # pragma: no cover


def _kind_of_default(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)):
        kinds = {_kind_of_default(v) for v in value} or {"float"}
        return ("float" if kinds <= {"int", "float"} and "float" in kinds else kinds.pop()) + "_list"
    return "any"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: everything a trial needs, small enough to pickle.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    name, description : str
        Labels for reports.
    trials, seed : int
        Number of trials; trial ``i`` draws from
        ``np.random.SeedSequence(seed).spawn(trials)[i]``.
    chunk : int
        Trials per checkpoint file (0 = chosen by the runner).
    preset : str
        The market preset.
    overrides : dict
        MarketParams fields replaced in the preset.
    who : str
        ``"focal"``, ``"share"`` or ``"everybody"``.
    focal : int
        Focal applicants per trial.
    share : float
        Share of applicants deviating together when ``who == "share"``.
    compare : tuple of str
        Strategies compared with truthful ranking.
    strategy_params : dict
        Keyword parameters per strategy name.
    options : dict
        Options of the study kind (the ``[<kind>]`` table, defaults filled in).
    text : str
        The scenario file as written (kept in the results' manifest).
    file : str
        Where it was read from.
    """

    kind: str
    name: str
    description: str = ""
    trials: int = 100
    seed: int = 0
    chunk: int = 0
    preset: str = "pmr"
    overrides: dict = field(default_factory=dict)
    who: str = "focal"
    focal: int = 10
    share: float = 0.2
    compare: tuple = ()
    strategy_params: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    text: str = field(default="", repr=False)
    file: str = field(default="<scenario>", repr=False)

    def market_params(self):
        """The :class:`matchsim.markets.MarketParams` of this scenario's market."""
        from matchsim.markets import preset

        params = preset(self.preset)
        return dataclasses.replace(params, **self.overrides) if self.overrides else params

    def with_trials(self, trials: int) -> Scenario:
        """A copy with another number of trials (the ``--trials`` override).

        Trial ``i`` keeps its seed, so the first trials of a longer run equal
        those of a shorter one.
        """
        if isinstance(trials, bool) or not isinstance(trials, int) or trials <= 0:
            raise InputError(f"the number of trials must be a whole number greater than 0, got {trials!r}",
                             file=self.file, column="study.trials")
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


def parse_scenario(text: str, *, file: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Check scenario TOML ``text`` and return a :class:`Scenario`.

    Examples
    --------
    >>> s = parse_scenario('[study]\\nkind = "strategies"\\n[strategies]\\ncompare = ["truncate"]\\n')
    >>> s.kind, s.compare, s.who
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

    def err(msg, key):
        raise InputError(msg, file=file, row=lines.find(key), column=key)

    for section, value in data.items():
        if section not in SCHEMA:
            err(_unknown(section, SCHEMA, "section"), section)
        if not isinstance(value, dict):
            err(f"expected a table [{section}], got {_type_of(value)}; put its keys under a [{section}] line",
                section)

    from matchsim.markets import PRESETS
    from matchsim.strategies import STRATEGIES

    strategy_names = [s for s in STRATEGIES if s != "truthful"]
    values: dict[str, dict[str, Any]] = {}
    for section, specs in SCHEMA.items():
        given = dict(data.get(section, {}))
        extra = {}
        if section == "market":
            extra = {k: given.pop(k) for k in list(given) if k != "preset"}
        if section == "strategies":
            extra = {k: given.pop(k) for k in list(given) if isinstance(given[k], dict)}
        out = {}
        for key, value in given.items():
            full = f"{section}.{key}"
            if key not in specs:
                err(_unknown(key, specs, "key"), full)
            out[key] = _convert(specs[key], value, full, err)
        for key, spec in specs.items():
            if key not in out:
                out[key] = list(spec.default) if isinstance(spec.default, list) else spec.default
        values[section] = out
        values[section + ":extra"] = extra

    study = values["study"]
    if study["kind"] is None:
        err(f'missing key "kind"; add kind = "..." under [study], one of: {", ".join(KINDS)}', "study.kind")
    if study["kind"] not in KINDS:
        err(_unknown_choice(study["kind"], KINDS, "study kind"), "study.kind")
    name = study["name"] or default_name

    # market: preset and overrides of MarketParams fields
    preset_name = values["market"]["preset"]
    if preset_name not in PRESETS:
        err(_unknown_choice(preset_name, PRESETS, "preset"), "market.preset")
    overrides = _market_overrides(preset_name, values["market:extra"], err)

    # strategies
    st = values["strategies"]
    if st["who"] not in WHO:
        err(_unknown_choice(st["who"], WHO, "value"), "strategies.who")
    compare = st["compare"] if st["compare"] is not None else strategy_names
    for s in compare:
        if s not in STRATEGIES:
            err(_unknown_choice(s, strategy_names, "strategy"), "strategies.compare")
    if not compare and study["kind"] == "strategies":
        err("the list is empty; name at least one strategy to compare with truthful", "strategies.compare")
    strategy_params = {}
    for s, params in values["strategies:extra"].items():
        if s not in STRATEGIES:
            err(_unknown_choice(s, strategy_names, "strategy"), f"strategies.{s}")
        strategy_params[s] = _strategy_params(s, params, err)
    for s in values["messages"]["respond"]:
        if s not in STRATEGIES:
            err(_unknown_choice(s, strategy_names, "strategy"), "messages.respond")

    options = dict(values[study["kind"]]) if study["kind"] in SCHEMA else {}
    return Scenario(
        kind=study["kind"], name=name, description=study["description"], trials=study["trials"],
        seed=study["seed"], chunk=study["chunk"], preset=preset_name, overrides=overrides,
        who=st["who"], focal=st["focal"], share=st["share"], compare=tuple(compare),
        strategy_params=strategy_params, options=options, text=text, file=file,
    )


def _convert(spec, value, full, err):
    try:
        value = _conforms(spec.kind, value)
    except TypeError:
        key = full.rsplit(".", 1)[-1]
        hint = ""
        if isinstance(value, str) and spec.kind in ("int", "float"):
            hint = f"; write it without quotes, like {key} = {spec.default if spec.default is not None else 1}"
        shown = f' ("{value}")' if isinstance(value, str) else f" ({value!r})"
        err(f"expected {_TYPE_WORDS[spec.kind]}, got {_type_of(value)}{shown}{hint}", full)
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            err(f"{problem}, got {value!r}", full)
    return value


def _market_overrides(preset_name, given, err):
    from matchsim.markets import MarketParams, preset

    base = preset(preset_name)
    fields = {f.name: f for f in dataclasses.fields(MarketParams)}
    out = {}
    for key, value in given.items():
        full = f"market.{key}"
        if key not in fields:
            err(_unknown(key, ["preset", *fields], "key"), full)
        current = getattr(base, key)
        kind = _kind_of_default(current)
        if kind != "any":
            if kind == "int" and isinstance(value, float) and value.is_integer():
                value = int(value)
            try:
                value = _conforms(kind, value)
            except TypeError:
                err(f"expected {_TYPE_WORDS.get(kind, kind)} (the preset has {current!r}), "
                    f"got {_type_of(value)} ({value!r})", full)
            if isinstance(current, tuple):
                value = tuple(value)
        out[key] = value
    try:
        dataclasses.replace(base, **out)
    except (ValueError, TypeError) as exc:
        key = next((k for k in out if k in str(exc)), next(iter(out), "preset"))
        err(f"{exc}; change this value", f"market.{key}")
    return out


def _strategy_params(name, params, err):
    import inspect

    from matchsim.strategies import STRATEGIES

    func = STRATEGIES[name]
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return dict(params)
    skip = {"sm", "market", "who", "rng"}
    accepted = [p.name for p in sig.parameters.values()
                if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in skip]
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return dict(params)
    for key in params:
        if key not in accepted:
            if accepted:
                msg = _unknown(key, accepted, f"parameter of {name}")
            else:
                msg = f'{name} takes no parameters; remove "{key}"'
            err(msg, f"strategies.{name}.{key}")
    return dict(params)


def _unknown(key, known, what):
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f'unknown {what} "{key}"; did you mean "{close[0]}"?'
    return f'unknown {what} "{key}"; use one of: {", ".join(known)}'


def _unknown_choice(value, valid, what):
    valid = list(valid)
    close = difflib.get_close_matches(str(value), valid, n=1)
    tip = f'did you mean "{close[0]}"? ' if close else ""
    return f'unknown {what} "{value}"; {tip}valid: {", ".join(valid)}'


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
