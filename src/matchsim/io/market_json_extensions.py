"""The version-2 sections of the JSON market format: couples, tracks, supplemental lists, reversions.

Part of :mod:`matchsim.io.market_json` (the format is described there): the
sections become the long tables of :mod:`matchsim.io.market_extensions`, whose
rows carry their JSON path (column ``_at``) so that every message names the
place in the document; the writer adds the sections to a document.
"""

from __future__ import annotations

import pandas as pd

from matchsim.errors import InputError
from matchsim.extensions import is_no_match
from matchsim.io.escape import clip
from matchsim.io.market_extensions import EXTENSION_TABLES, extension_frames

__all__ = ["EXTENSION_SECTIONS", "extension_frames_from_json", "add_extensions"]

#: Sections of a version-2 document beside "programs" and "applicants".
EXTENSION_SECTIONS = ("couples", "supplemental_lists", "reversions")


def _fail(path, message, column=None):
    return InputError(message, file=path, column=column)


def show_value(value) -> str:
    from matchsim.io.market_json import show_value

    return show_value(value)


def _place(section, owner, key=None):
    return f"{section}.{clip(owner)}" + (f".{key}" if key else "")


def _section(doc, name, kind, path):
    value = doc.get(name)
    if value is not None and not isinstance(value, kind):
        raise _fail(path, f"expected {'an object' if kind is dict else 'a list'}, got {type(value).__name__}",
                    column=name)
    return value


def _names_list(value, path, where, what, size=None):
    if type(value) is not list or (size is not None and len(value) != size):
        raise _fail(path, f"expected {what}", column=where)
    return value


def _frame(rows, columns, keys):
    frame = pd.DataFrame(rows, columns=[*columns, "_at"], dtype=object)
    frame.attrs["json_keys"] = keys
    return frame


def extension_frames_from_json(doc, path) -> dict:
    """The version-2 sections as the long tables of :mod:`matchsim.io.market_extensions`, each row
    carrying its JSON path (``_at``) for messages."""
    frames = {}
    couples = _section(doc, "couples", dict, path)
    if couples is not None:
        rows, lists = [], []
        for name, entry in couples.items():
            at = _place("couples", name)
            if not isinstance(entry, dict) or "partners" not in entry:
                raise _fail(path, 'each couple must be an object like {"partners": ["Ann", "Bo"], '
                            '"rank_list": [["City", "Mercy"], ...]}', column=at)
            p = _names_list(entry["partners"], path, at + ".partners", "the two partners' names, as a list of two")
            rows.append((name, p[0], p[1], at))
            for k, pair in enumerate(_names_list(entry.get("rank_list", []), path, at + ".rank_list",
                                                 "a list of pairs [program 1, program 2]"), start=1):
                pair = _names_list(pair, path, f"{at}.rank_list[{k}]", "a pair [program for partner 1, "
                                   "program for partner 2] (null for No Match): an odd number of programs", 2)
                lists.append((name, k, pair[0], pair[1], f"{at}.rank_list[{k}]"))
        frames["couples"] = _frame(rows, EXTENSION_TABLES["couples"],
                                   {"applicant_1": ".partners[0]", "applicant_2": ".partners[1]"})
        frames["couple_lists"] = _frame(lists, EXTENSION_TABLES["couple_lists"],
                                        {"program_1": "[0]", "program_2": "[1]"})
    supplemental = _section(doc, "supplemental_lists", dict, path)
    if supplemental is not None:
        lists, links = [], []
        for a, named in supplemental.items():
            if not isinstance(named, dict):
                raise _fail(path, 'expected an object of named lists like {"prelims": {"linked_to": [...], '
                            '"rank_list": [...]}}', column=_place("supplemental_lists", a))
            for name, entry in named.items():
                at = f"{_place('supplemental_lists', a)}.{clip(name)}"
                if not isinstance(entry, dict):
                    raise _fail(path, 'expected {"linked_to": [advanced programs], "rank_list": [PGY-1 programs]}',
                                column=at)
                for k, p in enumerate(_names_list(entry.get("rank_list", []), path, at + ".rank_list",
                                                  "a list of PGY-1 programs"), start=1):
                    lists.append((a, name, k, p, f"{at}.rank_list[{k}]"))
                for k, p in enumerate(_names_list(entry.get("linked_to", []), path, at + ".linked_to",
                                                  "a list of advanced programs"), start=1):
                    links.append((a, name, p, f"{at}.linked_to[{k}]"))
        frames["supplemental_lists"] = _frame(lists, EXTENSION_TABLES["supplemental_lists"], {})
        frames["supplemental_links"] = _frame(links, EXTENSION_TABLES["supplemental_links"], {})
    reversions = _section(doc, "reversions", list, path)
    if reversions is not None:
        rows = []
        for k, entry in enumerate(reversions):
            at = f"reversions[{k}]"
            if not isinstance(entry, dict) or any(c not in entry for c in EXTENSION_TABLES["reversions"]):
                raise _fail(path, 'each reversion must be an object like {"donor": "City", "receiver": '
                            '"Mercy", "positions": 1}', column=at)
            rows.append((entry["donor"], entry["receiver"], entry["positions"], at))
        frames["reversions"] = _frame(rows, EXTENSION_TABLES["reversions"],
                                      {c: f".{c}" for c in EXTENSION_TABLES["reversions"]})
    for frame in frames.values():  # names must be strings, as everywhere in the document
        for c in frame.columns:
            if c in ("rank", "positions", "_at"):
                continue
            bad = [i for i, v in enumerate(frame[c]) if not (isinstance(v, str) or (v is None and
                                                                                      c.startswith("program_")))]
            if bad:
                i = bad[0]
                raise _fail(path, f"{show_value(frame[c].iloc[i])} is not a name in quotes; write every name as a "
                            "JSON string", column=frame["_at"].iloc[i] + frame.attrs["json_keys"].get(c, ""))
    return frames



def add_extensions(market, doc: dict) -> dict:
    """Add ``market``'s extensions to its version-1 ``doc`` (made version 2 when there are any)."""
    ext = extension_frames(market)
    columns = ext.pop("programs_columns")
    if ext or columns:
        doc["version"] = 2
    pn = list(doc["programs"])
    for c, values in columns.items():
        for p, v in zip(pn, values.tolist()):
            if v and (c != "track" or v != "categorical"):
                doc["programs"][p][c] = v
    if "couples" in ext:
        lists = {}
        for row in ext["couple_lists"].itertuples(index=False):
            lists.setdefault(row.couple, []).append([None if is_no_match(x) else x
                                                     for x in (row.program_1, row.program_2)])
        doc["couples"] = {row.couple: {"partners": [row.applicant_1, row.applicant_2],
                                       "rank_list": lists.get(row.couple, [])}
                          for row in ext["couples"].itertuples(index=False)}
    if "supplemental_lists" in ext:
        sup = {}
        for row in ext["supplemental_lists"].itertuples(index=False):
            entry = sup.setdefault(row.applicant, {}).setdefault(row.list, {"linked_to": [], "rank_list": []})
            entry["rank_list"].append(row.program)
        for row in ext["supplemental_links"].itertuples(index=False):
            sup[row.applicant][row.list]["linked_to"].append(row.advanced_program)
        doc["supplemental_lists"] = sup
    if "reversions" in ext:
        doc["reversions"] = [{"donor": d, "receiver": r, "positions": int(k)}
                             for d, r, k in ext["reversions"].itertuples(index=False)]
    return doc
