"""The rank-list spreadsheet, issue 10: tracks, supplemental lists and links, lists written as names, workbooks."""

from __future__ import annotations

import numpy as np
import pytest

from matchsim.errors import InputError
from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY, TRANSITIONAL
from matchsim.io.rank_file import parse_rank_text, read_rank_file

ADVANCED_CSV = """program,track,preference,chance,honest,supplemental
Rehab A,advanced,1,20%,1,
Rehab B,categorical,2,30%,2,
Rehab C,,3,40%,3,
Mercy Prelim,prelim,1,50%,,2
City TY,TY,2,60%,,1
"""


def test_track_column_and_two_true_orders():
    f = parse_rank_text(ADVANCED_CSV)
    assert f.track_codes.tolist() == [ADVANCED, CATEGORICAL, CATEGORICAL, PRELIMINARY, TRANSITIONAL]
    assert f.primary_preference.tolist() == [1, 2, 3, 0, 0]
    assert f.pgy1_preference.tolist() == [0, 0, 0, 1, 2]
    assert [f.programs[p] for p in f.supplemental["supplemental"]] == ["City TY", "Mercy Prelim"]
    assert f.link.tolist() == [0, -1, -1, -1, -1] and not f.link_given  # linked to every advanced program
    assert f.true_order().tolist() == [0, 1, 2]


def test_a_file_without_tracks_reads_as_before():
    f = parse_rank_text("program,preference,chance,L\nA,1,50%,1\nB,2,40%,2\n")
    assert not f.has_tracks and f.tracks is None and f.supplemental == {}
    assert f.true_order().tolist() == [0, 1]


def test_the_same_preference_may_appear_once_in_each_order():
    with pytest.raises(InputError, match=r"preference 1 is given twice among your PGY-1 \(preliminary and "
                       r"transitional\) programs \(also in row 5\)") as info:
        parse_rank_text(ADVANCED_CSV.replace("City TY,TY,2", "City TY,TY,1"), "f.csv")
    assert (info.value.row, info.value.column) == (6, "preference")


def test_a_link_column_links_several_supplemental_lists():
    text = ("program,track,preference,chance,honest,supplemental: medicine,supplemental: surgery,link\n"
            "Rehab A,advanced,1,20%,1,,,medicine\n"
            "Rehab B,advanced,2,30%,2,,,Supplemental: Surgery\n"
            "Rehab C,advanced,3,30%,3,,,none\n"
            "Med Prelim,preliminary,1,50%,,1,,\n"
            "Surg Prelim,preliminary,2,60%,,,1,\n")
    f = parse_rank_text(text)
    assert list(f.supplemental) == ["supplemental: medicine", "supplemental: surgery"]
    assert f.link.tolist() == [0, 1, -1, -1, -1] and f.link_given
    assert f.supplemental_for(1) == "supplemental: surgery" and f.supplemental_for(2) is None


@pytest.mark.parametrize(
    "text, row, column, match",
    [
        (ADVANCED_CSV.replace("Rehab B,categorical,2,30%,2,", "Rehab B,categorical,2,30%,2,3"), 3, "supplemental",
         r"Rehab B \(3rd on this list\) is categorical, but a supplemental list ranks only PGY-1 programs"),
        (ADVANCED_CSV.replace("Rehab C,,3", "Rehab C,residency,3"), 4, "track", r'"residency" is not a track'),
        (ADVANCED_CSV.replace("supplemental\n", "supplemental,supplemental: b\n").replace(",,1\n", ",,1,1\n"),
         1, "supplemental: b", r"there are 2 supplemental lists .* and no \"link\" column"),
        (ADVANCED_CSV.replace("supplemental\n", "supplemental,link\n").replace("Rehab B,categorical,2,30%,2,",
                                                                             "Rehab B,categorical,2,30%,2,,supplemental"),
         3, "link", r"Rehab B is categorical; only an advanced program is linked to a supplemental list"),
        (ADVANCED_CSV.replace("supplemental\n", "supplemental,link\n").replace("Rehab A,advanced,1,20%,1,",
                                                                             "Rehab A,advanced,1,20%,1,,prelims"),
         2, "link", r'"prelims" is not a supplemental list of this file'),
        ("program,preference,L,supplemental\nA,1,1,\nB,2,,1\n", 3, "supplemental",
         r'B \(1st on this list\) is categorical.*add a "track" column'),
        ("program,preference,L\nA,1,A\nB,2,Bee\n", 3, "L", r'"Bee" is not one of the programs'),
        ("program,preference,L\nA,1,A\nB,2,A\n", 3, "L", r'"A" is on this list twice \(also in row 2\)'),
        (ADVANCED_CSV.replace("Rehab A,advanced,1", "Rehab A,advanced,").replace("Rehab B,categorical,2",
                                                                               "Rehab B,categorical,")
         .replace("Rehab C,,3", "Rehab C,,"), 1, "preference",
         r"no primary \(categorical or advanced\) program has a preference"),
    ],
)
def test_every_mistake_is_one_line_naming_row_and_column(text, row, column, match):
    with pytest.raises(InputError, match=match) as info:
        parse_rank_text(text, "mine.csv")
    assert (info.value.row, info.value.column) == (row, column)
    assert "\n" not in str(info.value) and str(info.value).startswith("mine.csv, row ")


def test_lists_written_as_program_names_top_to_bottom():
    text = ("program,track,preference,chance,honest,safe first,supplemental\n"
            "Rehab A,advanced,1,20%,Rehab A,Rehab B,City TY\n"
            "Rehab B,categorical,2,30%,Rehab B,Rehab A,Mercy Prelim\n"
            "Mercy Prelim,preliminary,1,50%,,,\n"
            "City TY,transitional,2,60%,,,\n")
    f = parse_rank_text(text)
    assert f.lists["honest"].tolist() == [0, 1] and f.lists["safe first"].tolist() == [1, 0]
    assert f.supplemental["supplemental"].tolist() == [3, 2]
    assert f.names_layout == ("honest", "safe first", "supplemental")


def test_a_names_only_file_reads_the_true_order_and_every_list_as_names():
    f = parse_rank_text("preference,honest,safe\nMercy,Mercy,City\nCity,City,Mercy\nState,,State\n")
    assert f.programs == ("Mercy", "City", "State")
    assert f.preference.tolist() == [1, 2, 3]
    assert f.lists["safe"].tolist() == [1, 0, 2]
    assert not f.chance_given.any()  # every chance from the defaults, and the output says so
    with pytest.raises(InputError, match=r'no "program" column'):
        parse_rank_text("preference,chance,honest\nMercy,30%,Mercy\n")


def _xlsx(path, sheets):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


ROWS = [["program", "track", "preference", "chance", "honest", "supplemental"],
        ["Rehab A", "advanced", 1, 0.2, 1, None],
        ["Rehab B", None, 2, 0.3, 2, None],
        ["Mercy Prelim", "preliminary", 1, 0.5, None, 1]]


def test_an_excel_workbook_is_read_directly_with_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "lists.xlsx"
    _xlsx(path, {"Lists": [["# my lists"], []] + ROWS})
    f = read_rank_file(path)
    assert f.programs == ("Rehab A", "Rehab B", "Mercy Prelim") and f.sheet == "Lists"
    assert f.chance.tolist() == [0.2, 0.3, 0.5] and f.encoding == "workbook"
    assert f.rows.tolist() == [4, 5, 6]  # as the spreadsheet numbers them
    bad = [r[:] for r in ROWS]
    bad[2][2] = 1
    _xlsx(path, {"Lists": bad})
    with pytest.raises(InputError, match=r"lists.xlsx, row 3, column \"preference\": preference 1 is given twice"):
        read_rank_file(path)


def test_a_libreoffice_workbook_is_read_directly(tmp_path):
    import pandas as pd

    path = tmp_path / "lists.ods"
    pd.DataFrame(ROWS[1:], columns=ROWS[0]).to_excel(path, sheet_name="Mine", index=False, engine="odf")
    f = read_rank_file(path)
    assert f.programs == ("Rehab A", "Rehab B", "Mercy Prelim") and f.sheet == "Mine"
    assert f.supplemental["supplemental"].tolist() == [2]


def test_several_sheets_need_sheet_and_a_clear_line_names_them(tmp_path):
    path = tmp_path / "book.xlsx"
    _xlsx(path, {"Lists": ROWS, "Old lists": ROWS, "Empty": []})
    with pytest.raises(InputError, match=r'book.xlsx: the workbook has 3 sheets \("Lists", "Old lists", "Empty"\) '
                       r"and 2 hold data; say which to read with --sheet NAME"):
        read_rank_file(path)
    assert read_rank_file(path, sheet="old lists").sheet == "Old lists"
    with pytest.raises(InputError, match=r'there is no sheet "Nope"; the sheets are "Lists", "Old lists", "Empty"'):
        read_rank_file(path, sheet="Nope")
    _xlsx(path, {"Lists": ROWS, "Empty": []})
    assert read_rank_file(path).sheet == "Lists"  # the only sheet that holds anything


def test_sheet_with_a_csv_file_is_an_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("program,preference,L\nA,1,1\n")
    with pytest.raises(InputError, match=r"this is a CSV file, which has no sheets"):
        read_rank_file(path, sheet="Lists")


def test_the_template_reads_back_with_its_new_columns(tmp_path):
    from matchsim.io.rank_template import TEMPLATE_HEADER, write_rank_template

    path = tmp_path / "t.csv"
    write_rank_template(path)
    assert {"track", "supplemental"} <= set(TEMPLATE_HEADER)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("Rehab A,advanced,1,30%,,1,2,,\nMercy Prelim,preliminary,1,50%,,,,1,\n")
    f = read_rank_file(path)
    assert f.track_codes.tolist() == [ADVANCED, PRELIMINARY]
    assert f.supplemental["supplemental"].tolist() == [1]
    assert np.array_equal(f.true_order(), [0])
