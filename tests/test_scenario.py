"""Scenario files: the shipped ones load; every mistake is one clear InputError."""

from pathlib import Path

import pytest

from matchsim.errors import InputError
from matchsim.studies import KINDS, Scenario, load_scenario, parse_scenario
from matchsim.studies.scenario import MAX_TRIALS

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
    for bad in (0, MAX_TRIALS + 1):
        with pytest.raises(InputError, match="from 1 to 2,147,483,647"):
            s.with_trials(bad)


# ------------------------------------------------------- issue 7, point 3
@pytest.mark.parametrize("name, problem", [
    ("../../escaped", "is a path"), ("/tmp/abs", "is a path"), ("a/b", "is a path"), ("a\\\\b", "is a path"),
    ("..", "is a path"), ("C:study", "is a path"), ("", "is empty"), ("bell\\u0007", "control characters"),
    (".hidden", "starts with a dot"),
])
def test_study_name_must_be_a_plain_file_name(name, problem):
    with pytest.raises(InputError, match=problem) as exc:
        parse_scenario(f'[study]\nkind = "core"\nname = "{name}"\n', file="s.toml")
    assert exc.value.column == "study.name" and exc.value.row == 3
    assert 'name = "my_study"' in str(exc.value)


def test_a_plain_name_is_kept():
    assert parse_scenario('[study]\nkind = "core"\nname = "PM&R core, 2025"\n').name == "PM&R core, 2025"


# ------------------------------------------------------- issue 7, point 7
@pytest.mark.parametrize("table, column, message", [
    ("[strategies.truncate]\nk = -2\n", "strategies.truncate.k", "must be 1 or more, got -2"),
    ("[strategies.truncate]\nk = 0\n", "strategies.truncate.k", "must be 1 or more, got 0"),
    ('[strategies.truncate]\nk = "five"\n', "strategies.truncate.k",
     'expected a whole number, got a string \\("five"\\); write it without quotes, like k = 5'),
    ("[strategies.truncate]\nk = 2.5\n", "strategies.truncate.k",
     "expected a whole number, got a number with a decimal point"),
    ("[strategies.safety_first]\nthreshold = 1.5\n", "strategies.safety_first.threshold",
     "must be between 0 and 1, got 1.5"),
    ("[strategies.drop_reaches]\nthreshold = true\n", "strategies.drop_reaches.threshold",
     "expected a number, got true/false"),
    ('[strategies.promise_keeper]\npromise = "maybe"\n', "strategies.promise_keeper.promise",
     'unknown value "maybe"; valid: message, signal, either'),
    ('[strategies.signal_chasing]\nmin_message = "loves you"\n', "strategies.signal_chasing.min_message",
     'unknown value "loves you"; valid: none, interested, ranked highly, ranked to match'),
    ("[strategies.signal_chasing]\nmin_message = 9\n", "strategies.signal_chasing.min_message",
     "must be between 0 and 3, got 9"),
    ("[strategies.truncate]\nn = 2\n", "strategies.truncate.n", 'unknown parameter of truncate "n"; use one of: k'),
    ("[strategies.truthful]\nk = 2\n", "strategies.truthful.k", 'truthful takes no parameters; remove "k"'),
])
def test_strategy_parameters_are_checked_with_the_scenario(table, column, message):
    text = BASE + "[strategies]\ncompare = [\"truncate\"]\n" + table
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text, file="s.toml")
    assert exc.value.column == column and exc.value.file == "s.toml"
    assert exc.value.row == text.count("\n", 0, text.index(table.splitlines()[1])) + 1


def test_strategy_parameters_reach_the_trials():
    s = parse_scenario(BASE + '[strategies.signal_chasing]\nmin_message = 3\n[strategies.safety_first]\n'
                       'threshold = 1\n')
    assert s.strategy_params == {"signal_chasing": {"min_message": 3}, "safety_first": {"threshold": 1.0}}


# ------------------------------------------------- issue 7, points 10 and 21
def test_trials_above_the_limit_are_refused():
    with pytest.raises(InputError, match="at most 2,147,483,647, got 1000000000000") as exc:
        parse_scenario(BASE + "trials = 1000000000000\n")
    assert exc.value.column == "study.trials"
    assert parse_scenario(BASE + f"trials = {MAX_TRIALS}\n").trials == MAX_TRIALS


@pytest.mark.parametrize("text, column, message", [
    (BASE + "[market]\nn_applicants = 0\n", "market.n_applicants", "a study needs applicants"),
    ('[study]\nkind = "core"\n[market]\npreset = "small"\n[core]\nscales = [1.0, 0.001]\n', "core.scales",
     "at scale 0.001 the market of 300 applicants has none left"),
])
def test_an_empty_market_is_refused(text, column, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_scenario(text)
    assert exc.value.column == column


# ------------------------------------------ one meaning per key (issue 8.1)
def test_record_is_separate_from_focal():
    s = parse_scenario(BASE + '[strategies]\nwho = "share"\nrecord = 4\n')
    assert (s.options.who, s.options.record, s.options.focal) == ("share", 4, 10)
    m = parse_scenario('[study]\nkind = "messages"\n[messages]\nfocal = 3\nrecord = 7\n')
    assert (m.options.focal, m.options.record) == (3, 7)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_typed_frozen_options(kind):
    import msgspec

    from matchsim.studies import get_kind

    options = parse_scenario(f'[study]\nkind = "{kind}"\n').options
    assert isinstance(options, get_kind(kind).options)
    with pytest.raises(AttributeError):
        options.anything = 1
    assert msgspec.structs.asdict(options)  # every kind has at least one option
