"""``--chance-scale``: scaling every chance moves the chance of matching, never the ordering advice."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from matchsim.advisor.advice import advise, scaled_chance
from matchsim.cli.main import cli
from matchsim.io.rank_file import parse_rank_text


def _random_file(seed, tracks=False):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    lines = ["program,track,preference,chance,honest,a,b" + (",supplemental" if tracks else "")]
    ranks = [np.arange(1, n + 1)] + [rng.permutation(n) + 1 for _ in range(2)]
    for j in range(n):
        cells = [str(r[j]) if rng.random() < 0.8 or i == 0 else "" for i, r in enumerate(ranks)]
        track = "advanced" if tracks and j % 2 else "categorical"
        lines.append(f"P{j},{track},{j + 1},{rng.uniform(0.05, 0.7):.3f}," + ",".join(cells) + ("," if tracks else ""))
    if tracks:
        for k in range(3):
            lines.append(f"Prelim {k},preliminary,{k + 1},{rng.uniform(0.2, 0.8):.3f},,,,{k + 1}")
    return parse_rank_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("tracks", [False, True])
def test_scaling_moves_the_chance_of_matching_never_the_advice(seed, tracks):
    f = _random_file(seed, tracks)
    a = advise(f, samples=0, chance_scale=(0.5, 1, 2))
    rows = a.sensitivity
    assert [r.scale for r in rows] == [0.5, 1.0, 2.0]
    assert {r.best for r in rows} == {"honest"}          # the true order is the best list at every scale
    assert all(r.better.max() < 1e-12 for r in rows)     # no list ever beats it
    p = np.array([r.true_order_p_match for r in rows])
    assert p[0] < p[1] < p[2]                            # while the chance of matching moves
    np.testing.assert_allclose(rows[1].p_match, [o.p_match for o in a.lists], atol=1e-12)
    # lists holding the same programs match equally often at every scale, whatever their order
    same = [i for i, lst in enumerate(f.lists.values()) if set(lst.tolist()) == set(f.lists["honest"].tolist())]
    for r in rows:
        assert np.ptp(r.p_match[same]) < 1e-12


def test_a_chance_above_one_after_scaling_is_treated_as_certain_and_named():
    c, capped = scaled_chance(np.array([0.2, 0.6, 0.9]), 2)
    assert c.tolist() == [0.4, 1.0, 1.0] and capped.tolist() == [1, 2]
    f = parse_rank_text("program,preference,chance,honest,swap\nA,1,60%,1,2\nB,2,30%,2,1\n")
    a = advise(f, samples=0, chance_scale=(1, 2))
    assert a.sensitivity[1].capped == ("A",)
    assert a.sensitivity[1].true_order_p_match == 1.0
    assert any("100%" in x and "A" in x for x in (y.text for y in a.findings if y.kind == "chance scale"))
    with pytest.raises(ValueError, match="above 0"):
        scaled_chance([0.5], 0)


def test_cli_chance_scale_json_and_table():
    r = CliRunner().invoke(cli, ["compare", "--example", "--samples", "0", "--chance-scale", "0.5, 1,2", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert [s["scale"] for s in doc["sensitivity"]] == [0.5, 1.0, 2.0]
    assert {s["best"] for s in doc["sensitivity"]} == {"honest"}
    r = CliRunner().invoke(cli, ["compare", "--example", "--samples", "0", "--chance-scale", "0.5,1,2"],
                           env={"COLUMNS": "100"})
    assert r.exit_code == 0 and "If every chance were scaled" in r.output and "x0.5" in r.output


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1,,x", "inf"])
def test_cli_bad_chance_scale_is_an_error(value):
    r = CliRunner().invoke(cli, ["compare", "--example", "--chance-scale", value])
    assert r.exit_code == 2 and "--chance-scale" in r.output and "Traceback" not in r.output
