"""The one CSV text layer (``matchsim.io.text``), as both readers use it: rank lists and market tables."""

from __future__ import annotations

import pytest

from matchsim.errors import InputError
from matchsim.io.rank_file import parse_rank_text, read_rank_file
from matchsim.io.spreadsheet import read_table
from matchsim.io.text import decode, read_csv_bytes, read_rows, sniff_separator, workbook_kind

WORKBOOKS = {
    "xlsx": b"PK\x03\x04\x14\x00\x06\x00" + b"\0" * 22 + b"[Content_Types].xml",
    "ods": b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 40,
}


@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_both_readers_name_a_workbook_given_as_csv(tmp_path, kind):
    """The market reader asks for CSV; the rank-list reader reads .xlsx / .ods and names a broken one."""
    path = tmp_path / "table.csv"
    path.write_bytes(WORKBOOKS[kind])
    assert workbook_kind(WORKBOOKS[kind]) == kind
    with pytest.raises(InputError, match=rf"\.{kind}\), not a CSV file; save the sheet as CSV"):
        read_table(path, ("program", "capacity"))
    expected = (r"\.xls\), which matchsim cannot read" if kind == "xls" else
                rf"looks like an? [A-Za-z /]+ workbook \(\.{kind}\) but cannot be read as one")
    with pytest.raises(InputError, match=expected):
        read_rank_file(path)


@pytest.mark.parametrize(
    "raw, text, encoding",
    [
        (b"\xef\xbb\xbfa,b", "a,b", "utf-8"),
        ("São".encode("utf-8"), "São", "utf-8"),
        ("São".encode("cp1252"), "São", "cp1252"),
        ("a\tb".encode("utf-16"), "a\tb", "utf-16"),  # Excel's "Unicode Text" (with its BOM)
    ],
)
def test_decode_knows_what_spreadsheets_write(raw, text, encoding):
    assert decode(raw) == (text, encoding)


def test_a_utf8_file_with_a_damaged_byte_is_not_read_as_another_encoding():
    with pytest.raises(InputError, match=r"row 2: this row holds a byte \(0xff\) that is not UTF-8 text"):
        decode(b"\xef\xbb\xbfa,b\nc\xff,d\n", "x.csv")


def test_both_readers_read_a_utf16_export(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_bytes("program\tcapacity\r\nSão José\t2\r\n".encode("utf-16"))
    assert read_table(path, ("program", "capacity"))["program"].tolist() == ["São José"]
    path.write_bytes("program\tpreference\tL\r\nSão José\t1\t1\r\n".encode("utf-16"))
    assert read_rank_file(path).programs == ("São José",)


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    rows = read_rows('a,b\n\n"two\nlines",x\nlast,y\n', ",")
    assert [(r.number, r.cells) for r in rows] == [(1, ["a", "b"]), (2, []), (3, ["two\nlines", "x"]),
                                                   (4, ["last", "y"])]


def test_both_readers_count_blank_lines_above_the_header(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text("\n\nprogram,capacity\nA,1\nB,x\n")
    frame = read_table(path, ("program", "capacity"))
    assert (frame.index + 2).tolist() == [4, 5]
    f = parse_rank_text("\n\nprogram,preference,L\nA,1,1\nB,2,x\n".replace(",x", ",2"))
    assert f.rows.tolist() == [4, 5]


def test_a_quoted_line_break_keeps_row_numbers_in_the_market_reader(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text('program,capacity\n"City\nNorth",1\nB,2\n')
    frame = read_table(path, ("program", "capacity"))
    assert frame["program"].tolist() == ["City\nNorth", "B"] and (frame.index + 2).tolist() == [2, 3]


@pytest.mark.parametrize("line, sep", [("a;b;c", ";"), ("a\tb", "\t"), ('"x;y",b', ","), ("single", ","),
                                       ("a,b;c;d", ";"), ("a,b;c", ",")])
def test_sniff_separator(line, sep):
    assert sniff_separator(line) == sep


def test_read_csv_bytes_sniffs_past_comment_lines():
    t = read_csv_bytes(b"# one; two; three\nprogram,preference\n", comment="#")
    assert t.separator == ","
