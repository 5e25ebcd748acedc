"""The simulated specialty market with advanced and PGY-1 programs (for ``compare --market``)."""

from __future__ import annotations

import numpy as np
import pytest

from matchsim.extensions import ADVANCED, CATEGORICAL, PGY1_TRACKS, PRELIMINARY, TRANSITIONAL
from matchsim.markets.specialty import specialty_track_market

TRACKS = np.array([ADVANCED] * 5 + [CATEGORICAL] * 7 + [PRELIMINARY] * 9 + [TRANSITIONAL] * 4
                  + [CATEGORICAL] * 20 + [ADVANCED] * 10 + [PRELIMINARY] * 15, dtype=np.int8)


@pytest.mark.parametrize("seed", range(4))
def test_every_list_follows_the_nrmp_rules(seed):
    m = specialty_track_market(200, TRACKS, rng=seed)
    assert m.n_programs == TRACKS.size and np.array_equal(m.tracks, TRACKS)
    assert m.applicant_prefs(0).size == 0 and not np.isin(0, m.program_list)  # the focal applicant: nowhere yet
    pgy1 = np.isin(TRACKS, PGY1_TRACKS)
    sp = m.supplemental
    owners = set(sp.owner.tolist())
    for a in range(1, m.n_applicants):
        prim = m.applicant_prefs(a)
        assert not pgy1[prim].any()                               # primary lists: categorical and advanced
        assert (a in owners) == bool((TRACKS[prim] == ADVANCED).any())  # a supplemental list iff advanced ranked
    ranked_on = {p: set() for p in np.flatnonzero(pgy1).tolist()}
    for i in range(sp.n_lists):
        progs, links = sp.programs_of(i), sp.links_of(i)
        assert pgy1[progs].all() and (TRACKS[links] == ADVANCED).all()
        assert set(links.tolist()) == set(np.flatnonzero(TRACKS == ADVANCED).tolist()) & set(
            m.applicant_prefs(int(sp.owner[i])).tolist())
        for p in progs.tolist():
            ranked_on[p].add(int(sp.owner[i]))
    for p, who in ranked_on.items():  # a PGY-1 program ranks exactly the applicants whose lists name it
        assert set(m.program_prefs(p).tolist()) == who


def test_the_same_seed_gives_the_same_market_and_another_seed_another():
    a, b = specialty_track_market(120, TRACKS, rng=5), specialty_track_market(120, TRACKS, rng=5)
    assert np.array_equal(a.applicant_list, b.applicant_list) and np.array_equal(a.program_list, b.program_list)
    c = specialty_track_market(120, TRACKS, rng=6)
    assert not np.array_equal(a.applicant_list, c.applicant_list)


def test_market_mode_with_supplemental_lists_agrees_with_the_menu_model_market_by_market():
    from matchsim.advisor.advice import MarketSettings, advise
    from matchsim.cli.compare import example_path
    from matchsim.io.rank_file import read_rank_file

    f = read_rank_file(example_path("advanced"))
    a = advise(f, market=MarketSettings(applicants=150, markets=12, verify=12), seed=3)
    assert a.method == "market" and a.market.verified_markets == 12
    assert a.market.menu_violations == 0  # every list got the pair the algorithm's menus predict
    assert a.market.pgy1_checks > 0
    assert max(o.better for o in a.lists) == 0.0
    for o in a.rows:
        assert o.pgy1.p_advanced_and_pgy1 + o.pgy1.p_advanced_without_pgy1 == pytest.approx(
            sum(o.p_program[j] for j in range(f.n_programs) if f.is_advanced[j]), abs=1e-12)


def test_cli_market_with_tracks_json():
    import json

    from click.testing import CliRunner

    from matchsim.cli.main import cli

    r = CliRunner().invoke(cli, ["compare", "--example", "advanced", "--market", "--markets", "4",
                                 "--applicants", "100", "--verify-markets", "2", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["market"]["menu_violations"] == 0 and "p_advanced_without_pgy1" in doc["lists"][0]
    assert doc["market"]["realised_chance"]["Lakeside Medicine Preliminary"] is None


def test_worker_processes_do_not_change_the_figures():
    from matchsim.advisor.advice import MarketSettings, advise
    from matchsim.cli.compare import example_path
    from matchsim.io.rank_file import read_rank_file

    f = read_rank_file(example_path("advanced"))
    one = advise(f, market=MarketSettings(applicants=80, markets=30, verify=0, jobs=1), seed=2)
    two = advise(f, market=MarketSettings(applicants=80, markets=30, verify=0, jobs=2), seed=2)
    assert np.array_equal(one.comparison.joint, two.comparison.joint)
    assert np.array_equal(one.comparison.tracks.pgy1, two.comparison.tracks.pgy1)
