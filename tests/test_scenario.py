"""Scenario files: the shipped ones load; every mistake is one clear InputError."""

from pathlib import Path

import pytest

from matchsim.errors import InputError
from matchsim.studies import KINDS, Scenario, load_scenario, parse_scenario

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))

BASE = '[study]\nkind = "strategies"\n'


def test_five_canonical_scenarios_are_shipped():
    assert {load_scenario(p).kind for p in SCENARIOS} == set(KINDS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_loads(path):
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert s.name == path.stem
    assert s.text == path.read_text()
    assert 1 <= s.trials <= 500
    s.market_params()  # the preset and overrides make valid parameters


def test_defaults_fill_every_option():
    s = parse_scenario('[study]\nkind = "list_length"\n')
    assert s.trials == 100 and s.seed == 0 and s.preset == "pmr"
    assert s.options.lengths[0] == 1 and s.options.sample > 0
    strategies = parse_scenario('[study]\nkind = "strategies"\n').options
    assert strategies.who == "focal"
    assert "truncate" in strategies.compare and "truthful" not in strategies.compare


def test_overrides_reach_the_market_parameters():
    s = parse_scenario(BASE + '[market]\npreset = "small"\nn_signals = 2\nmessage_rate = 1\n')
    p = s.market_params()
    assert p.n_signals == 2 and p.message_rate == 1.0 and p.n_applicants == 300


def test_strategy_parameters_are_kept():
    from matchsim.strategies import STRATEGIES  # noqa: F401  (real registry)

    s = parse_scenario(BASE + '[strategies]\ncompare = ["truncate"]\n[strategies.truncate]\nk = 2\n')
    assert s.strategy_params == {"truncate": {"k": 2}}


@pytest.mark.parametrize("text, column, row, message", [
    (BASE + "trails = 5\n", "study.trails", 3, 'did you mean "trials"'),
    (BASE + "[strategy]\nwho = 'focal'\n", "strategy", 3, 'did you mean "strategies"'),
    (BASE + "[market]\nn_aplicants = 10\n", "market.n_aplicants", 4, 'did you mean "n_applicants"'),
    (BASE + "[list_length]\nlenghts = [1]\n", "list_length.lenghts", 4, 'did you mean "lengths"'),
    (BASE + "[strategies]\nfocus = 3\n", "strategies.focus", 4, 'did you mean "focal"'),
])
def test_unknown_key_suggests_the_closest(text, column, row, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text, file="s.toml")
    assert exc.value.column == column
    assert exc.value.row == row
    assert exc.value.file == "s.toml"


@pytest.mark.parametrize("text, column, message", [
    (BASE + 'trials = "many"\n', "study.trials", 'expected a whole number, got a string .*without quotes'),
    (BASE + "trials = 2.5\n", "study.trials", "expected a whole number, got a number with a decimal point"),
    (BASE + "seed = true\n", "study.seed", "expected a whole number, got true/false"),
    (BASE + '[strategies]\nshare = "half"\n', "strategies.share", "expected a number"),
    (BASE + '[strategies]\ncompare = "truncate"\n', "strategies.compare", "expected a list of quoted strings"),
    (BASE + "[list_length]\nlengths = [1, 'two']\n", "list_length.lengths", "expected a list of whole numbers"),
    (BASE + "[market]\nn_applicants = 12.5\n", "market.n_applicants", "expected a whole number"),
    (BASE + "[market]\nn_applicants = 'ten'\n", "market.n_applicants", "expected a whole number"),
    (BASE + "market = 3\n", "study.market", 'unknown key "market"'),
    ("study = 3\n", "study", "expected a table"),
])
def test_wrong_type_says_what_is_expected(text, column, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text, file="s.toml")
    assert exc.value.column == column


@pytest.mark.parametrize("text, column, message", [
    ('[study]\nkind = "strategy"\n', "study.kind", 'unknown study kind "strategy"; did you mean "strategies"'),
    ("[study]\ntrials = 3\n", "study.kind", 'missing key "kind".*strategies, messages'),
    (BASE + '[market]\npreset = "nrmp"\n', "market.preset", "unknown preset.*valid: .*pmr"),
    (BASE + '[strategies]\ncompare = ["truncation"]\n', "strategies.compare",
     'unknown strategy "truncation"; did you mean "truncate".*valid: .*safety_first'),
    (BASE + '[strategies]\nwho = "all"\n', "strategies.who", "valid: focal, share, everybody"),
    (BASE + '[strategies.bluff]\nk = 2\n', "strategies.bluff", "unknown strategy"),
    ('[study]\nkind = "messages"\n[messages]\nrespond = ["chase"]\n', "messages.respond", "unknown strategy"),
])
def test_unknown_choice_lists_valid_ones(text, column, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text, file="s.toml")
    assert exc.value.column == column


@pytest.mark.parametrize("text, column, message", [
    (BASE + "trials = 0\n", "study.trials", "must be greater than 0"),
    (BASE + "seed = -1\n", "study.seed", "must be 0 or more"),
    (BASE + "[strategies]\nshare = 1.5\n", "strategies.share", "between 0 and 1"),
    (BASE + "[core]\nscales = []\n", "core.scales", "non-empty list"),
    (BASE + "[strategies]\ncompare = []\n", "strategies.compare", "name at least one strategy"),
    (BASE + "[market]\nn_positions = 1\n", "market.n_positions", "n_positions .* must be at least"),
    (BASE + "[market]\nmessage_rate = 2.0\n", "market.message_rate", r"must be in \[0, 1\]"),
])
def test_bad_value_is_named(text, column, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text, file="s.toml")
    assert exc.value.column == column


def test_invalid_toml_gives_the_line():
    with pytest.raises(InputError, match="not valid TOML") as exc:
        parse_scenario(BASE + "trials = \n", file="s.toml")
    assert exc.value.row == 3


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="this is a folder"):
        load_scenario(tmp_path)


def test_error_is_one_line_naming_file_row_and_key(tmp_path):
    p = tmp_path / "study.toml"
    p.write_text('[study]\nkind = "core"\n\n[core]\nscale = [1.0]\n')
    with pytest.raises(InputError) as exc:
        load_scenario(p)
    assert str(exc.value) == (f'{p}, row 5, column "core.scale": unknown key "scale"; '
                              'did you mean "scales"?')


def test_byte_order_mark_is_accepted(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + b'[study]\nkind = "core"\n')
    assert load_scenario(p).kind == "core"


def test_with_trials_keeps_everything_else():
    s = parse_scenario(BASE + "trials = 5\nseed = 9\n")
    t = s.with_trials(50)
    assert (t.trials, t.seed, t.text) == (50, 9, s.text)
    with pytest.raises(InputError, match="greater than 0"):
        s.with_trials(0)
