"""Monte Carlo studies: reproducibility, executors, resume, and the theorems they show."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchsim.errors import InputError
from matchsim.studies import parse_scenario, run_study, run_trial, summarize, trial_seed
from matchsim.studies.runner import done_trials, plan_chunks
from matchsim.studies.kinds.core import scaled_params
from matchsim.studies.trial import compare_outcomes


def scenario(kind, trials=4, seed=1, preset="small", extra=""):
    return parse_scenario(
        f'[study]\nkind = "{kind}"\ntrials = {trials}\nseed = {seed}\n[market]\npreset = "{preset}"\n'
        + extra
    )


SMALL = {
    "strategies": "[strategies]\nfocal = 4\n",
    "messages": "[messages]\nfocal = 4\n",
    "list_length": "[list_length]\nlengths = [1, 2, 3, 5]\nsample = 3\n",
    "core": "[core]\nscales = [0.5, 1.0]\ninterviews = [1.0, 2.0]\n",
    "signals": "[signals]\nsample = 40\n",
}


def assert_same_frames(a, b):
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)


# ------------------------------------------------------------------ seeds
@pytest.mark.parametrize("seed, trial", [(0, 0), (1, 5), (2025, 999), (7, 3)])
def test_trial_seed_is_the_spawned_child(seed, trial):
    child = np.random.SeedSequence(seed).spawn(trial + 1)[trial]
    assert (np.random.default_rng(child).integers(0, 2**62, 4)
            == np.random.default_rng(trial_seed(seed, trial)).integers(0, 2**62, 4)).all()


@pytest.mark.parametrize("kind", list(SMALL))
def test_trial_is_a_pure_function_of_seed_and_number(kind):
    s = scenario(kind, extra=SMALL[kind])
    a, b = run_trial(s, 2), run_trial(s, 2)
    assert list(a) == list(b) and a["trial"].size > 0
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    other = run_trial(s, 3)
    assert not all(np.array_equal(a[k], other[k]) for k in a)


def test_trial_number_out_of_range():
    with pytest.raises(ValueError, match="trial must be in 0..3"):
        run_trial(scenario("core", extra=SMALL["core"]), 4)


# --------------------------------------------------------------- chunking
@given(st.sets(st.integers(0, 300), max_size=120), st.integers(1, 40))
def test_plan_chunks_property(trials, chunk):
    plan = plan_chunks(trials, chunk)
    covered = [t for first, stop in plan for t in range(first, stop)]
    assert covered == sorted(trials)  # every trial once, in order
    assert all(0 < stop - first <= chunk for first, stop in plan)


@given(st.lists(st.tuples(st.integers(-1, 9), st.integers(-1, 9)), max_size=30))
def test_compare_outcomes_is_antisymmetric(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    flip = {"better": "worse", "worse": "better", "same": "same"}
    assert [flip[o] for o in compare_outcomes(a, b)] == list(compare_outcomes(b, a))


def test_plan_chunks_covers_every_trial_once():
    plan = plan_chunks([0, 1, 2, 5, 6, 9], 2)
    assert plan == [(0, 2), (2, 3), (5, 7), (9, 10)]
    with pytest.raises(ValueError, match="positive"):
        plan_chunks([1], 0)


@pytest.mark.parametrize("kind", list(SMALL))
def test_results_do_not_depend_on_chunking(kind):
    s = scenario(kind, trials=5, extra=SMALL[kind])
    one = run_study(s, chunk=1).results
    assert_same_frames(one, run_study(s, chunk=3).results)
    assert sorted(one["trial"].unique()) == list(range(5))
    assert not summarize(kind, one).empty


def test_more_trials_extend_fewer():
    s = scenario("strategies", trials=3, extra=SMALL["strategies"])
    short = run_study(s).results
    long = run_study(s.with_trials(6)).results
    assert_same_frames(short, long[long["trial"] < 3])


@pytest.mark.parametrize("kind, key, one, two", [
    ("strategies", "compare", '["truncate"]', '["safety_first", "truncate"]'),
    ("messages", "respond", '["signal_chasing"]', '["promise_keeper", "signal_chasing"]'),
])
def test_adding_a_strategy_leaves_the_others_rows_unchanged(kind, key, one, two):
    def rows(value):
        s = scenario(kind, trials=3, extra=f"[{kind}]\n{key} = {value}\nfocal = 4\n")
        df = run_study(s).results
        return df[df["strategy"].isin(["truthful", "truncate", "signal_chasing"])]

    assert_same_frames(rows(one), rows(two))


def test_bad_jobs():
    with pytest.raises(ValueError, match="jobs must be"):
        run_study(scenario("core", extra=SMALL["core"]), jobs=0)


# -------------------------------------------------------------- executors
@pytest.mark.slow
def test_serial_processes_and_dask_give_identical_results(tmp_path):
    pytest.importorskip("distributed")
    s = scenario("strategies", trials=8, extra=SMALL["strategies"])
    serial = run_study(s)
    procs = run_study(s, tmp_path / "p", jobs=2, chunk=1)
    dask = run_study(s, tmp_path / "d", jobs=2, dask=True, chunk=3)
    assert (serial.executor, procs.executor, dask.executor) == ("serial", "processes", "dask")
    assert dask.workers == 2
    assert_same_frames(serial.results, procs.results)
    assert_same_frames(serial.results, dask.results)
    assert summarize(s.kind, serial.results).equals(summarize(s.kind, dask.results))


def test_dask_missing_is_a_user_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(InputError, match=r"pip install 'matchsim\[dask\]'"):
        run_study(scenario("core", extra=SMALL["core"]), dask=True)


# ------------------------------------------------------------ checkpoints
@pytest.mark.parametrize("jobs", [1, 2])
def test_resume_ends_with_the_uninterrupted_numbers(tmp_path, jobs):
    s = scenario("messages", trials=7, extra=SMALL["messages"])
    full = run_study(s, tmp_path / "full").results
    part = run_study(s, tmp_path / "cut", jobs=jobs, chunk=2, stop_after=2)
    assert part.interrupted and 0 < len(done_trials(tmp_path / "cut")) < 7
    again = run_study(s, tmp_path / "cut", jobs=jobs, chunk=2, resume=True)
    assert not again.interrupted
    assert again.trials_resumed == len(part.results["trial"].unique())
    assert again.trials_run + again.trials_resumed == 7
    assert_same_frames(full, again.results)


def test_force_runs_everything_again_and_resume_nothing(tmp_path):
    s = scenario("core", trials=3, extra=SMALL["core"])
    run_study(s, tmp_path)
    assert done_trials(tmp_path) == {0, 1, 2}
    with pytest.raises(InputError, match="already holds a study"):
        run_study(s, tmp_path)
    assert run_study(s, tmp_path, force=True).trials_run == 3
    assert run_study(s, tmp_path, resume=True).trials_run == 0


def test_ctrl_c_keeps_finished_chunks(tmp_path, monkeypatch):
    """SIGINT during the third chunk: the trial running finishes, the chunk is dropped, two are kept."""
    import os
    import signal

    from matchsim.studies import trial as trial_module

    s = scenario("core", trials=6, extra=SMALL["core"])
    real = trial_module.run_trial
    calls = []

    def ctrl_c_in_trial_5(scn, t):
        calls.append(t)
        if t == 4:
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT, while a trial runs
        return real(scn, t)

    monkeypatch.setattr(trial_module, "run_trial", ctrl_c_in_trial_5)
    cut = run_study(s, tmp_path, chunk=2)
    assert cut.interrupted and done_trials(tmp_path) == {0, 1, 2, 3}
    assert calls == [0, 1, 2, 3, 4]  # trial 5 never started
    monkeypatch.setattr(trial_module, "run_trial", real)
    assert_same_frames(run_study(s).results, run_study(s, tmp_path, resume=True).results)


# ----------------------------------------------------- what studies show
def test_compare_outcomes_orders_unmatched_last():
    assert compare_outcomes([-1, -1, 2], [-1, 3, -1]).tolist() == ["same", "worse", "better"]


@pytest.mark.parametrize("seed", range(6))
def test_no_strategy_beats_truthful_for_a_focal_applicant(seed):
    """Dubins-Freedman/Roth: without couples, truthful ranking is a dominant strategy."""
    s = scenario("strategies", trials=3, seed=seed, extra="[strategies]\nfocal = 12\n")
    df = run_study(s).results
    assert set(df["strategy"]) == {"truthful", *s.options.compare}
    assert (df["outcome"] != "better").all()
    assert (df["outcome"] == "worse").any()  # the strategies do cost somebody something here
    # a focal applicant can only end at a program on their truthful list
    assert ((df["true_rank"] > 0) == df["matched"]).all()


def test_strategy_rows_equal_an_independent_rerun():
    """Every row's outcome, recomputed from scratch: the market drawn again from the
    trial's seed, the strategy applied to the one applicant, the Match run again."""
    from matchsim.engine import deferred_acceptance
    from matchsim.strategies import apply_strategy, true_rank
    from matchsim.studies.trial import generate

    s = scenario("strategies", trials=2, seed=4, extra="[strategies]\nfocal = 5\n[strategies.truncate]\nk = 2\n")
    df = run_study(s).results
    for t, rows in df.groupby("trial"):
        sm = generate(s, t)
        truthful = true_rank(sm, deferred_acceptance(sm.market).assignment)
        for row in rows.itertuples():
            params = s.strategy_params.get(row.strategy, {})
            lists = apply_strategy(sm, row.strategy, [row.applicant], **params)
            rank = true_rank(sm, deferred_acceptance(lists).assignment)[row.applicant]
            assert (row.true_rank, row.truthful_rank) == (rank, truthful[row.applicant]), row
            assert row.list_length == lists.applicant_list_lengths[row.applicant]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6, 30))
def test_no_strategy_beats_truthful_many_seeds(seed):
    s = scenario("strategies", trials=2, seed=seed, preset="pmr", extra="[strategies]\nfocal = 8\n")
    assert (run_study(s).results["outcome"] != "better").all()


def test_share_mode_records_deviators_and_others():
    s = scenario("strategies", trials=2, extra='[strategies]\nwho = "share"\nshare = 0.5\nfocal = 5\n'
                 'compare = ["safety_first"]\n')
    df = run_study(s).results
    assert set(df["deviates"]) == {True, False}
    assert set(summarize(s.kind, df).columns) >= {"strategy", "deviates", "better", "worse"}


@pytest.mark.parametrize("seed", range(4))
def test_messages_never_enter_the_algorithm(seed):
    s = scenario("messages", trials=3, seed=seed, preset="pmr", extra="[messages]\nfocal = 8\n")
    df = run_study(s).results
    check = df[df["mode"] == "check"]
    assert check["lists_identical"].all() and (check["n_differ"] == 0).all()
    assert (check["outcome"] == "same").all()
    quiet = df[df["mode"] == "no messages"]
    assert len(quiet) > 0
    assert (quiet.loc[quiet["lists_identical"], "n_differ"] == 0).all()  # nobody reordered: nothing moved
    assert quiet.loc[quiet["strategy"] == "signal_chasing", "lists_identical"].all()  # nothing to chase
    alone = df[df["mode"] == "alone"]
    assert len(alone) > 0 and (alone["outcome"] != "better").all()
    assert (df.loc[df["mode"] == "together", "n_differ"] > 0).any()


def test_the_messages_check_can_fail(monkeypatch):
    """The market without messages is a separate draw, so the check compares two markets:
    drawn from another seed, the "check" rows must report different lists and matches."""
    import dataclasses

    from matchsim.studies.kinds import messages

    real = messages.generate

    def wrong_quiet_market(scn, t, params=None):
        if params is not None and params.message_rate == 0.0:
            return real(dataclasses.replace(scn, seed=scn.seed + 1), t, params)
        return real(scn, t, params)

    monkeypatch.setattr(messages, "generate", wrong_quiet_market)
    s = scenario("messages", trials=2, preset="pmr", extra="[messages]\nfocal = 3\n")
    check = run_study(s).results.query("mode == 'check'")
    assert not check["lists_identical"].any() and (check["n_differ"] > 0).all()


def test_cutting_a_list_matches_iff_truthful_rank_is_within_k():
    """With the others fixed, the top-k list matches exactly when the truthful match is in the top k."""
    s = scenario("list_length", trials=3, preset="pmr",
                 extra="[list_length]\nlengths = [1, 2, 3, 4, 6, 9]\nsample = 4\n")
    df = run_study(s).results
    within = (df["truthful_rank"] > 0) & (df["truthful_rank"] <= df["k"])
    assert (df["matched"] == within).all()
    assert (df.loc[df["matched"], "true_rank"] == df.loc[df["matched"], "truthful_rank"]).all()
    curve = summarize(s.kind, df)
    for _, g in curve.groupby("applicant_type"):
        assert np.all(np.diff(g.sort_values("k")["p_match"]) >= 0)


def test_core_rows_per_setting():
    s = scenario("core", trials=3, preset="pmr", extra=SMALL["core"])
    df = run_study(s).results
    assert len(df) == 3 * 4
    summary = summarize(s.kind, df)
    sizes = summary[summary["sweep"] == "size"]["n_applicants"].tolist()
    assert sizes == [250.0, 500.0]


def test_core_counts_agree_with_brute_force():
    """On tiny markets: the two versions of DA differ exactly when there is more than one
    stable matching (Gale & Shapley: they are its two ends), for exactly the applicants
    whose best and worst stable partners differ."""
    from matchsim.engine import stable_matchings_brute
    from matchsim.studies.kinds.core import scaled_params
    from matchsim.studies.trial import generate

    s = parse_scenario('[study]\nkind = "core"\ntrials = 40\nseed = 3\n[market]\npreset = "small"\n'
                       'n_applicants = 7\nn_programs = 4\nn_positions = 6\n'
                       'n_applications = [3.0, 3.0, 3.0, 3.0, 3.0]\n'
                       'applicant_correlation = 0.0\nprogram_correlation = 0.0\n'
                       '[core]\nscales = [1.0]\ninterviews = [1.0]\n')
    df = run_study(s).results
    rows = df[df["sweep"] == "size"]
    several = 0
    for row in rows.itertuples():
        market = generate(s, row.trial, scaled_params(s.market_params())).market
        stable = np.array(stable_matchings_brute(market))
        differ = (stable != stable[0]).any(axis=0)  # applicants with more than one stable partner
        assert row.n_differ == differ.sum(), row
        several += len(stable) > 1
    assert several >= 3  # the check is not empty: some markets have several stable matchings


def test_scaled_params():
    from matchsim.markets import preset

    p = scaled_params(preset("pmr"), size=0.5, interviews=2.0)
    assert (p.n_applicants, p.n_programs, p.n_positions) == (250, 47, 206)
    assert p.max_interviews == 2 * preset("pmr").max_interviews
    assert p.interview_slots_per_position == 2 * preset("pmr").interview_slots_per_position


def test_signals_off_in_both_markets_changes_nothing():
    s = parse_scenario('[study]\nkind = "signals"\ntrials = 2\n[market]\npreset = "small"\nn_signals = 0\n')
    df = run_study(s).results
    assert not df["match_changed"].any()
    assert (df["interviews_with"] == df["interviews_without"]).all()
    assert (df["signals_interviewed"] == 0).all()


def test_signals_change_interviews():
    s = parse_scenario('[study]\nkind = "signals"\ntrials = 2\n[market]\npreset = "pmr"\nn_signals = 8\n')
    df = run_study(s).results
    assert len(df) == 2 * 500
    assert df["signals_interviewed"].max() > 0
    summary = summarize(s.kind, df)
    assert summary["applicant_type"].iloc[-1] == "all"


# ------------------------------------------------------- plots (issue 7.23)
def _bars(fig):
    """(label, better, same, worse-not-lost, lost) of each horizontal bar, top to bottom."""
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    widths = [[p.get_width() for p in c.patches] for c in ax.containers]
    return ax, [(label, *(w[i] for w in widths)) for i, label in enumerate(labels)]


def test_messages_plot_says_what_each_bar_compares_and_counts_the_right_rows():
    pytest.importorskip("matplotlib")
    from matchsim.studies.kinds import messages

    s = scenario("messages", trials=3, preset="pmr", extra="[messages]\nfocal = 5\nrecord = 5\n")
    summary = summarize(s.kind, run_study(s).results)
    fig = messages.plot(summary)
    ax, bars = _bars(fig)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("truthful" in t for t in legend)  # each bar names its own comparison
    assert "trials" not in ax.get_xlabel().split(",")[0] and "applicants in each bar" in ax.get_xlabel()
    labels = [b[0] for b in bars]
    assert labels[0] == "truthful lists:\nwith messages vs without"
    assert any("others whose match moved" in label for label in labels)  # not left out any more
    assert len(bars) == len(summary)  # one bar per summary group
    for (label, better, same, worse, lost), row in zip(bars, summary.itertuples()):
        assert (better, same) == pytest.approx((row.better, row.same))
        assert (worse + lost, lost) == pytest.approx((row.worse, row.lost_match))
    counts = [t.get_text() for t in ax.child_axes[0].get_yticklabels()]
    assert counts == [f"n = {n:,}" for n in summary["rows"]]


def test_strategies_plot_in_share_mode_shows_users_and_others():
    pytest.importorskip("matplotlib")
    from matchsim.studies.kinds import strategies

    s = scenario("strategies", trials=2, extra='[strategies]\nwho = "share"\nshare = 0.5\nrecord = 5\n'
                 'compare = ["safety_first"]\n')
    _, bars = _bars(strategies.plot(summarize(s.kind, run_study(s).results)))
    assert [b[0] for b in bars] == ["safety_first (the others)", "safety_first (its users)"]


def test_the_same_study_draws_the_same_bytes(tmp_path):
    pytest.importorskip("matplotlib")
    s = scenario("core", trials=2, extra=SMALL["core"])
    summary = summarize(s.kind, run_study(s).results)
    from matchsim.report import save_study_plots

    a = save_study_plots("core", summary, tmp_path / "a", "core")
    b = save_study_plots("core", summary, tmp_path / "b", "core")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


# ------------------------------------------------ adding a kind (issue 8.1)
TOY_KIND = '''
"""A toy study kind: the share of applicants matched, per trial."""
from typing import Annotated

import numpy as np
from msgspec import Meta

from matchsim.engine import deferred_acceptance
from matchsim.studies.kinds import Options, StudyKind
from matchsim.studies.trial import generate


class ToyOptions(Options):
    proposing: Annotated[str, Meta(description="which side proposes")] = "applicant"
    repeat: Annotated[int, Meta(ge=1, le=3, description="rows per trial")] = 1


def trial(scenario, trial):
    sm = generate(scenario, trial)
    matched = deferred_acceptance(sm.market, scenario.options.proposing).assignment >= 0
    n = scenario.options.repeat
    return {"trial": np.full(n, trial, dtype=np.int32), "matched": np.full(n, matched.mean())}


def summarize(df):
    return df.groupby("trial", as_index=False)["matched"].mean().assign(secret=1)


def plot(summary, title=""):
    from matchsim.report.plots import pyplot

    fig, ax = pyplot().subplots()
    ax.plot(summary["trial"], summary["matched"])
    return fig


KIND = StudyKind(name="toy", question="the share matched", options=ToyOptions, trial=trial,
                 summarize=summarize, plot=plot, hidden=("secret",))
'''


def test_a_new_kind_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    """Everything that runs a study (parser, runner, summary, plot, folder, CLI) finds the kind
    through the registry: one module and one line make it a working `matchsim run` study."""
    pytest.importorskip("matplotlib")
    from click.testing import CliRunner

    from matchsim.cli.main import cli
    from matchsim.studies import kinds, scenario as scenario_module

    (tmp_path / "toy_kind.py").write_text(TOY_KIND)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(kinds.REGISTRY, "toy", "toy_kind")  # the one registry line
    scenario_module._document.cache_clear()
    try:
        s = parse_scenario('[study]\nkind = "toy"\ntrials = 3\n[market]\npreset = "small"\n[toy]\nrepeat = 2\n')
        assert s.options.repeat == 2
        with pytest.raises(InputError, match=r'column "toy.repeat": must be between 1 and 3, got 5'):
            parse_scenario('[study]\nkind = "toy"\n[toy]\nrepeat = 5\n')
        with pytest.raises(InputError, match='unknown key "repet"; did you mean "repeat"'):
            parse_scenario('[study]\nkind = "toy"\n[toy]\nrepet = 2\n')
        p = tmp_path / "toy.toml"
        p.write_text('[study]\nkind = "toy"\ntrials = 3\n[market]\npreset = "small"\n[toy]\nrepeat = 2\n')
        r = CliRunner().invoke(cli, ["run", str(p), "--out", str(tmp_path / "out")])
        assert r.exit_code == 0, r.output
        assert "secret" not in r.output and "matched" in r.output  # hidden columns come from the kind
        assert len(pd.read_parquet(tmp_path / "out" / "results.parquet")) == 6
        assert "secret" in pd.read_csv(tmp_path / "out" / "summary.csv").columns
        assert (tmp_path / "out" / "toy.png").is_file()
    finally:
        scenario_module._document.cache_clear()
        kinds.get_kind.cache_clear()
