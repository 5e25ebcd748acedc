"""Advanced programs and supplemental lists: the two-year menu model, exact against oracles and sampling."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matchsim.advisor.comparison import outcome_utility
from matchsim.advisor.inputs import true_order
from matchsim.advisor.menu import compare_lists
from matchsim.advisor.tracks import supplemental_curve
from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY, TRANSITIONAL


def _brute(chance, pref, lists, tracks, ppref, supp, link):
    """Enumerate every menu of independent programs: the pair tables and worse/same/better."""
    n = len(chance)
    truth = true_order(pref)
    t_supp = true_order(ppref)
    u, v = outcome_utility(pref), outcome_utility(ppref)

    def outcome(menu, lst, sup_of):
        a = next((p for p in lst if menu[p]), n)
        if a < n and tracks[a] == ADVANCED:
            s = sup_of(a)
            return a, next((p for p in s if menu[p]), n)
        return a, n

    tables = np.zeros((len(lists), n + 1, n + 1))
    wsb = np.zeros((len(lists), 3))
    for menu in itertools.product([False, True], repeat=n):
        p = np.prod([c if on else 1 - c for c, on in zip(chance, menu)])
        ta, tb = outcome(menu, truth, lambda a: t_supp)
        for i, lst in enumerate(lists):
            a, b = outcome(menu, lst, lambda a: supp[link[a]] if link[a] >= 0 else [])
            tables[i, a, b] += p
            key = (u[a], v[b] if a == ta and a < n and tracks[a] == ADVANCED else 0)
            tkey = (u[ta], v[tb] if a == ta and a < n and tracks[a] == ADVANCED else 0)
            wsb[i, 0 if key > tkey else 1 if key == tkey else 2] += p
    return tables, wsb


def _random_case(rng, n=7):
    tracks = rng.choice([CATEGORICAL, ADVANCED, PRELIMINARY, TRANSITIONAL], n).astype(np.int8)
    tracks[0], tracks[1] = ADVANCED, PRELIMINARY
    pgy1 = np.isin(tracks, [PRELIMINARY, TRANSITIONAL])
    chance = rng.uniform(0.05, 0.95, n)
    pref = np.zeros(n, dtype=np.int64)
    prim = np.flatnonzero(~pgy1)
    pref[prim] = rng.permutation(prim.size) + 1
    ppref = np.zeros(n, dtype=np.int64)
    pg = np.flatnonzero(pgy1)
    ppref[pg] = rng.permutation(pg.size) + 1
    if pg.size > 1:
        ppref[pg[-1]] = 0  # one PGY-1 program she would rather not do
    supp = [rng.permutation(pg)[: rng.integers(1, pg.size + 1)] for _ in range(2)]
    link = np.where(tracks == ADVANCED, rng.integers(-1, 2, n), -1)
    lists = [rng.permutation(prim)[: rng.integers(1, prim.size + 1)] for _ in range(4)]
    lists.append(true_order(pref))
    return chance, pref, lists, tracks, ppref, supp, link


@pytest.mark.parametrize("seed", range(6))
def test_exact_pair_tables_equal_enumeration_of_every_menu(seed):
    chance, pref, lists, tracks, ppref, supp, link = _random_case(np.random.default_rng(seed))
    r = compare_lists(chance, pref, lists, 0.0, tracks=tracks, pgy1_preference=ppref, supplemental=supp,
                      link=link)
    tables, wsb = _brute(chance, pref, lists, tracks, ppref, supp, link)
    np.testing.assert_allclose(r.tracks.pgy1, tables, atol=1e-12)
    np.testing.assert_allclose(np.stack([r.worse, r.same, r.better], axis=1), wsb, atol=1e-12)
    assert r.better.max() < 1e-12  # her true order, with her whole PGY-1 order, is never beaten
    np.testing.assert_allclose(r.tracks.pgy1.sum(axis=2), r.prob, atol=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_exact_and_sampled_pair_tables_agree(rho):
    chance, pref, lists, tracks, ppref, supp, link = _random_case(np.random.default_rng(42), n=10)
    kw = dict(tracks=tracks, pgy1_preference=ppref, supplemental=supp, link=link)
    e = compare_lists(chance, pref, lists, rho, **kw)
    s = compare_lists(chance, pref, lists, rho, method="sample", n_samples=60_000, rng=1, **kw)
    se = np.sqrt(np.clip(e.tracks.pgy1 * (1 - e.tracks.pgy1), 1e-6, None) / 60_000)
    assert np.all(np.abs(e.tracks.pgy1 - s.tracks.pgy1) < 5 * se + 1e-9)
    for a, b in ((e.worse, s.worse), (e.p_advanced_without_pgy1, s.p_advanced_without_pgy1),
                 (e.p_complete, s.p_complete)):
        assert np.all(np.abs(a - b) < 5 * np.sqrt(np.clip(a * (1 - a), 1e-6, None) / 60_000) + 1e-9)
    assert s.better.max() == 0.0


def test_golden_one_advanced_program_and_two_prelims():
    # advanced A (chance 0.5), prelims P (0.5) and Q (0.5), independent; supplemental P, Q
    # P(A and P) = .25, P(A and Q) = .125, P(A, no PGY-1) = .125, unmatched = .5
    tracks = np.array([ADVANCED, PRELIMINARY, PRELIMINARY], dtype=np.int8)
    r = compare_lists([0.5, 0.5, 0.5], [1, 0, 0], [[0]], 0.0, tracks=tracks, pgy1_preference=[0, 1, 2],
                      supplemental=[[1, 2]], link=[0, -1, -1])
    assert r.p_advanced_and_pgy1[0] == pytest.approx(0.375)
    assert r.p_advanced_without_pgy1[0] == pytest.approx(0.125)
    assert r.p_pgy1_program[0].tolist() == pytest.approx([0.0, 0.25, 0.125])
    assert r.p_complete[0] == pytest.approx(0.375)
    # the same list with the supplemental list reversed: Q before P costs when both take her
    rev = compare_lists([0.5, 0.5, 0.5], [1, 0, 0], [[0]], 0.0, tracks=tracks, pgy1_preference=[0, 1, 2],
                        supplemental=[[2, 1]], link=[0, -1, -1])
    assert rev.worse[0] == pytest.approx(0.5 * 0.25)
    assert rev.better[0] == 0.0


def test_supplemental_curve_is_the_chance_of_advanced_without_pgy1_for_each_length():
    rng = np.random.default_rng(3)
    chance, pref, lists, tracks, ppref, supp, link = _random_case(rng, n=8)
    lst = true_order(pref)
    s = supp[0]
    curve = supplemental_curve(chance, lst, s, tracks, 0.4)
    for k in range(s.size + 1):
        r = compare_lists(chance, pref, [lst], 0.4, tracks=tracks, pgy1_preference=ppref,
                          supplemental=[s[:k]] if k else [np.zeros(0, dtype=int)],
                          link=np.where(tracks == ADVANCED, 0, -1))
        assert curve[k] == pytest.approx(r.p_advanced_without_pgy1[0], abs=1e-12)
    assert np.all(np.diff(curve) <= 1e-15)  # a longer list never leaves her without a PGY-1 year more often


# ------------------------------------------------------- the advice for a file with advanced programs
def _advice(text, **kw):
    from matchsim.advisor.advice import advise
    from matchsim.io.rank_file import parse_rank_text

    return advise(parse_rank_text(text, "mine.csv"), samples=kw.pop("samples", 0), **kw)


BASE = ("program,track,preference,chance,honest,backup,supplemental: med,supplemental: surg,link\n"
        "Rehab A,advanced,1,40%,1,1,,,med\n"
        "Rehab B,advanced,2,40%,2,2,,,none\n"
        "Rehab C,categorical,3,40%,3,3,,,\n"
        "Med Prelim,preliminary,1,50%,,4,2,,\n"
        "City TY,transitional,2,60%,,,1,,\n"
        "Surg Prelim,preliminary,3,60%,,,,1,\n")


def test_risky_choices_are_findings_naming_their_lists():
    a = _advice(BASE)
    kinds = {(x.list_name, x.kind) for x in a.findings}
    assert ("honest", "no supplemental") in kinds          # Rehab B has no supplemental list
    assert ("backup", "pgy1 on primary") in kinds          # a prelim year on the primary list
    assert ("supplemental: med", "supplemental order") in kinds   # City TY above Med Prelim, preferred
    assert ("supplemental: surg", "supplemental unused") in kinds  # linked to no advanced program
    text = {x.kind: x.text for x in a.findings if x.list_name in ("honest", "backup")}
    assert "Rehab B" in text["no supplemental"] and "Med Prelim" in text["pgy1 on primary"]
    # a PGY-1 year alone counts between every primary program and no match, so the true order ends with them
    assert any("PGY-1 year alone counts as better than not matching" in s for s in a.assumptions)
    assert a.true_order.programs.tolist() == [0, 1, 2, 3, 4, 5] and a.true_order_list is None
    assert max(o.better for o in a.lists) < 1e-12
    backup = a.lists[1]
    assert backup.pgy1.p_pgy1_only == pytest.approx(backup.p_program[3], abs=1e-12) and backup.pgy1.p_pgy1_only > 0


def test_json_and_csv_carry_the_pgy1_side():
    import csv
    import io

    from matchsim.advisor.export import CSV_TRACK_COLUMNS, advice_csv_rows, advice_to_json

    a = _advice(BASE)
    doc = advice_to_json(a)
    honest = doc["lists"][0]
    assert honest["supplemental"] == {"Rehab A": "supplemental: med", "Rehab B": None}
    assert set(honest["p_pgy1_program"]) == {"Med Prelim", "City TY", "Surg Prelim"}
    total = sum(x["p"] for x in honest["outcomes"])
    assert total == pytest.approx(1.0, abs=1e-12)
    assert honest["p_program_without_pgy1"]["Rehab B"] == pytest.approx(honest["p_program"]["Rehab B"])
    assert doc["supplemental_lists"][0]["linked_to"] == ["Rehab A"]
    rows = list(csv.reader(io.StringIO("\n".join(",".join(map(str, r)) for r in advice_csv_rows(a)))))
    head = rows[0]
    for col in CSV_TRACK_COLUMNS + ("p PGY-1: City TY",):
        assert col in head
    assert float(rows[1][head.index("p_advanced_without_pgy1")]) == pytest.approx(
        honest["p_advanced_without_pgy1"], rel=1e-9)


def test_cross_check_covers_the_pgy1_tables():
    a = _advice(BASE, samples=20_000)
    assert a.cross_check.max_abs_difference < 0.02
    assert a.cross_check.better_than_true_order < 1e-12


def test_a_short_supplemental_list_is_not_called_the_true_order():
    text = ("program,track,preference,chance,honest,supplemental\n"
            "Rehab A,advanced,1,40%,1,\nRehab B,categorical,2,40%,2,\n"
            "Med Prelim,preliminary,1,50%,,1\nCity TY,transitional,2,60%,,\n")
    a = _advice(text)
    assert a.true_order_list is None and a.true_order.is_reference
    (f,) = [x for x in a.findings if x.kind == "true order"]
    assert "not your whole PGY-1 true order" in f.text and "Submit it" not in f.text
    assert any(c.kind == "left off" and c.list_name == "supplemental" for c in a.checks)
    assert a.lists[0].worse > 0  # City TY is missing from the supplemental list: sometimes a PGY-1 year is lost
