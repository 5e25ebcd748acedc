"""``compare --couple``: a couple's joint lists, read, computed against an oracle, shown and checked in a browser."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from click.testing import CliRunner

from matchsim.advisor.couples import compare_joint_lists
from matchsim.advisor.findings import pct
from matchsim.cli.main import cli
from matchsim.errors import InputError
from matchsim.io.couple_file import read_couple_files
from tests._browser import browser  # noqa: F401  (a pytest fixture)

ME = ("program,preference,chance,honest: me,honest: partner,short: me,short: partner\n"
      "Mercy PM&R,1,40%,Mercy PM&R,Mercy Surgery,Mercy PM&R,Mercy Surgery\n"
      "City PM&R,2,60%,City PM&R,City Surgery,City PM&R,City Surgery\n"
      ",,,Mercy PM&R,No Match,,\n")
HIM = "program,preference,chance\nMercy Surgery,1,50%\nCity Surgery,2,30%\n"


def _files(tmp_path, me=ME, him=HIM):
    (tmp_path / "me.csv").write_text(me, encoding="utf-8")
    (tmp_path / "him.csv").write_text(him, encoding="utf-8")
    return tmp_path / "me.csv", tmp_path / "him.csv"


def test_joint_lists_are_read_as_pairs_with_no_match(tmp_path):
    c = read_couple_files(*_files(tmp_path))
    assert c.names == ("honest", "short") and c.true_order == "honest"
    assert c.joint["honest"].tolist() == [[0, 0], [1, 1], [0, -1]]
    assert c.partner.chance.tolist() == [0.5, 0.3]
    assert c.rows["honest"] == [2, 3, 4]


@pytest.mark.parametrize(
    "edit, row, column, match",
    [
        (("City Surgery,,,", "Town Surgery,,,"), None, None, None),
        (("Mercy PM&R,No Match,,", "No Match,No Match,,"), 4, "honest: me", r"No Match for both of you"),
        (("City PM&R,City Surgery,City", "City PM&R,Citi Surgery,City"), 3, "honest: partner",
         r'"Citi Surgery" is not one of your partner\'s programs \(in him.csv\)'),
        (("Mercy PM&R,No Match,,", "Mercy PM&R,,,"), 4, "honest: partner", r'has no program for your partner'),
        (("Mercy PM&R,No Match,,", "Mercy PM&R,Mercy Surgery,,"), 4, "honest: me", r"ranks this pair twice"),
        ((",short: me,short: partner", ",short: me,short: other"), 1, "short: me",
         r'the joint list "short" has a column "short: me" but no "short: partner"'),
    ],
)
def test_every_mistake_in_a_joint_list_is_one_line(tmp_path, edit, row, column, match):
    if match is None:  # the first case is fine: a name that is not on any joint list is allowed
        read_couple_files(*_files(tmp_path, him=HIM.replace("City Surgery", "City Surgery")))
        return
    with pytest.raises(InputError, match=match) as info:
        read_couple_files(*_files(tmp_path, me=ME.replace(*edit)))
    assert (info.value.file, info.value.row, info.value.column) == ("me.csv", row, column)
    assert "\n" not in str(info.value)


def test_a_file_without_joint_columns_says_how_to_write_them(tmp_path):
    with pytest.raises(InputError, match=r'no joint-list columns; for a couple, write each joint list as two '
                       r'columns named "<list>: me" and "<list>: partner"'):
        read_couple_files(*_files(tmp_path, me="program,preference,chance,L\nMercy PM&R,1,40%,1\n"))


def _oracle(c1, c2, joint, true):
    """Enumerate both partners' menus (independent programs): each list's pair chances and worse/same/better."""
    n1, n2 = len(c1), len(c2)
    out = {name: [np.zeros(len(p) + 1), np.zeros(3)] for name, p in joint.items()}
    tpos = {tuple(p): i for i, p in enumerate(joint[true])}
    for m1 in itertools.product([False, True], repeat=n1):
        for m2 in itertools.product([False, True], repeat=n2):
            w = np.prod([c if on else 1 - c for c, on in zip(c1, m1)]) * np.prod(
                [c if on else 1 - c for c, on in zip(c2, m2)])

            def first(pairs):
                return next((i for i, (x, y) in enumerate(pairs) if (x < 0 or m1[x]) and (y < 0 or m2[y])),
                            len(pairs))

            t = first(joint[true])
            for name, pairs in joint.items():
                k = first(pairs)
                out[name][0][k] += w
                u = len(joint[true]) if k == len(pairs) else tpos.get(tuple(pairs[k]), len(joint[true]) + 1)
                out[name][1][0 if u > t else 1 if u == t else 2] += w
    return out


@pytest.mark.parametrize("seed", range(3))
def test_sampled_figures_agree_with_enumerating_every_menu(seed):
    rng = np.random.default_rng(seed)
    c1, c2 = rng.uniform(0.1, 0.9, 3), rng.uniform(0.1, 0.9, 3)
    pairs = [(x, y) for x in range(-1, 3) for y in range(-1, 3) if (x, y) != (-1, -1)]
    joint = {f"j{i}": np.array([pairs[k] for k in rng.permutation(len(pairs))[: rng.integers(3, 10)]])
             for i in range(4)}
    n = 80_000
    r = compare_joint_lists(c1, c2, joint, "j0", correlation=0.0, n_samples=n, rng=seed)
    ref = _oracle(c1, c2, joint, "j0")
    for o in r.lists:
        p, wsb = ref[o.name]
        got = np.append(o.p_pair, o.p_unmatched)
        se = np.sqrt(np.clip(p * (1 - p), 1e-6, None) / n)
        assert np.all(np.abs(got - p) < 5 * se + 1e-9), o.name
        se = np.sqrt(np.clip(wsb * (1 - wsb), 1e-6, None) / n)
        assert np.all(np.abs(np.array([o.worse, o.same, o.better]) - wsb) < 5 * se + 1e-9)
        assert o.better == 0.0  # under the menu model the true joint order is never beaten


def test_cli_couple_json_and_the_example(tmp_path):
    me, him = _files(tmp_path)
    r = CliRunner().invoke(cli, ["compare", str(me), "--couple", str(him), "--json", "--samples", "5000"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert [x["name"] for x in doc["joint_lists"]] == ["honest", "short"]
    honest = doc["joint_lists"][0]
    assert honest["pairs"][2] == {"me": "Mercy PM&R", "partner": None, "p": honest["pairs"][2]["p"]}
    assert honest["p_no_match_pair"] == pytest.approx(honest["pairs"][2]["p"])
    assert doc["findings"][0]["kind"] == "couples" and "no longer guarantees" in doc["findings"][0]["text"]
    r = CliRunner().invoke(cli, ["compare", "--example", "couple", "--samples", "3000"])
    assert r.exit_code == 0, r.output
    assert "How each joint list does" in r.output and "No Match" in r.output


@pytest.mark.parametrize("extra, message", [
    (["--markets", "5"], "option --markets works only with --market"),
    (["--market", "--jobs", "2"], "option --jobs does not apply to a couple's simulated markets"),
    (["--png", "x.png"], "option --png is for a single applicant's lists"),
    (["--samples", "0"], "a couple's figures are sampled"),
])
def test_cli_couple_options_that_do_not_apply_are_errors(tmp_path, extra, message):
    me, him = _files(tmp_path)
    r = CliRunner().invoke(cli, ["compare", str(me), "--couple", str(him), *extra])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_couple_report_in_a_browser_shows_the_json_numbers(browser, tmp_path):  # noqa: F811
    page = tmp_path / "couple.html"
    r = CliRunner().invoke(cli, ["compare", "--example", "couple", "--samples", "4000", "--html", str(page),
                                 "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    b = browser.open(page)
    assert b.console_errors() == []
    spans = b.js("return [...document.querySelectorAll('.n')].map(e => [e.dataset.key, e.dataset.value, "
                 "e.textContent])")
    assert len(spans) > 20
    for key, value, text in spans:
        node = doc
        for part in key.split("/")[1:]:
            node = node[int(part)] if isinstance(node, list) else node[part.replace("~1", "/").replace("~0", "~")]
        assert float(value) == node and text == pct(node), key
    b = browser.open(page, width=390)
    assert b.js("return document.documentElement.scrollWidth <= window.innerWidth")


def test_couple_market_counts_what_reorderings_and_truncations_do():
    from matchsim.advisor.couple_market import simulate_couple_markets

    c = read_couple_files(*_files_example())
    r = simulate_couple_markets(c.me.chance, c.partner.chance, c.joint, c.true_order, n_applicants=160,
                                n_markets=6, correlation=0.5, rng=4)
    assert r.true_rank.shape == (6,) and r.variant_rank.shape[0] == len(r.variants) > 10
    # truncating the joint list to its first pair can only end on that pair or unmatched
    first = [i for i, (f, label) in enumerate(r.variants) if label == "first 1 pair"][0]
    assert set(r.variant_rank[first].tolist()) <= {0, len(c.joint[c.true_order])}
    assert sum(r.versus(r.list_rank[1])) == pytest.approx(1.0)
    doc = json.loads(CliRunner().invoke(cli, ["compare", "--example", "couple", "--market", "--markets", "3",
                                              "--applicants", "120", "--samples", "500", "--json"]).output)
    assert doc["market"]["markets"] == 3 and {x["family"] for x in doc["market"]["families"]} == {
        "truncation", "swap", "reordering"}
    assert any(x["kind"] == "couple market" for x in doc["findings"])


def _files_example():
    from matchsim.cli.compare import COUPLE_PARTNER_EXAMPLE, example_path

    data = example_path("couple").parent
    return data / "couple_example.csv", data / COUPLE_PARTNER_EXAMPLE
