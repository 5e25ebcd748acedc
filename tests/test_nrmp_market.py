"""The market model for the NRMP's extensions: construction, validation, round trips."""

import numpy as np
import pytest

from matchsim import Market
from matchsim.extensions import (
    ADVANCED, CATEGORICAL, EVEN, NO_MATCH, ODD, PRELIMINARY, TRANSITIONAL, Couples, Reversions,
    SupplementalLists, reversion_order,
)


def _base(**ext):
    """Cy ranks Rehab (advanced) then Gen; Ann and Bo are a couple."""
    return Market.from_lists(
        {"Cy": ["Rehab", "Gen"], "Di": ["Gen"]},
        {"Rehab": ["Cy"], "Gen": ["Ann", "Cy", "Di"], "Prelim": ["Cy", "Bo"], "City": ["Bo"], "TY": ["Cy"]},
        {"Rehab": 1, "Gen": 2, "Prelim": 1, "City": 1, "TY": 1},
        **ext,
    )


TRACKS = {"Rehab": "advanced", "Prelim": "preliminary", "TY": "transitional"}


def test_plain_market_has_no_extensions():
    m = _base()
    assert m.couples is None and m.supplemental is None and m.reversions is None
    assert m.tracks is None and m.even_odd is None and not m.has_extensions
    assert m.program_tracks.tolist() == [CATEGORICAL] * 5


def test_full_market_by_name():
    m = _base(
        couples={("Ann", "Bo"): [("Gen", "City"), ("Gen", "No Match"), (None, "Prelim")]},
        supplemental={"Cy": {"prelims": (["Rehab"], ["Prelim", "TY"])}},
        reversions=[("City", "Gen", 1)],
        tracks=TRACKS,
        even_odd={"Gen": "even"},
    )
    assert m.applicant_labels() == ("Cy", "Di", "Ann", "Bo")
    assert m.has_extensions and m.n_couples == 1
    assert m.couples.members.tolist() == [[2, 3]]
    gen, city, prelim = m.program_id("Gen"), m.program_id("City"), m.program_id("Prelim")
    assert m.couples.joint_list(0).tolist() == [[gen, city], [gen, NO_MATCH], [NO_MATCH, prelim]]
    assert m.couples.label(0) == "Ann & Bo"
    assert m.supplemental.owner.tolist() == [0] and m.supplemental.label(0) == "prelims"
    assert m.supplemental.links_of(0).tolist() == [m.program_id("Rehab")]
    assert m.supplemental.programs_of(0).tolist() == [prelim, m.program_id("TY")]
    assert m.tracks.tolist() == [ADVANCED, CATEGORICAL, PRELIMINARY, CATEGORICAL, TRANSITIONAL]
    assert m.even_odd.tolist() == [0, EVEN, 0, 0, 0]
    assert (m.reversions.donor.tolist(), m.reversions.receiver.tolist()) == ([city], [gen])
    assert "1 couple, 1 supplemental list, 1 reversion, 1 even/odd request" in repr(m)


def test_round_trip_through_lists_and_permutation():
    m = _base(
        couples={("Ann", "Bo"): [("Gen", "City"), ("Gen", None)]},
        supplemental={"Cy": [(["Rehab"], ["Prelim", "TY"])]},
        reversions=[("City", "Gen", 1)],
        tracks=TRACKS,
        even_odd={"Gen": "odd"},
    )
    again = Market.from_lists(*m.to_lists(), **m.extension_lists())
    assert again.extension_lists() == m.extension_lists()
    rng = np.random.default_rng(3)
    ao, po = rng.permutation(m.n_applicants), rng.permutation(m.n_programs)
    p = m.permuted(ao, po)
    # names travel with participants, so the named view is unchanged
    assert p.extension_lists()["couples"] == m.extension_lists()["couples"]
    assert p.extension_lists()["supplemental"] == m.extension_lists()["supplemental"]
    assert p.extension_lists()["reversions"] == m.extension_lists()["reversions"]
    assert p.extension_lists()["tracks"] == m.extension_lists()["tracks"]


def test_by_id_forms():
    m = Market.from_lists(
        [[0], [], []], [[0, 1], [2]], [1, 1],
        couples=[(1, 2, [0, 1, -1, 1])],
        tracks=["categorical", "categorical"],
    )
    assert m.couples.joint_list(0).tolist() == [[0, 1], [-1, 1]]
    assert m.couples.names is None and m.couples.label(0) == "c0"


def test_arrays_constructor_and_read_only():
    c = Couples([[0, 1]], [0, 1], [[0, -1]])
    m = Market.from_arrays([0, 0, 0], [], [0, 1], [0], [1], couples=c)
    assert m.couples is c
    with pytest.raises(ValueError):
        m.couples.programs[0, 0] = 3


def test_with_applicant_list_keeps_extensions_and_checks_links():
    m = _base(supplemental={"Cy": [(["Rehab"], ["Prelim"])]}, tracks=TRACKS)
    cy = m.applicant_id("Cy")
    m2 = m.with_applicant_list(cy, [m.program_id("Gen"), m.program_id("Rehab")])
    assert m2.supplemental is m.supplemental
    with pytest.raises(ValueError, match="not on Cy's primary list"):
        m.with_applicant_list(cy, [m.program_id("Gen")])


@pytest.mark.parametrize(
    "ext, message",
    [
        (dict(couples={("Cy", "Bo"): [("Gen", "City")]}),
         r"applicant 'Cy' is in couple 'Cy & Bo' and also has a single list \(2 ranks\)"),
        (dict(couples={("Ann", "Bo"): ["Gen", "City", "Gen"]}),
         r"couple 'Ann & Bo''s joint list has 3 cells, an odd number"),
        (dict(couples={("Ann", "Ann"): [("Gen", "City")]}), "names applicant .* twice"),
        (dict(couples={("Ann", "Bo"): [("Gen", "City")], ("Bo", "Eve"): [("Gen", "City")]}),
         "is in two couples"),
        (dict(couples={("Ann", "Bo"): [(None, "No Match")]}), "No Match for both partners at rank 1"),
        (dict(couples={("Ann", "Bo"): [("Gen", "City"), ("Gen", "City")]}),
         r"ranks the pair .* twice \(again at rank 2\)"),
        (dict(couples={("Ann", "Bo"): [("Gen", "Nowhere")]}),
         "couple 'Ann & Bo' at rank 1 names unknown program 'Nowhere'"),
        (dict(supplemental={"Cy": [(["Gen"], ["Prelim"])]}, tracks=TRACKS),
         "linked to 'Gen', which is categorical, not advanced"),
        (dict(supplemental={"Di": [(["Rehab"], ["Prelim"])]}, tracks=TRACKS),
         "linked to 'Rehab', which is not on Di's primary list"),
        (dict(supplemental={"Cy": [(["Rehab"], ["Gen"])]}, tracks=TRACKS),
         r"ranks 'Gen' \(categorical\) at rank 1; a supplemental list ranks only PGY-1"),
        (dict(supplemental={"Cy": [(["Rehab"], ["Prelim"]), (["Rehab"], ["TY"])]}, tracks=TRACKS),
         "'Rehab' is linked to two supplemental lists of 'Cy'"),
        (dict(supplemental={"Cy": [([], ["Prelim"])]}, tracks=TRACKS), "is linked to no advanced program"),
        (dict(supplemental={"Cy": [(["Rehab"], [])]}, tracks=TRACKS), "ranks no program"),
        (dict(supplemental={"Cy": [(["Rehab"], ["Prelim"])]}), "supplemental lists but no program tracks"),
        (dict(reversions=[("Gen", "City", 1), ("City", "Gen", 1)]),
         "reversions are circular: 'Gen' -> 'City' -> 'Gen'"),
        (dict(reversions=[("Gen", "City", 2), ("Gen", "TY", 1)]),
         "program 'Gen' reverts 3 positions in all but offers only 2"),
        (dict(reversions=[("Gen", "Gen", 1)]), "reverts program .* to itself"),
        (dict(reversions=[("Gen", "City", 0)]), "give at least 1"),
        (dict(tracks={"Gen": "fellowship"}), "unknown track 'fellowship'"),
        (dict(even_odd={"Gen": "both"}), "unknown even/odd request 'both'"),
    ],
)
def test_each_mistake_is_one_clear_line(ext, message):
    with pytest.raises(ValueError, match=message) as info:
        _base(**ext)
    assert "\n" not in str(info.value)


def test_more_than_300_ranks():
    progs = {f"P{i}": [] for i in range(301)}
    m = Market.from_lists({"A": list(progs)}, progs, {p: 1 for p in progs})  # plain markets: no NRMP limit
    assert m.applicant_list.size == 301
    with pytest.raises(ValueError, match="ranks 301 programs; the NRMP allows at most 300"):
        Market.from_lists({"A": list(progs)}, progs, {p: 1 for p in progs}, even_odd={"P0": "even"})
    pairs = [(f"P{i}", None) for i in range(301)]
    with pytest.raises(ValueError, match="couple 'X & Y' ranks 301 pairs"):
        Market.from_lists({}, progs, {p: 1 for p in progs}, couples={("X", "Y"): pairs})


def test_reversion_order_is_topological():
    # 2 -> 0 -> 1, 3 -> 1: program 0 reverts only after 2 has
    rv = Reversions([0, 2, 3], [1, 0, 1], [1, 1, 1])
    order = reversion_order(rv, 4).tolist()
    assert order.index(1) < order.index(0)
    assert sorted(order) == [0, 1, 2]


def test_supplemental_rows_sorted_by_owner_with_names():
    s = SupplementalLists.from_rows([(2, [0], [1]), (1, [0], [2]), (2, [3], [4])], ["x", "y", "z"])
    assert s.owner.tolist() == [1, 2, 2] and s.names == ("y", "x", "z")
    with pytest.raises(ValueError, match="grouped by applicant"):
        SupplementalLists([2, 1], [0, 1, 2], [0, 0], [0, 1, 2], [1, 1])


def _random_supplemental_market(rng):
    """Six applicants (4 and 5 a couple), eight programs, supplemental lists that are mostly legal.

    Each list links advanced programs of its owner's primary list (or of the
    owner's side of the joint list) and ranks PGY-1 programs; now and then a
    link or a ranked program is replaced by any program, or a link repeated.
    """
    n_p = 8
    tracks = rng.permutation([1, 1, 1, 2, 2, 3, 0, 0])
    singles = [rng.choice(n_p, rng.integers(0, 5), replace=False).tolist() for _ in range(4)] + [[], []]
    joint = list(dict.fromkeys(tuple(int(x) for x in rng.integers(-1, n_p, 2)) for _ in range(4)))
    joint = [pr for pr in joint if pr != (-1, -1)] or [(0, 1)]
    pgy1 = np.flatnonzero(np.isin(tracks, (2, 3)))
    rows = []
    for a in rng.choice(6, rng.integers(1, 4), replace=False).tolist():
        primary = singles[a] if a < 4 else [pr[a - 4] for pr in joint if pr[a - 4] >= 0]
        adv = [p for p in primary if tracks[p] == 1]
        rng.shuffle(adv)
        n_lists = int(rng.integers(1, 3))
        for i in range(n_lists):
            links = adv[i::n_lists] or [int(rng.integers(n_p))]
            progs = rng.choice(pgy1, rng.integers(1, pgy1.size + 1), replace=False).tolist()
            if rng.random() < 0.15:
                links[0] = int(rng.integers(n_p))
            if rng.random() < 0.15:
                progs[0] = int(rng.integers(n_p))
            rows.append((a, sorted(set(links)), list(dict.fromkeys(progs))))
        if rng.random() < 0.1 and adv:
            rows.append((a, [adv[0]], pgy1[:1].tolist()))
    return dict(applicant_prefs=singles, program_prefs=[[] for _ in range(n_p)], capacities=[1] * n_p,
                couples=[(4, 5, joint)], supplemental=rows, tracks=tracks.tolist())


def test_whole_array_check_of_supplemental_lists_agrees_with_the_loop(monkeypatch):
    """validate_extensions skips its per-list loop when the kernel's check passes: the two must agree."""
    import matchsim.extension_checks as checks

    rng = np.random.default_rng(2024)
    outcomes = {True: 0, False: 0}
    for _ in range(300):
        kw = _random_supplemental_market(rng)
        try:
            Market.from_lists(**kw)
            fast_ok = True
        except ValueError:
            fast_ok = False
        with monkeypatch.context() as mp:
            mp.setattr(checks, "supplemental_fine", lambda *args: False)  # always run the loop
            try:
                Market.from_lists(**kw)
                loop_ok = True
            except ValueError:
                loop_ok = False
        assert fast_ok == loop_ok, kw
        outcomes[loop_ok] += 1
    assert min(outcomes.values()) >= 20  # both valid and broken markets were tried
