"""Reading and writing markets and results (matchsim.io).

Bad-input cases are defined once here (``BAD_CSV_CASES``, ``BAD_JSON_CASES``)
and reused by ``tests/test_cli_match.py``, which checks that the command line
turns each into one line and exit status 2.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchsim import Market, deferred_acceptance
from matchsim.datasets import nrmp_example, nrmp_small_example
from matchsim.errors import InputError
from matchsim.io import (
    market_from_frames,
    market_from_json,
    market_to_frames,
    market_to_json,
    program_frame,
    program_members,
    read_market,
    read_table,
    result_frame,
    result_to_json,
    write_market,
    write_result,
)
from matchsim.market import NRMP_MAX_RANKS
from tests.strategies import markets

DATA = Path(__file__).parent / "data" / "markets"
ARRAYS = ("applicant_ptr", "applicant_list", "program_ptr", "program_list", "capacity")


def assert_same_market(a: Market, b: Market):
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.applicant_labels() == b.applicant_labels()
    assert a.program_labels() == b.program_labels()


# ------------------------------------------------------------------ round trips
@pytest.mark.parametrize("fmt, name", [("csv", "m"), ("json", "m.json"), ("parquet", "m")])
@pytest.mark.parametrize("example", [nrmp_example, nrmp_small_example])
def test_round_trip_examples(tmp_path, fmt, name, example):
    m = example()
    write_market(m, tmp_path / name, format=fmt)
    assert_same_market(read_market(tmp_path / name), m)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=6, max_programs=4))
def test_round_trip_random_markets(m):
    """read(write(m)) == m for CSV folders and JSON, including applicants with empty lists."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in (Path(tmp) / "folder", Path(tmp) / "m.json"):
            write_market(m, path)
            again = read_market(path)
            assert_same_market(again, m)
            # and once more: a second write/read changes nothing
            write_market(again, path)
            assert_same_market(read_market(path), m)


def test_applicants_file_written_only_when_needed(tmp_path):
    write_market(nrmp_example(), tmp_path)
    assert not (tmp_path / "applicants.csv").exists()
    m = Market.from_lists({"Ann": [], "Bo": ["P"]}, {"P": ["Bo", "Ann"]}, {"P": 1})
    write_market(m, tmp_path)
    assert (tmp_path / "applicants.csv").exists()
    assert_same_market(read_market(tmp_path), m)
    write_market(nrmp_example(), tmp_path)  # a stale applicants.csv would reorder ids
    assert not (tmp_path / "applicants.csv").exists()
    assert_same_market(read_market(tmp_path), nrmp_example())


def test_parquet_folder_missing_table(tmp_path):
    write_market(nrmp_example(), tmp_path, format="parquet")
    (tmp_path / "programs.parquet").unlink()
    with pytest.raises(InputError, match="needs programs.parquet"):
        read_market(tmp_path)


def test_write_market_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="format must be one of"):
        write_market(nrmp_example(), tmp_path, format="xlsx")


def test_json_document_layout(tmp_path):
    write_market(nrmp_example(), tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format"] == "matchsim-market" and doc["version"] == 1
    assert doc["programs"]["City"] == {
        "capacity": 2,
        "rank_list": ["Garcia", "Hassan", "Eastman", "Anderson", "Brown", "Chen", "Davis", "Ford"],
    }
    assert doc["applicants"]["Anderson"] == ["City"]
    assert_same_market(market_from_json(doc), nrmp_example())


def test_examples_folder_is_the_nrmp_example():
    folder = Path(__file__).parents[1] / "examples" / "nrmp"
    assert_same_market(read_market(folder), nrmp_example())


# ------------------------------------------------- what spreadsheets produce
@pytest.mark.parametrize(
    "folder, renamed",
    [
        ("excel_semicolon", {}),  # BOM, ';', CRLF, padded columns, empty rows, spaces
        ("quoted_names", {"City": "City Hospital, Boston", "Mercy": "Mercy, St. Louis"}),  # + tab file
        ("cp1252_ragged", {"Garcia": "García", "Chen": "Chén"}),  # Windows-1252, blank lines, ragged
    ],
)
def test_spreadsheet_exports_read_as_the_nrmp_example(folder, renamed):
    m = read_market(DATA / folder)
    apps, progs, caps = nrmp_example().to_lists()
    r = lambda name: renamed.get(name, name)  # noqa: E731
    expect = (
        {r(a): [r(p) for p in ps] for a, ps in apps.items()},
        {r(p): [r(a) for a in as_] for p, as_ in progs.items()},
        {r(p): c for p, c in caps.items()},
    )
    assert m.to_lists() == expect


def _named(m: Market) -> Market:
    """The same market with names that need quoting in any dialect."""
    return Market.from_arrays(
        m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity,
        [f'Dr {a}, "Jr"' for a in range(m.n_applicants)], [f"Unit {p}; Ward, A" for p in range(m.n_programs)])


def _render(frame: pd.DataFrame, sep, eol, bom, pad, spaces, title) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    header = [c.title() if title else c for c in frame.columns]
    writer.writerow(header + [""] * pad)
    for row in frame.itertuples(index=False):
        writer.writerow([f" {v} " if spaces else v for v in row] + [""] * pad)
    for _ in range(pad):
        writer.writerow([""] * (len(header) + pad))
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=6, max_programs=4), st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.integers(0, 2), st.booleans(), st.booleans())
def test_any_spreadsheet_dialect_reads_the_same_market(m, sep, eol, bom, pad, spaces, title):
    m = _named(m)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for table, frame in market_to_frames(m).items():
            (folder / f"{table}.csv").write_bytes(_render(frame, sep, eol, bom, pad, spaces, title))
        assert_same_market(read_market(folder), m)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=6, max_programs=4, min_applicants=1), st.data())
def test_a_broken_rank_is_found_in_its_own_list(m, data):
    """Change one rank to another rank of the same list: the error points into that list's rows."""
    frames = market_to_frames(m)
    lists = frames["applicant_lists"]
    owners = lists["applicant"].to_numpy()
    sizes = pd.Series(owners).map(pd.Series(owners).value_counts()).to_numpy()
    candidates = np.flatnonzero(sizes >= 2)
    if candidates.size == 0:
        return
    i = data.draw(st.sampled_from(candidates.tolist()))
    same = np.flatnonzero(owners == owners[i])
    j = data.draw(st.sampled_from([k for k in same.tolist() if k != i]))
    lists.loc[i, "rank"] = lists.loc[j, "rank"]
    with tempfile.TemporaryDirectory() as tmp:
        for table, frame in frames.items():
            frame.to_csv(Path(tmp) / f"{table}.csv", index=False)
        with pytest.raises(InputError, match=f'applicant "{owners[i]}"') as info:
            read_market(tmp)
    assert Path(info.value.file).name == "applicant_lists.csv" and info.value.column == "rank"
    assert info.value.row - 2 in same


def test_read_table_keeps_spreadsheet_row_numbers(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("program,capacity\nA,1\n\n  ,  \nB,2\n", encoding="utf-8")
    df = read_table(f, ("program", "capacity"))
    assert df["program"].tolist() == ["A", "B"]
    assert (df.index + 2).tolist() == [2, 5]


def test_row_numbers_count_blank_lines(tmp_path):
    folder = _nrmp_folder(tmp_path)
    text = (folder / "programs.csv").read_text().replace("City,2\n", "\n\nCity,-2\n")
    (folder / "programs.csv").write_text(text)
    with pytest.raises(InputError) as info:
        read_market(folder)
    assert info.value.row == 5 and info.value.column == "capacity"


def test_windows_1252_text_is_read(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes("program,capacity\r\nSão José,2\r\n".encode("cp1252"))
    assert read_table(f, ("program", "capacity"))["program"].tolist() == ["São José"]


@pytest.mark.parametrize("ragged", ["", ",,"])
def test_row_numbers_with_blank_lines_on_both_parsers(tmp_path, ragged):
    """Padded rows send the file through the careful parser; row numbers must not change."""
    folder = _nrmp_folder(tmp_path)
    f = folder / "applicant_lists.csv"
    lines = f.read_text().replace("Davis,2,City", "Davis,7,City").splitlines()
    lines[2] += ragged  # row 3: padded with empty cells (or not)
    lines.insert(3, "")  # a blank row 4
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match='"Davis" has rank 3 but no rank 2') as info:
        read_market(folder)
    assert info.value.row == 10  # Davis,3,General: row 9 of the original file, + 1 blank row


def test_extra_named_columns_are_ignored(tmp_path):
    folder = _nrmp_folder(tmp_path)
    f = folder / "programs.csv"
    lines = f.read_text().splitlines()
    f.write_text("\n".join([lines[0] + ",notes"] + [ln + ",ok" for ln in lines[1:]]) + "\n")
    assert_same_market(read_market(folder), nrmp_example())


def test_decimal_ranks_that_are_whole_are_accepted(tmp_path):
    folder = _nrmp_folder(tmp_path)
    f = folder / "applicant_lists.csv"
    f.write_text(f.read_text().replace("Brown,2,", "Brown,2.0,"))
    assert_same_market(read_market(folder), nrmp_example())


def test_names_that_look_like_missing_values_or_numbers_are_kept(tmp_path):
    """"NA", "null" and "007" are names, not missing values or numbers."""
    m = Market.from_lists({"NA": ["007"], "null": ["007", "None"]}, {"007": ["null", "NA"], "None": ["NA"]},
                          {"007": 1, "None": 1})
    write_market(m, tmp_path)
    assert_same_market(read_market(tmp_path), m)


def test_one_sided_names_are_legal(tmp_path):
    """A program may rank somebody who submitted no list: they become an applicant who cannot match."""
    folder = _nrmp_folder(tmp_path)
    with open(folder / "program_lists.csv", "a") as f:
        f.write("Mercy,3,Zed\n")
    m = read_market(folder)
    assert m.applicant_labels()[-1] == "Zed"
    assert m.applicant_list_lengths[-1] == 0
    r = deferred_acceptance(m)
    assert r.assignment[-1] == -1


# ------------------------------------------------------------- bad input: CSV
def _nrmp_folder(tmp_path) -> Path:
    folder = tmp_path / "market"
    write_market(nrmp_example(), folder)
    return folder


def _edit(file, old, new):
    def apply(folder):
        f = folder / file
        text = f.read_text()
        assert old in text, (file, old)
        f.write_text(text.replace(old, new, 1))
    return apply


def _write(file, text):
    def apply(folder):
        (folder / file).write_text(text)
    return apply


def _delete(file):
    def apply(folder):
        (folder / file).unlink()
    return apply


def _long_list(folder):
    names = [f"P{i}" for i in range(NRMP_MAX_RANKS + 1)]
    (folder / "programs.csv").write_text("program,capacity\n" + "".join(f"{p},1\n" for p in names))
    (folder / "applicant_lists.csv").write_text(
        "applicant,rank,program\n" + "".join(f"Ann,{i + 1},{p}\n" for i, p in enumerate(names)))
    (folder / "program_lists.csv").write_text("program,rank,applicant\nP0,1,Ann\n")


def _remove_folder(folder):
    shutil.rmtree(folder)


# (id, how to break the NRMP folder, file, row, column, message pattern)
BAD_CSV_CASES = [
    ("missing-folder", _remove_folder, "market", None, None, "no such file or folder"),
    ("missing-file", _delete("program_lists.csv"), "program_lists.csv", None, None, "file not found"),
    ("empty-file", _write("programs.csv", ""), "programs.csv", None, None, "the file is empty"),
    ("header-only", _write("programs.csv", "program,capacity\n"), "programs.csv", 2, None, "no data rows"),
    ("wrong-columns", _edit("applicant_lists.csv", "applicant,rank,program", "name,rank,program"),
     "applicant_lists.csv", 1, None, "missing column applicant; .*applicant, rank, program"),
    ("rank-not-a-number", _edit("applicant_lists.csv", "Brown,2,Mercy", "Brown,two,Mercy"),
     "applicant_lists.csv", 4, "rank", "'two', not a whole number"),
    ("rank-fraction", _edit("program_lists.csv", "Mercy,2,Garcia", "Mercy,1.5,Garcia"),
     "program_lists.csv", 3, "rank", "'1.5', not a whole number"),
    ("rank-blank", _edit("applicant_lists.csv", "Brown,2,Mercy", "Brown,,Mercy"),
     "applicant_lists.csv", 4, "rank", "rank is blank"),
    ("rank-zero", _edit("applicant_lists.csv", "Anderson,1,City", "Anderson,0,City"),
     "applicant_lists.csv", 2, "rank", "rank 0 is below 1"),
    ("duplicate-rank", _edit("applicant_lists.csv", "Davis,2,City", "Davis,1,City"),
     "applicant_lists.csv", 8, "rank", 'applicant "Davis" uses rank 1 twice \\(also at row 7\\)'),
    ("skipped-rank", _edit("applicant_lists.csv", "Davis,3,General\nDavis,4,State",
                           "Davis,4,General\nDavis,5,State"),
     "applicant_lists.csv", 9, "rank", 'applicant "Davis" has rank 4 but no rank 3'),
    ("same-name-twice", _edit("program_lists.csv", "City,8,Ford", "City,8,Hassan"),
     "program_lists.csv", 11, "applicant", 'program "City" ranks applicant "Hassan" twice \\(also at row 5\\)'),
    ("unknown-program-in-applicant-list", _edit("applicant_lists.csv", "Chen,2,Mercy", "Chen,2,Mercey"),
     "applicant_lists.csv", 6, "program", 'program "Mercey" has no entry in .*programs.csv'),
    ("unknown-program-list", _edit("program_lists.csv", "General,1,Brown", "Generall,1,Brown"),
     "program_lists.csv", 12, "program", 'program "Generall" has no entry'),
    ("negative-capacity", _edit("programs.csv", "City,2", "City,-1"),
     "programs.csv", 3, "capacity", "capacity -1 is below 0"),
    ("fractional-capacity", _edit("programs.csv", "City,2", "City,1.5"),
     "programs.csv", 3, "capacity", "'1.5', not a whole number"),
    ("duplicate-program", _edit("programs.csv", "City,2", "Mercy,2"),
     "programs.csv", 3, "program", 'program "Mercy" is listed twice'),
    ("too-many-ranks", _long_list, "applicant_lists.csv", NRMP_MAX_RANKS + 2, "rank",
     "rank 301 is above 300"),
    ("blank-applicant-name", _edit("applicant_lists.csv", "Brown,2,Mercy", "  ,2,Mercy"),
     "applicant_lists.csv", 4, "applicant", "applicant name is blank"),
    ("blank-program-name", _edit("program_lists.csv", "Mercy,1,Chen", ",1,Chen"),
     "program_lists.csv", 2, "program", "program name is blank"),
    ("extra-cell", _edit("programs.csv", "City,2", "City,2,3"),
     "programs.csv", 3, None, "3 cells but the header names 2 columns"),
]


@pytest.mark.parametrize("case", BAD_CSV_CASES, ids=[c[0] for c in BAD_CSV_CASES])
def test_bad_csv_input_names_file_row_and_column(tmp_path, case):
    _, breaker, file, row, column, pattern = case
    folder = _nrmp_folder(tmp_path)
    breaker(folder)
    with pytest.raises(InputError, match=pattern) as info:
        read_market(folder)
    err = info.value
    assert Path(err.file).name == file
    assert err.row == row
    assert err.column == column
    assert "\n" not in str(err)


def test_a_single_csv_file_is_explained(tmp_path):
    folder = _nrmp_folder(tmp_path)
    with pytest.raises(InputError, match="needs three CSV files"):
        read_market(folder / "programs.csv")


def test_first_problem_in_file_order_is_reported(tmp_path):
    folder = _nrmp_folder(tmp_path)
    f = folder / "applicant_lists.csv"
    # two broken lists: Hassan's (later in the file) and Chen's (earlier)
    f.write_text(f.read_text().replace("Hassan,2,City", "Hassan,3,City").replace("Chen,2,Mercy", "Chen,3,Mercy"))
    with pytest.raises(InputError, match='"Chen"') as info:
        read_market(folder)
    assert info.value.row == 6


# ------------------------------------------------------------ bad input: JSON
def _doc():
    return market_to_json(nrmp_example())


def _json_case(change):
    def build(tmp_path):
        doc = _doc()
        change(doc)
        path = tmp_path / "market.json"
        path.write_text(json.dumps(doc))
        return path
    return build


def _raw_json(text):
    def build(tmp_path):
        path = tmp_path / "market.json"
        path.write_text(text)
        return path
    return build


def _rank_every_program(n):
    def change(doc):
        doc["programs"].update({f"x{i}": {"capacity": 1} for i in range(n - len(doc["programs"]))})
        doc["applicants"]["Brown"] = list(doc["programs"])
    return change


# (id, builder(tmp_path) -> path, column, message pattern)
BAD_JSON_CASES = [
    ("not-json", _raw_json('{"programs": {'), None, "not valid JSON at line 1"),
    ("repeated-program", _raw_json('{"programs": {"City": {"capacity": 1}, "City": {"capacity": 2}}, '
                                   '"applicants": {}}'), None, '"City" appears twice in the same object'),
    ("empty", _raw_json(""), None, "the file is empty"),
    ("wrong-format", _json_case(lambda d: d.update(format="something-else")), "format", "expected \"matchsim-market\""),
    ("newer-version", _json_case(lambda d: d.update(version=3)), "version", "not supported"),
    ("no-programs", _json_case(lambda d: d.pop("programs")), None, 'missing "programs"'),
    ("negative-capacity", _json_case(lambda d: d["programs"]["City"].update(capacity=-2)),
     "programs.City.capacity", "capacity -2 is below 0"),
    ("capacity-text", _json_case(lambda d: d["programs"]["City"].update(capacity="two")),
     "programs.City.capacity", "not a whole number"),
    ("list-not-a-list", _json_case(lambda d: d["applicants"].update(Brown="City")),
     "applicants.Brown", "expected a list of names"),
    ("name-not-text", _json_case(lambda d: d["applicants"]["Brown"].append(3)),
     "applicants.Brown", "entry 3 is 3, not a name in quotes"),
    ("name-twice", _json_case(lambda d: d["applicants"]["Brown"].append("City")),
     "applicants.Brown[3]", 'ranks program "City" twice \\(also at item 1\\)'),
    ("unknown-program", _json_case(lambda d: d["applicants"]["Brown"].append("Nowhere")),
     "applicants.Brown[3]", 'program "Nowhere" has no entry in the programs section'),
    ("too-long", _json_case(_rank_every_program(NRMP_MAX_RANKS + 1)),
     f"applicants.Brown[{NRMP_MAX_RANKS + 1}]", f"rank {NRMP_MAX_RANKS + 1} is above {NRMP_MAX_RANKS}"),
    ("blank-name", _json_case(lambda d: d["programs"]["Mercy"]["rank_list"].append(" ")),
     "programs.Mercy.rank_list[3]", "applicant name is blank"),
]


@pytest.mark.parametrize("case", BAD_JSON_CASES, ids=[c[0] for c in BAD_JSON_CASES])
def test_bad_json_input(tmp_path, case):
    _, build, column, pattern = case
    path = build(tmp_path)
    with pytest.raises(InputError, match=pattern) as info:
        read_market(path)
    assert Path(info.value.file).name == "market.json"
    assert info.value.column == column


BIG = 50_000_000  # a 50 MB string


def _long_text_case(where):
    def build(tmp_path):
        doc = _doc()
        where(doc, "x" * BIG)
        path = tmp_path / "market.json"
        path.write_text(json.dumps(doc))
        return path
    return build


def _add_applicant(doc, name):
    doc["applicants"][name] = ["Nowhere"]


def _nested(depth):
    return "[" * depth + "]" * depth


# Hostile documents (issue 7.11): (id, builder(tmp_path) -> path, message pattern). Each must give one
# short line, whatever the size of what is wrong.
HOSTILE_JSON_CASES = [
    ("nested-100000-deep", _raw_json(_nested(100_000)), "nested thousands of levels deep"),
    ("nested-inside-a-list", _raw_json('{"programs": {"City": {"capacity": 1, "rank_list": '
                                       + _nested(100_000) + '}}, "applicants": {}}'), "nested thousands"),
    ("nested-objects", _raw_json('{"a":' * 100_000 + "1" + "}" * 100_000), "nested thousands"),
    ("integer-5000-digits", _raw_json('{"programs": {"City": {"capacity": 1' + "0" * 5000 + '}}, '
                                      '"applicants": {}}'), "a number 5,001 digits long"),
    ("float-overflow", _raw_json('{"programs": {"City": {"capacity": 1e400}}, "applicants": {}}'),
     "the number 1e400, too large"),
    ("nan", _raw_json('{"programs": {"City": {"capacity": NaN}}, "applicants": {}}'),
     "NaN, which JSON does not allow"),
    ("minus-infinity", _raw_json('{"version": -Infinity, "programs": {}, "applicants": {}}'),
     "-Infinity, which JSON does not allow"),
    ("capacity-30-digits", _raw_json('{"programs": {"City": {"capacity": ' + "9" * 30 + '}}, "applicants": {}}'),
     "far above any program's number of positions"),
    ("format-50MB", _long_text_case(lambda d, x: d.update(format=x)), r'characters\)", expected'),
    ("capacity-50MB", _long_text_case(lambda d, x: d["programs"]["City"].update(capacity=x)),
     r'characters\)" is not a whole number'),
    ("name-50MB", _long_text_case(_add_applicant), 'program "Nowhere" has no entry'),
    ("entry-50MB", _long_text_case(lambda d, x: d["applicants"]["Brown"].append(x)),
     r'program "x+\.\.\. \(50,000,000 characters\)" has no entry'),
    ("repeated-key-50MB", _raw_json('{"programs": {"' + "k" * BIG + '": 1, "' + "k" * BIG + '": 2}}'),
     r'characters\)" appears twice'),
    ("nested-entry", _json_case(lambda d: d["applicants"]["Brown"].append([["City"] * 1000])),
     r"entry 3 is a list \[\.\.\.\], not a name"),
]


@pytest.mark.parametrize("case", HOSTILE_JSON_CASES, ids=[c[0] for c in HOSTILE_JSON_CASES])
def test_hostile_json_gives_one_short_error(tmp_path, case):
    _, build, pattern = case
    with pytest.raises(InputError, match=pattern) as info:
        read_market(build(tmp_path))
    text = str(info.value)
    assert len(text) < 400 and "\n" not in text, text[:1000]


def test_a_50MB_name_in_a_csv_file_is_clipped(tmp_path):
    folder = _nrmp_folder(tmp_path)
    f = folder / "applicant_lists.csv"
    f.write_text(f.read_text().replace("Chen,2,Mercy", "Chen,2," + "M" * BIG))
    with pytest.raises(InputError, match=r'M\.\.\. \(50,000,000 characters\)" has no entry') as info:
        read_market(folder)
    assert len(str(info.value)) < 400 and info.value.row == 6


def test_market_from_json_refuses_a_huge_python_integer():
    doc = _doc()
    doc["programs"]["City"]["capacity"] = 10 ** 400
    with pytest.raises(InputError, match="far above any program's number of positions"):
        market_from_json(doc)


# ------------------------------------------------- names and spreadsheets (7.12)
FORMULA_NAMES = ['=HYPERLINK("http://x")', "+1", "-5 ranked", "@SUM(A1)", "'=already quoted",
                 "''+twice", "'t Hooft", "'", "plain", "St. Mary's =", "-", "=\x1b[2J"]


def _formula_market():
    apps = {n: ["=Mercy", "+City"] for n in FORMULA_NAMES}
    progs = {"=Mercy": FORMULA_NAMES[::2], "+City": FORMULA_NAMES}
    return Market.from_lists(apps, progs, {"=Mercy": 2, "+City": 3})


def test_market_csv_escapes_formulas_and_reads_back_the_same(tmp_path):
    m = _formula_market()
    write_market(m, tmp_path)
    with open(tmp_path / "applicant_lists.csv", newline="", encoding="utf-8") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "'''+twice" in cells and "'t Hooft" in cells
    assert_same_market(read_market(tmp_path), m)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="'=+-@ aZ", min_size=1, max_size=6).filter(lambda t: t.strip() == t),
                min_size=1, max_size=6, unique=True))
def test_any_name_survives_the_csv_round_trip(tmp_path, names):
    m = Market.from_lists({n: ["P"] for n in names}, {"P": names}, {"P": 1})
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    write_market(m, folder)
    assert_same_market(read_market(folder), m)


def test_hand_made_csv_with_a_quoted_formula_reads_as_the_spreadsheet_shows_it(tmp_path):
    """A cell typed as '=Mercy in a spreadsheet is the name =Mercy; 't Hooft keeps its quote."""
    (tmp_path / "programs.csv").write_text("program,capacity\n'=Mercy,1\n")
    (tmp_path / "applicant_lists.csv").write_text("applicant,rank,program\n't Hooft,1,=Mercy\n")
    (tmp_path / "program_lists.csv").write_text("program,rank,applicant\n=Mercy,1,'t Hooft\n")
    m = read_market(tmp_path)
    assert m.program_labels() == ("=Mercy",) and m.applicant_labels() == ("'t Hooft",)


def test_json_and_parquet_keep_names_exactly(tmp_path):
    m = _formula_market()
    write_market(m, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["applicants"].keys() == set(FORMULA_NAMES)
    write_market(m, tmp_path / "pq", format="parquet")
    assert_same_market(read_market(tmp_path / "m.json"), m)
    assert_same_market(read_market(tmp_path / "pq"), m)


@pytest.mark.parametrize("name", ["r.csv", "folder/"])
def test_result_csv_escapes_formulas(tmp_path, name):
    m = _formula_market()
    files = write_result(m, deferred_acceptance(m), f"{tmp_path}/{name}")
    for f in files:
        if f.suffix == ".csv":
            with open(f, newline="", encoding="utf-8") as fh:
                cells = [c for row in csv.reader(fh) for c in row]
            assert not any(c.startswith(("=", "+", "@", "-")) for c in cells), f
    assert "'=Mercy" in files[0].read_text(encoding="utf-8")


def test_missing_values_have_one_spelling(tmp_path):
    """An unmatched applicant has no program, rank or program rank: <NA> in the frame, an empty
    cell in CSV, null in JSON, for every one of the three columns."""
    m = nrmp_example()
    r = deferred_acceptance(m)
    frame = result_frame(m, r).set_index("applicant")
    cols = ["program", "rank", "program_rank"]
    assert frame.loc["Anderson", cols].isna().all() and frame.loc["Davis", cols].notna().all()
    assert str(frame.loc["Anderson", "program"]) == str(frame.loc["Anderson", "rank"]) == "<NA>"
    write_result(m, r, tmp_path / "r.csv")
    with open(tmp_path / "r.csv", encoding="utf-8") as f:
        rows = {row["applicant"]: row for row in csv.DictReader(f)}
    assert [rows["Anderson"][c] for c in cols] == ["", "", ""]
    doc = result_to_json(m, r)
    assert [doc["applicants"][0][c] for c in cols] == [None, None, None]


def test_program_lists_may_be_longer_than_300(tmp_path):
    """The NRMP's 300-rank limit is for applicants; a big program ranks many more."""
    n = NRMP_MAX_RANKS + 50
    m = Market.from_lists({f"a{i}": ["Big"] for i in range(n)}, {"Big": [f"a{i}" for i in range(n)]},
                          {"Big": 40})
    write_market(m, tmp_path)
    assert_same_market(read_market(tmp_path), m)


def test_json_may_leave_out_applicants_only_programs_rank():
    m = market_from_json({"programs": {"P": {"capacity": 1, "rank_list": ["Ann", "Bo"]}},
                          "applicants": {"Bo": ["P"]}})
    assert m.applicant_labels() == ("Bo", "Ann")
    assert deferred_acceptance(m).assignment.tolist() == [0, -1]


# ----------------------------------------------------------------- frames API
def test_market_from_frames_with_python_values():
    frames = market_to_frames(nrmp_example())
    assert frames["applicant_lists"]["rank"].dtype.kind == "i"
    assert_same_market(market_from_frames(**frames), nrmp_example())


def test_market_from_frames_error_names_the_index():
    frames = market_to_frames(nrmp_example())
    frames["programs"].loc[1, "capacity"] = -3
    with pytest.raises(InputError, match=r"programs table, column \"capacity\": index 1: the capacity -3"):
        market_from_frames(**frames)


def test_market_from_frames_rejects_non_frames():
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        market_from_frames([], [], [])


# -------------------------------------------------------------------- results
def test_nrmp_worked_example_result_frames():
    m = nrmp_example()
    r = deferred_acceptance(m)
    apps = result_frame(m, r).set_index("applicant")
    assert apps.loc[["Anderson", "Brown"], ["program", "rank", "program_rank"]].isna().all().all()
    assert apps.loc["Davis", "program"] == "General" and apps.loc["Davis", "rank"] == 3
    progs = program_frame(m, r).set_index("program")
    assert progs["unfilled"].to_dict() == {"Mercy": 1, "City": 0, "General": 1, "State": 0}
    assert dict(zip(m.program_labels(), program_members(m, r))) == {
        "Mercy": ["Chen"], "City": ["Garcia", "Eastman"], "General": ["Davis"], "State": ["Hassan", "Ford"]}


def test_result_frame_checks_shapes():
    with pytest.raises(ValueError, match="the result is for 5 applicants"):
        result_frame(nrmp_example(), deferred_acceptance(nrmp_small_example()))


@pytest.mark.parametrize("name", ["r.csv", "r.json", "folder/"])
def test_write_result_round_trip(tmp_path, name):
    m = nrmp_example()
    r = deferred_acceptance(m)
    files = write_result(m, r, f"{tmp_path}/{name}")
    expect = result_frame(m, r)
    if name.endswith(".json"):
        assert json.loads(files[0].read_text()) == result_to_json(m, r)
        return
    got = pd.read_csv(files[0], keep_default_na=False, dtype=str)
    assert got.columns.tolist() == expect.columns.tolist()
    assert got["program"].tolist() == expect["program"].fillna("").tolist()
    assert got["rank"].tolist() == [("" if pd.isna(v) else str(v)) for v in expect["rank"]]
    if name.endswith("/"):
        progs = pd.read_csv(files[1])
        assert progs["unfilled"].tolist() == [1, 0, 1, 0]
        assert json.loads(files[2].read_text())["matched"] == 6


def test_write_result_rejects_unknown_suffix(tmp_path):
    m = nrmp_example()
    with pytest.raises(InputError, match="end the name in .csv or .json"):
        write_result(m, deferred_acceptance(m), tmp_path / "r.xlsx")


@pytest.mark.slow
def test_nrmp_scale_csv_folder_round_trip(tmp_path):
    """540,000-entry lists survive write and read (the speed is shown by the benchmark, not here)."""
    rng = np.random.default_rng(7)
    n_a, n_p, k = 47_000, 6_600, 12
    offsets = rng.choice(n_p, k, replace=False)  # distinct, so every list names k distinct programs
    a_idx = ((rng.integers(0, n_p, n_a)[:, None] + offsets[None, :]) % n_p).astype(np.int32).ravel()
    owner = np.repeat(np.arange(n_a, dtype=np.int32), k)
    order = np.lexsort((rng.random(a_idx.size), a_idx))
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(np.bincount(a_idx, minlength=n_p), out=p_ptr[1:])
    m = Market.from_arrays(np.arange(n_a + 1) * k, a_idx, p_ptr, owner[order], np.full(n_p, 7),
                           [f"Applicant {i}" for i in range(n_a)], [f"Program {j}, Dept" for j in range(n_p)])
    write_market(m, tmp_path)
    assert_same_market(read_market(tmp_path), m)
