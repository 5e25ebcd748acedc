"""From a :class:`msgspec.ValidationError` to one line a person can act on.

Scenario files are checked by :func:`msgspec.convert` against typed structs
(see :mod:`matchsim.studies.scenario`). msgspec says what is wrong in its own
terms (``Expected `int` >= 1 - at `$.core.scales[0]```); :func:`explain` turns
that into the key, as a user wrote it (``core.scales``), and a sentence built
from the schema itself: the type in words, the allowed range, the valid
choices with the closest one, and a "did you mean" for an unknown key.

Examples
--------
>>> from typing import Annotated
>>> import msgspec
>>> Table = msgspec.defstruct("Table", [("trials", Annotated[int, msgspec.Meta(gt=0)], 100)],
...                           forbid_unknown_fields=True)
>>> File = msgspec.defstruct("File", [("study", Table)], forbid_unknown_fields=True)
>>> def why(data):
...     try:
...         msgspec.convert(data, File, strict=True)
...     except msgspec.ValidationError as exc:
...         return explain(exc, File, data)
>>> why({"study": {"trails": 5}})
('study.trails', 'unknown key "trails"; did you mean "trials"?')
>>> why({"study": {"trials": "many"}})
('study.trials', 'expected a whole number, got a string ("many"); write it without quotes, like trials = 100')
>>> why({"study": {"trials": 0}})
('study.trials', 'must be greater than 0, got 0')
"""

from __future__ import annotations

import difflib
import json
import re
import typing
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

__all__ = ["explain", "type_of", "unknown", "unknown_choice", "words"]

_ERROR = re.compile(r"^(?P<text>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)


def explain(exc, schema, data, prefix="", unknown_what="key") -> tuple[str, str]:
    """``(key, message)`` for a :class:`msgspec.ValidationError` raised converting ``data`` to ``schema``."""
    m = _ERROR.match(str(exc))
    text = m.group("text")
    parts = re.findall(r"\.([A-Za-z0-9_\-]+)", m.group("path") or "")

    def key_of(names):
        return ".".join(([prefix] if prefix else []) + list(names))

    found = re.match(r"Object contains unknown field `(.*)`$", text)
    if found:
        owner = _annotation_at(schema, parts)
        known = msgspec.structs.fields(_unwrap(owner)[0])
        what = unknown_what if parts or prefix else "section"
        return key_of([*parts, found.group(1)]), unknown(found.group(1), [f.name for f in known], what)
    found = re.match(r"Object missing required field `(.*)`$", text)
    if found:
        key = found.group(1)
        choices = _choices(_annotation_at(schema, [*parts, key]))
        where = f" under [{parts[-1]}]" if parts else ""
        return key_of([*parts, key]), (f'missing key "{key}"; add {key} = "..."{where}'
                                       + (f", one of: {', '.join(choices)}" if choices else ""))
    annotation = _annotation_at(schema, parts)
    key = parts[-1] if parts else ""
    value = _value_at(data, parts)
    base, _ = _unwrap(annotation)
    if _is_table(base):
        return key_of(parts), (f"expected a table [{key}], got {type_of(value)}; "
                               f"put its keys under a [{key}] line")
    found = re.match(r"Invalid enum value (.*)$", text)
    if found:
        bad = _element(value, m.group("path"))
        extra = _extra(annotation)
        valid = extra.get("valid") or _choices(annotation)
        return key_of(parts), unknown_choice(bad, valid, extra.get("what", "value"))
    if re.match(r"Expected `[^`]*`, got `", text):
        hint = ""
        if isinstance(value, str) and base in (int, float):
            default = _default(schema, parts)
            hint = f"; write it without quotes, like {key} = {default if default is not None else 1}"
        shown = f' ("{value}")' if isinstance(value, str) else f" ({value!r})"
        return key_of(parts), f"expected {words(annotation)}, got {type_of(value)}{shown}{hint}"
    if text.startswith("Expected"):
        return key_of(parts), f"{_rule(annotation)}, got {value!r}"
    return key_of(parts), text


def _is_table(base) -> bool:
    return typing.get_origin(base) is dict or base is dict or (
        isinstance(base, type) and issubclass(base, msgspec.Struct))


def _unwrap(annotation):
    """``(base type, [Meta, ...])`` of a possibly ``Annotated`` (and nested) annotation."""
    metas = []
    while typing.get_origin(annotation) is Annotated:
        annotation, *more = typing.get_args(annotation)
        metas = [x for x in more if isinstance(x, Meta)] + metas
    return annotation, metas


def _hints(cls):
    return typing.get_type_hints(cls, include_extras=True)


def _annotation_at(schema, parts):
    """The annotation of the field at ``parts`` (keys, outermost first) of a Struct ``schema``."""
    annotation = schema
    for part in parts:
        base = _unwrap(annotation)[0]
        if not (isinstance(base, type) and issubclass(base, msgspec.Struct)):
            break
        annotation = _hints(base).get(part, Any)
    return annotation


def _value_at(data, parts):
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _element(value, path):
    index = re.findall(r"\[(\d+)\]", path or "")
    if index and isinstance(value, list):
        return value[int(index[-1])]
    return value


def _default(schema, parts):
    owner = _unwrap(_annotation_at(schema, parts[:-1]))[0]
    for f in msgspec.structs.fields(owner):
        if f.name == parts[-1] and f.default is not msgspec.NODEFAULT:
            return f.default
    return None


def _extra(annotation) -> dict:
    """The ``Meta(extra=...)`` entries of an annotation and of its list items."""
    base, metas = _unwrap(annotation)
    out = {}
    for item in typing.get_args(base) if typing.get_origin(base) in (tuple, list) else ():
        out.update(_extra(item))
    for meta in metas:
        out.update(meta.extra or {})
    return out


def _choices(annotation) -> list:
    base = _unwrap(annotation)[0]
    if typing.get_origin(base) is Literal:
        return list(typing.get_args(base))
    for arg in typing.get_args(base):
        found = _choices(arg)
        if found:
            return found
    return []


_WORDS = {int: ("a whole number", "whole numbers", [1, 2, 3]),
          float: ("a number", "numbers", [0.5, 1.0]),
          str: ("a quoted string", "quoted strings", ["truncate"]),
          bool: ("true or false", "true/false values", [True, False])}


def words(annotation, plural=False) -> str:
    """What an annotation accepts, in words (``"a list of whole numbers, like [1, 2, 3]"``)."""
    base, metas = _unwrap(annotation)
    origin = typing.get_origin(base)
    if origin is Literal:
        base = type(typing.get_args(base)[0])
    elif origin in (tuple, list):
        item = typing.get_args(base)[0]
        examples = [e for meta in metas for e in (meta.examples or [])]
        item_base = _unwrap(item)[0]
        item_base = type(typing.get_args(item_base)[0]) if typing.get_origin(item_base) is Literal else item_base
        example = examples[0] if examples else _WORDS.get(item_base, ("", "", []))[2]
        return f"a list of {words(item, plural=True)}, like {json.dumps(example)}"
    elif origin is not None:  # a union
        return " or ".join(dict.fromkeys(words(a, plural) for a in typing.get_args(base)
                                         if a is not type(None)))
    if _is_table(base):
        return "tables" if plural else "a table"
    known = _WORDS.get(base)
    return (known[1] if plural else known[0]) if known else getattr(base, "__name__", str(base))


def _number(v) -> str:
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def _bounds(metas) -> str:
    get = {name: next((getattr(m, name) for m in metas if getattr(m, name, None) is not None), None)
           for name in ("ge", "gt", "le", "lt")}
    low = _number(get["ge"]) if get["ge"] is not None else None
    high = _number(get["le"]) if get["le"] is not None else None
    if low is not None and high is not None:
        return f"between {low} and {high}"
    parts = []
    if get["gt"] is not None:
        parts.append(f"greater than {_number(get['gt'])}")
    if low is not None:
        parts.append(f"{low} or more")
    if get["lt"] is not None:
        parts.append(f"less than {_number(get['lt'])}")
    if high is not None:
        parts.append(f"at most {high}")
    return " and ".join(parts)


def _rule(annotation) -> str:
    """The range an annotation allows, as "must be ..." (``"must be between 0 and 1"``)."""
    base, metas = _unwrap(annotation)
    if typing.get_origin(base) in (tuple, list):
        item = typing.get_args(base)[0]
        non_empty = any((getattr(m, "min_length", None) or 0) >= 1 for m in metas)
        bounds = _bounds(_unwrap(item)[1])
        return (f"must be a {'non-empty ' if non_empty else ''}list of {words(item, plural=True)}"
                + (f" {bounds}" if bounds else ""))
    if typing.get_origin(base) is not None:  # a union: the numeric member carries the range
        for arg in typing.get_args(base):
            if _unwrap(arg)[1]:
                return _rule(arg)
    return f"must be {_bounds(metas)}"


def type_of(value) -> str:
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


def unknown(key, known, what):
    """'unknown KEY; did you mean ...' (or the list of known ones)."""
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f'unknown {what} "{key}"; did you mean "{close[0]}"?'
    return f'unknown {what} "{key}"; use one of: {", ".join(known)}'


def unknown_choice(value, valid, what):
    """'unknown WHAT "value"; did you mean ...? valid: ...'."""
    valid = list(valid)
    close = difflib.get_close_matches(str(value), valid, n=1)
    tip = f'did you mean "{close[0]}"? ' if close else ""
    return f'unknown {what} "{value}"; {tip}valid: {", ".join(valid)}'
