"""skneural.tuning: search spaces, tune(), pruning, persistent studies."""

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import installed, tiny
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneural import (
    NeuralClassifier,
)

pytestmark = pytest.mark.skipif(
    not installed("optuna"), reason="pip install skneural[tune]"
)

if installed("optuna"):
    import optuna

    from skneural.tuning import (
        PruningCallback,
        SearchSpace,
        Widths,
        search_space,
        tune,
    )

    optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.mark.parametrize(
    "estimator",
    [
        tiny("NeuralClassifier", epochs=3),
        tiny("NeuralRegressor", epochs=3),
        tiny("ConvClassifier", epochs=3),
        tiny("ConvRegressor", epochs=3),
        tiny("KerasClassifier", epochs=3, loss="sparse_categorical_crossentropy"),
    ],
    ids=lambda est: type(est).__name__,
)
def test_default_spaces_give_parameters_that_fit(estimator, iris):
    X, y = iris
    if "Conv" in type(estimator).__name__:
        X = np.tile(X, 4)  # 16 steps: room for three conv blocks
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = search_space(estimator)
    for _ in range(2):
        params = space(study.ask())
        assert set(params) == set(space)
        est = estimator.set_params(**params)
        if "Conv" in type(est).__name__:
            est.set_params(random_rotation=0.0, random_translation=0.0)  # images only
        est.fit(X, y if "Regressor" not in type(est).__name__ else X[:, 0])


def test_label_smoothing_is_searched_for_classifiers_only():
    assert "label_smoothing" in search_space(NeuralClassifier())
    assert "label_smoothing" not in search_space(tiny("NeuralRegressor"))
    assert "label_smoothing" not in search_space(tiny("ConvClassifier"))


def test_linear_blend_is_searched_for_neural_regressors_only():
    assert "linear_blend" in search_space(tiny("NeuralRegressor"))
    assert "linear_blend" not in search_space(NeuralClassifier())
    assert "linear_blend" not in search_space(tiny("ConvRegressor"))


def test_the_scaling_layer_is_searched_for_the_dense_estimators():
    for est in (NeuralClassifier(), tiny("NeuralRegressor")):
        assert search_space(est)["scaling_layer"].choices == (True, False)
        l1 = search_space(est)["scaling_l1"]
        assert l1.log and l1.low < 0.002 < l1.high
    assert "scaling_layer" not in search_space(tiny("ConvClassifier"))
    assert "scaling_l1" not in search_space(tiny("ConvClassifier"))


def test_widths_are_powers_of_two():
    trial = optuna.trial.FixedTrial(
        {"h.n_layers": 3, "h.first_log2": 7, "f.n_layers": 3, "f.first_log2": 3}
    )
    assert Widths("h")(trial) == (128, 64, 32)
    assert Widths("f", min_log2=3, growth="doubling")(trial) == (8, 16, 32)
    floor = optuna.trial.FixedTrial({"h.n_layers": 4, "h.first_log2": 5})
    assert Widths("h", min_log2=4)(floor) == (32, 16, 16, 16)


def test_space_is_an_editable_mapping_and_targets_pipeline_steps():
    pipe = Pipeline([("scale", StandardScaler()), ("net", NeuralClassifier())])
    space = search_space(pipe)
    assert all(name.startswith("net__") for name in space)
    space["net__l1"] = optuna.distributions.FloatDistribution(1e-6, 1e-2, log=True)
    del space["net__optimizer"]
    params = space(optuna.create_study().ask())
    assert "net__l1" in params and "net__optimizer" not in params
    assert isinstance(params["net__hidden_layer_sizes"], tuple)
    pipe.set_params(**params)  # every name is a real parameter
    with pytest.raises(TypeError, match="optuna distribution or a function"):
        space["net__l2"] = (0.0, 1.0)


def test_tune_a_pipeline(iris):
    X, y = iris
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", tiny("NeuralClassifier", epochs=3))]
    )
    result = tune(pipe, X, y, n_trials=3, cv=2, random_state=0, show_progress_bar=False)
    assert len(result.trials_dataframe()) == 3
    space = search_space(pipe)
    for trial in result.study_.trials[1:]:  # drawn: every parameter of the space
        assert set(space(optuna.trial.FixedTrial(trial.params))) == set(space)
    # The best trial is the highest-scoring one, and it learnt (chance: 0.33;
    # the three trials score 0.81 (the estimator as given), 0.68 and 0.72 here:
    # its best parameters are then none, the estimator's own).
    assert result.best_score_ == max(t.value for t in result.study_.trials)
    best = result.study_.best_trial
    if best.user_attrs.get("as_given"):
        assert result.best_params_ == {}
    else:
        assert set(result.best_params_) == set(space)
    assert result.best_score_ > 0.8
    assert result.best_estimator_.score(X, y) > 0.85
    assert result.best_estimator_["net"].get_params()[
        "hidden_layer_sizes"
    ] == result.best_params_.get("net__hidden_layer_sizes", (16,))
    assert len(best.user_attrs["fold_scores"]) == 2
    assert result.best_score_ == pytest.approx(np.mean(best.user_attrs["fold_scores"]))
    assert pipe["net"].callbacks is None  # the caller's estimator untouched


def test_summary_and_figures(tmp_path, iris, capsys):
    X, y = iris
    space = {
        "learning_rate": optuna.distributions.FloatDistribution(1e-3, 0.1, log=True)
    }
    result = tune(
        tiny("NeuralClassifier", epochs=3),
        X,
        y,
        n_trials=3,
        cv=2,
        search_space=space,
        random_state=0,
        refit=False,
    )
    printed = capsys.readouterr().out
    assert "3 trials: 3 complete" in printed and "Best trials:" in printed
    assert "learning_rate" in result.summary(top=2)
    assert result.best_estimator_ is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = result.save_figures(tmp_path / "figures")
    assert not [w for w in caught if "less than 2 trials" in str(w.message)]
    assert sorted(p.name for p in paths) == [
        "optimization_history.png",
        "param_importances.png",
    ]
    assert all(p.stat().st_size > 1000 for p in paths)


class PruneLaterTrials(optuna.pruners.BasePruner if installed("optuna") else object):
    """Prunes every trial but the first after its second reported epoch."""

    def prune(self, study, trial):
        return trial.number > 0 and max(trial.intermediate_values, default=-1) >= 1


def test_trials_report_every_epoch_and_pruned_trials_stop(iris):
    X, y = iris
    est = NeuralClassifier(epochs=6, random_state=0)
    space = {"learning_rate": optuna.distributions.FloatDistribution(1e-3, 1e-2)}
    result = tune(
        est,
        X,
        y,
        n_trials=3,
        cv=2,
        search_space=space,
        pruner=PruneLaterTrials(),
        show_progress_bar=False,
    )
    first, *later = result.study_.trials
    assert first.state == optuna.trial.TrialState.COMPLETE
    assert sorted(first.intermediate_values) == list(range(6))
    for trial in later:
        assert trial.state == optuna.trial.TrialState.PRUNED
        assert sorted(trial.intermediate_values) == [0, 1]  # stopped at epoch 2


class PruneAll(optuna.pruners.BasePruner if installed("optuna") else object):
    def prune(self, study, trial):
        return True


def test_no_completed_trial_is_a_clear_error(iris):
    X, y = iris
    with pytest.raises(RuntimeError, match=r"No trial .* completed \(2 pruned\)"):
        tune(
            tiny("NeuralClassifier", epochs=3),
            X,
            y,
            n_trials=2,
            cv=2,
            pruner=PruneAll(),
            show_progress_bar=False,
        )


def test_pruning_callback_survives_the_copy_made_for_each_fit():
    import copy

    trial = optuna.create_study().ask()
    callback = PruningCallback(trial, lambda: 0.5)
    copied = copy.deepcopy(callback)
    assert copied.trial is trial and copied is not callback
    copied.on_epoch_end(0)
    assert trial.storage.get_trial(trial._trial_id).intermediate_values == {0: 0.5}


def test_pruning_callback_reports_the_best_score_so_far():
    """Every trial is compared by its best epoch so far, as the pruners do."""
    trial = optuna.create_study().ask()
    scores = iter([0.5, 0.7, 0.6, 0.65, 0.8])
    callback = PruningCallback(trial, lambda: next(scores))
    for epoch in range(5):
        callback.on_epoch_end(epoch)
    reported = trial.storage.get_trial(trial._trial_id).intermediate_values
    assert reported == {0: 0.5, 1: 0.7, 2: 0.7, 3: 0.7, 4: 0.8}


def test_pruning_callback_skips_scores_that_are_not_numbers():
    trial = optuna.create_study().ask()
    scores = iter([float("nan"), 0.5, float("nan"), 0.4])
    callback = PruningCallback(trial, lambda: next(scores))
    for epoch in range(4):
        callback.on_epoch_end(epoch)
    reported = trial.storage.get_trial(trial._trial_id).intermediate_values
    assert np.isnan(reported[0])
    assert [reported[k] for k in (1, 2, 3)] == [0.5, 0.5, 0.5]


def test_a_study_in_sqlite_continues(tmp_path, iris):
    X, y = iris
    url = f"sqlite:///{tmp_path / 'tuning.db'}"
    space = SearchSpace(
        {"learning_rate": optuna.distributions.FloatDistribution(1e-3, 1e-1, log=True)}
    )
    for _ in range(2):
        tune(
            tiny("NeuralClassifier", epochs=3),
            X,
            y,
            n_trials=2,
            cv=2,
            search_space=space,
            storage=url,
            study_name="iris",
            refit=False,
            show_progress_bar=False,
        )
    study = optuna.load_study(study_name="iris", storage=url)
    assert [t.number for t in study.trials] == [0, 1, 2, 3]
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)


def test_a_search_space_function(iris):
    X, y = iris

    def space(trial):
        return {"hidden_layer_sizes": (trial.suggest_int("units", 4, 8),)}

    result = tune(
        tiny("NeuralClassifier", epochs=3),
        X,
        y,
        n_trials=2,
        cv=2,
        search_space=space,
        show_progress_bar=False,
    )
    first, *drawn = result.study_.trials
    assert first.user_attrs["as_given"] and first.params == {}
    assert [4 <= t.params["units"] <= 8 for t in drawn] == [True]
    if result.study_.best_trial.number != first.number:
        assert 4 <= result.best_params_["hidden_layer_sizes"][0] <= 8


def test_a_new_study_first_scores_the_estimator_as_given(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier", epochs=3)
    space = {"learning_rate": optuna.distributions.FloatDistribution(1e-6, 2e-6)}
    kwargs = dict(
        cv=2,
        search_space=space,
        random_state=0,
        storage=f"sqlite:///{tmp_path / 'study.db'}",
        show_progress_bar=False,
    )
    result = tune(est, X, y, n_trials=2, **kwargs)
    first, drawn = result.study_.trials
    assert first.user_attrs["as_given"] and first.params == {}
    assert first.value == pytest.approx(cross_val_score(est, X, y, cv=2).mean())
    # learning rates too small to learn anything: the estimator as given wins
    assert drawn.value < first.value and result.study_.best_trial.number == 0
    assert result.best_params_ == {}
    assert result.best_estimator_.get_params() == est.get_params()
    # continuing the study draws: no second as-given trial
    again = tune(est, X, y, n_trials=1, **kwargs)
    flags = [bool(t.user_attrs.get("as_given")) for t in again.study_.trials]
    assert flags == [True, False, False]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"pruner": "medain"}, ValueError, "Did you mean 'median'"),
        ({"n_trials": -1}, ValueError, "invalid `n_trials`"),
        ({"timeout": -1}, ValueError, "invalid `timeout`"),
        ({"search_space": [1, 2]}, TypeError, "search_space must be"),
        ({"scoring": "acuracy"}, ValueError, "`scoring`.*Did you mean 'accuracy'"),
    ],
)
def test_bad_arguments(iris, kwargs, error, match):
    X, y = iris
    with pytest.raises(error, match=match):
        tune(
            tiny("NeuralClassifier", epochs=3), X, y, show_progress_bar=False, **kwargs
        )


@pytest.mark.parametrize(
    "name, kind, prunes",
    [
        ("none", "NopPruner", False),
        ("median", "MedianPruner", False),  # not before 5 complete trials
        ("hyperband", "HyperbandPruner", True),
        ("successive_halving", "SuccessiveHalvingPruner", True),
    ],
)
def test_pruners_by_name(iris, name, kind, prunes):
    """Each name gives its Optuna pruner, which then prunes a hopeless trial.

    Successive halving (and Hyperband, its brackets) learns its rungs from
    the first completed trial, then compares the trials after it.
    """
    X, y = iris
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(storage=storage, study_name="lr", direction="maximize")
    for learning_rate in (0.05, 0.05, 1e-6):  # two trials that learn, one not
        study.enqueue_trial({"learning_rate": learning_rate})
    result = tune(
        tiny("NeuralClassifier", epochs=2),  # 2 epochs: one Hyperband bracket
        X,
        y,
        n_trials=3,
        cv=2,
        search_space={
            "learning_rate": optuna.distributions.FloatDistribution(1e-6, 0.1, log=True)
        },
        storage=storage,
        study_name="lr",
        pruner=name,
        refit=False,
        show_progress_bar=False,
    )
    assert type(result.study_.pruner) is getattr(optuna.pruners, kind)
    first, good, bad = result.study_.trials
    assert first.state == good.state == optuna.trial.TrialState.COMPLETE
    if prunes:  # stopped at its first rung: epoch 2 of the first fold
        assert bad.state == optuna.trial.TrialState.PRUNED
        assert sorted(bad.intermediate_values) == [0, 1]
        assert "fold_scores" not in bad.user_attrs  # the second fold never ran
    else:
        assert bad.state == optuna.trial.TrialState.COMPLETE
        assert bad.value < good.value


def test_the_median_pruner_waits_for_5_trials_and_2_epochs(iris):
    X, y = iris
    result = tune(
        tiny("NeuralClassifier", epochs=1),
        X,
        y,
        n_trials=1,
        cv=2,
        pruner="median",
        refit=False,
        show_progress_bar=False,
    )
    pruner = result.study_.pruner
    assert type(pruner) is optuna.pruners.MedianPruner

    def pruned_at(n_complete):
        """The first step at which a trial far below the others is pruned."""
        study = optuna.create_study(direction="maximize", pruner=pruner)
        for _ in range(n_complete):
            study.add_trial(
                optuna.trial.create_trial(
                    value=0.9, intermediate_values={s: 0.9 for s in range(5)}
                )
            )
        trial = study.ask()
        for step in range(5):
            trial.report(0.1, step)
            if trial.should_prune():
                return step
        return None

    assert pruned_at(5) == 2  # from the 3rd epoch on, once 5 trials completed
    assert pruned_at(4) is None


def test_timeout_stops_the_study(iris):
    X, y = iris
    # Every epoch takes 0.2 s or more, so every trial (2 folds of 2 epochs)
    # 0.8 s or more: a timeout of 1 s leaves room for 2 trials at most.
    slow = keras.callbacks.LambdaCallback(on_epoch_end=lambda *_: time.sleep(0.2))
    result = tune(
        tiny("NeuralClassifier", epochs=2, callbacks=[slow]),
        X,
        y,
        n_trials=20,
        timeout=1.0,
        cv=2,
        pruner=None,
        refit=False,
        show_progress_bar=False,
    )
    trials = result.study_.trials
    assert 1 <= len(trials) <= 2
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)


def test_only_skneural_estimators(iris):
    X, y = iris
    with pytest.raises(TypeError, match="No skneural estimator found in Pipeline"):
        tune(Pipeline([("lr", LogisticRegression())]), X, y, n_trials=1)


class HoldTheThirdTrial(keras.callbacks.Callback):
    """Holds a tuning worker inside its third trial until it is killed.

    Counts the fits in ``folder/fits`` (two per trial with ``cv=2``); the
    fifth, the third trial's first, writes ``folder/inside`` and sleeps for
    good. Only once: a later worker finds ``inside`` and trains on.
    """

    def __init__(self, folder):
        super().__init__()
        self.folder = str(folder)

    def on_train_begin(self, logs=None):
        fits, inside = Path(self.folder, "fits"), Path(self.folder, "inside")
        with fits.open("a") as f:
            f.write("fit\n")
        if len(fits.read_text().split()) == 5 and not inside.exists():
            inside.write_text(str(os.getpid()))
            while True:  # mid-trial: its heartbeat goes on, its fit never ends
                time.sleep(0.1)


def _worker(tmp_path, X, y, n_trials, epochs=60, callbacks=None):
    """The command line of a tuning worker on a SQLite study in tmp_path."""
    import joblib

    job, data = tmp_path / "job.joblib", tmp_path / "data.npz"
    if not job.exists():
        space = SearchSpace(
            {
                "learning_rate": optuna.distributions.FloatDistribution(
                    1e-3, 0.1, log=True
                )
            }
        )
        estimator = NeuralClassifier(epochs=epochs, callbacks=callbacks, random_state=0)
        joblib.dump({"estimator": estimator, "search_space": space}, job)
        np.savez(data, X=X, y=y)
    return [
        sys.executable, "-m", "skneural.tuning", "worker",
        "--storage", f"sqlite:///{tmp_path / 'study.db'}", "--study-name", "iris",
        "--job", str(job), "--data", str(data), "--n-trials", str(n_trials),
        "--cv", "2", "--pruner", "none", "--heartbeat", "1",
    ]  # fmt: skip


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_a_worker_killed_mid_trial_loses_nothing(tmp_path, iris):
    X, y = iris
    url = f"sqlite:///{tmp_path / 'study.db'}"
    # The worker unpickles HoldTheThirdTrial from this module.
    path = os.pathsep.join(
        filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": path}
    command = _worker(
        tmp_path, X, y, 100, epochs=5, callbacks=[HoldTheThirdTrial(tmp_path)]
    )
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    State = optuna.trial.TrialState
    deadline = time.monotonic() + 240
    try:
        while not (tmp_path / "inside").exists():
            assert worker.poll() is None, "the worker ended before its third trial"
            assert time.monotonic() < deadline, "no third trial in 4 minutes"
            time.sleep(0.2)
        states = [
            t.state for t in optuna.load_study(study_name="iris", storage=url).trials
        ]
        assert states == [State.COMPLETE, State.COMPLETE, State.RUNNING]
        worker.send_signal(signal.SIGKILL)  # mid-trial, no chance to clean up
    finally:
        worker.kill()
        worker.wait()
    assert (tmp_path / "inside").read_text() == str(worker.pid)
    before = {
        t.number: t for t in optuna.load_study(study_name="iris", storage=url).trials
    }
    killed = [n for n, t in before.items() if t.state == State.RUNNING]
    assert killed == [2], {n: t.state for n, t in before.items()}  # left running
    time.sleep(3)  # the killed trial's heartbeat goes stale (grace: 2 s)

    restart = subprocess.run(
        _worker(tmp_path, X, y, 1), env=env, capture_output=True, text=True, timeout=300
    )
    assert restart.returncode == 0, restart.stderr[-3000:]
    after = optuna.load_study(study_name="iris", storage=url).trials
    assert len({t.number for t in after}) == len(after)
    assert after[killed[0]].state == State.FAIL
    for number, trial in before.items():
        if trial.state == State.COMPLETE:  # every completed trial kept, unchanged
            assert after[number].state == State.COMPLETE
            assert after[number].value == trial.value
            assert after[number].params == trial.params
    retry = optuna.storages.RetryHeartbeatStaleTrialCallback
    retried = [t for t in after if retry.retried_trial_number(t) == killed[0]]
    assert len(retried) == 1
    assert retried[0].state == State.COMPLETE
    assert retried[0].params == before[killed[0]].params


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.skipif(
    not installed("optuna_integration"), reason="pip install optuna-integration"
)
def test_optuna_search_cv_prunes_through_partial_fit(iris):
    from optuna_integration import OptunaSearchCV

    X, y = iris
    X = StandardScaler().fit_transform(X)  # steady progress, epoch by epoch
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0),
        pruner=PruneLaterTrials(),  # every trial but the first, after 2 epochs
    )
    study.enqueue_trial({"learning_rate": 0.05})
    search = OptunaSearchCV(
        NeuralClassifier(epochs=4, random_state=0),  # refit: fit, 4 epochs
        {"learning_rate": optuna.distributions.FloatDistribution(1e-3, 0.1, log=True)},
        n_trials=3,
        cv=2,
        enable_pruning=True,
        max_iter=4,
        study=study,
    ).fit(X, y)
    first, *later = search.study_.trials  # one partial_fit epoch per step
    assert first.state == optuna.trial.TrialState.COMPLETE
    assert sorted(first.intermediate_values) == [0, 1, 2, 3]
    for trial in later:  # pruned: no third partial_fit
        assert trial.state == optuna.trial.TrialState.PRUNED
        assert sorted(trial.intermediate_values) == [0, 1]
    # Each partial_fit trains on from the last (0.85 to 0.94; chance: 0.33).
    steps = first.intermediate_values
    assert steps[3] > steps[0] and steps[3] > 0.9
    assert search.best_score_ == pytest.approx(steps[3])
    assert search.best_estimator_.n_iter_ == 4
    assert search.score(X, y) > 0.9


def test_scikit_learn_searches(iris):
    from scipy.stats import loguniform
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import (
        GridSearchCV,
        HalvingRandomSearchCV,
        RandomizedSearchCV,
    )

    X, y = iris
    est = NeuralClassifier(hidden_layer_sizes=(16,), epochs=3, random_state=0)
    grid = GridSearchCV(est, {"hidden_layer_sizes": [(8,), (16,)]}, cv=2).fit(X, y)
    assert grid.best_params_["hidden_layer_sizes"] in [(8,), (16,)]
    rand = RandomizedSearchCV(
        est, {"learning_rate": loguniform(1e-3, 1e-1)}, n_iter=3, cv=2, random_state=0
    ).fit(X, y)
    assert 1e-3 <= rand.best_params_["learning_rate"] <= 1e-1
    # Successive halving with epochs as the resource: survivors train longer.
    halving = HalvingRandomSearchCV(
        est,
        {"learning_rate": loguniform(1e-3, 1e-1)},
        resource="epochs",
        min_resources=2,
        max_resources=8,
        factor=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert halving.best_estimator_.n_iter_ == halving.best_params_["epochs"]
    assert set(halving.cv_results_["param_epochs"]) == {2, 4, 8}


@pytest.mark.skipif(not installed("distributed"), reason="pip install distributed")
def test_grid_search_on_a_dask_cluster_of_processes(iris):
    import joblib
    from dask.distributed import Client, LocalCluster, get_task_stream
    from sklearn.model_selection import GridSearchCV

    X, y = iris
    grid = {"hidden_layer_sizes": [(8,), (16,)], "learning_rate": [0.003, 0.03]}
    est = NeuralClassifier(epochs=3, random_state=0)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        with joblib.parallel_backend("dask"), get_task_stream(client) as tasks:
            search = GridSearchCV(est, grid, cv=2, n_jobs=-1).fit(X, y)
        workers = client.run(os.getpid)
    assert len(workers) == 2 and os.getpid() not in workers.values()
    assert len(tasks.data) >= 8  # the 4 candidates x 2 folds ran on the workers
    local = GridSearchCV(est, grid, cv=2).fit(X, y)  # the same fits, in-process
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


@pytest.fixture(scope="module")
def postgres_url():
    import postgres

    if postgres.binaries() is None or not installed("psycopg"):
        message = (
            "PostgreSQL is not installed: apt-get install -y postgresql, and pip "
            "install 'psycopg[binary]' (.ci/run does both)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with postgres.server() as url:
        yield url


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_workers_share_a_study_in_postgresql(tmp_path, iris, postgres_url):
    X, y = iris
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = _worker(tmp_path, X, y, 3)
    command[command.index("--storage") + 1] = postgres_url
    command[command.index("--heartbeat") + 1] = "10"
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for worker in workers:
        worker.wait(timeout=300)
        assert worker.returncode == 0
    trials = optuna.load_study(study_name="iris", storage=postgres_url).trials
    assert [t.number for t in trials] == list(range(6))  # none lost or duplicated
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    per_worker = {}
    for t in trials:
        per_worker[t.user_attrs["worker"]] = (
            per_worker.get(t.user_attrs["worker"], 0) + 1
        )
    assert sorted(per_worker.values()) == [3, 3]  # each ran its own 3
    assert {str(w.pid) for w in workers} == {k.split(":")[1] for k in per_worker}


def test_database_races_are_retried(monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from skneural.tuning import _tune

    monkeypatch.setattr(_tune.time, "sleep", lambda s: None)
    calls = []

    def create():
        calls.append(1)
        if len(calls) < 3:  # another worker created the tables first
            raise IntegrityError("CREATE TYPE studydirection", {}, Exception("dup"))
        return "storage"

    assert _tune.retrying(create) == "storage" and len(calls) == 3
    calls.clear()
    with pytest.raises(IntegrityError):
        _tune.retrying(create, attempts=2)


def test_trials_in_threads_match_trials_in_turn(iris):
    X, y = iris
    space = {"learning_rate": optuna.distributions.CategoricalDistribution([0.01])}
    scores = {}
    for n_jobs in (1, 2):
        result = tune(
            NeuralClassifier(epochs=5, random_state=0),
            X,
            y,
            n_trials=4,
            cv=2,
            n_jobs=n_jobs,
            search_space=space,
            pruner=None,
            refit=False,
            show_progress_bar=False,
        )
        scores[n_jobs] = [
            t.user_attrs["fold_scores"] for t in result.study_.trials if t.params
        ]
    # Same parameters and seed: every trial, concurrent or not, scores the same.
    assert all(s == scores[1][0] for s in scores[1] + scores[2])
