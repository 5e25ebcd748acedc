"""The single-file JSON market format, for scripts.

A market is one JSON object::

    {
      "format": "matchsim-market",
      "version": 1,
      "programs": {
        "City":  {"capacity": 2, "rank_list": ["Garcia", "Hassan", "Eastman"]},
        "Mercy": {"capacity": 2, "rank_list": ["Chen", "Garcia"]}
      },
      "applicants": {
        "Anderson": ["City"],
        "Chen": ["City", "Mercy"]
      }
    }

``programs`` maps each program to its number of positions and its rank order
list (applicant names, most preferred first); ``applicants`` maps each
applicant to their rank order list (program names, most preferred first). The
order of the keys fixes the ids. ``format`` and ``version`` identify the
document; a reader of version 1 rejects a later version. An applicant who is
only on programs' lists may be left out of ``applicants``; ``rank_list`` may be
left out for a program that ranks nobody.

Version 2 adds the NRMP's variations (:mod:`matchsim.extensions`), each
optional; a market without them is still written as version 1::

    {
      "format": "matchsim-market",
      "version": 2,
      "programs": {
        "Rehab":  {"capacity": 1, "rank_list": ["Cy"], "track": "advanced"},
        "Gen":    {"capacity": 2, "rank_list": ["Ann", "Cy"], "even_odd": "even"},
        "Prelim": {"capacity": 1, "rank_list": ["Cy", "Bo"], "track": "preliminary"},
        "City":   {"capacity": 1, "rank_list": ["Bo"]}
      },
      "applicants": {"Cy": ["Rehab", "Gen"], "Ann": [], "Bo": []},
      "couples": {
        "Ann & Bo": {"partners": ["Ann", "Bo"], "rank_list": [["Gen", "City"], ["Gen", null]]}
      },
      "supplemental_lists": {
        "Cy": {"prelims": {"linked_to": ["Rehab"], "rank_list": ["Prelim"]}}
      },
      "reversions": [{"donor": "City", "receiver": "Gen", "positions": 1}]
    }

``track`` is categorical (the default), advanced, preliminary or
transitional; ``even_odd`` is even or odd. A pair of a couple's ``rank_list``
is ``[program for partner 1, program for partner 2]``, ``null`` (or "No
Match") for a partner who may stay unmatched. The rules are those of the CSV
folder (:mod:`matchsim.io.market_extensions`).

The same rules hold as for the CSV folder (see
:func:`matchsim.io.tables.market_from_frames`); errors name the file and a
JSON path such as ``programs.City.rank_list[3]`` (the third entry).
"""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from matchsim.errors import InputError
from matchsim.io.escape import clip
from matchsim.io.market_extensions import PROGRAM_COLUMNS, extension_fields
from matchsim.io.market_json_extensions import EXTENSION_SECTIONS, add_extensions, extension_frames_from_json
from matchsim.io.tables import Source, market_from_frames
from matchsim.market import Market

__all__ = ["MARKET_FORMAT", "MARKET_FORMAT_VERSION", "EXTENSION_SECTIONS", "read_market_json", "market_to_json",
           "market_from_json", "write_market_json"]

#: Value of the ``"format"`` key of a market document.
MARKET_FORMAT = "matchsim-market"
#: Newest version this reader understands (2 adds couples, tracks, supplemental lists, reversions, even/odd).
MARKET_FORMAT_VERSION = 2


#: Longest number (in digits) accepted anywhere in a document; capacities and versions need far fewer.
MAX_DIGITS = 30


def _fail(path, message, column=None):
    return InputError(message, file=path, column=column)


def show_value(value) -> str:
    """A JSON value as an error message may quote it: short, whatever its size."""
    if isinstance(value, str):
        return f'"{clip(value)}"'
    if isinstance(value, dict):
        return "an object {...}"
    if isinstance(value, list):
        return "a list [...]"
    return clip(json.dumps(value), 30)


def _place(section, owner, key=None):
    return f"{section}.{clip(owner)}" + (f".{key}" if key else "")


def _long_from_mapping(lists: dict, path, owner_col, target_col, section, key=None):
    """Long table (owner, rank, target) from ``{owner: [targets...]}``, built with array operations.

    The names are handed to pyarrow in one call, which refuses anything that
    is not a string; only then is the culprit looked for, to name it.
    """
    import pyarrow as pa

    owners = list(lists)
    rows = list(lists.values()) if key is None else [entry.get(key, []) for entry in lists.values()]
    not_list = [i for i, r in enumerate(rows) if type(r) is not list]
    if not_list:
        i = not_list[0]
        raise _fail(path, f"expected a list of names, most preferred first, got {type(rows[i]).__name__}",
                    column=_place(section, owners[i], key))
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    flat = list(chain.from_iterable(rows))
    try:
        targets = pa.array(flat, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        k = next(k for k, v in enumerate(flat) if not isinstance(v, str))
        i = int(np.searchsorted(np.cumsum(lengths), k, side="right"))
        entry = k - int(lengths[:i].sum())
        raise _fail(path, f"entry {entry + 1} is {show_value(flat[k])}, not a name in quotes; "
                    "write every name as a JSON string",
                    column=_place(section, owners[i], key)) from None
    owner_of = np.repeat(np.arange(len(owners), dtype=np.int64), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return pd.DataFrame({
        owner_col: pd.arrays.ArrowExtensionArray(pa.array(owners, type=pa.string()).take(pa.array(owner_of))),
        "rank": np.arange(total, dtype=np.int64) - starts + 1,
        target_col: pd.arrays.ArrowExtensionArray(targets),
    })


def market_from_json(doc, path="market.json") -> Market:
    """Build a market from a parsed JSON document (see the module docstring).

    Parameters
    ----------
    doc : dict
        The parsed document.
    path : str, optional
        Name used in error messages.

    Raises
    ------
    InputError
        If the document does not follow the format or breaks a list rule.

    Examples
    --------
    >>> m = market_from_json({"format": "matchsim-market", "version": 1,
    ...     "programs": {"City": {"capacity": 1, "rank_list": ["Ann"]}},
    ...     "applicants": {"Ann": ["City"]}})
    >>> m.program_labels(), m.applicant_labels()
    (('City',), ('Ann',))
    >>> market_from_json({"programs": {"City": {"capacity": -1}}, "applicants": {}})
    Traceback (most recent call last):
    ...
    matchsim.errors.InputError: market.json, column "programs.City.capacity": the capacity -1 is below 0; give the number of positions as a whole number, 0 or more
    """
    path = str(path)
    if not isinstance(doc, dict):
        raise _fail(path, 'the document must be a JSON object with "programs" and "applicants"')
    fmt = doc.get("format", MARKET_FORMAT)
    if fmt != MARKET_FORMAT:
        raise _fail(path, f'"format" is {show_value(fmt)}, expected "{MARKET_FORMAT}"; '
                    "is this a matchsim market file?", column="format")
    version = doc.get("version", MARKET_FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > MARKET_FORMAT_VERSION:
        raise _fail(path, f"version {show_value(version)} is not supported (this matchsim reads "
                    f"version {MARKET_FORMAT_VERSION}); upgrade matchsim", column="version")
    for section in ("programs", "applicants"):
        if section not in doc:
            raise _fail(path, f'missing "{section}"; a market needs "programs" (name -> capacity and '
                        'rank_list) and "applicants" (name -> list of programs)')
        if not isinstance(doc[section], dict):
            raise _fail(path, f"expected an object mapping names to entries, got "
                        f"{type(doc[section]).__name__}", column=section)
    programs = doc["programs"]
    for name, entry in programs.items():
        if not isinstance(entry, dict):
            raise _fail(path, 'each program must be an object like {"capacity": 2, "rank_list": [...]}',
                        column=_place("programs", name))
        if "capacity" not in entry:
            raise _fail(path, 'missing "capacity"; give the number of positions',
                        column=_place("programs", name))
    cap = [programs[p]["capacity"] for p in programs]
    bad = [i for i, c in enumerate(cap) if isinstance(c, bool) or not isinstance(c, (int, float))]
    if bad:
        name = list(programs)[bad[0]]
        raise _fail(path, f"the capacity {show_value(cap[bad[0]])} is not a whole number; give the "
                    "number of positions as a whole number, 0 or more",
                    column=_place("programs", name, "capacity"))
    huge = [i for i, c in enumerate(cap) if isinstance(c, int) and abs(c) > 2**53]
    if huge:
        name = list(programs)[huge[0]]
        raise _fail(path, f"the capacity {clip(cap[huge[0]], 20)} is far above any program's number of "
                    "positions; give the number of positions as a whole number, 0 or more",
                    column=_place("programs", name, "capacity"))
    prog_frame = pd.DataFrame({"program": np.asarray(list(programs), dtype=object),
                               "capacity": np.asarray(cap, dtype=np.float64)})
    program_lists = _long_from_mapping(programs, path, "program", "applicant", "programs", "rank_list")
    applicant_lists = _long_from_mapping(doc["applicants"], path, "applicant", "program", "applicants")
    # Applicants keep the document's order, including those with empty lists.
    applicants = pd.DataFrame({"applicant": np.asarray(list(doc["applicants"]), dtype=object)})
    src = Source(kind="json", path=path)
    market = market_from_frames(applicant_lists, program_lists, prog_frame, applicants, source=src)
    present = [s for s in EXTENSION_SECTIONS if s in doc]
    columns = {c: [programs[p].get(c) for p in programs] for c in PROGRAM_COLUMNS
               if any(c in e for e in programs.values())}
    if (present or columns) and version < 2:
        where = present[0] if present else "programs"
        raise _fail(path, f"version {version} documents have no couples, tracks, supplemental lists, "
                    'reversions or even/odd requests; write "version": 2', column=where)
    if not present and not columns:
        return market
    for c, values in columns.items():
        prog_frame[c] = ["" if v is None else v for v in values]
        bad = [i for i, v in enumerate(prog_frame[c]) if not isinstance(v, str)]
        if bad:
            raise _fail(path, f"expected a word in quotes, got {show_value(prog_frame[c][bad[0]])}",
                        column=_place("programs", list(programs)[bad[0]], c))
    prog_frame.attrs["json_keys"] = {c: f".{c}" for c in PROGRAM_COLUMNS}
    prog_frame["_at"] = [_place("programs", p) for p in programs]
    frames = extension_frames_from_json(doc, path)
    from matchsim.io.market_files import with_extensions

    return with_extensions(market, extension_fields(market, frames, prog_frame, src), path)


class _RepeatedKey(ValueError):
    pass


class _BadNumber(ValueError):
    pass


def _parse_int(text):
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _BadNumber(f"a number {len(text.lstrip('-')):,} digits long ({clip(text, 20)})")
    return int(text)


def _parse_float(text):
    value = float(text)
    if not np.isfinite(value):
        raise _BadNumber(f"the number {clip(text, 20)}, too large for any count")
    return value


def _parse_constant(text):
    raise _BadNumber(f"{text}, which JSON does not allow as a number")


def _no_repeated_keys(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return out


def read_market_json(path) -> Market:
    """Read a market from a JSON file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found; give the path of a market .json file or a folder of CSV files",
                         file=path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty; see docs/file-formats.md for the JSON market format", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text; save it as UTF-8", file=path) from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_repeated_keys, parse_int=_parse_int,
                         parse_float=_parse_float, parse_constant=_parse_constant)
    except _RepeatedKey as exc:
        raise InputError(f'"{clip(exc.args[0])}" appears twice in the same object; a later entry would '
                         "silently replace the earlier one, so keep one", file=path) from None
    except _BadNumber as exc:
        raise InputError(f"the file holds {exc.args[0]}; capacities are whole numbers of positions, "
                         "such as 4", file=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON at line {exc.lineno}, character {exc.colno}: {exc.msg}; "
                         "check for a missing comma, quote or bracket", file=path, row=None) from None
    except RecursionError:  # Python's parser refuses very deep nesting (thousands of levels)
        raise InputError("lists or objects are nested thousands of levels deep; a market file nests "
                         "4 levels (see docs/file-formats.md), so this is not a market file", file=path) from None
    return market_from_json(doc, path)


def market_to_json(market: Market) -> dict:
    """The market as a JSON-ready dict in the ``matchsim-market`` format.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_small_example
    >>> doc = market_to_json(nrmp_small_example())
    >>> doc["format"], doc["programs"]["Mercy"], doc["applicants"]["Chen"]
    ('matchsim-market', {'capacity': 2, 'rank_list': ['Chen', 'Ford']}, ['City', 'Mercy'])
    """
    an = np.asarray(market.applicant_labels(), dtype=object)
    pn = np.asarray(market.program_labels(), dtype=object)
    p_rows = np.split(an[market.program_list], market.program_ptr[1:-1]) if market.n_programs else []
    a_rows = np.split(pn[market.applicant_list], market.applicant_ptr[1:-1]) if market.n_applicants else []
    caps = market.capacity.tolist()
    doc = {
        "format": MARKET_FORMAT,
        "version": 1,
        "programs": {p: {"capacity": c, "rank_list": r.tolist()} for p, c, r in zip(pn, caps, p_rows)},
        "applicants": {a: r.tolist() for a, r in zip(an, a_rows)},
    }
    add_extensions(market, doc)
    return doc


def write_market_json(market: Market, path) -> None:
    """Write ``market`` as a ``matchsim-market`` JSON file."""
    Path(path).write_text(json.dumps(market_to_json(market), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
