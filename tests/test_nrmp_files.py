"""Market folders and JSON documents with the NRMP's variations: round trips and one clear line per mistake."""

import json
import shutil
from pathlib import Path

import pytest

from matchsim.datasets import nrmp_extensions_example
from matchsim.errors import InputError
from matchsim.io import market_from_json, market_to_json, read_market, write_market

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nrmp_extensions"


def _same(a, b):
    assert a.to_lists() == b.to_lists()
    assert a.applicant_labels() == b.applicant_labels() and a.program_labels() == b.program_labels()
    # no reversions is no reversions, whether an empty container or none
    assert ({k: v for k, v in a.extension_lists().items() if v}
            == {k: v for k, v in b.extension_lists().items() if v})


def test_shipped_folder_is_the_builtin_example():
    _same(read_market(EXAMPLE), nrmp_extensions_example())


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_round_trip(tmp_path, kind):
    m = nrmp_extensions_example()
    path = tmp_path / ("m.json" if kind == "json" else "m")
    write_market(m, path)
    _same(read_market(path), m)


def test_plain_market_json_stays_version_1():
    from matchsim.datasets import nrmp_example

    assert market_to_json(nrmp_example())["version"] == 1
    assert market_to_json(nrmp_extensions_example())["version"] == 2


def test_names_that_look_like_formulas_round_trip(tmp_path):
    from matchsim import Market

    m = Market.from_lists({"=Cy": ["-Rehab"]}, {"-Rehab": ["=Cy"], "+Prelim": ["=Cy", "@Bo"]},
                          {"-Rehab": 1, "+Prelim": 1},
                          couples={("@Bo", "=Di"): [("+Prelim", None)]},
                          supplemental={"=Cy": {"=one": (["-Rehab"], ["+Prelim"])}},
                          tracks={"-Rehab": "advanced", "+Prelim": "preliminary"})
    write_market(m, tmp_path / "m")
    _same(read_market(tmp_path / "m"), m)


# --------------------------------------------------------------- CSV folder
def _folder(tmp_path):
    dest = tmp_path / "market"
    shutil.copytree(EXAMPLE, dest)
    return dest


def _edit(name, old, new):
    def apply(folder):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def _append(name, line):
    def apply(folder):
        with open(folder / name, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    return apply


def _remove(name):
    return lambda folder: (folder / name).unlink()


# (id, edit, file, row, column, words in the message)
BAD_FOLDERS = [
    ("member-with-single-list", _append("applicant_lists.csv", "Fay,1,City Medicine"),
     "couples.csv", 2, "applicant_1", "also has a single list"),
    ("member-unknown", _edit("couples.csv", "Hal & Ivy,Hal,Ivy", "Hal & Ivy,Hal,Ivo"),
     "couples.csv", 3, "applicant_2", 'applicant "Ivo" appears on no list'),
    ("member-in-two-couples", _append("couples.csv", "Eve & Ivy,Eli,Ivy"),
     "couples.csv", 4, "applicant_2", "is in two couples"),
    ("couple-row-odd-cells", _append("couple_lists.csv", "Hal & Ivy,3,City Medicine"),
     "couple_lists.csv", 7, None, "stops before the second partner's program"),
    ("couple-missing-partner-column", _edit("couple_lists.csv", "couple,rank,program_1,program_2",
                                            "couple,rank,program_1"),
     "couple_lists.csv", 1, None, "missing column program_2"),
    ("couple-unknown", _edit("couple_lists.csv", "Hal & Ivy,1", "Hal and Ivy,1"),
     "couple_lists.csv", 5, "couple", 'couple "Hal and Ivy" is not in couples.csv'),
    ("couple-unknown-program", _edit("couple_lists.csv", "Hal & Ivy,1,City Medicine", "Hal & Ivy,1,City Med"),
     "couple_lists.csv", 5, "program_1", 'program "City Med" has no entry in programs.csv'),
    ("couple-both-no-match", _append("couple_lists.csv", "Hal & Ivy,3,No Match,"),
     "couple_lists.csv", 7, "program_1", "both partners are No Match"),
    ("couple-rank-gap", _edit("couple_lists.csv", "Hal & Ivy,2,", "Hal & Ivy,4,"),
     "couple_lists.csv", 6, "rank", "has rank 4 but no rank 2"),
    ("couple-lists-without-couples", _remove("couples.csv"),
     "couple_lists.csv", None, None, "needs couples.csv"),
    ("bad-track", _edit("programs.csv", "Mercy Rehab,2,advanced", "Mercy Rehab,2,advancd"),
     "programs.csv", 2, "track", "unknown track 'advancd'"),
    ("bad-even-odd", lambda f: (_edit("programs.csv", "capacity,track", "capacity,track,even_odd")(f),
                                _edit("programs.csv", "State Peds,2,categorical", "State Peds,2,categorical,evn")(f)),
     "programs.csv", 7, "even_odd", "unknown even/odd request 'evn'"),
    ("link-not-on-primary-list", _edit("applicant_lists.csv", "Ben,1,Mercy Rehab\nBen,2,City Medicine",
                                       "Ben,1,City Medicine"),
     "supplemental_links.csv", 2, "advanced_program", "not on \"Ben\"'s primary list"),
    ("link-not-advanced", _edit("programs.csv", "Mercy Rehab,2,advanced", "Mercy Rehab,2,categorical"),
     "supplemental_links.csv", 2, "advanced_program", "which is categorical, not advanced"),
    ("supplemental-ranks-categorical", _append("supplemental_lists.csv", "Ben,prelim,3,City Medicine"),
     "supplemental_lists.csv", 6, "program", "ranks only PGY-1"),
    ("supplemental-unknown-applicant", _append("supplemental_lists.csv", "Bob,prelim,1,State TY"),
     "supplemental_lists.csv", 6, "applicant", 'applicant "Bob" is not in the market'),
    ("link-unknown-list", _edit("supplemental_links.csv", "Cruz,one year", "Cruz,one-year"),
     "supplemental_links.csv", 3, "list", 'no supplemental list named "one-year"'),
    ("list-without-link", _edit("supplemental_links.csv", "Cruz,one year,Mercy Rehab\n", ""),
     "supplemental_lists.csv", 4, "list", "is linked to no advanced program"),
    ("links-without-lists", lambda f: (f / "supplemental_lists.csv").write_text("applicant,list,rank,program\n"),
     "supplemental_links.csv", 2, "list", 'has no supplemental list named "prelim"'),
    ("supplemental-without-tracks", lambda f: (f / "programs.csv").write_text("\n".join(
        ",".join(line.split(",")[:2]) for line in (f / "programs.csv").read_text().splitlines()) + "\n"),
     "programs.csv", 1, None, "programs.csv gives no program a track"),
    ("circular-reversion", _append("reversions.csv", "City Medicine,State Peds,1"),
     "reversions.csv", 3, "receiver", "reversions are circular"),
    ("reversion-above-quota", _edit("reversions.csv", "State Peds,City Medicine,1", "State Peds,City Medicine,3"),
     "reversions.csv", 2, "positions", "reverts 3 positions in all but offers only 2"),
    ("reversion-unknown-program", _edit("reversions.csv", "State Peds,City", "State Ped,City"),
     "reversions.csv", 2, "donor", 'program "State Ped" has no entry in programs.csv'),
    ("reversion-to-itself", _edit("reversions.csv", "State Peds,City Medicine", "State Peds,State Peds"),
     "reversions.csv", 2, "receiver", "reverts to itself"),
    ("reversion-zero-positions", _edit("reversions.csv", "Medicine,1", "Medicine,0"),
     "reversions.csv", 2, "positions", "is below 1"),
]


def _more_than_300(name, row):
    def apply(folder):
        lines = (folder / name).read_text(encoding="utf-8")
        (folder / name).write_text(lines + row + "\n", encoding="utf-8")
    return apply


BAD_FOLDERS += [
    ("couple-rank-above-300", _append("couple_lists.csv", "Hal & Ivy,301,State TY,"),
     "couple_lists.csv", 7, "rank", "at most 300 ranks"),
    ("supplemental-rank-above-300", _append("supplemental_lists.csv", "Ben,prelim,301,State TY"),
     "supplemental_lists.csv", 6, "rank", "at most 300 ranks"),
]


@pytest.mark.parametrize("case", BAD_FOLDERS, ids=[c[0] for c in BAD_FOLDERS])
def test_bad_folder(tmp_path, case):
    _, edit, file, row, column, words = case
    folder = _folder(tmp_path)
    edit(folder)
    with pytest.raises(InputError) as info:
        read_market(folder)
    err = info.value
    assert Path(err.file).name == file, str(err)
    assert err.row == row, str(err)
    assert err.column == column, str(err)
    assert words in err.message, str(err)
    assert "\n" not in str(err)


def test_blank_partner_cell_is_no_match(tmp_path):
    folder = _folder(tmp_path)
    _edit("couple_lists.csv", "Hal & Ivy,2,No Match,State Peds", "Hal & Ivy,2,,State Peds")(folder)
    _same(read_market(folder), nrmp_extensions_example())


def test_physician_and_reserved_are_categorical(tmp_path):
    folder = _folder(tmp_path)
    _edit("programs.csv", "City Medicine,2,categorical", "City Medicine,2,Physician")(folder)
    _edit("programs.csv", "Mercy Surgery,2,categorical", "Mercy Surgery,2,reserved")(folder)
    _same(read_market(folder), nrmp_extensions_example())


# -------------------------------------------------------------------- JSON
def _doc():
    return market_to_json(nrmp_extensions_example())


BAD_DOCS = [
    ("member-with-single-list", lambda d: d["applicants"].update(Fay=["City Medicine"]),
     "couples.Fay & Gus.partners[0]", "also has a single list"),
    ("odd-pair", lambda d: d["couples"]["Hal & Ivy"]["rank_list"].append(["City Medicine"]),
     "couples.Hal & Ivy.rank_list[3]", "odd number of programs"),
    ("unknown-pair-program", lambda d: d["couples"]["Hal & Ivy"]["rank_list"][0].__setitem__(1, "Nowhere"),
     "couples.Hal & Ivy.rank_list[1][1]", 'program "Nowhere" has no entry'),
    ("bad-track", lambda d: d["programs"]["Mercy Rehab"].update(track="pgy-9"),
     "programs.Mercy Rehab.track", "unknown track"),
    ("link-not-advanced", lambda d: d["supplemental_lists"]["Ben"]["prelim"].update(linked_to=["City Medicine"]),
     "supplemental_lists.Ben.prelim.linked_to[1]", "not advanced"),
    ("circular", lambda d: d["reversions"].append({"donor": "City Medicine", "receiver": "State Peds",
                                                   "positions": 1}),
     "reversions[1].receiver", "circular"),
    ("above-quota", lambda d: d["reversions"][0].update(positions=5),
     "reversions[0].positions", "at most its own quota"),
    ("version-1", lambda d: d.update(version=1), "couples", 'write "version": 2'),
    ("partner-unknown", lambda d: (d["applicants"].pop("Hal"), d["programs"]["City Medicine"]["rank_list"].remove("Hal"),
                                   d["programs"]["Mercy Surgery"]["rank_list"].remove("Hal")),
     "couples.Hal & Ivy.partners[0]", 'appears on no list; add them to "applicants"'),
    ("no-tracks", lambda d: [e.pop("track", None) for e in d["programs"].values()],
     "programs", '"programs" gives no program a track'),
    ("name-not-string", lambda d: d["couples"]["Hal & Ivy"]["partners"].__setitem__(0, 7),
     "couples.Hal & Ivy.partners[0]", "not a name in quotes"),
]


@pytest.mark.parametrize("case", BAD_DOCS, ids=[c[0] for c in BAD_DOCS])
def test_bad_json(case):
    _, edit, column, words = case
    doc = _doc()
    edit(doc)
    with pytest.raises(InputError) as info:
        market_from_json(json.loads(json.dumps(doc)), "m.json")
    assert info.value.column == column, str(info.value)
    assert words in info.value.message, str(info.value)


# -------------------------------------------------------------------- docs
DOC = ROOT / "docs" / "file-formats.md"


def _blocks(language):
    text = DOC.read_text(encoding="utf-8")
    return [b.split("```", 1)[0] for b in text.split(f"```{language}\n")[1:]]


def test_docs_json_version_2_example_reads():
    doc = json.loads(next(b for b in _blocks("json") if '"version": 2' in b))
    m = market_from_json(doc, "docs.json")
    assert m.n_couples == 2 and m.supplemental.n_lists == 1 and m.reversions.n_reversions == 1
    assert m.even_odd[m.program_id("City Medicine")] == 1


@pytest.mark.parametrize("name", ["programs", "couples", "couple_lists", "supplemental_lists",
                                  "supplemental_links", "reversions"])
def test_docs_show_the_shipped_example_files(name):
    text = (EXAMPLE / f"{name}.csv").read_text(encoding="utf-8")
    assert text in _blocks(""), f"docs/file-formats.md should show examples/nrmp_extensions/{name}.csv"


# ------------------------------------------------------------ round trips
def _random_markets(n, seed=7):
    """Legal random markets with couples, supplemental lists, reversions and even/odd requests."""
    import numpy as np

    from matchsim import Market
    from tests.test_nrmp_market import _random_supplemental_market

    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        kw = _random_supplemental_market(rng)
        kw["program_prefs"] = [rng.permutation(6)[: rng.integers(0, 7)].tolist() for _ in range(8)]
        kw["capacities"] = rng.integers(1, 4, 8).tolist()
        donors = rng.permutation(8)
        kw["reversions"] = [(int(donors[i]), int(donors[i + 1]), 1) for i in range(int(rng.integers(0, 4)))]
        kw["even_odd"] = rng.choice(["", "even", "odd"], 8, p=[0.7, 0.15, 0.15]).tolist()
        try:
            out.append(Market.from_lists(**kw))
        except ValueError:
            continue  # an illegal draw (the generator breaks a rule now and then on purpose)
    return out


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_random_markets_round_trip(tmp_path, kind):
    for i, m in enumerate(_random_markets(25)):
        path = tmp_path / (f"m{i}.json" if kind == "json" else f"m{i}")
        write_market(m, path)
        back = read_market(path)
        _same(back, m)
        assert (back.capacity == m.capacity).all()
